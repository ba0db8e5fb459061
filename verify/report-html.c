/*
 * report-html.c - the page of a run: one XHTML file with its style and
 * pictures inline (SVG), no script and nothing fetched, so it can be mailed,
 * archived and opened anywhere.  Written as well-formed XML so that any XML
 * parser can check it.  Problems come first: failed checks, then the flow
 * of rows with any gap drawn in red.
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "banned.h"
#include "report.h"
#include "util.h"

static void esc(FILE *fp, const char *s)
{
	for (; *s; s++) {
		switch (*s) {
		case '&': fputs("&amp;", fp); break;
		case '<': fputs("&lt;", fp); break;
		case '>': fputs("&gt;", fp); break;
		case '"': fputs("&quot;", fp); break;
		default:
			/* XML 1.0 has no place for other control characters */
			if ((unsigned char)*s < 0x20 && *s != '\n' && *s != '\t')
				fputc('?', fp);
			else
				fputc(*s, fp);
		}
	}
}

static const char *jstr(json_t *o, const char *k)
{
	const char *s = json_string_value(json_object_get(o, k));

	return s ? s : "";
}

static void num(FILE *fp, const char *cls, unsigned long long n)
{
	fprintf(fp, "<td class=\"n %s\">%llu</td>", cls, n);
}

static const char style[] =
	"body{font:14px/1.4 system-ui,sans-serif;margin:2em;color:#222;max-width:72em}"
	"h1{font-size:1.5em;margin-bottom:.2em}h2{font-size:1.15em;margin-top:1.6em;border-bottom:1px solid #ccc}"
	"table{border-collapse:collapse;margin:.5em 0}td,th{padding:.2em .6em;border-bottom:1px solid #eee;"
	"text-align:left;vertical-align:top}td.n{text-align:right;font-variant-numeric:tabular-nums}"
	".pass{color:#17663a}.fail,.error,.lost{color:#b00020;font-weight:bold}.muted{color:#777}"
	".badge{display:inline-block;padding:.2em .7em;border-radius:.3em;color:#fff;font-weight:bold}"
	".badge.pass{background:#17663a;color:#fff}.badge.fail,.badge.error{background:#b00020;color:#fff}"
	"td:first-child{white-space:nowrap}pre{background:#f6f6f6;padding:.8em;overflow:auto}svg{display:block}";

static void head(const struct run *r, const char *title, FILE *fp)
{
	const char *result = r->verify ? jstr(r->verify, "result") : "";
	json_t *dbs = r->verify ? json_object_get(r->verify, "databases") : NULL;
	const char *alias;
	json_t *d;

	fputs("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<!DOCTYPE html>\n"
	      "<html xmlns=\"http://www.w3.org/1999/xhtml\" lang=\"en\">\n<head>\n<meta charset=\"UTF-8\"/>\n"
	      "<title>", fp);
	esc(fp, title);
	fprintf(fp, "</title>\n<style>%s</style>\n</head>\n<body>\n<h1>", style);
	esc(fp, title);
	fputs("</h1>\n<p>", fp);
	if (*result) {
		fprintf(fp, "<span id=\"result\" class=\"badge %s\">", result);
		esc(fp, result);
		fputs("</span> ", fp);
	}
	fputs("run directory <code>", fp);
	esc(fp, r->dir);
	fputs("</code>", fp);
	if (r->verify) {
		fputs(", verified ", fp);
		esc(fp, jstr(r->verify, "finished"));
	}
	fputs("</p>\n", fp);
	if (dbs && json_object_size(dbs)) {
		fputs("<table id=\"databases\"><tr><th>database</th><th>dialect</th><th>URL (no credentials)</th></tr>\n", fp);
		json_object_foreach(dbs, alias, d) {
			fputs("<tr><td>", fp);
			esc(fp, alias);
			fputs("</td><td>", fp);
			esc(fp, jstr(d, "dialect"));
			fputs("</td><td><code>", fp);
			esc(fp, jstr(d, "url"));
			fputs("</code></td></tr>\n", fp);
		}
		fputs("</table>\n", fp);
	}
}

