#!/usr/bin/env bash
# clients.sh stream|load - v1 clients -> v2 clients_client (ids and
# trainer_id kept: accounts_user keeps the trainers' ids).
set -eu -o pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"

stream() {
	local tz
	mapfile -t tz < <(tz_rules clients created_at updated_at)
	extract_v1 clients | mig-map -q -f rules/clients_client.map "${tz[@]}" -e 'clients -> clients_client'
}

table_main clients clients_client "$@"
