# pipelines/medical/lib.sh - shell helpers shared by the medical pipeline's
# scripts: which database a URL names, running SQL there with the
# database's own client (psql, mariadb), and the stages every per-table
# script is made of (extract, rewire through the crosswalks, save, load),
# so such a script states only its table and its rules.  Sourced, never run.
#
# URLs are the ones every mig tool takes (see dburl in mig-extract(1)):
#   postgresql://...  postgres://...  (handed to psql less its password,
#                                      which goes in PGPASSWORD; PG* variables,
#                                      ~/.pgpass and service files apply)
#   mysql://[user[:password]@][host][:port]/db?socket=PATH&option-file=PATH&group=NAME
#   (mariadb:// alike).  A password in a URL reaches the client through
#   MYSQL_PWD, never its command line, and no URL is ever logged.

# the run log, stats_line and commit; the SQL helpers below replace
# common.sh's, which speak only to PostgreSQL
# shellcheck source=../lib/common.sh
. "$(dirname "${BASH_SOURCE[0]}")/../lib/common.sh"

# Every tool's #!stats lines carry its wall and CPU time (ms=, cpu_ms=),
# which mig-report shows per stage; MIG_STATS_TIME=0 turns that off.
export MIG_STATS_TIME=${MIG_STATS_TIME-1}

# pg or my
db_kind() {
	case $1 in
	postgresql:* | postgres:* | *dbname=* | service=*) echo pg ;;
	mysql:* | mariadb:*) echo my ;;
	*) echo "medical: unsupported database URL (postgresql:// or mysql:// expected)" >&2; return 2 ;;
	esac
}