static void check_rows(json_t *checks, const char *want, int not, FILE *fp)
{
	size_t i;
	json_t *k, *notes;

	json_array_foreach(checks, i, k) {
		const char *st = jstr(k, "status");
		size_t j;
		json_t *n;

		if (not ? !strcmp(st, want) : strcmp(st, want))
			continue;
		fprintf(fp, "<tr class=\"check\"><td class=\"%s\">", st);
		esc(fp, st);
		fputs("</td><td>", fp);
		esc(fp, jstr(k, "check"));
		fputs(" <code>", fp);
		esc(fp, jstr(k, "rule"));
		fputs("</code></td><td class=\"muted\">", fp);
		esc(fp, jstr(k, "where"));
		fputs("</td><td>", fp);
		esc(fp, jstr(k, "summary"));
		notes = json_object_get(k, "notes");
		json_array_foreach(notes, j, n) {
			fputs("<br/><span class=\"muted\">", fp);
			esc(fp, json_string_value(n) ? json_string_value(n) : "");
			fputs("</span>", fp);
		}
		fputs("</td></tr>\n", fp);
	}
}

static void checks(const struct run *r, FILE *fp)
{
	json_t *c = r->verify ? json_object_get(r->verify, "checks") : NULL;

	fputs("<h2>Verification</h2>\n", fp);
	if (!c) {
		fputs("<p class=\"muted\">No validation_report.json in this run.</p>\n", fp);
		return;
	}
	fprintf(fp, "<p><span id=\"passed\" class=\"pass\">%lld</span> passed, "
		    "<span id=\"failed\" class=\"fail\">%lld</span> failed, "
		    "<span id=\"errors\" class=\"error\">%lld</span> errors</p>\n",
		(long long)json_integer_value(json_object_get(r->verify, "passed")),
		(long long)json_integer_value(json_object_get(r->verify, "failed")),
		(long long)json_integer_value(json_object_get(r->verify, "errors")));
	fputs("<table id=\"checks\"><tr><th>result</th><th>check</th><th>where</th><th>figures</th></tr>\n", fp);
	/* failures and errors first: they are what a reviewer must read */
	check_rows(c, "error", 0, fp);
	check_rows(c, "fail", 0, fp);
	check_rows(c, "pass", 0, fp);
	fputs("</table>\n", fp);
}

/* One bar: out, dropped, rejected side by side, a gap (loss) in red at the end. */
static void bar(const struct rstat *s, unsigned long long scale, FILE *fp)
{
	const double w = 360.0;
	long long gap = rstat_gap(s);
	unsigned long long parts[4] = { s->out, s->dropped, s->rejected, gap > 0 ? (unsigned long long)gap : 0 };
	static const char *const fill[4] = { "#2e7d4f", "#9e9e9e", "#e08a00", "#b00020" };
	static const char *const what[4] = { "out", "dropped", "rejected", "lost" };
	double x = 0;
	size_t i;

	fprintf(fp, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%.0f\" height=\"14\" role=\"img\">", w);
	fprintf(fp, "<rect x=\"0\" y=\"0\" width=\"%.0f\" height=\"14\" fill=\"#f0f0f0\"/>", w);
	for (i = 0; i < 4; i++) {
		double pw = scale ? w * (double)parts[i] / (double)scale : 0;

		if (!parts[i])
			continue;
		if (pw < 2)
			pw = 2;
		fprintf(fp, "<rect x=\"%.1f\" y=\"0\" width=\"%.1f\" height=\"14\" fill=\"%s\"><title>%s %llu</title></rect>",
			x, pw, fill[i], what[i], parts[i]);
		x += pw;
	}
	fputs("</svg>", fp);
}

