#!/usr/bin/env bash
# shard.sh TABLE... - one wave of a sharded run (make migrate SHARDS=n
# HOSTS=...): shard i of n of every TABLE, each on a host of HOSTS through
# GNU parallel's --sshlogin, then, once every shard of a table is loaded,
# its shard streams merged into the run's own (streams/TABLE.csv,
# TABLE.loaded.csv, v1_TABLE.csv: what a single-host run writes, for
# mig-verify and mig-report) and the table marked done.
#
# Shard i keeps its streams, checkpoints and done marks in
# $RUN/shards/i (RUN must be on a file system every host sees at the same
# path, or be copied back), reads the crosswalks of the whole run from
# $RUN, and loads with its own checkpoint: a shard that died is resumed
# alone by running the wave again (make resume SHARDS=n), the others are
# skipped by their done marks.
#
# Every shard of a table loads into the same target table at once, so the
# shards' mig-load runs without --defer-constraints (each would take the
# table's deferral lock in turn and rebuild the keys once per shard).
# Instead, with a PostgreSQL target and DEFER set (the default), this
# script defers for the whole wave: the foreign keys on or into the wave's
# tables and their secondary indexes are saved to
# $RUN/deferred/WAVE.restore.sql, then dropped, before the first shard;
# after the last shard they are created again, once, which checks every
# row.  Primary keys and unique constraints stay live: they keep a shard
# that is run twice from loading a row twice.  A wave stopped half-way
# finds its saved file and drops again (IF EXISTS) before resuming.  See
# README.md, "Sharding".
set -eu -o pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
step_init

n=${SHARDS:?set SHARDS=n}
case $n in '' | *[!0-9]*) echo "shard.sh: SHARDS: not a number" >&2; exit 2 ;; esac
[ "$n" -ge 1 ] || { echo "shard.sh: SHARDS: at least 1" >&2; exit 2; }
[ $# -ge 1 ] || { echo "usage: shard.sh TABLE..." >&2; exit 2; }
for t; do
	case $t in
	users | patients)
		# staff keys are a sequence (1, 2, ... in v1 id order) and emails are
		# made unique over all people: neither splits over shards
		echo "shard.sh: $t: not shardable (sequence keys and e-mail uniqueness need one pass over every person); it runs once, before the shards" >&2
		exit 2 ;;
	esac
done

todo=()
for t; do
	[ -e "$RUN/done/$t" ] && continue
	todo+=("$t")
done
[ ${#todo[@]} -eq 0 ] && exit 0
wave=$(IFS=-; echo "${todo[*]}")
restore=$RUN/deferred/$wave.restore.sql
defer_wave() {
	local list q
	list=$(printf "'%s'::regclass," "${todo[@]}")
	list="ARRAY[${list%,}]"
	mkdir -p "$RUN/deferred"
	if [ ! -e "$restore" ]; then
		q="SELECT format('ALTER TABLE %s ADD CONSTRAINT %I %s;', conrelid::regclass, conname, pg_get_constraintdef(oid))
			FROM pg_constraint WHERE contype = 'f' AND (conrelid = ANY($list) OR confrelid = ANY($list))
			UNION ALL SELECT pg_get_indexdef(indexrelid) || ';' FROM pg_index i
			WHERE indrelid = ANY($list) AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid)"
		{ echo 'BEGIN;'; db_query "$DST" "$q"; echo 'COMMIT;'; } > "$restore.part"
		q="SELECT format('ALTER TABLE %s DROP CONSTRAINT IF EXISTS %I;', conrelid::regclass, conname)
			FROM pg_constraint WHERE contype = 'f' AND (conrelid = ANY($list) OR confrelid = ANY($list))
			UNION ALL SELECT format('DROP INDEX IF EXISTS %s;', indexrelid::regclass) FROM pg_index i
			WHERE indrelid = ANY($list) AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid)"
		{ echo 'BEGIN;'; db_query "$DST" "$q"; echo 'COMMIT;'; } > "$RUN/deferred/$wave.drop.sql"
		# saved (and fsynced by the rename's order) before anything is dropped
		sync "$restore.part" "$RUN/deferred/$wave.drop.sql" 2>/dev/null || sync
		commit "$restore"
	fi
	db_sql "$DST" "$RUN/deferred/$wave.drop.sql"
	log "shards: $(grep -c '^ALTER\|^CREATE' "$restore") foreign keys and indexes of ${todo[*]} deferred"
}
deferred=
if [ -n "${DEFER:-}" ] && [ "$(db_kind "$DST")" = pg ]; then
	defer_wave
	deferred=1
fi

log "shards: ${todo[*]} in $n shards on ${HOSTS:-:}"
# one job per table and shard; --env carries the run's settings to the
# hosts (URLs without passwords: hosts take credentials from their own
# ~/.pgpass or service file); --halt stops the wave at the first failure
parallel --will-cite --sshlogin "${HOSTS:-:}" --halt now,fail=1 \
	--env RUN --env SRC --env DST --env BATCH --env PATH --env MIG_STATS_TIME --env PGSERVICEFILE \
	"$here/shard-one.sh" '{1}' '{2}' "$n" ::: "${todo[@]}" ::: $(seq 1 "$n")

for t in "${todo[@]}"; do
	for i in $(seq 1 "$n"); do
		[ -e "$RUN/shards/$i/done/$t" ] || { echo "shard.sh: $t: shard $i/$n not done" >&2; exit 1; }
	done
done
if [ -n "$deferred" ]; then
	# once, after the last shard: every foreign key checked over all rows
	db_sql "$DST" "$restore"
	rm -f "$restore" "$RUN/deferred/$wave.drop.sql"
	log "shards: foreign keys and indexes of ${todo[*]} created again"
fi
for t in "${todo[@]}"; do
	for f in "v1_$t" "$t" "$t.loaded"; do
		parts=()
		for i in $(seq 1 "$n"); do parts+=("$RUN/shards/$i/streams/$f.csv"); done
		"$here/merge-streams.sh" "${parts[@]}" > "$S/$f.csv.part"
		commit "$S/$f.csv"
	done
	log "$t: $n shards merged: $(stats_line "$S/$t.loaded.csv" mig-load "$t")"
	touch "$RUN/done/$t"
done