# Query-string parameter $2 of URL $1, decoded from %XX.
_url_param() {
	local q=${1#*\?}
	[ "$q" = "$1" ] && return 0
	printf '%s\n' "$q" | tr '&' '\n' | sed -n "s/^$2=//p" | head -n 1 |
		sed 's/%\([0-9A-Fa-f][0-9A-Fa-f]\)/\\x\1/g' | xargs -0 printf '%b' | tr -d '\n'
}

# Sets MY_ARGS (an array for mariadb) and MY_DB from a mysql:// URL; exports
# MYSQL_PWD when the URL has a password.
my_parse() {
	local url=$1 rest auth hostport host port sock optf grp
	rest=${url#*://}
	rest=${rest%%\?*}
	MY_DB=${rest#*/}
	[ "$MY_DB" = "$rest" ] && MY_DB=
	hostport=${rest%%/*}
	auth=
	case $hostport in *@*) auth=${hostport%@*}; hostport=${hostport##*@} ;; esac
	host=${hostport%%:*}
	port=
	case $hostport in *:*) port=${hostport##*:} ;; esac
	sock=$(_url_param "$url" socket)
	optf=$(_url_param "$url" option-file)
	grp=$(_url_param "$url" group)
	MY_ARGS=()
	if [ -n "$optf" ]; then MY_ARGS+=("--defaults-extra-file=$optf"); fi
	if [ -n "$grp" ]; then MY_ARGS+=("--defaults-group-suffix=${grp#client}"); fi
	if [ -n "$auth" ]; then
		MY_ARGS+=("--user=${auth%%:*}")
		case $auth in *:*) export MYSQL_PWD="${auth#*:}" ;; esac
	fi
	if [ -n "$sock" ]; then
		MY_ARGS+=("--socket=$sock")
	elif [ -n "$host" ]; then
		MY_ARGS+=("--host=$host" --protocol=tcp)
	fi
	if [ -n "$port" ]; then MY_ARGS+=("--port=$port"); fi
	return 0
}

# psql ARGS... against URL $1, its password (user:password@, password=...)
# moved from the URL into PGPASSWORD, so that no command line shows it.
pg_client() {
	local url=$1 pw= rest userinfo q
	shift
	case $url in
	*://*)
		rest=${url#*://}
		rest=${rest%%[/?]*}
		case $rest in *@*)
			userinfo=${rest%@*}
			case $userinfo in *:*)
				pw=$(printf '%s' "${userinfo#*:}" | sed 's/%\([0-9A-Fa-f][0-9A-Fa-f]\)/\\x\1/g' | xargs -0 printf '%b')
				url=${url/"$userinfo@"/"${userinfo%%:*}@"} ;;
			esac ;;
		esac
		q=$(_url_param "$url" password)
		if [ -n "$q" ]; then
			pw=$q
			url=$(printf '%s' "$url" | sed -E 's/([?&])password=[^&]*(&|$)/\1/; s/[?&]$//')
		fi ;;
	*password=*)
		pw=$(printf '%s\n' "$url" | sed -n "s/.*password=\\('\\([^']*\\)'\\|\\([^ ]*\\)\\).*/\\2\\3/p")
		url=$(printf '%s' "$url" | sed -E "s/password=('[^']*'|[^ ]*)//") ;;
	esac
	if [ -n "$pw" ]; then
		PGPASSWORD=$pw PGOPTIONS="-c client_min_messages=warning" psql -X -q -v ON_ERROR_STOP=1 -d "$url" "$@"
	else
		PGOPTIONS="-c client_min_messages=warning" psql -X -q -v ON_ERROR_STOP=1 -d "$url" "$@"
	fi
}

# Run the SQL on stdin (or files given) against URL, stopping at the first error.
db_sql() {
	local url=$1; shift
	case $(db_kind "$url") in
	pg)
		pg_client "$url" "${@/#/--file=}" ;;
	my)
		my_parse "$url"
		if [ $# -eq 0 ]; then
			mariadb "${MY_ARGS[@]}" --local-infile=1 "$MY_DB"
		else
			cat "$@" | mariadb "${MY_ARGS[@]}" --local-infile=1 "$MY_DB"
		fi ;;
	esac
}

# Run one query, print rows tab-separated, no headers.
db_query() {
	local url=$1; shift
	case $(db_kind "$url") in
	pg) pg_client "$url" -At -F "$(printf '\t')" -c "$*" ;;
	my) my_parse "$url"; mariadb "${MY_ARGS[@]}" --batch --skip-column-names "$MY_DB" -e "$*" ;;
	esac
}

# pg or my, as the schema files are named.
db_dialect() {
	db_kind "$1"
}

# True when URL's database already has the v2 tables (patients stands for
# them: v1 has no such table).  A failed query ends the script: callers
# test this in an if, where set -e would not.
has_v2_tables() {
	local q n
	if [ "$(db_kind "$1")" = pg ]; then
		q="SELECT count(*) FROM information_schema.tables WHERE table_schema = current_schema() AND table_name = 'patients'"
	else
		q="SELECT count(*) FROM information_schema.tables WHERE table_schema = database() AND table_name = 'patients'"
	fi
	n=$(db_query "$1" "$q") || exit 2
	[ "$n" != 0 ]
}

# Every script starts here: the run directory's layout, and the tools.
step_init() {
	: "${RUN:?set RUN (make sets it)}" "${SRC:?set SRC=URL}" "${DST:?set DST=URL}"
	# rules files name their lookup tables relative to the pipeline
	cd "$here"
	S=$RUN/streams
	mkdir -p "$RUN" "$S" "$RUN/done" "$RUN/checkpoints" "$RUN/rejects" "$RUN/audit"
	# crosswalks and audits hold keys and emails: keep them private
	chmod 700 "$RUN"
	# A shard (SHARD=i/n, shard.sh) reads the crosswalks of the whole run
	# from XWALK_DIR and keeps its own streams and checkpoints in RUN.
	X_USER=${XWALK_DIR:-$RUN}/old_user_id__to__new_user_id.csv
	X_PATIENT=${XWALK_DIR:-$RUN}/old_user_id__to__new_patient_id.csv
	STAFF_ROLES="'DOCTOR', 'NURSE', 'ADMIN', 'SECRETARY', 'SUPER_ADMIN'"
	# Patients' new keys are UUID v5 of the old id in this namespace, so a
	# rerun, a resume or a shard on another host gives every patient the
	# same id without sharing the crosswalk.
	PATIENT_NS=5b0e5c6a-6d2f-5a43-9a3e-2f1d7c0a8e11
}

# Load $S/TABLE.csv into DST in checkpointed batches; rerunning the same
# command after a crash finishes the job (mig-load(1), --checkpoint).  Mark
# the table done only when the load and its count check passed.  Loads of
# different tables may run at once, deferred or not: mig-load locks each
# table's deferred definitions on its own.
load_table() {
	local t=$1 opts=()
	if [ -n "${UPSERT:-}" ]; then opts+=(--upsert); fi
	# DEFER=all: keys too (the streams are unique by construction, see the
	# Makefile), except under --upsert, whose ON CONFLICT needs them.
	case ${DEFER:-} in
	'') ;;
	all) if [ -n "${UPSERT:-}" ]; then opts+=(--defer-constraints); else opts+=(--defer-constraints=all); fi ;;
	*) opts+=(--defer-constraints) ;;
	esac
	# REBUILD_JOBS=N: the deferred indexes rebuilt over N sessions at once.
	if [ -n "${DEFER:-}" ] && [ -n "${REBUILD_JOBS:-}" ]; then opts+=(--jobs "$REBUILD_JOBS"); fi
	log "$t: load into $(db_kind "$DST") target"
	mig-load -q -b "${BATCH:-50000}" -c "$RUN/checkpoints/$t.json" "${opts[@]}" \
		"$DST" "$S/$t.csv" > "$S/$t.loaded.csv"
	log "$t: $(stats_line "$S/$t.loaded.csv" mig-load "$t")"
	touch "$RUN/done/$t"
}

