#!/usr/bin/env bash
# bench/bench.bash - make bench: the medical migration (pipelines/medical)
# and its "split and rekey only" variant (bench/lite) timed against the
# databases' own bulk paths and against peers.  See bench/README.md for
# the method; bench/run.sh is the entry point.
#
#   BENCH_SCALE=n or SCALE=n   v1 users (default 1000000: 3n appointments,
#                n medical cases)
#   RUNS=n       runs per figure, the median is reported (default 3)
#   PY_SCALE=n   v1 users for the Python peer (default min(SCALE, 100000))
#   REKEY_KEYS="1000000 10000000"   key counts for mig-rekey's memory figure
#   ONLY="lite floor naive mig stages peers rekey shards shop"   groups to
#                run (default all; lite: the split-and-rekey floor and mig
#                against it, interleaved; naive: the naive floor, the slowest figure of
#                all; shards: the sharded run on 1-3 namespace hosts, as
#                root; shop: pipelines/shop against its SQL script)
#   SHOP_SCALE=n orders for the shop group (default 1000000)
#   KEEP=1       keep the work directory (streams, logs) after the run
#   BENCH_TMP=dir  where the work directory goes (default /tmp)
#
# Starts its own PostgreSQL and MariaDB (tests/lib-servers.bash) and stops
# them on exit, whatever happens.
set -eu -o pipefail

BENCH=$(cd "$(dirname "$0")" && pwd)
TOP=$(cd "$BENCH/.." && pwd)
MED=$TOP/pipelines/medical
SCALE=${BENCH_SCALE:-${SCALE:-1000000}}
RUNS=${RUNS:-3}
PY_SCALE=${PY_SCALE:-$((SCALE < 100000 ? SCALE : 100000))}
REKEY_KEYS=${REKEY_KEYS:-1000000 10000000}
ONLY=${ONLY:-lite floor naive mig stages peers rekey shards shop}
RESULTS=$BENCH/results

# shellcheck source=tests/lib-servers.bash
. "$TOP/tests/lib-servers.bash"
# shellcheck source=pipelines/medical/lib.sh
. "$MED/lib.sh"
# shellcheck source=bench/floor.bash
. "$BENCH/floor.bash"

say() { printf 'bench: %s\n' "$*" >&2; }
want() { [[ " $ONLY " == *" $1 "* ]]; }
# The groups that run on the medical v1 data (rekey and shop bring their own).
want_v1() { want lite || want floor || want naive || want mig || want stages || want peers || want shards; }

