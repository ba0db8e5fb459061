# bench/miller.bash - the Miller (mlr) peer: the same filtering and mapping
# as mig-split and mig-map do in the medical pipeline, on the same saved
# streams.  Sourced by bench/bench.bash after its capture run, never run.
#
# Miller reads plain CSV, so each captured stream is first turned into CSV
# with one header (tag column and :types taken off; untimed).  Miller loses
# NULL versus empty string there; mig keeps it.  Outputs go to /dev/null,
# as the replayed mig stages' do.  MB/s is counted on the mig stream's
# bytes, so the two figures compare the same input.  --infer-none: every
# value stays a string, as in the stream (and Miller is faster so).

# What the pipeline's rules do (people.sh; rules/*.map), in Miller's DSL.
MLR_PHONE='d = gsub($phone, "[^0-9]", "");
	p = strip($phone);
	$phone_raw = $phone;
	if (strlen(d) == 10) { $phone = "+1" . d }
	elif (d =~ "^1[0-9]{10}$") { $phone = "+" . d }
	elif (substr0(p, 0, 0) == "+" && strlen(d) >= 8 && strlen(d) <= 15) { $phone = "+" . d }
	else { $phone = "" }'
MLR_NAMES='$full_name = gsub(strip($full_name), " +", " ");
	n = splitax($full_name, " ");
	k = length(n);
	$first_name = n[1];
	$middle_name = k > 2 ? n[2] : "";
	$last_name = k > 1 ? n[k] : "";
	$email = tolower(strip($email));'
MLR_STATUS='S = {"scheduled": "scheduled", "completed": "completed", "cancelled": "cancelled",
		"canceled": "cancelled", "no_show": "no_show", "no-show": "no_show", "open": "open",
		"in_progress": "in_progress", "closed": "closed"};
	s = tolower(strip($status));
	if (!haskey(S, s)) { eprint "mlr: unknown status"; }
	$status = S[s];'
MLR_GENDER='G = {"m": "male", "male": "male", "f": "female", "female": "female", "o": "other", "other": "other"};
	g = tolower($gender);
	$gender = haskey(G, g) ? G[g] : "";'

# mlr_prog LABEL: the Miller program doing what the mig stage LABEL does.
mlr_prog() {
	case $1 in
	"mig-split people.sh") echo 'if ($role == "PATIENT") {
			$* = mapselect($*, "id", "full_name", "email", "phone", "password_hash", "date_of_birth",
				"gender", "address", "created_at", "updated_at");
			tee > "/dev/null", $*
		} elif ($role =~ "^(DOCTOR|NURSE|ADMIN|SECRETARY|SUPER_ADMIN)$") {
			$* = mapselect($*, "id", "role", "full_name", "email", "phone", "password_hash",
				"created_at", "updated_at");
			tee > "/dev/null", $*
		} else { eprint "mlr: unmatched role"; }' ;;
	"mig-map users.sh_stream") echo "$MLR_NAMES $MLR_PHONE tee > \"/dev/null\", \$*" ;;
	"mig-map patients.sh_stream") echo "$MLR_NAMES $MLR_PHONE $MLR_GENDER tee > \"/dev/null\", \$*" ;;
	"mig-map appointments.sh_stream" | "mig-map medical_cases.sh_stream") echo "$MLR_STATUS tee > \"/dev/null\", \$*" ;;
	esac
}

# The captured input of a stage as plain CSV in $2.
plain_csv() {
	mlr --icsv --ocsv --implicit-csv-header --headerless-csv-output --allow-ragged-csv-input \
		--skip-comments cut -x -f 1 "$1" | sed '1s/:[a-z]*//g' > "$2"
}

miller_peers() {
	local c tool lab prog bytes rows
	declare -A done
	for c in $(ls "$WORK/cap" | sed -n 's/\.argv$//p' | sort -n); do
		c=$WORK/cap/$c
		read -r tool lab < <(cap_label "$c")
		# the first run of a tool in a script, as the stage replays name it
		[ -z "${done[$tool $lab]:-}" ] || continue
		done[$tool $lab]=1
		prog=$(mlr_prog "$tool $lab")
		[ -n "$prog" ] || continue
		plain_csv "$(cat "$c.stdin")" "$WORK/mlr-in.csv"
		bytes=$(stat -c %s "$(cat "$c.stdin")")
		rows=$(cap_rows "$c")
		measure peer "Miller, as $tool $lab" "$rows" "$bytes" : \
			tm mlr --csv --infer-none put -q "$prog" "$WORK/mlr-in.csv"
	done
	rm -f "$WORK/mlr-in.csv"
}
