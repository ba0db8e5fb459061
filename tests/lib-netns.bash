# Several hosts on one machine, for the sharded pipelines (t9010): network
# namespaces made here, each with an sshd of its own, all on one bridge
# that lives in a namespace of its own ("hub"), so no traffic touches the
# machine's own interfaces.  Load it after lib-common.
#
#   netns_up N          make hub + N hosts, sshd on each; sets NETNS_HOSTS
#                       (the addresses), NETNS_HUB (the hub's name) and
#                       PARALLEL_SSH (ssh with the test's key and config)
#   netns_pg_up         a PostgreSQL in the hub listening on its bridge
#                       address; sets NETNS_PG_URL_BASE (append a db name)
#   in_hub CMD...       run CMD inside the hub (the head of a sharded run)
#   netns_down          stop everything netns_up and netns_pg_up started,
#                       delete the namespaces; safe to call twice
#
# Addresses 10.231.X.0/24, X from the test's process id, one bridge per
# test.  Every wait is bounded.  Skips (with the reason) where namespaces
# cannot be made: not root, no ip, no sshd, no GNU parallel.

netns_can() {
	[ "$(id -u)" -eq 0 ] || { echo "network namespaces need root"; return 1; }
	command -v ip >/dev/null || { echo "ip (iproute2) is not installed"; return 1; }
	[ -x /usr/sbin/sshd ] || { echo "sshd is not installed (apt-get install openssh-server)"; return 1; }
	command -v parallel >/dev/null || { echo "GNU parallel is not installed (apt-get install parallel)"; return 1; }
	local probe=migprobe$$
	ip netns add "$probe" 2>/dev/null || { echo "cannot create a network namespace here"; return 1; }
	ip netns del "$probe"
}

netns_up() {
	local n=$1 i h d=$BATS_TEST_TMPDIR/netns
	NETNS_ID=$(( $$ % 200 + 20 ))
	NETNS_HUB=mighub$$
	NETNS_NAMES=("$NETNS_HUB")
	NETNS_PIDS=()
	NETNS_HOSTS=()
	mkdir -p "$d"
	ip netns add "$NETNS_HUB"
	ip -n "$NETNS_HUB" link set lo up
	ip -n "$NETNS_HUB" link add br0 type bridge
	ip -n "$NETNS_HUB" addr add "10.231.$NETNS_ID.1/24" dev br0
	ip -n "$NETNS_HUB" link set br0 up
	ssh-keygen -q -t ed25519 -N '' -f "$d/id" </dev/null
	ssh-keygen -q -t ed25519 -N '' -f "$d/hostkey" </dev/null
	cat > "$d/ssh_config" <<-EOC
	Host *
		IdentityFile $d/id
		IdentitiesOnly yes
		StrictHostKeyChecking no
		UserKnownHostsFile /dev/null
		LogLevel ERROR
		BatchMode yes
		ConnectTimeout 10
	EOC
	for i in $(seq 1 "$n"); do
		h=mighost$$-$i
		ip netns add "$h"
		NETNS_NAMES+=("$h")
		ip -n "$h" link set lo up
		ip link add "mv$$h$i" type veth peer name "mv$$p$i"
		ip link set "mv$$h$i" netns "$h"
		ip link set "mv$$p$i" netns "$NETNS_HUB"
		ip -n "$h" link set "mv$$h$i" name eth0
		ip -n "$h" addr add "10.231.$NETNS_ID.$((10 + i))/24" dev eth0
		ip -n "$h" link set eth0 up
		ip -n "$NETNS_HUB" link set "mv$$p$i" master br0
		ip -n "$NETNS_HUB" link set "mv$$p$i" up
		cat > "$d/sshd_$i" <<-EOC
		ListenAddress 10.231.$NETNS_ID.$((10 + i))
		HostKey $d/hostkey
		AuthorizedKeysFile $d/id.pub
		PermitRootLogin prohibit-password
		PasswordAuthentication no
		KbdInteractiveAuthentication no
		UsePAM no
		StrictModes no
		PidFile $d/sshd_$i.pid
		AcceptEnv LANG LC_*
		EOC
		mkdir -p /run/sshd
		ip netns exec "$h" /usr/sbin/sshd -D -e -f "$d/sshd_$i" 2>"$d/sshd_$i.log" &
		NETNS_PIDS+=($!)
		NETNS_HOSTS+=("10.231.$NETNS_ID.$((10 + i))")
	done
	export PARALLEL_SSH="ssh -F $d/ssh_config"
	# every sshd answers within 20 s, from the hub
	for h in "${NETNS_HOSTS[@]}"; do
		for i in $(seq 1 100); do
			ip netns exec "$NETNS_HUB" $PARALLEL_SSH "$h" true 2>/dev/null && break
			sleep 0.2
		done
		ip netns exec "$NETNS_HUB" $PARALLEL_SSH "$h" true
	done
}

netns_pg_up() {
	local d bin port=5432
	# a directory the postgres user can reach (the test's is private)
	d=$(mktemp -d /tmp/mig-netpg.XXXXXX)
	chmod 755 "$d"
	NETNS_PG_DIR=$d
	bin=$(_mig_pgbin)
	mkdir -p "$d/data" "$d/sock"
	: > "$d/log"
	chown postgres "$d/data" "$d/sock" "$d/log"
	chmod 700 "$d/data"
	_mig_as_pg "$bin/initdb" -D "$d/data" -U postgres -A trust -E UTF8 --locale=C.UTF-8 >"$d/initdb.log" 2>&1 ||
		{ cat "$d/initdb.log" >&2; return 1; }
	echo "host all all 10.231.$NETNS_ID.0/24 trust" >> "$d/data/pg_hba.conf"
	ip netns exec "$NETNS_HUB" runuser -u postgres -- "$bin/pg_ctl" -D "$d/data" -l "$d/log" -w -t 60 \
		-o "-c listen_addresses=10.231.$NETNS_ID.1 -k $d/sock -p $port -c fsync=off -c synchronous_commit=off -c max_connections=40" \
		start >/dev/null || { cat "$d/log" >&2; return 1; }
	NETNS_PG_URL_BASE="postgresql://postgres@10.231.$NETNS_ID.1:$port"
}

in_hub() {
	ip netns exec "$NETNS_HUB" "$@"
}

netns_down() {
	local p h
	[ -n "${NETNS_HUB:-}" ] || return 0
	if [ -n "${NETNS_PG_DIR:-}" ]; then
		_mig_as_pg "$(_mig_pgbin)/pg_ctl" -D "$NETNS_PG_DIR/data" -m immediate -w -t 30 stop >/dev/null 2>&1 || true
		rm -rf "$NETNS_PG_DIR"
		NETNS_PG_DIR=
	fi
	for p in "${NETNS_PIDS[@]}"; do
		kill "$p" 2>/dev/null || true
	done
	for p in "${NETNS_PIDS[@]}"; do
		wait "$p" 2>/dev/null || true
	done
	NETNS_PIDS=()
	for h in "${NETNS_NAMES[@]}"; do
		ip netns del "$h" 2>/dev/null || true
	done
	NETNS_NAMES=()
}
