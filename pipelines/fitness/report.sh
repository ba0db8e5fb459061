#!/usr/bin/env bash
# report.sh - the pre-migration report: the seed's critical issues
# computed from the v1 file before anything is written anywhere.
#   $RUN/pre_migration_report.json  the figures
#   $RUN/pre_migration_report.md    the same for people, with the clashing
#                                   usernames (private: the run folder is 0700)
# How a duplicate is recognised: a training session is a session when
# client_id, package_id and session_date are equal; a payment record is a
# payment when client_id, package_id, payment_date and amount are equal.
# trainer_id, notes and description are not compared (they are the near
# part of a near duplicate).  Row values IN a subquery, which SQLite
# answers from a temporary index: a correlated EXISTS is quadratic there.
set -eu -o pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
: "${RUN:?set RUN}" "${SRC:?set SRC=the v1 SQLite file}"
mkdir -p "$RUN"
chmod 700 "$RUN"
f=$(src_file)
[ -r "$f" ] || { echo "report: $f: cannot read the v1 file" >&2; exit 2; }

tables="trainers clients assessments session_packages sessions training_sessions payments payment_records fee_audit_log"
total=0
rows=
for t in $tables; do
	n=$(src_query "SELECT count(*) FROM $t")
	total=$((total + n))
	rows="$rows${rows:+, }\"$t\": $n"
done
dup_emails=$(src_query "SELECT count(*) FROM (SELECT 1 FROM trainers WHERE email IS NOT NULL GROUP BY lower(trim(email)) HAVING count(*) > 1)")
dup_email_users=$(src_query "SELECT count(*) FROM trainers WHERE lower(trim(email)) IN (SELECT lower(trim(email)) FROM trainers GROUP BY 1 HAVING count(*) > 1)")
dup_sessions=$(src_query "SELECT count(*) FROM training_sessions WHERE (client_id, coalesce(package_id, -1), session_date) IN (SELECT client_id, coalesce(package_id, -1), session_date FROM sessions)")
exact_sessions=$(src_query "SELECT count(*) FROM training_sessions WHERE (client_id, coalesce(package_id, -1), session_date, coalesce(trainer_id, -1), coalesce(notes, char(0)), duration, status) IN (SELECT client_id, coalesce(package_id, -1), session_date, coalesce(trainer_id, -1), coalesce(notes, char(0)), duration, status FROM sessions)")
dup_payments=$(src_query "SELECT count(*) FROM payment_records WHERE (client_id, coalesce(package_id, -1), payment_date, amount) IN (SELECT client_id, coalesce(package_id, -1), payment_date, amount FROM payments)")
exact_payments=$(src_query "SELECT count(*) FROM payment_records WHERE (client_id, coalesce(package_id, -1), payment_date, amount, coalesce(trainer_id, -1), coalesce(description, char(0))) IN (SELECT client_id, coalesce(package_id, -1), payment_date, amount, coalesce(trainer_id, -1), coalesce(description, char(0)) FROM payments)")
no_trainer() { src_query "SELECT count(*) FROM $1 WHERE trainer_id IS NULL"; }
nt_s=$(no_trainer sessions) nt_ts=$(no_trainer training_sessions)
nt_p=$(no_trainer payments) nt_pr=$(no_trainer payment_records)
orphans=$(src_query "SELECT (SELECT count(*) FROM clients WHERE trainer_id NOT IN (SELECT id FROM trainers))
	+ (SELECT count(*) FROM sessions WHERE client_id NOT IN (SELECT id FROM clients))
	+ (SELECT count(*) FROM training_sessions WHERE client_id NOT IN (SELECT id FROM clients))
	+ (SELECT count(*) FROM payments WHERE client_id NOT IN (SELECT id FROM clients))
	+ (SELECT count(*) FROM payment_records WHERE client_id NOT IN (SELECT id FROM clients))")
n_s=$(src_query "SELECT count(*) FROM sessions") n_ts=$(src_query "SELECT count(*) FROM training_sessions")
n_p=$(src_query "SELECT count(*) FROM payments") n_pr=$(src_query "SELECT count(*) FROM payment_records")
critical=0
[ "$dup_emails" -gt 0 ] && critical=$((critical + 1))
[ "$dup_sessions" -gt 0 ] && critical=$((critical + 1))
[ "$dup_payments" -gt 0 ] && critical=$((critical + 1))

cat > "$RUN/pre_migration_report.json" <<JSON
{
  "source_rows": {$rows},
  "total_rows": $total,
  "critical_issues": $critical,
  "duplicate_emails": {"addresses": $dup_emails, "trainers": $dup_email_users},
  "duplicate_tables": {
    "sessions": {"sessions": $n_s, "training_sessions": $n_ts, "duplicates": $dup_sessions, "exact": $exact_sessions, "after_merge": $((n_s + n_ts - dup_sessions))},
    "payments": {"payments": $n_p, "payment_records": $n_pr, "duplicates": $dup_payments, "exact": $exact_payments, "after_merge": $((n_p + n_pr - dup_payments))}
  },
  "missing_trainer_id": {"sessions": $nt_s, "training_sessions": $nt_ts, "payments": $nt_p, "payment_records": $nt_pr},
  "orphans": $orphans
}
JSON
{
	echo "# Pre-migration report: the fitness studio's v1 database"
	echo
	echo "$total rows in 9 tables; $critical critical issues."
	echo
	echo "## Duplicate e-mails"
	echo
	echo "$dup_emails addresses shared by $dup_email_users trainers (usernames per address):"
	echo
	src_query "SELECT '- ' || lower(trim(email)) || ': ' || group_concat(username, ', ') FROM trainers WHERE email IS NOT NULL GROUP BY lower(trim(email)) HAVING count(*) > 1 ORDER BY 1"
	echo
	echo "## Duplicate tables"
	echo
	echo "- sessions ($n_s) and training_sessions ($n_ts): $dup_sessions duplicates ($exact_sessions exact), $((n_s + n_ts - dup_sessions)) after the merge"
	echo "- payments ($n_p) and payment_records ($n_pr): $dup_payments duplicates ($exact_payments exact), $((n_p + n_pr - dup_payments)) after the merge"
	echo
	echo "## Missing relationships"
	echo
	echo "- without trainer_id: sessions $nt_s, training_sessions $nt_ts, payments $nt_p, payment_records $nt_pr (the client's trainer is meant)"
	echo "- references to missing clients or trainers: $orphans"
} > "$RUN/pre_migration_report.md"
echo "report: $total rows, $critical critical issues: $dup_emails shared e-mails, $dup_sessions + $dup_payments duplicate rows across the overlapping tables, $((nt_s + nt_ts + nt_p + nt_pr)) rows without trainer_id" >&2
