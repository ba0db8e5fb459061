#!/bin/sh
# bench/run.sh - make bench.  Installs the peers (pgloader, Miller, gnuplot,
# SQLAlchemy and psycopg2, GNU time) when root, else says what to install,
# then runs bench/bench.bash.  Variables (SCALE, RUNS, ...): bench/README.md.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
sh "$here/../tests/lib-deps.sh" pgloader miller gnuplot-nox python3-sqlalchemy python3-psycopg2 time
exec bash "$here/bench.bash" "$@"