LOAD0=$(cut -d' ' -f1-3 /proc/loadavg)
WORK=$(mktemp -d "${BENCH_TMP:-/tmp}/mig-bench.XXXXXX")
chmod 755 "$WORK"
cleanup() {
	local rc=$?
	if declare -F netns_down >/dev/null; then netns_down || true; fi
	mig_servers_stop "$WORK/srv" || true
	if [ -n "${KEEP:-}" ]; then say "work directory kept: $WORK"; else rm -rf "$WORK"; fi
	exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# ---------------------------------------------------------------- setup
for t in mig-extract mig-split mig-map mig-rekey mig-load; do
	[ -x "$TOP/bin/$t" ] || make -C "$TOP" -j1 "bin/$t" >&2
done
DATA=$MED/data/$SCALE-1
if want_v1; then
	make -C "$MED" -s data SCALE="$SCALE" >&2
fi
if want peers; then
	make -C "$MED" -s data SCALE="$PY_SCALE" >&2
fi

say "starting servers in $WORK/srv"
mig_servers_start "$WORK/srv" >&2
PG_SRC=$(pg_url old_moh)
PG_DST=$(pg_url new_moh)
MY_SRC=$(my_url old_moh)

# The wrapper directory: every mig tool the pipeline runs goes through
# bench/wrap.bash (peak RSS of each process; capture for the replays).
# The tools are copied first: the figures of one run are of one build.
mkdir -p "$WORK/wrap" "$WORK/bin"
for t in "$TOP"/bin/mig-*; do
	cp "$t" "$WORK/bin/"
	ln -s "$BENCH/wrap.bash" "$WORK/wrap/${t##*/}"
done
export BENCH_REAL=$WORK/bin BENCH_LOG=$WORK/rss.log
: > "$BENCH_LOG"
RES=$WORK/results.tsv
: > "$RES"

declare -A N
ROWS=0
if want_v1; then
	say "loading v1 ($SCALE users) into PostgreSQL and MariaDB"
	pg_newdb old_moh
	pgq old_moh "CREATE EXTENSION \"uuid-ossp\"" >/dev/null
	"$MED/load-v1.sh" "$PG_SRC" "$DATA" >&2
	my_newdb old_moh >&2
	"$MED/load-v1.sh" "$MY_SRC" "$DATA" >&2
	while read -r k v; do N[$k]=$v; done < "$DATA/counts.txt"
	ROWS=$((N[users] + N[appointments] + N[medical_cases]))
fi

# ---------------------------------------------------------------- timing
# run_once CMD...: run CMD once; sets WALL (s), CPU (user + system of the
# processes CMD ran under tm or through the wrapper: client side only, a
# database server's own work is not in it), SRV (user + system of both
# database servers over the same time) and RSS (their largest peak, kB).
tm() { /usr/bin/time -a -o "$WORK/rss.cur" -f '%M %U %S' "$@"; }
# srv_cpu: clock ticks both servers have used so far: the postmaster's
# own and its reaped children's (backends that have ended), those of the
# children still running, and mariadbd's (whose ended threads its process
# counts).  A backend reaped while its siblings are read would count
# twice or not at all: read again until the reaped total stands still.
srv_cpu() {
	local pm my c a b n=0 kids
	pm=$(head -n 1 "$WORK/srv/pg/postmaster.pid" 2>/dev/null) || pm=
	my=$(cat "$WORK/srv/my.pid" 2>/dev/null) || my=
	reaped() { sed 's/^.*) //' "/proc/$pm/stat" 2>/dev/null | awk '{ print $14 + $15 }'; }
	while :; do
		a=$([ -n "$pm" ] && reaped)
		kids=$({
			if [ -n "$pm" ]; then
				cat "/proc/$pm/stat"
				for c in $(pgrep -P "$pm"); do cat "/proc/$c/stat"; done
			fi
			[ -n "$my" ] && cat "/proc/$my/stat"
		} 2>/dev/null | sed 's/^.*) //' | awk '{ s += $12 + $13 + $14 + $15 } END { print s + 0 }')
		b=$([ -n "$pm" ] && reaped)
		n=$((n + 1))
		[ "$a" = "$b" ] || [ "$n" -ge 10 ] && break
	done
	echo "$kids"
}
HZ=$(getconf CLK_TCK)
median() { sort -g | awk '{ a[NR] = $1 } END { printf "%.3f", NR % 2 ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2 }'; }
run_once() {
	local t0 t1 pos s0
	: > "$WORK/rss.cur"
	pos=$(wc -l < "$BENCH_LOG")
	s0=$(srv_cpu)
	t0=$EPOCHREALTIME
	"$@"
	t1=$EPOCHREALTIME
	SRV=$(awk -v a="$s0" -v b="$(srv_cpu)" -v hz="$HZ" 'BEGIN { printf "%.2f", (b - a) / hz }')
	WALL=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f", b - a }')
	{ awk '!/^Command/ { print $1, $2 + $3 }' "$WORK/rss.cur"
	  tail -n +$((pos + 1)) "$BENCH_LOG" | awk '!/^Command/ { print $3, $5 + $6 }'; } > "$WORK/rss.run"
	RSS=$(awk '$1 > m { m = $1 } END { print m + 0 }' "$WORK/rss.run")
	CPU=$(awk '{ c += $2 } END { printf "%.3f", c }' "$WORK/rss.run")
}
# record GROUP NAME ROWS BYTES "WALLS" "CPUS" "SRVS" RSS [VERIFIED]: one
# line of the results (median wall, client CPU and server CPU of the runs).
record() {
	local group=$1 name=$2 rows=$3 bytes=$4 walls=$5 cpus=$6 srvs=$7 rss=$8 ver=${9:--} med cpu srv
	# shellcheck disable=SC2086 # one run a word
	med=$(printf '%s\n' $walls | median)
	# shellcheck disable=SC2086
	cpu=$(printf '%s\n' $cpus | median)
	# shellcheck disable=SC2086
	srv=$(printf '%s\n' $srvs | median)
	printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$group" "$name" "$rows" "$bytes" "$med" "$rss" "$walls" "$cpu" "$ver" "$srv" >> "$RES"
	printf 'bench: %-44s %10s rows %9.2f s %12.0f rows/s %8s kB %s\n' "$name" "$rows" "$med" \
		"$(awk -v a="$rows" -v b="$med" 'BEGIN { print (b > 0 ? a / b : 0) }')" "$rss" "$ver" >&2
}
# measure GROUP NAME ROWS BYTES PREP CMD...: run PREP (untimed) then CMD,
# RUNS times in a row, and record the figure.
measure() {
	local group=$1 name=$2 rows=$3 bytes=$4 prep=$5 r walls='' cpus='' srvs='' rss=0
	shift 5
	for ((r = 1; r <= RUNS; r++)); do
		$prep
		run_once "$@"
		walls+="$WALL " cpus+="$CPU " srvs+="$SRV "
		[ "$RSS" -gt "$rss" ] && rss=$RSS
	done
	record "$group" "$name" "$rows" "$bytes" "$walls" "$cpus" "$srvs" "$rss"
}
# interleave GROUP ROWS BYTES FIG...: the figures in turn, RUNS rounds, so
# a machine that grows busier or quieter weighs on every figure alike.  A
# figure F is FIG_NAME[F], FIG_PREP[F] and FIG_RUN[F] (commands, eval'd)
# and FIG_CHECK[F], a command run after each run (untimed) whose output
# must equal the first figure's first run's: its rows, verified.
declare -A FIG_NAME FIG_PREP FIG_RUN FIG_CHECK
interleave() {
	local group=$1 rows=$2 bytes=$3 r f ref=
	shift 3
	declare -A walls cpus srvs rss ver
	for ((r = 1; r <= RUNS; r++)); do
		for f in "$@"; do
			eval "${FIG_PREP[$f]}"
			run_once eval "${FIG_RUN[$f]}"
			walls[$f]+="$WALL " cpus[$f]+="$CPU " srvs[$f]+="$SRV "
			[ "$RSS" -gt "${rss[$f]:-0}" ] && rss[$f]=$RSS
			eval "${FIG_CHECK[$f]}" > "$WORK/check.cur"
			if [ -z "$ref" ]; then
				ref=$WORK/check.ref
				cp "$WORK/check.cur" "$ref"
			fi
			if cmp -s "$ref" "$WORK/check.cur"; then
				[ "${ver[$f]:-}" = no ] || ver[$f]=yes
			else
				ver[$f]=no
				say "${FIG_NAME[$f]}: run $r: the target's rows differ from ${FIG_NAME[$1]}'s:"
				diff "$ref" "$WORK/check.cur" >&2 || true
			fi
		done
	done
	for f in "$@"; do
		record "$group" "${FIG_NAME[$f]}" "$rows" "$bytes" "${walls[$f]}" "${cpus[$f]}" "${srvs[$f]}" "${rss[$f]}" "verified=${ver[$f]}"
	done
}

fresh_pg() { pg_newdb "$1"; }
fresh_dst() { pg_newdb new_moh; }
fresh_dst_v2() { pg_newdb new_moh; db_sql "$PG_DST" "$MED/schema/v2.pg.sql" >/dev/null; }

# The constraints and indexes of the v2 tables in schema $2 of database $1:
# print them as SQL (primary and unique keys and checks, then plain
# indexes, then foreign keys), then drop them, leaving bare tables.
strip_constraints() {
	local db=$1 sc=$2
	pgq "$db" "SELECT format('ALTER TABLE %I.%I ADD CONSTRAINT %I %s;', n.nspname, r.relname, c.conname, pg_get_constraintdef(c.oid))
		FROM pg_constraint c JOIN pg_class r ON r.oid = c.conrelid JOIN pg_namespace n ON n.oid = r.relnamespace
		WHERE n.nspname = '$sc' AND c.contype IN ('p', 'u', 'c') ORDER BY c.contype, r.relname"
	pgq "$db" "SELECT pg_get_indexdef(i.indexrelid) || ';' FROM pg_index i JOIN pg_class r ON r.oid = i.indrelid
		JOIN pg_namespace n ON n.oid = r.relnamespace
		WHERE n.nspname = '$sc' AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid)"
	pgq "$db" "SELECT format('ALTER TABLE %I.%I ADD CONSTRAINT %I %s;', n.nspname, r.relname, c.conname, pg_get_constraintdef(c.oid))
		FROM pg_constraint c JOIN pg_class r ON r.oid = c.conrelid JOIN pg_namespace n ON n.oid = r.relnamespace
		WHERE n.nspname = '$sc' AND c.contype = 'f' ORDER BY r.relname"
	pgq "$db" "SELECT format('ALTER TABLE %I.%I DROP CONSTRAINT %I;', n.nspname, r.relname, c.conname)
		FROM pg_constraint c JOIN pg_class r ON r.oid = c.conrelid JOIN pg_namespace n ON n.oid = r.relnamespace
		WHERE n.nspname = '$sc' AND c.contype IN ('f', 'p', 'u', 'c') ORDER BY c.contype <> 'f'" > "$WORK/drop.sql"
	pgq "$db" "SELECT format('DROP INDEX %I.%I;', n.nspname, x.relname) FROM pg_index i
		JOIN pg_class x ON x.oid = i.indexrelid JOIN pg_namespace n ON n.oid = x.relnamespace
		WHERE n.nspname = '$sc' AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid)" >> "$WORK/drop.sql"
	pgq "$db" "$(cat "$WORK/drop.sql")" >/dev/null
}

