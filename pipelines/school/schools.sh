#!/usr/bin/env bash
# schools.sh stream|load - v1 "School" -> v2 "School", the first entity of
# the seed's order: rules/School.map (phone to E.164 with the school's own
# country, the one-line address into street, city, region, postal code),
# new ids UUID v5 of the v1 id (a rerun or a resume gives every school the
# same id), the v1 id kept in "legacyId", crosswalk
# old_school_id__to__new_school_id.csv for the entities that follow.
#   stream: SRC "School" -> $RUN/streams/School.csv
#   load:   that stream -> DST (checkpointed; UPSERT=1 for a rerun)
set -eu -o pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
: "${RUN:?set RUN}" "${SRC:?set SRC=URL}" "${DST:?set DST=URL}"
cd "$here"
S=$RUN/streams
mkdir -p "$S" "$RUN/done" "$RUN/checkpoints"
chmod 700 "$RUN"
SCHOOL_NS=0b6c3a52-9f0e-5d8e-a1f4-3c2d5e6f7a81
case ${1:-} in
stream)
	log "School: extract, map, rekey"
	mig-extract -q "$SRC" School | tee "$S/v1_School.csv.part" |
		mig-map -q -f rules/School.map |
		mig-rekey -q -k "School.id=uuid5:$SCHOOL_NS" --keep-old School.legacyId \
			-x School="$RUN/old_school_id__to__new_school_id.csv" > "$S/School.csv.part"
	mv "$S/v1_School.csv.part" "$S/v1_School.csv"
	mv "$S/School.csv.part" "$S/School.csv" ;;
load)
	opts=()
	if [ -n "${UPSERT:-}" ]; then opts+=(--upsert); fi
	log "School: load"
	mig-load -q -c "$RUN/checkpoints/School.json" "${opts[@]}" "$DST" "$S/School.csv" > "$S/School.loaded.csv"
	touch "$RUN/done/School" ;;
*)
	echo "usage: schools.sh stream|load" >&2; exit 2 ;;
esac
