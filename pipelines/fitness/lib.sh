# pipelines/fitness/lib.sh - shell helpers shared by the fitness pipeline's
# scripts: the run directory, the source (an SQLite file), the target
# (PostgreSQL), and the stages every per-table script is made of
# (extract, map, save, load).  Sourced, never run.

# The SQLite file SRC names (sqlite:PATH or a plain path).
src_file() {
	printf '%s\n' "${SRC#sqlite:}"
}

# Run one query on the source file, print rows tab-separated.
src_query() {
	sqlite3 -readonly -separator "$(printf '\t')" "$(src_file)" "$*"
}

# Run SQL (stdin or files) on the PostgreSQL target, stopping at the first error.
db_sql() {
	local url=$1; shift
	PGOPTIONS="-c client_min_messages=warning" psql -X -q -v ON_ERROR_STOP=1 -d "$url" "${@/#/--file=}"
}

# Run one query on the target, print rows tab-separated, no headers.
db_query() {
	local url=$1; shift
	PGOPTIONS="-c client_min_messages=warning" psql -X -q -v ON_ERROR_STOP=1 -At -F "$(printf '\t')" -d "$url" -c "$*"
}

# True when the target already has the v2 tables (accounts_user stands for them).
has_v2_tables() {
	local n
	n=$(db_query "$1" "SELECT count(*) FROM information_schema.tables WHERE table_schema = current_schema() AND table_name = 'accounts_user'") || exit 2
	[ "$n" != 0 ]
}

# A line with a UTC time stamp to $RUN/run.log and stderr (counts and
# names only, never row values).
log() {
	local line
	line="$(date -u '+%Y-%m-%dT%H:%M:%SZ') $*"
	printf '%s\n' "$line" >&2
	if [ -n "${RUN:-}" ] && [ -d "$RUN" ]; then printf '%s\n' "$line" >> "$RUN/run.log"; fi
}

step_init() {
	: "${RUN:?set RUN (make sets it)}" "${SRC:?set SRC=the v1 SQLite file}" "${DST:?set DST=URL}"
	: "${STUDIO_TZ:?set STUDIO_TZ (make sets it)}"
	# rules files name their lookup files relative to the pipeline
	cd "$here"
	S=$RUN/streams
	mkdir -p "$RUN" "$S" "$RUN/done" "$RUN/checkpoints" "$RUN/audit"
	chmod 700 "$RUN"
}

commit() {
	mv "$1.part" "$1"
}

# mig-map rules reading v1's naive local times in the studio's zone.
tz_rules() {
	local tag=$1 col; shift
	for col; do printf -- "-e\n%s.%s = timestamptz(%s, '%s')\n" "$tag" "$col" "$col" "$STUDIO_TZ"; done
}

# Extract v1 TABLE, keeping a copy in $S/v1_TABLE.csv.part (committed by
# table_main once the whole stage succeeded).
extract_v1() {
	log "$1: extract from the SQLite source"
	mig-extract -q "$(src_file)" "$1" | tee "$S/v1_$1.csv.part"
}

# merged_stream A B V2 TIMECOL...: v1 tables A and B, two copies of one
# table, merged into V2 by rules/V2.rekey (see the rules file for what a
# duplicate is).  A missing trainer_id is the client's trainer: a lookup
# in the saved v1 clients stream, so clients.sh stream runs first.  The
# crosswalks A_ids.csv and B_ids.csv (v1 id -> v2 id) go to $RUN/audit,
# and audit/V2_merged.csv lists the v1 rows of every v2 row that more
# than one became (the survivor first: its table comes first).
merged_stream() {
	local a=$1 b=$2 t=$3 tz; shift 3
	mapfile -t tz < <(tz_rules "$a" "$@"; tz_rules "$b" "$@")
	log "$t: extract $a and $b from the SQLite source"
	mig-extract -q "$(src_file)" "$a" "$b" | tee "$S/v1_$a.csv.part" |
		mig-rekey -q -f "rules/$t.rekey" \
			-e "lookup $a.trainer_id=clients.trainer_id by client_id if-null from $S/v1_clients.csv" \
			-e "lookup $b.trainer_id=clients.trainer_id by client_id if-null from $S/v1_clients.csv" \
			-x "$a=$RUN/audit/${a}_ids.csv" -x "$b=$RUN/audit/${b}_ids.csv" |
		mig-map -q -f "rules/$t.map" "${tz[@]}" -e "$a -> $t" -e "$b -> $t"
	# both crosswalks are complete once mig-rekey has ended: a v2 id
	# that more than one v1 row maps to is a merge
	awk -F, 'BEGIN { OFS = ","; print "v2_id,v1_table,v1_id" | "cat" }
		FNR == 1 { tab = FILENAME; sub(/.*\//, "", tab); sub(/_ids\.csv$/, "", tab); next }
		{ n[$2]++; row[++k] = $2 OFS tab OFS $1 }
		END { for (i = 1; i <= k; i++) { split(row[i], f, OFS); if (n[f[1]] > 1) print row[i] } }' \
		"$RUN/audit/${a}_ids.csv" "$RUN/audit/${b}_ids.csv" | sort -t, -s -k1,1n > "$RUN/audit/${t}_merged.csv"
}

# Load $S/TABLE.csv into DST in checkpointed batches (mig-load -c: rerun
# after a crash to finish), then mark the table done.  UPSERT=1 loads with
# --upsert, so a rerun into a filled target changes nothing.
load_table() {
	local t=$1 opts=()
	if [ -n "${UPSERT:-}" ]; then opts+=(--upsert); fi
	log "$t: load into the PostgreSQL target"
	mig-load -q -b "${BATCH:-50000}" -c "$RUN/checkpoints/$t.json" "${opts[@]}" \
		"$DST" "$S/$t.csv" > "$S/$t.loaded.csv"
	log "$t: $(stats_line "$S/$t.loaded.csv" mig-load "$t")"
	touch "$RUN/done/$t"
}

stats_line() {
	grep -a "^#!stats $2 $3 " "$1" | tail -n 1 | sed "s/^#!stats //" || true
}

# What a per-table script calls last: table_main V1TABLE V2TABLE "$@"; the
# script defines stream(), which writes V2TABLE's stream to stdout.
table_main() {
	local v1=$1 t=$2
	step_init
	case ${3:-} in
	stream)
		stream > "$S/$t.csv.part"
		commit "$S/v1_$v1.csv"
		commit "$S/$t.csv"
		log "$t: $(grep -a -c "^$t," "$S/$t.csv" || true) rows in the stream" ;;
	load)
		load_table "$t" ;;
	*)
		echo "usage: $t.sh stream|load" >&2; exit 2 ;;
	esac
}