copy_table() {
	local t=$1
	tm psql -X -q -v ON_ERROR_STOP=1 -d "$PG_SRC" -c "COPY ($(floor_select public "$t")) TO STDOUT" |
		tm psql -X -q -v ON_ERROR_STOP=1 -d "$PG_DST" -c "COPY $t ($(floor_cols "$t")) FROM STDIN"
}
floor_naive() {
	local t
	for t in $FLOOR_TABLES; do copy_table "$t"; done
}
prep_bare() {
	fresh_dst_v2
	strip_constraints new_moh public > "$WORK/constrain.sql"
}
floor_ltc() {
	local t
	for t in $FLOOR_TABLES; do copy_table "$t"; done
	tm psql -X -q -v ON_ERROR_STOP=1 -d "$PG_DST" -f "$WORK/constrain.sql"
}
prep_inserver() {
	pgq old_moh "DROP SCHEMA IF EXISTS v2 CASCADE; CREATE SCHEMA v2" >/dev/null
	{ echo "SET search_path = v2, public;"; cat "$MED/schema/v2.pg.sql"; } | db_sql "$PG_SRC" >/dev/null
	strip_constraints old_moh v2 > "$WORK/constrain-v2.sql"
}
floor_inserver() {
	local t
	{
		echo "BEGIN;"
		for t in $FLOOR_TABLES; do echo "INSERT INTO v2.$t ($(floor_cols "$t")) $(floor_select public "$t");"; done
		cat "$WORK/constrain-v2.sql"
		echo "COMMIT;"
	} > "$WORK/inserver.sql"
	tm psql -X -q -v ON_ERROR_STOP=1 -d "$PG_SRC" -f "$WORK/inserver.sql"
}

