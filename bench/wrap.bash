#!/usr/bin/env bash
# bench/wrap.bash - stands in for every mig tool on PATH during a benchmark
# (bench.bash links $WORK/wrap/mig-NAME to it).  Runs the real tool under
# /usr/bin/time, appending "tool wall_s peak_rss_kB label user_s sys_s" to
# $BENCH_LOG,
# so the peak RSS of every mig process of a pipeline run is known.
#
#   BENCH_REAL       directory of the real tools
#   BENCH_LOG        the log
#   BENCH_CAP        when set, a directory where each run of a tool leaves
#                    its argv, its working directory, its input (the file
#                    it read, or a copy of the pipe), its output size and
#                    its own #!stats lines, so each stage can later be
#                    replayed alone on the very stream it saw
set -u -o pipefail
tool=${0##*/}
real=$BENCH_REAL/$tool
# The pipeline script that ran us, for the label: "users.sh stream".
# Read without ps or awk: their two processes per tool cost 7 ms of CPU
# each time, which a small run's wall would count against mig.
label=
args=()
mapfile -d '' -t args < "/proc/$PPID/cmdline" 2>/dev/null || true
for ((i = 0; i < ${#args[@]}; i++)); do
	case ${args[i]} in *.sh)
		label=${args[i]##*/}
		if ((i + 1 < ${#args[@]})); then label+=" ${args[i + 1]}"; fi
		break ;;
	esac
done
label=${label:-${tool}}
label=${label// /_}
timed=(/usr/bin/time -a -o "$BENCH_LOG" -f "$tool %e %M $label %U %S" "$real")

if [ -z "${BENCH_CAP:-}" ]; then
	exec "${timed[@]}" "$@"
fi

n=$BENCH_CAP/$(date +%s%N).$$
printf '%s\0' "$tool" "$label" "$PWD" "$@" > "$n.argv"
case $tool in
mig-split | mig-map | mig-rekey)
	if [ -f /dev/stdin ]; then
		readlink -f /proc/self/fd/0 > "$n.stdin"
	elif [ -p /dev/stdin ]; then
		in=$n.in
		tee "$in" | "${timed[@]}" "$@" |
			tee >(grep -a -E "^#!stats (mig-)?${tool#mig-} " > "$n.stats") >(wc -c > "$n.obytes")
		st=("${PIPESTATUS[@]}")
		echo "$in" > "$n.stdin"
		exit "${st[1]}"
	fi ;;
esac
"${timed[@]}" "$@" | tee >(grep -a -E "^#!stats (mig-)?${tool#mig-} " > "$n.stats") >(wc -c > "$n.obytes")
exit "${PIPESTATUS[0]}"
