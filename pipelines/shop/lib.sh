# pipelines/school/lib.sh - shell helpers shared by the shop pipeline's
# scripts (PostgreSQL on both sides; the URLs go to psql whole).  Sourced.

db_sql() {
	local url=$1; shift
	PGOPTIONS="-c client_min_messages=warning" psql -X -q -v ON_ERROR_STOP=1 -d "$url" "${@/#/--file=}"
}

db_query() {
	local url=$1; shift
	PGOPTIONS="-c client_min_messages=warning" psql -X -q -v ON_ERROR_STOP=1 -At -F "$(printf '\t')" -d "$url" -c "$*"
}

# True when URL's database has the v2 tables (order_items stands for them).
has_v2_tables() {
	local n
	n=$(db_query "$1" "SELECT count(*) FROM information_schema.tables WHERE table_schema = current_schema() AND table_name = 'order_items'") || exit 2
	[ "$n" != 0 ]
}

# A line with a UTC time stamp to $RUN/run.log and stderr (counts only).
log() {
	local line
	line="$(date -u '+%Y-%m-%dT%H:%M:%SZ') $*"
	printf '%s\n' "$line" >&2
	if [ -n "${RUN:-}" ] && [ -d "$RUN" ]; then printf '%s\n' "$line" >> "$RUN/run.log"; fi
}
