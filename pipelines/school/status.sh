#!/usr/bin/env bash
# status.sh - per-entity progress of a run, from its files: done (the
# step's marker, with the rows mig-load wrote), loading (a checkpoint, with
# the rows it has committed), streamed (the stream is built, nothing
# loaded yet) or pending.  Reads only $RUN; counts only, no row values.
set -eu -o pipefail
: "${RUN:?set RUN}"
# the run's choice (run/plan): its entities, and whether a FILTER chose rows
if [ -s "$RUN/plan" ]; then
	printf 'plan     %s, FILTER %s\n' "$(sed -n 's/^ENTITIES=//p' "$RUN/plan")" "$(grep -q '^FILTER=.' "$RUN/plan" && echo set || echo none)"
fi
for e in School people; do
	st=pending rows=
	if [ -e "$RUN/done/$e" ]; then
		st=done
		rows=$(grep -a '^#!stats mig-load ' "$RUN/streams/$e.loaded.csv" 2>/dev/null |
			awk '{ for (i = 4; i <= NF; i++) if ($i ~ /^out=/) n += substr($i, 5) } END { print n + 0 }')
	elif [ -e "$RUN/checkpoints/$e.json" ]; then
		st=loading
		rows=$(grep -o '"loaded": [0-9]*' "$RUN/checkpoints/$e.json" | awk '{ n += $2 } END { print n + 0 }')
	elif [ -e "$RUN/streams/$e.csv" ]; then
		st=streamed
	fi
	printf '%-8s %-9s %s\n' "$e" "$st" "${rows:+$rows rows}"
done
