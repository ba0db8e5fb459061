# lib/demo.sh - what every pipeline's demo.sh shares: the tools, a work
# folder, throwaway servers stopped on any exit.  Sourced by bash after
# `here` is set to the pipeline's folder; MIG_DEMO_DIR=DIR (default a new
# temporary folder) and MIG_BIN=DIR (default the repository's bin/).
top=$(cd "$here/../.." && pwd)
bin=${MIG_BIN:-$top/bin}
. "$top/tests/lib-servers.bash"

work=${MIG_DEMO_DIR:-$(mktemp -d "${TMPDIR:-/tmp}/mig-demo.XXXXXX")}
mkdir -p "$work"
# the postgres user must reach the server folder inside (the run folder stays private)
chmod 755 "$work"
trap 'mig_servers_stop "$work/srv"' EXIT INT TERM
start=$(date +%s)

# demo_servers [pg] [my]: start the servers a demo needs (both by default)
demo_servers() {
	local s names=()
	for s in ${*:-my pg}; do
		case $s in pg) names+=(PostgreSQL) ;; my) names+=(MariaDB) ;; esac
	done
	s=${names[*]}
	echo "== starting throwaway ${s// / and } in $work/srv"
	# mariadbd keeps its temporary tables in $TMPDIR (else /tmp): give it a
	# folder of its own, where no other server on the machine can touch them
	mkdir -p "$work/tmp"
	TMPDIR="$work/tmp" mig_servers_start "$work/srv" "$@" >"$work/servers.log" 2>&1 ||
		{ cat "$work/servers.log" >&2; exit 1; }
}
