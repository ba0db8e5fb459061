#!/usr/bin/env bash
# migrate.sh - every mapping of $MAPPINGS (mappings.txt), in its order:
# the source (a heimdall table, a CSV file or JSON files) to a saved
# stream $RUN/streams/TARGET.csv, then loaded into DST, checkpointed in
# $RUN/checkpoints/TARGET.json.  A mapping whose load finished is marked
# in $RUN/done/ and skipped by a rerun; a killed run rerun finishes the
# job.  Every file is checked before anything is loaded: a malformed JSON
# file or a CSV row with the wrong number of fields stops the run with
# file:line, and the target is left as it was.
#   migrate.sh [check|stream|load|all]   (all by default)
set -eu -o pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
: "${RUN:?set RUN}" "${DATA:?set DATA}"
step=${1:-all}
mkdir -p "$RUN/streams" "$RUN/done" "$RUN/checkpoints"

# json_records FILE...: the files' leaves as NDJSON records of tag config
# (file, key: the path joined by dots, value: the JSON value; an array is
# one value), after one SCHEMA line.
json_records() {
	local f
	printf '%s\n' '{"type":"SCHEMA","stream":"config","schema":{"type":"object","properties":{"file":{"type":"string","x-mig-type":"text"},"key":{"type":"string","x-mig-type":"text"},"value":{"x-mig-type":"json"}}},"key_properties":["file","key"]}'
	for f in "$@"; do
		jq -c --arg f "${f#"$DATA"/}" '. as $d | [paths(type != "object")] | map(select(all(.[]; type == "string")))
			| .[] as $p | {type: "RECORD", stream: "config", record: {file: $f, key: ($p | join(".")), value: ($d | getpath($p))}}' "$f"
	done
}

# check_files: every file a mapping reads parses, before anything loads
check_files() {
	local kind src dst rules f msg
	while read -r kind src dst rules; do
		case $kind in
		json)
			for f in "$DATA"/$src; do
				[ -f "$f" ] || die "$src: no such files in $DATA"
				if ! msg=$(jq empty "$f" 2>&1); then
					# jq says "... at line L, column C": file:line first, as every mig tool
					die "${f#"$DATA"/}:$(sed -n 's/.* at line \([0-9]*\), column \([0-9]*\).*/\1:\2/p' <<<"$msg" | tail -1): not valid JSON: ${msg##*: }"
				fi
			done ;;
		csv)
			[ -f "$DATA/$src" ] || die "$src: no such file in $DATA"
			mig-extract -q "csv:$DATA/$src" > /dev/null ;;
		esac
	done < <(mappings)
}

stream_one() {
	local kind=$1 src=$2 dst=$3 rules=$4 tag out=$RUN/streams/$3.csv
	[ ! -s "$out" ] || return 0
	# the source's tag: the table, the CSV file's base name, or config
	case $kind in table) tag=$src ;; csv) tag=$(basename "$src" .csv) ;; json) tag=config ;; esac
	case $kind in
	table) mig-extract -q "$SRC" "$src" ;;
	csv) mig-extract -q "csv:$DATA/$src" ;;
	json) json_records "$DATA"/$src ;;
	esac | mig-map -q -f "$rules" -e "$tag -> $dst" > "$out.part"
	commit "$out"
	log "$dst: streamed from $kind $src ($(grep -c "^$dst," "$out" || true) rows)"
}

load_one() {
	local kind=$1 dst=$3 opts=(--upsert)
	[ ! -e "$RUN/done/$dst" ] || return 0
	if [ "$kind" != table ]; then opts=(--truncate); fi
	log "$dst: load"
	mig-load -q -b "${BATCH:-50000}" -c "$RUN/checkpoints/$dst.json" "${opts[@]}" \
		"$DST" "$RUN/streams/$dst.csv" > "$RUN/streams/$dst.loaded.csv"
	touch "$RUN/done/$dst"
}

mappings > /dev/null
case $step in check | all) check_files ;; esac
while read -r kind src dst rules; do
	case $step in stream | all) stream_one "$kind" "$src" "$dst" "$rules" ;; esac
done < <(mappings)
if [ "$step" = load ] || [ "$step" = all ]; then
	while read -r kind src dst rules; do load_one "$kind" "$src" "$dst" "$rules"; done < <(mappings)
	log "migrate: every mapping loaded"
fi