static void flow(const struct run *r, FILE *fp)
{
	unsigned long long scale = 1;
	size_t i, j;
	int lost = 0;

	fputs("<h2>Flow of rows</h2>\n", fp);
	if (!r->nstats) {
		fputs("<p class=\"muted\">No #!stats lines in streams/.</p>\n", fp);
		return;
	}
	for (i = 0; i < r->nstats; i++) {
		const struct rstat *s = &r->stats[i];
		unsigned long long acc = s->out + s->dropped + s->rejected;

		if (s->in > scale)
			scale = s->in;
		if (acc > scale)
			scale = acc;
		lost |= rstat_gap(s) > 0;
	}
	fprintf(fp, "<p>Each stage, per table: rows in = out + dropped + rejected. %s</p>\n",
		lost ? "<span class=\"lost\">Rows went missing: see the red bars.</span>"
		     : "No stage lost a row.");
	fputs("<table id=\"flow\"><tr><th>stage</th><th>table</th><th>in</th><th>out</th><th>dropped</th>"
	      "<th>rejected</th><th>lost</th><th>other counters</th><th></th></tr>\n",
	      fp);
	for (i = 0; i < r->nstats; i++) {
		const struct rstat *s = &r->stats[i];
		long long gap = rstat_gap(s);

		fprintf(fp, "<tr class=\"stage\"><td>");
		esc(fp, s->stage);
		fputs("</td><td>", fp);
		esc(fp, s->tag);
		fputs("</td>", fp);
		num(fp, "in", s->in);
		num(fp, "out", s->out);
		num(fp, "dropped", s->dropped);
		num(fp, "rejected", s->rejected);
		fprintf(fp, "<td class=\"n lost%s\">%lld</td><td class=\"muted\">", gap > 0 ? "" : " muted", gap > 0 ? gap : 0);
		for (j = 0; j < s->nextra; j++) {
			if (rstat_is_time(s->extra_names[j]))
				continue;
			esc(fp, s->extra_names[j]);
			fprintf(fp, "=%llu ", s->extra[j]);
		}
		fputs("</td><td>", fp);
		bar(s, scale, fp);
		fputs("</td></tr>\n", fp);
	}
	fputs("</table>\n", fp);
}

static void counts_table(const char *id, const char *h2, const char *ha, const char *hb, const char *hc,
			 const struct rcount *v, size_t n, const char *none, FILE *fp)
{
	size_t i;
	unsigned long long total = 0;

	fprintf(fp, "<h2>%s</h2>\n", h2);
	if (!n) {
		fprintf(fp, "<p class=\"muted\">%s</p>\n", none);
		return;
	}
	for (i = 0; i < n; i++)
		total += v[i].n;
	fprintf(fp, "<p><span id=\"%s-total\">%llu</span> in all.</p>\n", id, total);
	fprintf(fp, "<table id=\"%s\"><tr><th>%s</th><th>%s</th>%s%s%s<th>rows</th></tr>\n", id, ha, hb,
		hc ? "<th>" : "", hc ? hc : "", hc ? "</th>" : "");
	for (i = 0; i < n; i++) {
		fputs("<tr><td>", fp);
		esc(fp, v[i].a);
		fputs("</td><td>", fp);
		esc(fp, v[i].b);
		fputs("</td>", fp);
		if (hc) {
			fputs("<td>", fp);
			esc(fp, v[i].c);
			fputs("</td>", fp);
		}
		num(fp, "count", v[i].n);
		fputs("</tr>\n", fp);
	}
	fputs("</table>\n", fp);
}

