#!/usr/bin/env bash
# schools.sh stream|load - v1 "School" -> v2 "School", the first entity of
# the seed's order: rules/School.map (phone to E.164 with the school's own
# country, the one-line address into street, city, region, postal code),
# new ids UUID v5 of the v1 id (a rerun or a resume gives every school the
# same id), the v1 id kept in "legacyId", crosswalk
# old_school_id__to__new_school_id.csv for the entities that follow.  With
# FILTER, the schools holding a chosen person (lib.sh: plan).
#   stream: SRC "School" -> $RUN/streams/School.csv (and the v1 rows, for
#           the people's country lookup, in v1_School.csv)
#   load:   that stream -> DST (checkpointed; UPSERT=1 for a rerun)
set -eu -o pipefail
PIPELINE=school
. "$(dirname "$0")/lib.sh"
SCHOOL_NS=0b6c3a52-9f0e-5d8e-a1f4-3c2d5e6f7a81

stream() {
	plan
	extract School | tee "$S/v1_School.csv.part" |
		mig-map -q -f rules/School.map |
		mig-rekey -q -k "School.id=uuid5:$SCHOOL_NS" --keep-old School.legacyId \
			-x School="$RUN/old_school_id__to__new_school_id.csv"
	commit "$S/v1_School.csv"
}

stage_main School "$@"
