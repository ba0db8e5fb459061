#!/usr/bin/env bash
# packages.sh stream|load - v1 session_packages (fee fields, active flag)
# -> v2 sessions_sessionpackage (ids, client_id and trainer_id kept).
set -eu -o pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"

stream() {
	local tz
	mapfile -t tz < <(tz_rules session_packages created_at updated_at)
	extract_v1 session_packages | mig-map -q "${tz[@]}" -e 'session_packages -> sessions_sessionpackage'
}

table_main session_packages sessions_sessionpackage "$@"