# What a per-table script calls last: table_main TABLE "$@".  The script
# defines stream(), which writes TABLE's v2 stream to stdout; "stream" saves
# that as $S/TABLE.csv, "load" loads the saved one into DST.
table_main() {
	local t=$1
	step_init
	case ${2:-} in
	stream)
		stream > "$S/$t.csv.part"
		if [ -e "$S/v1_$t.csv.part" ]; then commit "$S/v1_$t.csv"; fi
		commit "$S/$t.csv"
		log "$t: $(stats_line "$S/$t.csv" '[^ ]*' "$t")" ;;
	load)
		load_table "$t" ;;
	*)
		echo "usage: $t.sh stream|load" >&2; exit 2 ;;
	esac
}

# Extract v1 TABLE from SRC to stdout, the next stage reading it as it
# comes, and keep a copy in $S/v1_TABLE.csv.part (for verify and for reruns
# of the later stages), which the caller commits once its whole pipeline
# succeeded (table_main does).  Further arguments go to mig-extract before
# the source (--tee FIFO: one more reader of the same rows).  mig-extract
# writes the copies itself (--tee): a tee(1) between would read and write
# every byte once more, 8 KiB at a time.
extract_v1() {
	local t=$1 shard=()
	shift
	log "$t: extract from $(db_kind "$SRC") source"
	if [ -n "${SHARD:-}" ]; then shard=(--shard "$SHARD"); fi
	mig-extract -q "${shard[@]}" --tee "$S/v1_$t.csv.part" "$@" "$SRC" "$t"
}

# Filter: TABLE's patient_id to the patient's UUID and doctor_id (NULL
# stays NULL) to the staff member's new id, through the two crosswalks.  A
# reference to nobody, or to a person of the wrong kind, stops the run
# naming the row (mig-rekey --on-missing error).
rewire_people() {
	mig-rekey -q -l patients="$X_PATIENT" -l users="$X_USER" \
		-r "$1.patient_id=patients" -r "$1.doctor_id=users" -m error
}

# Filter: new keys for the people of v2 table TABLE (users or patients):
# id by KEYSPEC (mig-rekey -k), the v1 id kept in legacy_user_id and written
# to crosswalk XWALK, emails made unique case-insensitively with every
# change in audit/TABLE_email.csv.
new_person_keys() {
	local t=$1 keyspec=$2 xwalk=$3
	mig-rekey -q -k "$t.id=$keyspec" --keep-old "$t.legacy_user_id" \
		-x "$t=$xwalk" --unique-nocase "$t.email" \
		-a "$RUN/audit/${t}_email.csv"
}
