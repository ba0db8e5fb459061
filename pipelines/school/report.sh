#!/usr/bin/env bash
# report.sh - what the migration will meet, computed from v1 before
# anything is written: $RUN/pre_migration_report.json.
#   people:   rows per source; the users v2 will hold (one per teacher,
#             parent and student row: a teacher who is also a parent is
#             two users, one per role, as the seed's migrators make them)
#   overlap:  parents who are a teacher of the same school (same e-mail,
#             or same name and phone)
#   clashes:  e-mails and phones shared by several rows across the three
#             sources (the ones that will get counter suffixes or NULL)
#   missing:  rows without an e-mail (one will be made) or phone
#   phones:   written with a calling code, or local to the school's country
set -eu -o pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
: "${RUN:?set RUN}" "${SRC:?set SRC=URL}"
mkdir -p "$RUN"
chmod 700 "$RUN"
q() { db_query "$SRC" "$*"; }
if [ "$(src_dialect)" = my ]; then
	# a MariaDB copy of v1: the rows and the users to expect; the analysis
	# of the dirt below is PostgreSQL's SQL, run on the PostgreSQL v1
	n() { echo "SELECT count(*) FROM \`$1\`" | my_sql "$SRC"; }
	nt=$(n Teacher) np=$(n Parent) ns=$(n Student)
	cat > "$RUN/pre_migration_report.json" <<JSON
{
  "source_rows": {"School": $(n School), "Teacher": $nt, "Parent": $np, "Student": $ns, "Class": $(n Class), "Subject": $(n Subject), "_ParentToStudent": $(n _ParentToStudent)},
  "users_expected": $((nt + np + ns)),
  "user_roles_expected": $((nt + np + ns))
}
JSON
	log "report: $((nt + np + ns)) people (a MariaDB source: counts only)"
	exit 0
fi
people='SELECT "email", "phone", "fullName", "schoolId" FROM "Teacher" UNION ALL SELECT "email", "phone", "fullName", "schoolId" FROM "Parent" UNION ALL SELECT "email", "phone", "fullName", "schoolId" FROM "Student"'
nt=$(q 'SELECT count(*) FROM "Teacher"') np=$(q 'SELECT count(*) FROM "Parent"') ns=$(q 'SELECT count(*) FROM "Student"')
both=$(q 'SELECT count(*) FROM "Parent" p WHERE EXISTS (SELECT 1 FROM "Teacher" t WHERE t."schoolId" = p."schoolId" AND (lower(t."email") = lower(p."email") OR (t."fullName" = p."fullName" AND t."phone" = p."phone")))')
dup_email_rows=$(q "SELECT coalesce(sum(n), 0) FROM (SELECT count(*) AS n FROM ($people) x WHERE email IS NOT NULL GROUP BY lower(trim(email)) HAVING count(*) > 1) d")
dup_emails=$(q "SELECT count(*) FROM (SELECT 1 FROM ($people) x WHERE email IS NOT NULL GROUP BY lower(trim(email)) HAVING count(*) > 1) d")
dup_phone_rows=$(q "SELECT coalesce(sum(n), 0) FROM (SELECT count(*) AS n FROM ($people) x WHERE phone IS NOT NULL GROUP BY regexp_replace(phone, '[^0-9]', '', 'g') HAVING count(*) > 1) d")
dup_phones=$(q "SELECT count(*) FROM (SELECT 1 FROM ($people) x WHERE phone IS NOT NULL GROUP BY regexp_replace(phone, '[^0-9]', '', 'g') HAVING count(*) > 1) d")
no_email=$(q "SELECT count(*) FROM ($people) x WHERE email IS NULL OR trim(email) = ''")
no_phone=$(q "SELECT count(*) FROM ($people) x WHERE phone IS NULL OR trim(phone) = ''")
intl=$(q "SELECT count(*) FROM ($people) x WHERE phone LIKE '+%'")
local=$(q "SELECT count(*) FROM ($people) x WHERE phone NOT LIKE '+%'")
countries=$(q 'SELECT string_agg(format($$"%s": %s$$, "country", n), $$, $$ ORDER BY "country") FROM (SELECT "country", count(*) AS n FROM "School" GROUP BY 1) c')
parts=$(q "SELECT string_agg(format(\$\$\"%s\": %s\$\$, w, n), ', ' ORDER BY w) FROM (SELECT array_length(regexp_split_to_array(trim(\"fullName\"), '\\s+'), 1) AS w, count(*) AS n FROM ($people) x GROUP BY 1) p")
cat > "$RUN/pre_migration_report.json" <<JSON
{
  "source_rows": {"School": $(q 'SELECT count(*) FROM "School"'), "Teacher": $nt, "Parent": $np, "Student": $ns, "Class": $(q 'SELECT count(*) FROM "Class"'), "Subject": $(q 'SELECT count(*) FROM "Subject"'), "_ParentToStudent": $(q 'SELECT count(*) FROM "_ParentToStudent"')},
  "users_expected": $((nt + np + ns)),
  "user_roles_expected": $((nt + np + ns)),
  "parents_who_are_teachers": $both,
  "shared_emails": {"addresses": $dup_emails, "rows": $dup_email_rows},
  "shared_phones": {"numbers": $dup_phones, "rows": $dup_phone_rows},
  "missing": {"email": $no_email, "phone": $no_phone},
  "phones": {"international": $intl, "local": $local},
  "schools_by_country": {$countries},
  "name_words": {$parts}
}
JSON
log "report: $((nt + np + ns)) people, $both parents who are teachers, $dup_email_rows rows sharing $dup_emails e-mails, $dup_phone_rows rows sharing $dup_phones phones, $no_email without e-mail"
