#!/usr/bin/env bats
# A password given in a URL does not stay on the command line: ps and
# /proc/PID/cmdline show x's in its place while mig-extract, mig-load and
# mig-verify run (they keep their own copies), and no message repeats it.
load lib-common

setup() {
	require_servers
	db=$(test_db)
	pg_newdb "$db"
	pgq "$db" "CREATE TABLE big AS SELECT g AS id, repeat('v', 40) AS v FROM generate_series(1, 100000) g;
		ALTER TABLE big ADD PRIMARY KEY (id); CREATE TABLE t (id int, v text)"
	# the test server trusts local connections: the password is carried, never checked
	P="postgresql://postgres:Secr3tPw@/$db?host=$MIG_PG_SOCK&port=$MIG_PG_PORT"
	Q="host=$MIG_PG_SOCK port=$MIG_PG_PORT dbname=$db user=postgres password=An0therPw"
	M="mysql://mig_pw:MyS3cret@localhost/$db?socket=$MIG_MY_SOCK"
	my_newdb "$db"
	myq "$db" "CREATE TABLE t (id int, v text);
		CREATE USER IF NOT EXISTS 'mig_pw'@'localhost' IDENTIFIED BY 'MyS3cret';
		GRANT ALL ON \`$db\`.* TO 'mig_pw'@'localhost'"
	cd "$BATS_TEST_TMPDIR"
	mkfifo in.fifo
}

# The command line of pid $1, arguments joined by spaces.
cmdline() {
	tr '\0' ' ' < "/proc/$1/cmdline"
}

# Wait until pid $1 has started to run main (its cmdline no longer that of bash).
settle() {
	local i
	for i in $(seq 50); do
		grep -q "mig-" "/proc/$1/cmdline" 2>/dev/null && sleep 0.3 && return 0
		sleep 0.1
	done
}

@test "mig-load: the password in a URI and in a conninfo string is gone from /proc/PID/cmdline" {
	local url pw
	for url in "$P" "$Q" "$M"; do
		mig-load -q "$url" in.fifo >/dev/null 2>err & pid=$!
		settle "$pid"
		cmd=$(cmdline "$pid")
		exec 7>in.fifo; printf '@t,id:int,v\nt,1,a\n' >&7; exec 7>&-
		wait "$pid" || { cat err; return 1; }
		for pw in Secr3tPw An0therPw MyS3cret; do
			[[ "$cmd" != *"$pw"* ]] || { echo "$cmd"; return 1; }
		done
		[[ "$cmd" == *xxxxxxxx* ]]
		! grep -q 'Secr3tPw\|An0therPw\|MyS3cret' err
	done
	[ "$(pgq "$db" "SELECT count(*) FROM t")" = 2 ]
	[ "$(myq "$db" "SELECT count(*) FROM t")" = 1 ]
}

@test "mig-extract and mig-verify: the password is gone while they run" {
	mig-extract -q "$P" big | { sleep 2; cat >/dev/null; } & 
	sleep 1
	pid=$(pgrep -n -f "^mig-extract -q postgresql" || pgrep -n mig-extract)
	cmd=$(cmdline "$pid")
	wait
	[[ "$cmd" != *Secr3tPw* ]] && [[ "$cmd" == *postgres:xxxxxxxx@* ]]
	mig-verify -q -t "$P" "stream in.fifo" >/dev/null 2>&1 & pid=$!
	settle "$pid"
	cmd=$(cmdline "$pid")
	exec 7>in.fifo; printf '@t,id:int,v\n' >&7; exec 7>&-
	wait "$pid" || true
	[[ "$cmd" != *Secr3tPw* ]] && [[ "$cmd" == *postgres:xxxxxxxx@* ]]
}

@test "a malformed URL with a password is refused without repeating it" {
	run -2 --separate-stderr mig-load "mysql://root:MyS3cret@localhost:notaport/db" in.fifo
	[[ "$stderr" == "mig-load: target: "* ]]
	[[ "$stderr" != *MyS3cret* ]]
}
