#!/usr/bin/env bats
# A bounded fuzz of every tool's command line (run it on the sanitizer
# build: tests/run.sh build/san/bin build/san ...): options from each
# tool's own table, deprecated spellings, bad and odd values, operands in
# any order.  Each run must end with a documented exit code (0-3) and
# never with a signal or a sanitizer report.
load lib-common

@test "fuzz: random command lines end in a result or a usage error, never a crash" {
	cd "$BATS_TEST_TMPDIR"
	printf '@t,id:int,a\nt,1,x\nt,2,\n' > in.mig
	sqlite3 d.db "CREATE TABLE t (id int PRIMARY KEY, a text)"
	for t in mig-extract mig-split mig-map mig-rekey mig-load mig-verify; do
		"$t" --list-options > "$t.opts"
	done
	python3 - <<-'PY'
	import os, random, subprocess
	rnd = random.Random(6)
	values = ["", "-", "x", "0", "-1", "99999999999999999999", "csv", "ndjson", "in.mig",
	          "d.db", "sqlite:d.db", "t=t", "t.id=seq", "t -> u", "t.b = a", "key t.id=seq",
	          "counts DST.t = DST.t", "=", "\xff", "a\tb", "'", "\"", "t.id=uuid5:dns",
	          "/nonexistent", "error", "null", "reject", "pass", "1/2", "%", "--", "-e", "-f"]
	deprecated = {"mig-extract": ["-n", "-s"], "mig-split": ["-i"], "mig-map": ["-i"],
	              "mig-load": ["-t"], "mig-verify": ["-r", "-n", "-d"], "mig-rekey": ["--rules"]}
	bad = []
	runs = int(os.environ.get("FUZZ_RUNS", "40"))
	for tool in ["mig-extract", "mig-split", "mig-map", "mig-rekey", "mig-load", "mig-verify"]:
	    opts = []
	    for line in open(tool + ".opts"):
	        s, l, a = line.split(None, 2)
	        a = a.strip()
	        if l in ("--help", "--version", "--list-options", "--progress"):
	            continue
	        opts.append((s, l, a))
	    for i in range(runs):
	        argv = [tool]
	        for _ in range(rnd.randint(0, 5)):
	            r = rnd.random()
	            if r < 0.55:
	                s, l, a = rnd.choice(opts)
	                name = s if s != "-" and rnd.random() < 0.5 else l
	                if a == "-":
	                    argv.append(name)
	                elif name.startswith("--") and rnd.random() < 0.5:
	                    argv.append(name + "=" + rnd.choice(values))
	                else:
	                    argv += [name, rnd.choice(values)]
	            elif r < 0.65:
	                argv += [rnd.choice(deprecated[tool]), rnd.choice(values)]
	            else:
	                argv.append(rnd.choice(values))
	        argv = [x.encode("utf-8", "surrogateescape") if isinstance(x, str) else x for x in argv]
	        argv = [x.replace(b"\xc3\xbf", b"\xff") for x in argv]
	        with open("in.mig", "rb") as stdin:
	            p = subprocess.run(argv, stdin=stdin, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, timeout=60)
	        err = p.stderr.decode("utf-8", "replace")
	        if p.returncode not in (0, 1, 2, 3) or "Sanitizer" in err or "runtime error" in err:
	            bad.append(f"{argv!r}: exit {p.returncode}: {err[-400:]}")
	        if os.path.exists("d.db-journal"):
	            os.remove("d.db-journal")
	open("bad", "w").write("\n".join(bad))
	PY
	[ ! -s bad ] || { cat bad; return 1; }
}