static void xwalks(const struct run *r, FILE *fp)
{
	size_t i;

	fputs("<h2>Crosswalks</h2>\n", fp);
	if (!r->nxwalks) {
		fputs("<p class=\"muted\">No crosswalk files (old,new) in this run.</p>\n", fp);
		return;
	}
	fputs("<table id=\"crosswalks\"><tr><th>file</th><th>rows</th><th>new keys</th><th>kind</th></tr>\n", fp);
	for (i = 0; i < r->nxwalks; i++) {
		const struct rxwalk *x = &r->xwalks[i];

		fputs("<tr><td><code>", fp);
		esc(fp, x->name);
		fputs("</code></td>", fp);
		num(fp, "rows", x->rows);
		num(fp, "keys", x->keys);
		fprintf(fp, "<td class=\"%s\">%s</td></tr>\n", x->bad ? "error" : "",
			x->bad ? "unreadable" : x->keys == x->rows ? "one-to-one" : "many-to-one");
	}
	fputs("</table>\n", fp);
}

/* A bar of width w * part / whole, for the share of a stage in the run's CPU time. */
static void share_bar(unsigned long long part, unsigned long long whole, FILE *fp)
{
	const double w = 240.0;
	double pw = whole ? w * (double)part / (double)whole : 0;

	fprintf(fp, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%.0f\" height=\"14\" role=\"img\">"
		    "<rect x=\"0\" y=\"0\" width=\"%.0f\" height=\"14\" fill=\"#f0f0f0\"/>"
		    "<rect x=\"0\" y=\"0\" width=\"%.1f\" height=\"14\" fill=\"#3b6ea8\"><title>cpu %.3f s</title></rect></svg>",
		w, w, part && pw < 2 ? 2 : pw, (double)part / 1000.0);
}

static void rate(FILE *fp, unsigned long long rows, unsigned long long ms)
{
	if (ms)
		fprintf(fp, "<td class=\"n rate\">%.0f</td>", (double)rows * 1000.0 / (double)ms);
	else
		fputs("<td class=\"n rate muted\">under 1 ms</td>", fp);
}

/*
 * Per stage, from the ms= and cpu_ms= of the stats lines.  One process
 * writes one line per tag, one after the other and with the same times, so
 * such a run of lines is counted once in a stage's CPU time.  The stages of
 * a pipeline run at the same time, so wall times overlap; CPU time is what
 * each stage took from the machine.
 */
static void stage_times(const struct run *r, FILE *fp)
{
	struct agg {
		const char *stage;
		unsigned long long in, cpu, procs;
	} *a = NULL;
	unsigned long long ms, cpu, pms = 0, pcpu = 0, total = 0;
	const char *pstage = NULL;
	size_t i, j, na = 0, n = 0;

	for (i = 0; i < r->nstats; i++) {
		const struct rstat *s = &r->stats[i];

		if (!rstat_time(s, &ms, &cpu))
			continue;
		for (j = 0; j < na && strcmp(a[j].stage, s->stage); j++)
			;
		if (j == na) {
			a = ereallocarray(a, na + 1, sizeof(*a));
			memset(&a[na], 0, sizeof(*a));
			a[na++].stage = s->stage;
		}
		a[j].in += s->in;
		if (!pstage || strcmp(pstage, s->stage) || pms != ms || pcpu != cpu) {
			a[j].cpu += cpu;
			a[j].procs++;
			total += cpu;
		}
		pstage = s->stage, pms = ms, pcpu = cpu;
		n++;
	}
	if (!n) {
		fputs("<p class=\"muted\">No stage times in the streams (the tools write them with MIG_STATS_TIME=1).</p>\n", fp);
		return;
	}
	fprintf(fp, "<p>Per stage: <span id=\"cpu-total\">%.3f</span> CPU seconds in all.</p>\n", (double)total / 1000.0);
	fputs("<table id=\"stages\"><tr><th>stage</th><th>processes</th><th>rows in</th><th>CPU s</th>"
	      "<th>rows/CPU s</th><th>share of CPU</th></tr>\n", fp);
	for (j = 0; j < na; j++) {
		fputs("<tr class=\"stagesum\"><td>", fp);
		esc(fp, a[j].stage);
		fputs("</td>", fp);
		num(fp, "procs", a[j].procs);
		num(fp, "in", a[j].in);
		fprintf(fp, "<td class=\"n cpu\">%.3f</td>", (double)a[j].cpu / 1000.0);
		rate(fp, a[j].in, a[j].cpu);
		fputs("<td>", fp);
		share_bar(a[j].cpu, total, fp);
		fputs("</td></tr>\n", fp);
	}
	fputs("</table>\n<p>Per stage and table (wall time from the stage's first record to its end):</p>\n"
	      "<table id=\"stage-times\"><tr><th>stage</th><th>table</th><th>rows in</th><th>wall s</th>"
	      "<th>CPU s</th><th>rows/s</th></tr>\n", fp);
	for (i = 0; i < r->nstats; i++) {
		const struct rstat *s = &r->stats[i];

		if (!rstat_time(s, &ms, &cpu))
			continue;
		fputs("<tr class=\"stime\"><td>", fp);
		esc(fp, s->stage);
		fputs("</td><td>", fp);
		esc(fp, s->tag);
		fputs("</td>", fp);
		num(fp, "in", s->in);
		fprintf(fp, "<td class=\"n wall\">%.3f</td><td class=\"n cpu\">%.3f</td>", (double)ms / 1000.0,
			(double)cpu / 1000.0);
		rate(fp, s->in, ms);
		fputs("</tr>\n", fp);
	}
	fputs("</table>\n", fp);
	free(a);
}

