# pipelines/lib/common.sh - shell helpers shared by the pipelines: the
# run log, a saved stream's counts and its commit, and for those whose
# both sides are PostgreSQL (school, shop, crm, fitness) running SQL with
# psql, the v2-tables test and the load of one saved stream.  Sourced by
# each pipeline's lib.sh, after it sets V2_MARK, the v2 table whose
# presence says the v2 schema exists; medical's lib.sh, whose sides may
# be MariaDB too, defines its own SQL helpers after it.  The URLs go to
# psql whole; no URL or row value is ever logged.

db_sql() {
	local url=$1; shift
	PGOPTIONS="-c client_min_messages=warning" psql -X -q -v ON_ERROR_STOP=1 -d "$url" "${@/#/--file=}"
}

db_query() {
	local url=$1; shift
	PGOPTIONS="-c client_min_messages=warning" psql -X -q -v ON_ERROR_STOP=1 -At -F "$(printf '\t')" -d "$url" -c "$*"
}

# True when URL's database has the v2 tables ($V2_MARK stands for them).
has_v2_tables() {
	local n
	n=$(db_query "$1" "SELECT count(*) FROM information_schema.tables WHERE table_schema = current_schema() AND table_name = '${V2_MARK:?set V2_MARK}'") || exit 2
	[ "$n" != 0 ]
}

# A line with a UTC time stamp to $RUN/run.log and stderr (counts only).
log() {
	local line
	# bash's own strftime: no date(1) process per line
	TZ=UTC0 printf -v line '%(%Y-%m-%dT%H:%M:%SZ)T %s' -1 "$*"
	printf '%s\n' "$line" >&2
	if [ -n "${RUN:-}" ] && [ -d "$RUN" ]; then printf '%s\n' "$line" >> "$RUN/run.log"; fi
}

# The last #!stats line of STAGE (a grep pattern: '[^ ]*' for the last
# stage) for TAG in a saved stream, without the prefix.  Read from the end
# (tac seeks there): the stats lines close a stream, and a grep of the
# whole file cost a third of a CPU second per 400 MB, on the critical path.
stats_line() {
	tac -- "$1" 2>/dev/null | grep -a -m 1 "^#!stats $2 $3 " | sed "s/^#!stats //" || true
}

# load_stream NAME: $RUN/streams/NAME.csv into DST, checkpointed in
# $RUN/checkpoints/NAME.json (a killed load rerun finishes the job), with
# --upsert when UPSERT is set (a rerun into a filled target changes
# nothing).  The caller marks the step done once all its loads passed.
load_stream() {
	local t=$1 opts=()
	if [ -n "${UPSERT:-}" ]; then opts+=(--upsert); fi
	# LOAD_OPTS: a script's own mig-load options (--defer-constraints)
	opts+=(${LOAD_OPTS:-})
	mkdir -p "$RUN/done" "$RUN/checkpoints"
	log "$t: load"
	mig-load -q -b "${BATCH:-50000}" -c "$RUN/checkpoints/$t.json" "${opts[@]}" \
		"$DST" "$RUN/streams/$t.csv" > "$RUN/streams/$t.loaded.csv"
}

# A stage writes FILE.part and commits it to FILE only after its whole
# pipeline succeeded (set -e -o pipefail stop the script before), so a
# half-written stream is never taken as done by make.
commit() {
	mv "$1.part" "$1"
}

# What a per-entity script calls last: stage_main NAME stream|load.  The
# script defines stream(), which writes NAME's v2 stream to stdout (run
# in the pipeline's folder, so rules files are relative to it); "stream"
# saves it as $RUN/streams/NAME.csv, "load" loads the saved streams named
# by LOADS (default NAME) into DST in that order.
stage_main() {
	local t=$1 l
	: "${RUN:?set RUN (make sets it)}" "${SRC:?set SRC=URL}" "${DST:?set DST=URL}"
	cd "$(dirname "${BASH_SOURCE[0]}")/../${PIPELINE:?set PIPELINE}"
	S=$RUN/streams
	mkdir -p "$S" "$RUN/done" "$RUN/checkpoints" "$RUN/rejects" "$RUN/audit"
	# crosswalks, rejects and audits hold personal data: keep them private
	chmod 700 "$RUN"
	case ${2:-} in
	stream)
		log "$t: stream"
		stream > "$S/$t.csv.part"
		commit "$S/$t.csv" ;;
	load)
		for l in ${LOADS:-$t}; do load_stream "$l"; done
		touch "$RUN/done/$t" ;;
	*)
		echo "usage: $t.sh stream|load" >&2; exit 2 ;;
	esac
}

# verify_main: sign the migration off with the pipeline's checks.mig, run
# by mig-verify from the run directory: validation_report.json, the same
# checks as SQL in post_migration_checks.sql, and the page for reviewers
# in report.html (mig-report(1)).  CHECKS names another checks file of
# the pipeline (a pilot's), or by an absolute path one the run made.
# Exits 1 when a check failed.
verify_main() {
	local checks st=0
	: "${RUN:?set RUN}" "${SRC:?set SRC=URL}" "${DST:?set DST=URL}"
	case ${CHECKS:-} in
	/*) checks=$CHECKS ;;
	*) checks=$(cd "$(dirname "${BASH_SOURCE[0]}")/../${PIPELINE:?set PIPELINE}" && pwd)/${CHECKS:-checks.mig} ;;
	esac
	cd "$RUN"
	log "verify: $(grep -c '^[a-z]' "$checks") checks"
	mig-verify -q -s "$SRC" -t "$DST" -f "$checks" --sql post_migration_checks.sql
	mig-verify -s "$SRC" -t "$DST" -f "$checks" --report validation_report.json >verify.out 2>&1 || st=$?
	cat verify.out >&2
	log "verify: $(tail -n 1 verify.out | sed 's/^mig-verify: //'), exit $st"
	mig-report -q . > report.html.part || [ $? -eq 1 ]
	mv report.html.part report.html
	exit "$st"
}

# sequences_reset TABLE...: after loads that wrote ids themselves, move
# each table's identity sequence past its largest id, so the application's
# next insert does not collide.
sequences_reset() {
	local t
	for t in "$@"; do
		db_query "$DST" "SELECT setval(pg_get_serial_sequence('$t', 'id'), coalesce(max(id), 0) + 1, false) FROM $t" >/dev/null
	done
	log "sequences: $# identity sequences set past their tables' largest ids"
}
