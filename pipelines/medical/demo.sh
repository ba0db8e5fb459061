#!/usr/bin/env bash
# demo.sh - the medical migration end to end on throwaway servers (make demo):
# start MariaDB and PostgreSQL on private sockets, generate a small v1
# (old_moh) data set into MariaDB, migrate it into a v2 (new_moh) schema on
# PostgreSQL, verify, print the summary and where the files are, stop the
# servers.  Nothing listens on TCP; everything lives in one temporary folder.
# SCALE=N (v1 users, default 1000), MIG_DEMO_DIR=DIR (default a new temporary
# folder), MIG_BIN=DIR (the tools, default the repository's bin/).
# The top Makefile runs this with sh: be bash before anything else.
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"
set -eu -o pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../lib/demo.sh"
scale=${SCALE:-1000}

demo_servers
my_newdb old_moh
pg_newdb new_moh
src=$(my_url old_moh)
dst=$(pg_url new_moh)
# the URLs go through the environment, as a password would
export SRC=$src DST=$dst
m() { make -s -C "$here" MIG_BIN="$bin" DATA="$work/data" RUN="$work/run" SCALE="$scale" "$@"; }

echo "== generating $scale v1 users (with their appointments, visits, cases, prescriptions) into MariaDB old_moh"
m data load-v1
m schema
echo "== dry run: schema diff, plan, post-migration SQL, a load rolled back"
m dry-run
echo "== migrating MariaDB old_moh -> PostgreSQL new_moh"
m -j2 migrate
echo "== verifying"
m verify
echo
echo "== done in $(( $(date +%s) - start )) s; the files:"
for f in report.html schema_diff.md migration_plan.json post_migration_checks.sql validation_report.json \
	old_user_id__to__new_user_id.csv old_user_id__to__new_patient_id.csv run.log; do
	[ -e "$work/run/$f" ] && printf '   %s\n' "$work/run/$f"
done
printf '   %s\n' "$work/run/streams/ (every intermediate stream)"
echo "(the servers are stopped now; the files stay)"
