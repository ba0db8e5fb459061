# bench/shards.bash - the sharded medical run (make migrate SHARDS=n
# HOSTS=...) on 1, 2 and 3 hosts made of network namespaces, against the
# same migration run by one host without shards.  Sourced by bench.bash
# (ONLY=shards); uses its measure(), WORK, MED, MY_SRC and the tools in
# $WORK/bin.
#
# The hosts are the ones tests/t9010 uses (tests/lib-netns.bash): a hub
# namespace holding the target PostgreSQL on a bridge, one namespace per
# host with an sshd, GNU parallel driving the shards over ssh.  They all
# share this machine's cores, so the figures show what sharding costs
# here (ssh, parallel, the per-shard start-up, the deferred keys rebuilt
# once per wave), not what separate machines would gain: that is the
# model printed after them, from the phases of the one-host sharded run.

shard_hosts() {	# the first $1 of the namespace hosts, comma-separated
	local IFS=,
	echo "${NETNS_HOSTS[*]:0:$1}"
}

shard_make() {
	in_hub make -s -C "$MED" MIG_BIN="$WORK/bin" SRC="$MY_SRC" DST="$NETNS_PG_URL_BASE/new_moh" \
		RUN="$WORK/srun" "$@" > "$WORK/shard-make.log" 2>&1 || { cat "$WORK/shard-make.log" >&2; return 1; }
}

shard_prep() {
	rm -rf "$WORK/srun"
	in_hub psql -X -q -d "$NETNS_PG_URL_BASE/postgres" -c "DROP DATABASE IF EXISTS new_moh" -c "CREATE DATABASE new_moh"
	shard_make schema
}

shard_one_host() { shard_make -j2 migrate; }
shard_run() { shard_make SHARDS="$1" HOSTS="$(shard_hosts "$1")" migrate; }

# The whole target's rows and an order-independent checksum per table.
shard_fingerprint() {
	local t
	for t in users patients appointments medical_cases visits prescriptions; do
		in_hub psql -X -q -At -d "$NETNS_PG_URL_BASE/new_moh" -c \
			"SELECT '$t', count(*), md5(coalesce(string_agg(h, '' ORDER BY h), '')) FROM (SELECT md5(x::text) h FROM $t x) s"
	done
}

shard_bench() {
	local why k rows=0 v
	BATS_TEST_TMPDIR=$WORK/netns
	mkdir -p "$BATS_TEST_TMPDIR"
	# shellcheck source=tests/lib-netns.bash
	. "$TOP/tests/lib-netns.bash"
	if ! why=$(netns_can); then
		say "shards: skipped: $why"
		return 0
	fi
	say "shards: 3 namespace hosts, the target PostgreSQL on their bridge"
	netns_up 3 >&2
	netns_pg_up >&2
	# v1 rows read: the five tables (counts.txt also names subsets)
	while read -r k v; do
		case $k in users | appointments | visits | medical_cases | prescriptions) rows=$((rows + v)) ;; esac
	done < "$DATA/counts.txt"

	# the reference first, kept for the others to match
	shard_prep
	shard_one_host
	shard_fingerprint > "$WORK/shard-ref.fp"
	for k in 1 2 3; do
		shard_prep
		shard_run "$k"
		shard_fingerprint > "$WORK/shard-$k.fp"
		cmp -s "$WORK/shard-ref.fp" "$WORK/shard-$k.fp" ||
			{ say "shards: $k hosts: the target differs from the one-host run"; diff "$WORK/shard-ref.fp" "$WORK/shard-$k.fp" >&2; return 1; }
	done
	# the phases of a one-host sharded run: people (users, patients: once,
	# on the head) against the sharded waves
	local t0 tp t1
	shard_prep
	t0=$(date +%s.%N)
	shard_run 1
	t1=$(date +%s.%N)
	tp=$(stat -c %.9Y "$WORK/srun/done/patients")

	# interleaved: one round of every figure, RUNS rounds
	local runs=$RUNS r
	RUNS=1
	for ((r = 1; r <= runs; r++)); do
		measure shard "one host, no shards (make -j2)" "$rows" 0 shard_prep shard_one_host
		for k in 1 2 3; do
			measure shard "sharded over $k namespace host(s)" "$rows" 0 shard_prep shard_run "$k"
		done
	done
	RUNS=$runs
	netns_down

	# medians per figure, and what separate machines would give: the
	# people phase stays serial, the waves divide among the hosts while the
	# target keeps up (Amdahl with the phases measured above)
	awk -F'\t' -v head="$(awk -v a="$t0" -v b="$tp" 'BEGIN { print b - a }')" \
		-v total="$(awk -v a="$t0" -v b="$t1" 'BEGIN { print b - a }')" '
		$1 == "shard" { w[$2] = w[$2] " " $5; n[$2]++; if (!($2 in o)) o[$2] = ++k }
		function med(s,   a, m, i, j, t) { m = split(s, a, " "); for (i = 1; i <= m; i++) for (j = i + 1; j <= m; j++) if (a[j] < a[i]) { t = a[i]; a[i] = a[j]; a[j] = t }
			return m % 2 ? a[(m + 1) / 2] : (a[m / 2] + a[m / 2 + 1]) / 2 }
		END {
			for (f in o) name[o[f]] = f
			ref = med(w[name[1]])
			printf "\nsharded runs (median of %d, this machine: every host shares its 2 cores):\n", n[name[1]]
			for (i = 1; i <= k; i++) printf "  %-40s %8.2f s  %5.2fx the one-host run\n", name[i], med(w[name[i]]), med(w[name[i]]) / ref
			printf "model for separate hosts: people %.1f s serial, waves %.1f s split among hosts:\n", head, total - head
			for (h = 1; h <= 3; h++) printf "  %d host(s): %.1f s predicted (%.2fx)\n", h, head + (total - head) / h, (head + (total - head) / h) / total
		}' "$RES"
}
