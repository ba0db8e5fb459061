#!/usr/bin/env bash
# payments.sh stream|load - v1 payments ∪ payment_records -> v2
# sessions_payment, duplicates merged (rules/sessions_payment.rekey), the
# same stages as sessions.sh: trainer_id filled from the client's
# trainer, one sequence of ids, a crosswalk per v1 table, merges listed in
# audit/sessions_payment_merged.csv.
set -eu -o pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"

stream() {
	merged_stream payments payment_records sessions_payment payment_date created_at
}

table_main payments sessions_payment "$@"