# The medical pipeline's own Makefile, for the four v2 tables the bench
# moves, with the tools behind the wrapper.  Extra arguments go to make
# (DEFER=, ...).
MIG_TARGETS="users patients appointments medical_cases"
prep_run() { rm -rf "$WORK/run"; fresh_dst; }
mig_pipeline() {
	local src=$1 t targets=()
	shift
	for t in $MIG_TARGETS; do targets+=("$WORK/run/done/$t"); done
	make -s -j2 -f "$MED/Makefile" MIG_BIN="$WORK/wrap" RUN="$WORK/run" SRC="$src" DST="$PG_DST" \
		"$@" "${targets[@]}" > "$WORK/make.log" 2>&1 || { cat "$WORK/make.log" >&2; return 1; }
}
stream_bytes() {
	local t b=0
	for t in v1_users v1_appointments v1_medical_cases; do
		b=$((b + $(stat -c %s "$WORK/run/streams/$t.csv")))
	done
	echo "$b"
}

# ---------------------------------------------------------------- lite
# The "split and rekey only" scenario (issue 19's primary floor): the SQL
# floor (lite_select in floor.bash) and bench/lite's pipeline produce the
# same rows, into bench/lite/v2.pg.sql.
LITE=$BENCH/lite
lite_v2() { pg_newdb new_moh; db_sql "$PG_DST" "$LITE/v2.pg.sql" >/dev/null; }
# Per table: the row count and an order-independent checksum of the rows'
# text (the sum of the first 64 bits of each row's md5), in UTC.
lite_sums() {
	local t
	for t in $LITE_TABLES; do
		PGTZ=UTC pgq new_moh "SELECT '$t', count(*), coalesce(sum(('x' || left(md5(t::text), 16))::bit(64)::bigint::numeric), 0) FROM $t t"
	done
}
lite_copy() {
	local t=$1
	PGTZ=UTC tm psql -X -q -v ON_ERROR_STOP=1 -d "$PG_SRC" -c "COPY ($(lite_select public "$t")) TO STDOUT" |
		PGTZ=UTC tm psql -X -q -v ON_ERROR_STOP=1 -d "$PG_DST" -c "COPY $t ($(lite_cols "$t")) FROM STDIN"
}
lite_prep_floor() { lite_v2; strip_constraints new_moh public > "$WORK/lite-constrain.sql"; }
lite_floor() {
	local t
	for t in $LITE_TABLES; do lite_copy "$t"; done
	tm psql -X -q -v ON_ERROR_STOP=1 -d "$PG_DST" -f "$WORK/lite-constrain.sql"
}
lite_prep_run() { rm -rf "$WORK/lrun"; lite_v2; }
lite_pipeline() {
	make -s -j2 -f "$LITE/Makefile" MIG_BIN="$WORK/wrap" RUN="$WORK/lrun" SRC="$1" DST="$PG_DST" \
		> "$WORK/lite.log" 2>&1 || { cat "$WORK/lite.log" >&2; return 1; }
}
lite_bytes() {
	local t b=0
	for t in v1_users v1_appointments v1_medical_cases; do
		b=$((b + $(stat -c %s "$WORK/lrun/streams/$t.csv")))
	done
	echo "$b"
}
if want lite || want stages; then
	say "lite: capture run (untimed)"
	lite_prep_run
	mkdir -p "$WORK/lcap"
	BENCH_CAP=$WORK/lcap lite_pipeline "$PG_SRC"
	LBYTES=$(lite_bytes)
