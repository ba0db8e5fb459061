#!/usr/bin/python3
"""Turn bench.bash's measurements into the table (stdout), the JSON file and
the gnuplot PNG, and say which of issue 19's targets hold.

Input: a TSV of group, name, rows, bytes, median wall s, peak RSS kB, walls,
median CPU s (user + system of the client processes: mig tools, psql,
pgloader, mlr, python; never the database servers), "verified=..." or "-",
median CPU s of the two database servers over the same runs;
and "tool label peak_kB" lines, one per mig process kind seen.
"ratio" is the floor's rows/s over the figure's rows/s (the lite group's
own floor for the split-and-rekey scenario, else the load-then-constrain
floor of the cleaning-heavy medical pipeline):
how many times slower per row than the databases' own bulk path (1.0 is the
floor; for the floor's own variants and for peers it reads the same way).
"""
import argparse
import json
import os
import subprocess
import sys

FLOOR = "floor: COPY, then constraints (load-then-constrain)"
LFLOOR = "lite floor: COPY (split+rekey), then constraints"
STREAMING = ("mig-extract", "mig-split", "mig-map", "mig-load")


def load(path):
    rows = []
    with open(path) as f:
        for line in f:
            p = line.rstrip("\n").split("\t")
            g, name, n, b, wall, rss, walls, cpu = p[:8]
            ver = p[8] if len(p) > 8 else "-"
            srv = float(p[9]) if len(p) > 9 and p[9] not in ("", "-") else None
            n, b, wall, rss, cpu = int(n), int(b), float(wall), int(rss), float(cpu)
            rows.append(dict(group=g, name=name, rows=n, bytes=b or None,
                             wall_s=wall, rows_per_s=n / wall if wall else None,
                             mb_per_s=b / wall / 1e6 if b and wall else None,
                             peak_rss_kb=rss or None, cpu_s=cpu, server_cpu_s=srv,
                             mb_per_cpu_s=b / cpu / 1e6 if b and cpu else None,
                             runs_s=[float(x) for x in walls.split()], verified=ver))
    return rows


def find(rows, name):
    for r in rows:
        if r["name"] == name:
            return r
    return None


def targets(rows, rss):
    out = []

    def add(what, holds, detail):
        out.append(dict(target=what, holds=holds, detail=detail))

    def ratio(what, r, base, limit, more=""):
        x = r["wall_s"] / base["wall_s"] * base["rows"] / r["rows"]
        add("%s <= %.2fx %s" % (r["name"], limit, base["name"].split(":")[0]), x <= limit,
            "%.2fx (%.1f s vs %.1f s)%s" % (x, r["wall_s"], base["wall_s"], more))

    lfloor = find(rows, LFLOOR)
    lpg = find(rows, "lite mig PG->PG")
    lmy = find(rows, "lite mig MariaDB->PG")
    for r in rows:
        if r.get("verified", "-") != "-":
            add("%s: rows verified by checksum" % r["name"], r["verified"] == "verified=yes", r["verified"])
    if lfloor and lpg:
        ratio("pg", lpg, lfloor, 0.75)
    if lfloor and lmy:
        ratio("my", lmy, lfloor, 0.8)
    pgl = find(rows, "pgloader MariaDB->PG, straight copy")
    if pgl and lmy:
        x = lmy["rows_per_s"] / pgl["rows_per_s"]
        add("lite mig MariaDB->PG >= 3x faster than pgloader", x >= 3,
            "%.2fx (%.1f s vs pgloader %.1f s)" % (x, lmy["wall_s"], pgl["wall_s"]))
    if lfloor and lpg and lfloor["cpu_s"]:
        x = (lpg["cpu_s"] / lpg["rows"]) / (lfloor["cpu_s"] / lfloor["rows"])
        add("mig client CPU per row <= 2x the floor's", x <= 2,
            "%.2fx (%.2f CPU s vs psql %.2f)" % (x, lpg["cpu_s"], lfloor["cpu_s"]))
    # the cleaning-heavy floor, the second line
    floor = find(rows, FLOOR)
    for name in ("mig PG->PG, pipeline as shipped", "mig MariaDB->PG, pipeline as shipped"):
        r = find(rows, name)
        if r and floor:
            ratio("heavy", r, floor, 1.0)
    for s in rows:
        tool = s["name"].split(" ")[0]
        if s["group"] != "stage" or tool not in ("mig-split", "mig-map", "mig-rekey"):
            continue
        if s["mb_per_cpu_s"] is not None:
            add("%s >= 500 MB per CPU s" % s["name"], s["mb_per_cpu_s"] >= 500,
                "%.0f MB per CPU s (%.0f MB/s wall)" % (s["mb_per_cpu_s"], s["mb_per_s"]))
        m = find(rows, "Miller, as " + s["name"])
        if m:
            add("%s faster than Miller" % s["name"], s["cpu_s"] < m["cpu_s"],
                "%.1fx the CPU s (%.2f vs Miller %.2f; wall %.2f s vs %.2f s)" % (
                    m["cpu_s"] / s["cpu_s"] if s["cpu_s"] else float("inf"), s["cpu_s"], m["cpu_s"], s["wall_s"], m["wall_s"]))
    py = [r for r in rows if r["name"].startswith("Python")]
    best = [r for r in rows if r["name"] == "lite mig PG->PG"] or \
        [r for r in rows if r["name"].startswith("mig PG->PG")]
    if py and best:
        b = max(best, key=lambda r: r["rows_per_s"])
        x = b["rows_per_s"] / py[0]["rows_per_s"]
        add(">= 20x the seeds' Python rows/s", x >= 20,
            "%.1fx (%s %.0f rows/s vs %.0f rows/s)" % (x, b["name"], b["rows_per_s"],
                                                      py[0]["rows_per_s"]))
    for tool, label, kb in rss:
        if tool in STREAMING:
            add("%s (%s) < 32 MB RSS" % (tool, label), kb < 32768, "%.1f MB" % (kb / 1024))
    for kind in ("seq keys", "lookup of"):
        rk = sorted((r for r in rows if r["group"] == "rekey" and kind in r["name"]),
                    key=lambda r: r["rows"])
        if len(rk) >= 2 and rk[-1]["peak_rss_kb"] and rk[0]["peak_rss_kb"]:
            a, b = rk[0], rk[-1]
            per = (b["peak_rss_kb"] - a["peak_rss_kb"]) * 1024 / (b["rows"] - a["rows"])
            add("mig-rekey %s: < 40 bytes per integer key" % kind, per < 40,
                "%.1f bytes/key (%d keys %.1f MB, %d keys %.1f MB)" % (
                    per, a["rows"], a["peak_rss_kb"] / 1024, b["rows"], b["peak_rss_kb"] / 1024))
    return out


