# pipelines/medical/lib.sh - shell helpers shared by the medical pipeline's
# scripts: which database a URL names, and running SQL there with the
# database's own client (psql, mariadb).  Sourced, never run.
#
# URLs are the ones every mig tool takes (see dburl in mig-extract(1)):
#   postgresql://...  postgres://...  (handed to psql whole; PG* variables,
#                                      ~/.pgpass and service files apply)
#   mysql://[user[:password]@][host][:port]/db?socket=PATH&option-file=PATH&group=NAME
#   (mariadb:// alike).  A password in a URL reaches the client through
#   MYSQL_PWD, never its command line, and no URL is ever printed whole.

# pg or my
db_kind() {
	case $1 in
	postgresql:* | postgres:* | *dbname=* | service=*) echo pg ;;
	mysql:* | mariadb:*) echo my ;;
	*) echo "medical: unsupported database URL (postgresql:// or mysql:// expected)" >&2; return 2 ;;
	esac
}

# The URL with any password replaced, for messages.
db_shown() {
	printf '%s\n' "$1" | sed -E 's#(://[^:/@]*):[^@/]*@#\1:***@#; s#(password=)[^& ]*#\1***#g'
}

# Query-string parameter $2 of URL $1, decoded from %XX.
_url_param() {
	local q=${1#*\?}
	[ "$q" = "$1" ] && return 0
	printf '%s\n' "$q" | tr '&' '\n' | sed -n "s/^$2=//p" | head -n 1 |
		sed 's/%\([0-9A-Fa-f][0-9A-Fa-f]\)/\\x\1/g' | xargs -0 printf '%b' | tr -d '\n'
}

# Sets MY_ARGS (an array for mariadb) and MY_DB from a mysql:// URL; exports
# MYSQL_PWD when the URL has a password.
my_parse() {
	local url=$1 rest auth hostport host port sock optf grp
	rest=${url#*://}
	rest=${rest%%\?*}
	MY_DB=${rest#*/}
	[ "$MY_DB" = "$rest" ] && MY_DB=
	hostport=${rest%%/*}
	auth=
	case $hostport in *@*) auth=${hostport%@*}; hostport=${hostport##*@} ;; esac
	host=${hostport%%:*}
	port=
	case $hostport in *:*) port=${hostport##*:} ;; esac
	sock=$(_url_param "$url" socket)
	optf=$(_url_param "$url" option-file)
	grp=$(_url_param "$url" group)
	MY_ARGS=()
	if [ -n "$optf" ]; then MY_ARGS+=("--defaults-extra-file=$optf"); fi
	if [ -n "$grp" ]; then MY_ARGS+=("--defaults-group-suffix=${grp#client}"); fi
	if [ -n "$auth" ]; then
		MY_ARGS+=("--user=${auth%%:*}")
		case $auth in *:*) export MYSQL_PWD="${auth#*:}" ;; esac
	fi
	if [ -n "$sock" ]; then
		MY_ARGS+=("--socket=$sock")
	elif [ -n "$host" ]; then
		MY_ARGS+=("--host=$host" --protocol=tcp)
	fi
	if [ -n "$port" ]; then MY_ARGS+=("--port=$port"); fi
	return 0
}

# Run the SQL on stdin (or files given) against URL, stopping at the first error.
db_sql() {
	local url=$1; shift
	case $(db_kind "$url") in
	pg)
		PGOPTIONS="-c client_min_messages=warning" psql -X -q -v ON_ERROR_STOP=1 -d "$url" "${@/#/--file=}" ;;
	my)
		my_parse "$url"
		if [ $# -eq 0 ]; then
			mariadb "${MY_ARGS[@]}" --local-infile=1 "$MY_DB"
		else
			cat "$@" | mariadb "${MY_ARGS[@]}" --local-infile=1 "$MY_DB"
		fi ;;
	esac
}

# Run one query, print rows tab-separated, no headers.
db_query() {
	local url=$1; shift
	case $(db_kind "$url") in
	pg) PGOPTIONS="-c client_min_messages=warning" psql -X -q -v ON_ERROR_STOP=1 -At -F "$(printf '\t')" -d "$url" -c "$*" ;;
	my) my_parse "$url"; mariadb "${MY_ARGS[@]}" --batch --skip-column-names "$MY_DB" -e "$*" ;;
	esac
}

# pg or my, as the schema files are named.
db_dialect() {
	db_kind "$1"
}

# Log a line with a UTC time stamp to $RUN/run.log and stderr.  Callers
# pass counts and names, never row values or URLs with passwords.
log() {
	local line
	line="$(date -u '+%Y-%m-%dT%H:%M:%SZ') $*"
	printf '%s\n' "$line" >&2
	if [ -n "${RUN:-}" ] && [ -d "$RUN" ]; then printf '%s\n' "$line" >> "$RUN/run.log"; fi
}
