#!/usr/bin/env bash
# merge-streams.sh FILE... - the shard streams of one table as one stream
# on stdout, as a single-host run would have written it: the first file's
# preamble and headers, every file's records in file order, and per stage
# and tag one #!stats line whose counters are the sums of the shards'
# (ms= the longest shard's, as they ran at once; run= is a place in the
# pipeline, the same in every shard, not summed).  Row hints (#!count)
# are dropped: they were per shard.  Records are copied as they are; only
# lines starting with '#' or '@' outside quoted fields are looked at,
# which holds because every record's first field is its tag.
set -eu -o pipefail
awk '
function flush_stats(   k, line, j, nm) {
	for (j = 1; j <= nkeys; j++) {
		k = keys[j]
		line = "#!stats " k
		for (nm = 1; nm <= nnames[k]; nm++) {
			line = line " " names[k, nm] "=" sum[k, names[k, nm]]
		}
		print line
	}
}
FNR == 1 { file++ }
/^#!stats / {
	k = $2 " " $3
	if (!(k in seen)) { seen[k] = 1; keys[++nkeys] = k }
	for (f = 4; f <= NF; f++) {
		split($f, kv, "=")
		if (!((k, kv[1]) in sum)) { names[k, ++nnames[k]] = kv[1]; sum[k, kv[1]] = 0 }
		if (kv[1] == "ms" || kv[1] == "run") { if (kv[2] + 0 > sum[k, kv[1]]) sum[k, kv[1]] = kv[2] + 0 }
		else sum[k, kv[1]] += kv[2]
	}
	next
}
/^#!count / { next }
/^#/ { if (file == 1) print; next }
/^@/ { if (!($0 in hdr)) { hdr[$0] = 1; print }; next }
{ print }
END { flush_stats() }
' "$@"