def bounds(rows, ncpu):
    """What the machine allows: a run cannot end before its CPU seconds,
    the client's and the servers', spread over every core, however well
    its steps overlap.  Set beside the walls the pgloader and Python
    targets ask for."""
    out = []
    lfloor = find(rows, LFLOOR)
    pgl = find(rows, "pgloader MariaDB->PG, straight copy")
    py = [r for r in rows if r["name"].startswith("Python")]
    need = {}
    if pgl:
        need["lite mig MariaDB->PG"] = ("3x pgloader", pgl["wall_s"] / 3)
    if py and py[0]["rows_per_s"]:
        r = find(rows, "lite mig PG->PG")
        if r:
            need["lite mig PG->PG"] = ("20x Python", r["rows"] / (20 * py[0]["rows_per_s"]))
    for name in (LFLOOR, "lite mig PG->PG", "lite mig MariaDB->PG"):
        r = find(rows, name)
        if not r or r["server_cpu_s"] is None:
            continue
        cpu = r["cpu_s"] + r["server_cpu_s"]
        least = cpu / ncpu
        b = dict(figure=name, client_cpu_s=r["cpu_s"], server_cpu_s=r["server_cpu_s"],
                 least_wall_s=least, wall_s=r["wall_s"],
                 least_ratio=least / lfloor["wall_s"] if lfloor else None)
        if name in need:
            b["target"], b["target_wall_s"] = need[name]
        out.append(b)
    return out


def fmt(v, f):
    return "-" if v is None else f % v


def table(rows, floor):
    print("%-58s %10s %9s %11s %8s %9s %7s %8s %8s" % ("figure", "rows", "wall s", "rows/s",
                                                       "MB/s", "RSS MB", "ratio", "CPU s", "srv CPU"))
    group = None
    for r in rows:
        if r["group"] != group:
            group = r["group"]
            print("-- %s" % group)
        print("%-58s %10d %9.2f %11s %8s %9s %7s %8.2f %8s" % (
            r["name"][:58], r["rows"], r["wall_s"], fmt(r["rows_per_s"], "%.0f"),
            fmt(r["mb_per_s"], "%.1f"),
            fmt(r["peak_rss_kb"] and r["peak_rss_kb"] / 1024, "%.1f"),
            fmt(r["ratio"], "%.2f"), r["cpu_s"], fmt(r["server_cpu_s"], "%.2f")))


