#!/bin/sh
# Install the Debian packages mig needs to build and test, or say exactly
# which to install.  Extra package names may be given as arguments
# (bench/run.sh adds its peers).
set -eu

pkgs="gcc make libc6-dev pkg-config libcsv-dev libjansson-dev libpq-dev libmariadb-dev
libsqlite3-dev uuid-dev nettle-dev libcrypt-dev libxxhash-dev postgresql mariadb-server valgrind
mariadb-client sqlite3 bats mandoc jq python3 time libxml2-utils chromium parallel openssh-server
openssh-client iproute2 openssl $*"

missing=
for p in $pkgs; do
	st=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
	case $st in
	*"install ok installed"*) ;;
	*) missing="$missing $p" ;;
	esac
done
[ -z "$missing" ] && exit 0

if [ "$(id -u)" -ne 0 ]; then
	echo "mig: missing Debian packages; as root run:" >&2
	echo "  apt-get update && apt-get install -y$missing" >&2
	exit 1
fi
echo "mig: installing$missing" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq >/dev/null
apt-get install -y -qq $missing >/dev/null
echo "mig: installed$missing" >&2
