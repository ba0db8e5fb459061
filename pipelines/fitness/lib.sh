# pipelines/fitness/lib.sh - shell helpers shared by the fitness pipeline's
# scripts: the run directory, the source (an SQLite file), the target
# (PostgreSQL), and the stages every per-table script is made of
# (extract, map, save, load).  Sourced, never run.  The PostgreSQL side
# (db_sql, db_query, has_v2_tables, log, commit, load_stream) is the
# pipelines' shared lib/common.sh.

V2_MARK=accounts_user
. "$(dirname "${BASH_SOURCE[0]}")/../lib/common.sh"

# The SQLite file SRC names (sqlite:PATH or a plain path).
src_file() {
	printf '%s\n' "${SRC#sqlite:}"
}

# Run one query on the source file, print rows tab-separated.
src_query() {
	sqlite3 -readonly -separator "$(printf '\t')" "$(src_file)" "$*"
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

# Load $S/TABLE.csv into DST (lib/common.sh's load_stream: checkpointed,
# UPSERT=1 for a rerun that changes nothing), then mark the table done.
load_table() {
	load_stream "$1"
	log "$1: $(stats_line "$S/$1.loaded.csv" mig-load "$1")"
	touch "$RUN/done/$1"
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