def plot(rows, png, title):
    pts = [r for r in rows if r["group"] != "rekey" and r["rows_per_s"]]
    if not pts:  # only the rekey memory figures: nothing to draw
        return
    dat = png[:-4] + ".dat"
    with open(dat, "w") as f:
        for i, r in enumerate(pts):
            f.write('%d "%s" %f %d\n' % (i, r["name"].replace('"', "'"), r["rows_per_s"],
                                          ["floor", "mig", "stage", "peer"].index(r["group"])
                                          if r["group"] in ("floor", "mig", "stage", "peer") else
                                          (0 if "floor" in r["name"] else 1)))
    gp = """set terminal pngcairo size 1400,%d font ",10"
set output "%s"
set title "%s"
set style fill solid 0.8
set logscale x
set xlabel "rows/s (log scale)"
set ytics nomirror
set yrange [%d:-1]
set termoption noenhanced
set grid xtics
unset key
set palette defined (0 "#555555", 1 "#1f77b4", 2 "#2ca02c", 3 "#d62728")
set cbrange [0:3]
unset colorbox
plot "%s" using ($3*0.5):1:($3*0.5):(0.4):4:yticlabels(2) with boxxyerror lc palette, \\
     "" using 3:1:(sprintf("%%.0f", $3)) with labels left offset 0.5,0 font ",8"
""" % (200 + 22 * len(pts), png, title, len(pts), dat)
    try:
        subprocess.run(["gnuplot"], input=gp, text=True, check=True)
    except (OSError, subprocess.CalledProcessError) as e:
        print("report.py: no plot: %s" % e, file=sys.stderr)
    os.unlink(dat)


def mem_kb():
    with open("/proc/meminfo") as f:
        return int(f.readline().split()[1])


def main():
    ap = argparse.ArgumentParser()
    for a in ("results", "rss", "json", "plot", "scale", "runs", "date", "loadavg"):
        ap.add_argument("--" + a, required=True)
    o = ap.parse_args()
    rows = load(o.results)
    rss = []
    with open(o.rss) as f:
        for line in f:
            p = line.split()
            if len(p) == 3:
                rss.append((p[0], p[1], int(p[2])))
    floor = find(rows, FLOOR)
    lfloor = find(rows, LFLOOR)
    for r in rows:
        base = lfloor if r["group"] == "lite" or not floor else floor
        r["ratio"] = (base["rows_per_s"] / r["rows_per_s"]
                      if base and r["rows_per_s"] and r["group"] != "rekey" else None)
    t = targets(rows, rss)
    print("mig bench: SCALE=%s, median of %s, %d CPUs, %.1f GB, load average %s" % (
        o.scale, o.runs, os.cpu_count(), mem_kb() / 1048576, o.loadavg))
    table(rows, floor)
    print("\npeak RSS of every mig process kind (MB):")
    for tool, label, kb in rss:
        print("  %-12s %-28s %7.1f" % (tool, label, kb / 1024))
    print("\ntargets (issue 19):")
    for x in t:
        print("  %-64s %s (%s)" % (x["target"][:64] + ":", "holds" if x["holds"] else "does not hold",
                                   x["detail"]))
    bd = bounds(rows, os.cpu_count())
    if bd:
        print("\nwhat %d CPUs allow (client CPU s + servers' CPU s, spread over every CPU):" %
              os.cpu_count())
    for b in bd:
        print("  %-28s %6.2f + %6.2f CPU s: no run under %6.2f s (%s the floor; median wall %.2f s)%s" % (
            b["figure"][:28] + ":", b["client_cpu_s"], b["server_cpu_s"], b["least_wall_s"],
            fmt(b["least_ratio"], "%.2fx"), b["wall_s"],
            "; %s needs <= %.2f s" % (b["target"], b["target_wall_s"]) if "target" in b else ""))
    doc = dict(date=o.date, scale=int(o.scale), runs=int(o.runs), nproc=os.cpu_count(),
               mem_kb=mem_kb(), loadavg=o.loadavg, floor=FLOOR, figures=rows,
               peak_rss_kb=[dict(tool=a, label=b, kb=c) for a, b, c in rss], targets=t,
               bounds=bd)
    with open(o.json, "w") as f:
        json.dump(doc, f, indent=1)
    plot(rows, o.plot, "mig bench, SCALE=%s, %s (median of %s)" % (o.scale, o.date, o.runs))
    print("\nbench: %s\nbench: %s" % (o.json, o.plot))


if __name__ == "__main__":
    main()
