#!/usr/bin/env bash
# dry-run.sh - everything but the writes: the schema diff (schema_diff.md),
# the plan with source counts (migration_plan.json), the checks as SQL
# (post_migration_checks.sql), every stream built under $RUN/dry-run, and
# all of them loaded into DST inside one transaction that is rolled back
# (mig-load --dry-run), so constraint violations show now, not at 3 a.m.
set -eu -o pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
step_init

d=$(db_dialect "$DST")
if ! has_v2_tables "$DST"; then
	echo "dry-run: the target has no v2 tables; run 'make schema' first" >&2
	exit 2
fi

log "dry-run: schema diff"
(cd "$RUN" && mig-verify -q -s "$SRC" -t "$DST" \
	-e "schema SRC DST md=schema_diff.md json=schema_diff.json nofail" -r schema_report.json)

log "dry-run: plan"
count() { db_query "$SRC" "SELECT count(*) FROM $1 ${2:+WHERE $2}"; }
{
	printf '{\n  "source": "%s",\n  "target": "%s",\n' "$(db_kind "$SRC")" "$d"
	printf '  "source_rows": {\n'
	printf '    "users": %s,\n' "$(count users)"
	printf '    "users_staff": %s,\n' "$(count users "role <> 'PATIENT'")"
	printf '    "users_patients": %s,\n' "$(count users "role = 'PATIENT'")"
	printf '    "appointments": %s,\n' "$(count appointments)"
	printf '    "medical_cases": %s,\n' "$(count medical_cases)"
	printf '    "visits": %s,\n' "$(count visits)"
	printf '    "prescriptions": %s\n  },\n' "$(count prescriptions)"
	cat <<-'PLAN'
	  "steps": [
	    {"step": "people", "from": "users", "to": ["users", "patients"], "how": "mig-split by role: DOCTOR NURSE ADMIN SECRETARY SUPER_ADMIN -> users, PATIENT -> patients; any other role stops the run"},
	    {"step": "users", "from": "users (staff)", "to": "users", "how": "mig-map rules/users.map; mig-rekey id seq:1, legacy_user_id, unique emails; crosswalk old_user_id__to__new_user_id.csv"},
	    {"step": "patients", "from": "users (PATIENT)", "to": "patients", "how": "mig-map rules/patients.map; mig-rekey id uuid5 of the v1 id, legacy_user_id, unique emails; crosswalk old_user_id__to__new_patient_id.csv"},
	    {"step": "appointments", "after": ["users", "patients"], "how": "status via rules/status.csv; patient_id and doctor_id rewired through the crosswalks"},
	    {"step": "medical_cases", "after": ["users", "patients"], "how": "status via rules/status.csv; patient_id and doctor_id rewired"},
	    {"step": "visits", "after": ["appointments"], "how": "patient_id and doctor_id rewired; appointment_id kept"},
	    {"step": "prescriptions", "after": ["medical_cases"], "how": "patient_id and doctor_id rewired; medical_case_id kept"},
	    {"step": "verify", "how": "checks.mig: counts, stream checksums, crosswalks, foreign keys, unique keys, ledger"}
	  ]
	}
	PLAN
} > "$RUN/migration_plan.json"

log "dry-run: building every stream under dry-run/"
make -s -f "$here/Makefile" RUN="$RUN/dry-run" streams
(cd "$RUN/dry-run" && mig-verify -q -s "$SRC" -t "$DST" -f "$here/checks.mig" --sql "$RUN/post_migration_checks.sql")

log "dry-run: loading everything in one transaction, rolled back"
st=0
(cd "$RUN/dry-run/streams" && cat users.csv patients.csv appointments.csv medical_cases.csv \
	visits.csv prescriptions.csv) | mig-load -q --dry-run "$DST" > "$RUN/dry-run/load.out" 2> "$RUN/dry-run/load.err" || st=$?
cat "$RUN/dry-run/load.err" >&2
log "dry-run: load exit $st; nothing was written"
exit "$st"
