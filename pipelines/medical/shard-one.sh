#!/usr/bin/env bash
# shard-one.sh TABLE I N - shard I of N of TABLE on this host (shard.sh
# starts it through GNU parallel): its stream unless already saved, then
# its load with its own checkpoint unless already done.
set -eu -o pipefail
here=$(cd "$(dirname "$0")" && pwd)
t=$1 i=$2 n=$3
export XWALK_DIR=$RUN SHARD=$i/$n RUN=$RUN/shards/$i DEFER=
mkdir -p "$RUN"
[ -e "$RUN/done/$t" ] && exit 0
. "$here/lib.sh"
log "$t: shard $i/$n on $(ip -o -4 addr show scope global 2>/dev/null | awk '{ print $4 }' | head -n 1 || hostname)"
[ -e "$RUN/streams/$t.csv" ] || "$here/$t.sh" stream
exec "$here/$t.sh" load