fi
if want lite; then
	say "lite: the split-and-rekey floor and mig, interleaved"
	FIG_NAME[f]="lite floor: COPY (split+rekey), then constraints"
	FIG_PREP[f]=lite_prep_floor FIG_RUN[f]=lite_floor FIG_CHECK[f]=lite_sums
	# shellcheck disable=SC2016 # expanded when interleave evals them
	FIG_NAME[p]="lite mig PG->PG" FIG_PREP[p]=lite_prep_run
	FIG_RUN[p]='lite_pipeline "$PG_SRC"' FIG_CHECK[p]=lite_sums
	FIG_NAME[m]="lite mig MariaDB->PG" FIG_PREP[m]=lite_prep_run
	FIG_RUN[m]='lite_pipeline "$MY_SRC"' FIG_CHECK[m]=lite_sums
	interleave lite "$ROWS" "$LBYTES" f p m
fi

# One untimed capture run: the per-stage replays and the stream sizes come
# from it (and it proves the pipeline works before anything is timed).
if want floor || want naive || want mig || want stages || want peers; then
	say "mig: capture run (untimed)"
	prep_run
	mkdir -p "$WORK/cap"
	BENCH_CAP=$WORK/cap mig_pipeline "$PG_SRC"
	SBYTES=$(stream_bytes)
