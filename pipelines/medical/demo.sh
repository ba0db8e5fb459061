#!/usr/bin/env bash
# demo.sh - the medical migration end to end on throwaway servers (make demo):
# start MariaDB and PostgreSQL on private sockets, generate a small v1
# (old_moh) data set into MariaDB, migrate it into a v2 (new_moh) schema on
# PostgreSQL, verify, print the summary and where the files are, stop the
# servers.  Nothing listens on TCP; everything lives in one temporary folder.
set -eu -o pipefail
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
scale=${SCALE:-2000}
. "$top/tests/lib-servers.bash"

work=${MIG_DEMO_DIR:-$(mktemp -d "${TMPDIR:-/tmp}/mig-demo.XXXXXX")}
mkdir -p "$work"
trap 'mig_servers_stop "$work/srv"' EXIT INT TERM
start=$(date +%s)

echo "== starting throwaway MariaDB and PostgreSQL in $work/srv"
mig_servers_start "$work/srv" >"$work/servers.log" 2>&1 || { cat "$work/servers.log" >&2; exit 1; }
my_newdb old_moh
pg_newdb new_moh
src=$(my_url old_moh)
dst=$(pg_url new_moh)
m() { make -s -C "$here" MIG_BIN="$top/bin" DATA="$work/data" RUN="$work/run" SCALE="$scale" SRC="$src" DST="$dst" "$@"; }

echo "== generating $scale v1 users (with their appointments, visits, cases, prescriptions) into MariaDB old_moh"
m data load-v1
echo "== dry run: schema diff, plan, post-migration SQL, a load rolled back"
m dry-run
echo "== migrating MariaDB old_moh -> PostgreSQL new_moh"
m -j2 migrate
echo "== verifying"
m verify
echo
echo "== done in $(( $(date +%s) - start )) s; the files:"
for f in schema_diff.md migration_plan.md post_migration_checks.sql validation_report.json \
	old_user_id__to__new_user_id.csv old_user_id__to__new_patient_id.csv run.log; do
	[ -e "$work/run/$f" ] && printf '   %s\n' "$work/run/$f"
done
printf '   %s\n' "$work/run/streams/ (every intermediate stream)"
echo "(the servers are stopped now; the files stay)"
