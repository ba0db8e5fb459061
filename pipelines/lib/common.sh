# pipelines/lib/common.sh - shell helpers shared by the pipelines whose
# both sides are PostgreSQL (school, shop, crm): running SQL with psql,
# the v2-tables test, the run log, and the load of one saved stream.
# Sourced by each pipeline's lib.sh after it sets V2_MARK, the v2 table
# whose presence says the v2 schema exists.  The URLs go to psql whole;
# no URL or row value is ever logged.

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
	line="$(date -u '+%Y-%m-%dT%H:%M:%SZ') $*"
	printf '%s\n' "$line" >&2
	if [ -n "${RUN:-}" ] && [ -d "$RUN" ]; then printf '%s\n' "$line" >> "$RUN/run.log"; fi
}

# load_stream NAME: $RUN/streams/NAME.csv into DST, checkpointed in
# $RUN/checkpoints/NAME.json (a killed load rerun finishes the job), with
# --upsert when UPSERT is set (a rerun into a filled target changes
# nothing); marks $RUN/done/NAME when it succeeded.
load_stream() {
	local t=$1 opts=()
	if [ -n "${UPSERT:-}" ]; then opts+=(--upsert); fi
	mkdir -p "$RUN/done" "$RUN/checkpoints"
	log "$t: load"
	mig-load -q -b "${BATCH:-50000}" -c "$RUN/checkpoints/$t.json" "${opts[@]}" \
		"$DST" "$RUN/streams/$t.csv" > "$RUN/streams/$t.loaded.csv"
	touch "$RUN/done/$t"
}