static void timings(const struct run *r, FILE *fp)
{
	size_t i;

	fputs("<h2>Timings</h2>\n", fp);
	stage_times(r, fp);
	if (r->log_first < 0) {
		fputs("<p class=\"muted\">No run.log in this run.</p>\n", fp);
		return;
	}
	fprintf(fp, "<p>Per table: the run took <span id=\"elapsed\">%lld</span> s by its log.</p>\n", r->log_last - r->log_first);
	fputs("<table id=\"timings\"><tr><th>table</th><th>seconds</th><th>rows loaded</th><th>rows/s</th></tr>\n", fp);
	for (i = 0; i < r->ntimes; i++) {
		const struct rtime *t = &r->times[i];
		long long s = t->last - t->first;

		fputs("<tr><td>", fp);
		esc(fp, t->table);
		fprintf(fp, "</td><td class=\"n\">%lld</td>", s);
		num(fp, "rows", t->rows);
		if (s > 0)
			fprintf(fp, "<td class=\"n\">%.0f</td></tr>\n", (double)t->rows / (double)s);
		else
			fputs("<td class=\"n muted\">under 1 s</td></tr>\n", fp);
	}
	fputs("</table>\n", fp);
}

void report_html(const struct run *r, const char *title, FILE *fp)
{
	size_t i;

	head(r, title, fp);
	checks(r, fp);
	flow(r, fp);
	counts_table("rejects", "Rejected rows", "stage", "table", "reason", r->rejects, r->nrejects,
		     "No row was rejected.", fp);
	xwalks(r, fp);
	counts_table("audit", "Uniqueness changes", "table", "column", NULL, r->audits, r->naudits,
		     "No value was changed to make it unique.", fp);
	fputs("<h2>Schema differences</h2>\n", fp);
	if (r->schema_diff) {
		fputs("<pre id=\"schema-diff\">", fp);
		esc(fp, r->schema_diff);
		fputs("</pre>\n", fp);
	} else {
		fputs("<p class=\"muted\">No schema_diff.md in this run.</p>\n", fp);
	}
	timings(r, fp);
	if (r->nnotes) {
		fputs("<h2>Files not read</h2>\n<ul>\n", fp);
		for (i = 0; i < r->nnotes; i++) {
			fputs("<li>", fp);
			esc(fp, r->notes[i]);
			fputs("</li>\n", fp);
		}
		fputs("</ul>\n", fp);
	}
	fputs("</body>\n</html>\n", fp);
}
