#!/usr/bin/env bash
# verify.sh - the checks of every mapping of $MAPPINGS, written to
# $RUN/checks.mig and run by mig-verify (validation_report.json,
# post_migration_checks.sql, report.html in $RUN): a table mapping's
# counts against its source, each target against the stream that was
# loaded (row for row), the ledger of each load, and every foreign and
# unique key of the target.  Exit 1 when a check failed.
set -eu -o pipefail
PIPELINE=school/files
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
: "${RUN:?set RUN}"
{
	echo "# made by verify.sh from $(basename "$MAPPINGS")"
	while read -r kind src dst rules; do
		if [ "$kind" = table ]; then echo "counts SRC.$src = DST.$dst"; fi
		echo "stream streams/$dst.csv $dst"
		echo "ledger streams/$dst.loaded.csv"
	done < <(mappings)
	echo "fk DST"
	echo "unique DST"
} > "$RUN/checks.mig"
CHECKS=$RUN/checks.mig verify_main
