#!/usr/bin/env bats
# No call cycle between the files of a folder: a file calls only files
# below it (extract.h, verify.h and, for the catalog, catalog.h list the
# order).  Checked on the
# objects: an edge A -> B when A.o has an undefined symbol that B.o
# defines (nm), then the strongly connected components of that graph.
# Calls through a function pointer (a driver's struct xsource) are not
# edges: the caller does not name the callee.  Only functions (nm type T)
# make edges: naming a driver's ops table (load-common.c's tgt_drivers[]
# lists &pg_ops, while load-pg.c calls load-common.c) names data, and
# calls nothing.
load lib-common

cycles() {
	python3 - "$MIG_BUILD" "$@" <<-'PY'
	import glob, os, subprocess, sys
	build, dirs, bad = sys.argv[1], sys.argv[2:], 0
	for d in dirs:
	    defs, uses = {}, {}
	    objs = sorted(glob.glob(f"{build}/{d}/*.o"))
	    if not objs:
	        print(f"{d}: no objects under {build}"); sys.exit(2)
	    for o in objs:
	        f = os.path.basename(o)[:-2]
	        uses[f] = set()
	        for line in subprocess.run(["nm", o], capture_output=True, text=True, check=True).stdout.splitlines():
	            p = line.split()
	            if len(p) == 3 and p[1] == "T":
	                defs[p[2]] = f
	            elif len(p) == 2 and p[0] == "U":
	                uses[f].add(p[1])
	    g = {f: {defs[s] for s in u if defs.get(s, f) != f} for f, u in uses.items()}
	    index, low, stack, on, n = {}, {}, [], set(), [0]
	    def visit(v):
	        global bad
	        index[v] = low[v] = n[0]; n[0] += 1; stack.append(v); on.add(v)
	        for w in g[v]:
	            if w not in index:
	                visit(w); low[v] = min(low[v], low[w])
	            elif w in on:
	                low[v] = min(low[v], index[w])
	        if low[v] == index[v]:
	            comp = []
	            while True:
	                w = stack.pop(); on.discard(w); comp.append(w)
	                if w == v:
	                    break
	            if len(comp) > 1:
	                print(f"{d}: call cycle: {' '.join(sorted(comp))}"); bad = 1
	    for v in g:
	        if v not in index:
	            visit(v)
	sys.exit(bad)
	PY
}

@test "extract/ and verify/: no call cycle between files" {
	run cycles extract verify
	[ "$status" -eq 0 ] || { echo "$output"; return 1; }
}

@test "load/ and transform/: no call cycle between files" {
	run cycles load transform
	[ "$status" -eq 0 ] || { echo "$output"; return 1; }
}

@test "common/: no call cycle between files" {
	run cycles common
	[ "$status" -eq 0 ] || { echo "$output"; return 1; }
}

@test "common/: the catalog readers and catalog.c do not call each other" {
	run cycles common
	[[ "$output" != *catalog* ]] || { echo "$output"; return 1; }
}

@test "the checker finds a cycle where there is one" {
	mkdir -p "$BATS_TEST_TMPDIR/b/x"
	printf 'void b(void); void a(void) { b(); }\n' >"$BATS_TEST_TMPDIR/a.c"
	printf 'void a(void); void b(void) { a(); }\n' >"$BATS_TEST_TMPDIR/b.c"
	printf 'void a(void); void c(void) { a(); }\n' >"$BATS_TEST_TMPDIR/c.c"
	for f in a b c; do cc -c -o "$BATS_TEST_TMPDIR/b/x/$f.o" "$BATS_TEST_TMPDIR/$f.c"; done
	MIG_BUILD="$BATS_TEST_TMPDIR/b" run -1 cycles x
	[ "$output" = "x: call cycle: a b" ]
}
