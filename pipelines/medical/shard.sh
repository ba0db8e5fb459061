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
# Every shard of a table loads into the same target table at once, so
# shards load with the keys live (DEFER= for them): with
# --defer-constraints each load would take the table's deferral lock in
# turn and rebuild the keys once per shard.  See README.md, "Sharding".
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
log "shards: ${todo[*]} in $n shards on ${HOSTS:-:}"
# one job per table and shard; --env carries the run's settings to the
# hosts (URLs without passwords: hosts take credentials from their own
# ~/.pgpass or service file); --halt stops the wave at the first failure
parallel --will-cite --sshlogin "${HOSTS:-:}" --halt now,fail=1 \
	--env RUN --env SRC --env DST --env BATCH --env PATH --env MIG_STATS_TIME --env PGSERVICEFILE \
	"$here/shard-one.sh" {1} {2} "$n" ::: "${todo[@]}" ::: $(seq 1 "$n")

for t in "${todo[@]}"; do
	for i in $(seq 1 "$n"); do
		[ -e "$RUN/shards/$i/done/$t" ] || { echo "shard.sh: $t: shard $i/$n not done" >&2; exit 1; }
	done
	for f in "v1_$t" "$t" "$t.loaded"; do
		"$here/merge-streams.sh" $(for i in $(seq 1 "$n"); do echo "$RUN/shards/$i/streams/$f.csv"; done) \
			> "$S/$f.csv.part"
		commit "$S/$f.csv"
	done
	log "$t: $n shards merged: $(stats_line "$S/$t.loaded.csv" mig-load "$t")"
	touch "$RUN/done/$t"
done