fi

if want floor; then
	say "floor: PostgreSQL to PostgreSQL in SQL"
	measure floor "floor: COPY, then constraints (load-then-constrain)" "$ROWS" "$SBYTES" prep_bare floor_ltc
	measure floor "floor: in-server INSERT ... SELECT, then constraints" "$ROWS" "$SBYTES" prep_inserver floor_inserver
	pgq old_moh "DROP SCHEMA v2 CASCADE" >/dev/null
fi
if want naive; then
	measure floor "floor: COPY into constrained v2 (naive)" "$ROWS" "$SBYTES" fresh_dst_v2 floor_naive
fi

if want mig; then
	say "mig: the medical pipeline, make -j2"
	measure mig "mig PG->PG, pipeline as shipped" "$ROWS" "$SBYTES" prep_run mig_pipeline "$PG_SRC"
	measure mig "mig MariaDB->PG, pipeline as shipped" "$ROWS" "$SBYTES" prep_run mig_pipeline "$MY_SRC"
	if want naive; then
		measure mig "mig PG->PG, DEFER= (constraints live)" "$ROWS" "$SBYTES" prep_run mig_pipeline "$PG_SRC" DEFER=
	fi
fi

# ---------------------------------------------------------------- stages
# Replay one captured tool run alone: same argv, same directory, its own
# input file, output to /dev/null.  $2 replaces the source URL (extract).
replay() {
	local cap=$1 src=${2:-} a=() i in=/dev/null
	shift; [ $# -gt 0 ] && shift
	mapfile -d '' a < "$cap.argv"
	if [ -n "$src" ]; then
		for i in "${!a[@]}"; do [ "${a[$i]}" = "$PG_SRC" ] && a[i]=$src; done
	fi
	# An extract's --tee copies went to the capture run's FIFOs, gone now:
	# the replay times the extract alone.
	if [ "${a[0]}" = mig-extract ]; then
		for i in "${!a[@]}"; do
			if [ "${a[$i]:-}" = --tee ]; then unset 'a[i]' "a[$((i + 1))]"; fi
			if [[ ${a[$i]:-} == --tee=* ]]; then unset 'a[i]'; fi
		done
		a=("${a[@]}")
	fi
	# Loads: the pipeline may have asked for --defer-constraints itself;
	# the replays say for themselves.
	if [ "${a[0]}" = mig-load ]; then
		for i in "${!a[@]}"; do [[ "${a[$i]}" == --defer-constraints* ]] && unset 'a[i]'; done
		a=("${a[@]}")
	fi
	[ -f "$cap.stdin" ] && in=$(cat "$cap.stdin")
	(cd "${a[2]}" && tm "$BENCH_REAL/${a[0]}" "$@" "${a[@]:3}" < "$in" > /dev/null)
}
cap_rows() {
	awk '{ for (i = 1; i <= NF; i++) if ($i ~ /^in=/) { sub(/^in=/, "", $i); n += $i } } END { print n + 0 }' "$1.stats"
}
cap_label() {
	local a=()
	mapfile -d '' a < "$1.argv"
	echo "${a[0]} ${a[1]}"
}
if want stages; then
	say "stages: each tool alone on the stream it saw in the capture run"
	declare -A seen
	for c in $(ls "$WORK/lcap" | sed -n 's/\.argv$//p' | sort -n | sed 's|^|lcap/|') \
		$(ls "$WORK/cap" | sed -n 's/\.argv$//p' | sort -n | sed 's|^|cap/|'); do
		c=$WORK/$c
		read -r tool lab < <(cap_label "$c")
		[[ $c == */lcap/* ]] && lab="lite $lab"
		rows=$(cap_rows "$c")
		# several runs of one tool in one script: number them
		seen[$tool $lab]=$((${seen[$tool $lab]:-0} + 1))
		[ "${seen[$tool $lab]}" -gt 1 ] && lab="$lab#${seen[$tool $lab]}"
		case $tool in
		mig-extract)
			bytes=$(cat "$c.obytes")
			measure stage "$tool PG $lab" "$rows" "$bytes" : replay "$c"
			measure stage "$tool MariaDB $lab" "$rows" "$bytes" : replay "$c" "$MY_SRC" ;;
		mig-split | mig-map | mig-rekey)
			bytes=$(stat -c %s "$(cat "$c.stdin")")
			measure stage "$tool $lab" "$rows" "$bytes" : replay "$c" ;;
		esac
	done
	# Loads alone, in the order the capture run did them, into a fresh v2.
	loads=()
	for c in $(ls "$WORK/cap" | sed -n 's/\.argv$//p' | sort -n); do
		read -r tool lab < <(cap_label "$WORK/cap/$c")
		[ "$tool" = mig-load ] && loads+=("$WORK/cap/$c")
	done
	prep_load() { rm -rf "$WORK/run/checkpoints"; mkdir -p "$WORK/run/checkpoints"; fresh_dst_v2; }
	load_all() { local c; for c in "${loads[@]}"; do replay "$c" "" --defer-constraints=all; done; }
	load_fk() { local c; for c in "${loads[@]}"; do replay "$c" "" --defer-constraints; done; }
	lrows=0
	for c in "${loads[@]}"; do lrows=$((lrows + $(cap_rows "$c"))); done
	measure stage "mig-load alone, --defer-constraints=all" "$lrows" "$SBYTES" prep_load load_all
	measure stage "mig-load alone, --defer-constraints (fk)" "$lrows" "$SBYTES" prep_load load_fk
	load_naive() { local c; for c in "${loads[@]}"; do replay "$c"; done; }
	measure stage "mig-load alone, constrained tables" "$lrows" "$SBYTES" prep_load load_naive
fi

# ---------------------------------------------------------------- peers
if want peers; then
	say "peers: pgloader, Miller, the seeds' Python"
	# pgloader: a straight copy of the same three v1 tables.  MariaDB's
	# default 60 s net timeouts cut pgloader off at 1M users (it reads
	# faster than PostgreSQL takes the rows, and the server gives up
	# waiting on the stalled socket), hence the longer ones.
	cat > "$WORK/pgloader.load" <<-EOF
	LOAD DATABASE
	  FROM mysql://root@unix:$MIG_MY_SOCK:3306/old_moh
	  INTO postgresql://postgres@unix:$MIG_PG_SOCK:$MIG_PG_PORT/pgl
	  WITH prefetch rows = 10000
	  SET MySQL PARAMETERS net_read_timeout = '3600', net_write_timeout = '3600'
	  INCLUDING ONLY TABLE NAMES MATCHING 'users', 'appointments', 'medical_cases';
	EOF
	# pgloader's Lisp heap (1 GB in Debian's build) runs out on the 3M
	# appointments with its default 100,000 prefetched rows, hence fewer;
	# should it still fail, the run goes on without its figure.
	prep_pgl() { pg_newdb pgl; }
	run_pgl() { (cd "$WORK" && tm pgloader --no-ssl-cert-verification -q "$WORK/pgloader.load" > "$WORK/pgloader.log" 2>&1) ||
		{ grep -a -m3 -E 'ERROR|FATAL|Heap exhausted' "$WORK/pgloader.log" >&2; touch "$WORK/pgloader.failed"; }; }
	rm -f "$WORK/pgloader.failed"
	measure peer "pgloader MariaDB->PG, straight copy" "$ROWS" "$SBYTES" prep_pgl run_pgl
	if [ -f "$WORK/pgloader.failed" ]; then
		sed -i '/pgloader MariaDB->PG/d' "$RES"
		say "pgloader failed at this scale (above); no figure for it"
	fi

	# Miller on the same saved streams, as plain CSV (tag column and types
	# taken off, untimed): the same filtering and mapping as mig-split and
	# mig-map.
	. "$BENCH/miller.bash"
	miller_peers

	# The seeds' approach: Python, SQLAlchemy, 5,000-row batches.
	if [ "$PY_SCALE" != "$SCALE" ]; then
		pg_newdb old_moh_py
		pgq old_moh_py "CREATE EXTENSION \"uuid-ossp\"" >/dev/null
		"$MED/load-v1.sh" "$(pg_url old_moh_py)" "$MED/data/$PY_SCALE-1" >&2
		PY_SRC=$(pg_url old_moh_py)
	else
		PY_SRC=$PG_SRC
	fi
	declare -A NP
	while read -r k v; do NP[$k]=$v; done < "$MED/data/$PY_SCALE-1/counts.txt"
	prep_py() { pg_newdb new_moh_py; db_sql "$(pg_url new_moh_py)" "$MED/schema/v2.pg.sql" >/dev/null; }
	run_py() { tm /usr/bin/python3 "$BENCH/seeds.py" "$PY_SRC" "$(pg_url new_moh_py)"; }
	measure peer "Python (SQLAlchemy, 5000-row batches) PG->PG" \
		"$((NP[users] + NP[appointments] + NP[medical_cases]))" 0 prep_py run_py
fi

# ---------------------------------------------------------------- rekey
if want rekey; then
	say "rekey: memory per key"
	for k in $REKEY_KEYS; do
		awk -v n="$k" 'BEGIN { print "@k,id:int,v:text"; for (i = 1; i <= n; i++) printf "k,%d,x\n", i * 7 }' > "$WORK/keys.csv"
		b=$(stat -c %s "$WORK/keys.csv")
		measure rekey "mig-rekey seq keys, $k" "$k" "$b" : \
			tm "$BENCH_REAL/mig-rekey" -q -k k.id=seq:1 -x k="$WORK/xw.csv" "$WORK/keys.csv"
		measure rekey "mig-rekey lookup of $k keys" "$k" "$b" : \
			tm "$BENCH_REAL/mig-rekey" -q -l ids="$WORK/xw.csv" -r k.id=ids "$WORK/keys.csv"
		rm -f "$WORK/keys.csv" "$WORK/xw.csv"
	done > /dev/null
fi

# ---------------------------------------------------------------- shards
if want shards; then
	# shellcheck source=bench/shards.bash
	. "$BENCH/shards.bash"
	shard_bench
fi

# ---------------------------------------------------------------- shop
if want shop; then
	say "shop: pipelines/shop against the same clean-up as one SQL script"
	SCALE=${SHOP_SCALE:-1000000} RUNS=$RUNS MIG_BIN=$WORK/bin BENCH_TMP=$WORK bash "$TOP/pipelines/shop/bench/bench.sh"
fi

# ---------------------------------------------------------------- report
# Peak RSS of every mig process seen (pipeline runs and replays).
awk '!/^Command/ { k = $1 " " $4; if ($3 > m[k]) m[k] = $3 } END { for (k in m) print k, m[k] }' "$BENCH_LOG" | sort > "$WORK/rss-by-process.txt"
mkdir -p "$RESULTS"
stamp=$(date -u +%Y%m%dT%H%M%SZ)
/usr/bin/python3 "$BENCH/report.py" --results "$RES" --rss "$WORK/rss-by-process.txt" \
	--json "$RESULTS/bench-$SCALE-$stamp.json" --plot "$RESULTS/bench-$SCALE-$stamp.png" \
	--scale "$SCALE" --runs "$RUNS" --date "$stamp" \
	--loadavg "start $LOAD0, end $(cut -d' ' -f1-3 /proc/loadavg)"
