#!/usr/bin/env bash
# demo.sh - the fitness migration end to end on a throwaway PostgreSQL
# (make demo PIPELINE=fitness): the seed's 42-row SQLite file, the
# pre-migration report, the Django schema, migrate, verify, the summary.
# SCALE=N (blocks of the seed's 42 rows, default 1), MIG_DEMO_DIR=DIR
# (default a new temporary folder), MIG_BIN=DIR (default the repository's bin/).
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"
set -eu -o pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../lib/demo.sh"
scale=${SCALE:-1}

demo_servers pg
pg_newdb django
dst=$(pg_url django)
m() { make -s -C "$here" MIG_BIN="$bin" DATA="$work/data" RUN="$work/run" SCALE="$scale" SRC="$work/data/v1.db" DST="$dst" "$@"; }

echo "== the studio's v1 SQLite file ($((42 * scale)) rows)"
m data
echo "== pre-migration report"
m report
cat "$work/run/pre_migration_report.md"
m schema
echo "== dry run: every stream built, loaded in a transaction rolled back"
m dry-run
echo "== migrating SQLite -> PostgreSQL (Django)"
m -j2 migrate
echo "== verifying"
m verify
echo
echo "== done in $(( $(date +%s) - start )) s; the files:"
for f in pre_migration_report.md pre_migration_report.json post_migration_checks.sql validation_report.json report.html run.log; do
	[ -e "$work/run/$f" ] && printf '   %s\n' "$work/run/$f"
done
printf '   %s\n' "$work/run/streams/ (every intermediate stream)"
printf '   %s\n' "$work/run/audit/ (crosswalks of the merged tables, the merges, e-mail changes)"
echo "(the server is stopped now; the files stay)"
