#!/usr/bin/env bash
# verify.sh - checks.mig by mig-verify from the run directory
# (validation_report.json, post_migration_checks.sql, report.html), then
# the seed's login check: every generated password of this run verifies
# against the hash stored for its user (verify_user_login).
set -eu -o pipefail
PIPELINE=school
. "$(dirname "$0")/lib.sh"
st=0
(verify_main) || st=$?
if [ -s "$RUN/passwords.csv" ]; then
	bad=$(db_query "$DST" "SELECT \"legacySource\" || ',' || \"legacyId\" || ',' || \"passwordHash\" FROM \"User\"" |
		awk -F, 'NR == FNR { h[$1 "," $2] = $3; next } FNR > 1 { print $1 "," $2 "," $3 "," h[$1 "," $2] }' - "$RUN/passwords.csv" |
		perl -ne 'chomp; my ($t, $k, $p, $h) = split /,/, $_, 4; print "$t,$k\n" unless $h ne "" && crypt($p, $h) eq $h' | wc -l)
	log "verify: $bad generated passwords that do not verify against their stored hash"
	[ "$bad" = 0 ] || st=1
fi
exit "$st"
