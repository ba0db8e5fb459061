# lib.sh - what the scripts of the heimdall -> odin migration share: the
# psql helpers, the run log and commit() of pipelines/lib/common.sh.
V2_MARK=odin_users
FILES_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
MAPPINGS=${MAPPINGS:-$FILES_DIR/mappings.txt}
# shellcheck source=../../lib/common.sh
. "$(dirname "${BASH_SOURCE[0]}")/../../lib/common.sh"
die() { printf 'files: %s\n' "$*" >&2; exit 1; }

# mappings: the lines of $MAPPINGS without comments, as KIND SOURCE TARGET
# RULES (a relative RULES path is read from this folder)
mappings() {
	local kind src dst rules extra n=0
	while read -r kind src dst rules extra; do
		n=$((n + 1))
		case $kind in '' | '#'*) continue ;; esac
		case $kind in table | csv | json) ;; *) die "$MAPPINGS:$n: unknown kind '$kind' (table, csv or json)" ;; esac
		[ -n "$rules" ] && [ -z "$extra" ] || die "$MAPPINGS:$n: expected KIND SOURCE TARGET RULES"
		case $rules in /*) ;; *) rules=$FILES_DIR/$rules ;; esac
		[ -f "$rules" ] || die "$MAPPINGS:$n: no rules file $rules"
		printf '%s %s %s %s\n' "$kind" "$src" "$dst" "$rules"
	done < "$MAPPINGS"
}
