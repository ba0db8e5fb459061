/*
 * mig-map - rename, drop, reorder, add and clean columns; rename tags.
 *
 * Rules are parsed (and their files, zones and constants checked) before
 * the first record is read.  When a tag's header arrives its rules are
 * compiled against it into a list of assignments to numbered slots and an
 * output projection, so a record costs its functions and one write: values
 * computed for it live in an arena that is reset, not freed, per record.
 */
#include <csv.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>
#include <uuid.h>
#include <crypt.h>

#include "expr.h"
#include "json.h"
#include "ledger.h"
#include "opts.h"
#include "progress.h"
#include "rec.h"
#include "rejects.h"
#include "strmap.h"
#include "util.h"
#include "uuid5.h"

/* The function library's helpers (map-*.c). */
int map_trim(const char *s, size_t n, struct buf *out);
int map_case(const char *s, size_t n, int upper, struct buf *out);
int map_collapse(const char *s, size_t n, struct buf *out);
int map_split_name(const char *s, size_t n, int part, struct buf *out);
int map_email_clean(const char *s, size_t n, struct buf *out, const char **why);
const void *map_country(const char *iso);
int map_phone(const char *s, size_t n, const void *country, struct buf *out, const char **why);
int map_time(const char *s, size_t n, int fmt, int to, const char *zone, void *tz, struct buf *out,
	     const char **why);
void *map_tz_new(void);
void map_tz_free(void *tz);
int map_money(const char *s, size_t n, char dec, struct buf *out, const char **why);

enum { TF_ISO, TF_DMY, TF_MDY, TF_UNIX };
enum { TO_DATE, TO_TIMESTAMP, TO_TIMESTAMPTZ };
enum { ON_ERROR, ON_NULL, ON_REJECT };

#define T_SAME MIG_T_COUNT		/* a function's type is its first argument's */
#define T_NULL (MIG_T_COUNT + 1)	/* the null literal: keeps the column's type */

static struct std_opts so = STD_OPTS_INIT;
static int on_error = ON_ERROR;
static const char *input, *password_path;
static int bcrypt_cost = 10;

struct val {
	const char *p;
	size_t len;
	int null;
};

struct lookup {
	struct strmap map;
	int icase;
};

struct lkval {
	size_t len;
	int null;
	char s[];
};

struct piece {
	char *lit;		/* literal text, or NULL for a column */
	char *col;
	size_t pos;
	int slot;
};

struct ctx;
struct node;
typedef int fn_eval(struct ctx *c, struct node *n, struct val *res);

struct fndef {
	const char *name;
	int min, max;
	int type;		/* enum mig_type, or T_SAME */
	fn_eval *eval;
	int iarg;		/* fixed parameter (upper/lower, date target) */
};

enum nkind { N_LIT, N_NULL, N_COL, N_FN };

struct node {
	enum nkind kind;
	const struct fndef *fn;
	struct node **args;
	size_t nargs;
	struct val *av;
	char *text;
	size_t len, pos;
	int slot;
	int type;
	int bare;		/* N_COL from a bare word, not a "quoted" name */
	/* Constants of a call, checked and prepared while parsing. */
	int iarg;
	const void *country;
	char *zone;
	struct lookup *lk;
	uuid_t ns;
	struct piece *pieces;
	size_t npieces;
};

struct arena {
	char **blk;
	size_t *cap;
	size_t n, cur, used;
};

struct ctx {
	struct arena ar;
	struct buf out, tmp;
	struct val *slots;
	const char *why;
	void *tz;
	const struct mig_item *it;
	struct crypt_data *cd;
	FILE *pw;
	struct uuid5 u5;
};

enum rkind { R_TAGREN, R_COLREN, R_SET, R_DROP, R_KEEP };

struct rule {
	enum rkind kind;
	char *tag, *col, *newname;
	char **cols;
	size_t ncols;
	int typed;
	enum mig_type type;
	struct node *expr;
	char *where;
};

struct step {
	int slot;
	struct node *expr;
	const char *col;
	const char *where;
};

struct prog {
	char *tag, *newtag;
	struct rule **r;
	size_t n;
	unsigned long bound;
	int identity;
	size_t nin, nslots, nsteps, nout;
	struct step *steps;
	int *outslot;
	unsigned char *untouched;	/* output i is input field outslot[i], as read */
	struct mig_header *out;
	struct mig_field *of;
	struct val *slots;
};

enum { O_ON_ERROR = 256, O_PASSWORDS, O_COST, O_INPUT };

static const struct mig_opt options[] = {
	{ 'e', 'e', "rule", required_argument, "RULE", "a map rule, as in mig-map(1); repeatable", NULL },
	{ 'f', 'f', "file", required_argument, "FILE", "read map rules from FILE; repeatable", NULL },
	{ O_INPUT, 'i', "input", required_argument, "FILE", NULL, "give the input file as an operand" },
	{ O_ON_ERROR, 0, "on-error", required_argument, "error|null|reject", "what a value that fails a rule becomes", NULL },
	STD_OPTS_FORMAT,
	STD_OPTS_REJECTS,
	{ O_PASSWORDS, 0, "passwords", required_argument, "FILE", "write the clear passwords that hash() made to FILE", NULL },
	{ O_COST, 0, "bcrypt-cost", required_argument, "N", "bcrypt cost of hash(), 4 to 31", NULL },
	STD_OPTS_BASE,
	STD_OPTS_STATS,
	MIG_OPTS_END,
};

static const struct mig_cmd cmd = {
	"mig-map [options] [-e rule]... [-f rulesfile]... [rule] [file]",
	"Rename, drop, compute and convert the columns of tagged records.",
	options, 0,
};

/* Arena: blocks never move, so values stay put while a record is mapped. */

static const char *arena_dup(struct arena *a, const char *s, size_t n)
{
	char *p;

	while (a->cur < a->n && a->cap[a->cur] - a->used < n + 1) {
		a->cur++;
		a->used = 0;
	}
	if (a->cur == a->n) {
		size_t cap = n + 1 > 65536 ? n + 1 : 65536;

		a->blk = ereallocarray(a->blk, a->n + 1, sizeof(*a->blk));
		a->cap = ereallocarray(a->cap, a->n + 1, sizeof(*a->cap));
		a->blk[a->n] = emalloc(cap);
		a->cap[a->n++] = cap;
		a->used = 0;
	}
	p = a->blk[a->cur] + a->used;
	memcpy(p, s, n);
	p[n] = '\0';
	a->used += n + 1;
	return p;
}

static void arena_reset(struct arena *a)
{
	a->cur = 0;
	a->used = 0;
}

static void arena_release(struct arena *a)
{
	size_t i;

	for (i = 0; i < a->n; i++)
		free(a->blk[i]);
	free(a->blk);
	free(a->cap);
}

/* Hand the function output in c->out over as the result. */
static int put(struct ctx *c, struct val *res)
{
	res->p = arena_dup(&c->ar, c->out.buf, c->out.len);
	res->len = c->out.len;
	res->null = 0;
	buf_reset(&c->out);
	return 0;
}

static int fail(struct ctx *c, const char *why)
{
	buf_reset(&c->out);
	c->why = why;
	return -1;
}

/* The function library. */

static int f_trim(struct ctx *c, struct node *n, struct val *res)
{
	if (n->av[0].null)
		return *res = n->av[0], 0;
	map_trim(n->av[0].p, n->av[0].len, &c->out);
	return put(c, res);
}

static int f_case(struct ctx *c, struct node *n, struct val *res)
{
	if (n->av[0].null)
		return *res = n->av[0], 0;
	map_case(n->av[0].p, n->av[0].len, n->fn->iarg, &c->out);
	return put(c, res);
}

static int f_collapse(struct ctx *c, struct node *n, struct val *res)
{
	if (n->av[0].null)
		return *res = n->av[0], 0;
	map_collapse(n->av[0].p, n->av[0].len, &c->out);
	return put(c, res);
}

static int f_split_name(struct ctx *c, struct node *n, struct val *res)
{
	if (n->av[0].null)
		return *res = n->av[0], 0;
	if (map_split_name(n->av[0].p, n->av[0].len, n->iarg, &c->out)) {
		res->null = 1, res->p = "", res->len = 0;
		return 0;
	}
	return put(c, res);
}

static int f_phone(struct ctx *c, struct node *n, struct val *res)
{
	const char *why;

	if (n->av[0].null)
		return *res = n->av[0], 0;
	if (map_phone(n->av[0].p, n->av[0].len, n->country, &c->out, &why) < 0)
		return fail(c, why);
	return put(c, res);
}

static int f_time(struct ctx *c, struct node *n, struct val *res)
{
	const char *why;

	if (n->av[0].null)
		return *res = n->av[0], 0;
	if (map_time(n->av[0].p, n->av[0].len, n->iarg, n->fn->iarg, n->zone, c->tz, &c->out, &why) < 0)
		return fail(c, why);
	return put(c, res);
}

static int f_money(struct ctx *c, struct node *n, struct val *res)
{
	const char *why;

	if (n->av[0].null)
		return *res = n->av[0], 0;
	if (map_money(n->av[0].p, n->av[0].len, (char)n->iarg, &c->out, &why) < 0)
		return fail(c, why);
	return put(c, res);
}

static int f_coalesce(struct ctx *c, struct node *n, struct val *res)
{
	size_t i;

	(void)c;
	for (i = 0; i < n->nargs; i++)
		if (!n->av[i].null)
			return *res = n->av[i], 0;
	*res = n->av[n->nargs - 1];
	return 0;
}

static int f_concat(struct ctx *c, struct node *n, struct val *res)
{
	size_t i;

	for (i = 0; i < n->nargs; i++)
		if (!n->av[i].null)
			buf_add(&c->out, n->av[i].p, n->av[i].len);
	return put(c, res);
}

static int f_nullif(struct ctx *c, struct node *n, struct val *res)
{
	(void)c;
	*res = n->av[0];
	if (!n->av[0].null && !n->av[1].null && n->av[0].len == n->av[1].len &&
	    !memcmp(n->av[0].p, n->av[1].p, n->av[0].len))
		res->null = 1, res->p = "", res->len = 0;
	return 0;
}

static void lookup_key(const char *s, size_t n, int icase, struct buf *out, struct buf *tmp)
{
	if (!icase) {
		buf_add(out, s, n);
		return;
	}
	/* An ASCII key, as nearly all are: collapsed and lowered in one pass. */
	{
		size_t i, start = out->len;
		int gap = 0;

		buf_grow(out, n + 1);
		for (i = 0; i < n; i++) {
			unsigned char ch = (unsigned char)s[i];

			if (ch >= 0x80) {
				out->len = start;
				goto unicode;
			}
			if (ch == ' ' || (ch >= '\t' && ch <= '\r')) {
				gap = out->len > start;
				continue;
			}
			if (gap)
				out->buf[out->len++] = ' ';
			gap = 0;
			out->buf[out->len++] = (char)(ch >= 'A' && ch <= 'Z' ? ch + 32 : ch);
		}
		out->buf[out->len] = '\0';
		return;
	}
unicode:
	buf_reset(tmp);
	map_collapse(s, n, tmp);
	map_case(tmp->buf, tmp->len, 0, out);
}

static int f_lookup(struct ctx *c, struct node *n, struct val *res)
{
	const struct lkval *v;

	if (n->av[0].null)
		return *res = n->av[0], 0;
	lookup_key(n->av[0].p, n->av[0].len, n->lk->icase, &c->out, &c->tmp);
	v = strmap_get(&n->lk->map, c->out.buf, c->out.len);
	buf_reset(&c->out);
	if (!v) {
		if (n->nargs > 2)
			return *res = n->av[2], 0;
		return fail(c, "no entry in the lookup table");
	}
	res->p = v->s;
	res->len = v->len;
	res->null = v->null;
	return 0;
}

static int f_uuid5(struct ctx *c, struct node *n, struct val *res)
{
	uuid_t u;
	char text[37];

	if (n->av[1].null)
		return *res = n->av[1], 0;
	/* Made on first use: OpenSSL's providers cost 3.5 MB of RSS that
	 * rules without uuid5() should not pay. */
	if (!c->u5.ctx)
		uuid5_init(&c->u5);
	uuid5_make(&c->u5, n->ns, n->av[1].p, n->av[1].len, u);
	uuid_unparse_lower(u, text);
	buf_add(&c->out, text, 36);
	return put(c, res);
}

static int f_email(struct ctx *c, struct node *n, struct val *res)
{
	const char *why;
	size_t i;

	buf_reset(&c->tmp);
	for (i = 0; i < n->npieces; i++) {
		if (n->pieces[i].lit) {
			buf_adds(&c->tmp, n->pieces[i].lit);
		} else {
			const struct val *v = &c->slots[n->pieces[i].slot];

			if (!v->null)
				buf_add(&c->tmp, v->p, v->len);
		}
	}
	if (map_email_clean(c->tmp.buf, c->tmp.len, &c->out, &why) < 0)
		return fail(c, why);
	return put(c, res);
}

static void csv_quoted(FILE *fp, const char *s, size_t n, int null)
{
	size_t i;

	if (null)
		return;
	if (n && !memchr(s, ',', n) && !memchr(s, '"', n) && !memchr(s, '\n', n) && !memchr(s, '\r', n)) {
		fwrite(s, 1, n, fp);
		return;
	}
	fputc('"', fp);
	for (i = 0; i < n; i++) {
		if (s[i] == '"')
			fputc('"', fp);
		fputc(s[i], fp);
	}
	fputc('"', fp);
}

static int f_password(struct ctx *c, struct node *n, struct val *res)
{
	static const char alpha[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
	char pw[17], salt[CRYPT_GENSALT_OUTPUT_SIZE];
	unsigned char rnd[64];
	const char *hash;
	size_t i, k = 0;

	/* Rejection sampling keeps the 62 characters equally likely. */
	while (k < 16) {
		if (getrandom(rnd, sizeof(rnd), 0) != (ssize_t)sizeof(rnd))
			die(MIG_EXIT_SYSTEM, "getrandom:");
		for (i = 0; i < sizeof(rnd) && k < 16; i++)
			if (rnd[i] < 248)
				pw[k++] = alpha[rnd[i] % 62];
	}
	pw[16] = '\0';
	if (!crypt_gensalt_rn("$2b$", (unsigned long)bcrypt_cost, NULL, 0, salt, sizeof(salt)))
		die(MIG_EXIT_SYSTEM, "crypt_gensalt_rn:");
	hash = crypt_rn(pw, salt, c->cd, sizeof(*c->cd));
	if (!hash || hash[0] == '*')
		die(MIG_EXIT_SYSTEM, "crypt_rn: bcrypt failed:");
	csv_quoted(c->pw, c->it->hdr->tag, strlen(c->it->hdr->tag), 0);
	fputc(',', c->pw);
	csv_quoted(c->pw, n->av[0].p, n->av[0].len, n->av[0].null);
	fputc(',', c->pw);
	fputs(pw, c->pw);
	fputc('\n', c->pw);
	explicit_bzero(pw, sizeof(pw));
	buf_adds(&c->out, hash);
	return put(c, res);
}

static const struct fndef fns[] = {
	{ "trim", 1, 1, T_SAME, f_trim, 0 },
	{ "lower", 1, 1, T_SAME, f_case, 0 },
	{ "upper", 1, 1, T_SAME, f_case, 1 },
	{ "collapse", 1, 1, T_SAME, f_collapse, 0 },
	{ "split_name", 2, 2, MIG_T_TEXT, f_split_name, 0 },
	{ "phone", 1, 2, MIG_T_TEXT, f_phone, 0 },
	{ "date", 1, 2, MIG_T_DATE, f_time, TO_DATE },
	{ "timestamp", 1, 2, MIG_T_TIMESTAMP, f_time, TO_TIMESTAMP },
	{ "timestamptz", 2, 3, MIG_T_TIMESTAMPTZ, f_time, TO_TIMESTAMPTZ },
	{ "money", 1, 2, MIG_T_NUMERIC, f_money, 0 },
	{ "coalesce", 1, 64, T_SAME, f_coalesce, 0 },
	{ "default", 2, 2, T_SAME, f_coalesce, 0 },
	{ "concat", 1, 64, MIG_T_TEXT, f_concat, 0 },
	{ "nullif", 2, 2, T_SAME, f_nullif, 0 },
	{ "lookup", 2, 3, MIG_T_TEXT, f_lookup, 0 },
	{ "ilookup", 2, 3, MIG_T_TEXT, f_lookup, 1 },
	{ "uuid5", 2, 2, MIG_T_UUID, f_uuid5, 0 },
	{ "email_from", 1, 1, MIG_T_TEXT, f_email, 0 },
	{ "password", 1, 1, MIG_T_TEXT, f_password, 0 },
};

/* Parsing. */

static void free_val(const char *key, void *val, void *arg)
{
	(void)key;
	(void)arg;
	free(val);
}

static void node_free(struct node *n)
{
	size_t i;

	if (!n)
		return;
	for (i = 0; i < n->nargs; i++)
		node_free(n->args[i]);
	free(n->args);
	free(n->av);
	free(n->text);
	free(n->zone);
	for (i = 0; i < n->npieces; i++) {
		free(n->pieces[i].lit);
		free(n->pieces[i].col);
	}
	free(n->pieces);
	if (n->lk) {
		strmap_each(&n->lk->map, free_val, NULL);
		strmap_release(&n->lk->map);
		free(n->lk);
	}
	free(n);
}

struct lkload {
	struct lookup *lk;
	const char *path;
	struct buf key, tmp;
	size_t field, line;
	int keynull;
	const char *err;
	char errbuf[256];
};

static void lk_field(void *s, size_t len, void *data)
{
	struct lkload *L = data;
	struct lkval *v, *old;

	if (L->line == 0 || L->err) {
		L->field++;
		return;
	}
	if (L->field == 0) {
		buf_reset(&L->key);
		L->keynull = s == NULL;
		if (s)
			lookup_key(s, len, L->lk->icase, &L->key, &L->tmp);
	} else if (L->field == 1 && !L->keynull) {
		v = emalloc(sizeof(*v) + len + 1);
		v->len = s ? len : 0;
		v->null = s == NULL;
		if (s)
			memcpy(v->s, s, len);
		v->s[v->len] = '\0';
		old = strmap_put(&L->lk->map, L->key.buf, L->key.len, v);
		if (old && (old->null != v->null || old->len != v->len || memcmp(old->s, v->s, v->len))) {
			snprintf(L->errbuf, sizeof(L->errbuf), "%s:%zu: key '%s' appears twice with different values",
				 L->path, L->line + 1, L->key.buf);
			L->err = L->errbuf;
		}
		free(old);
	}
	L->field++;
}

static void lk_record(int c, void *data)
{
	struct lkload *L = data;

	(void)c;
	if (L->line > 0 && L->field < 2 && !L->err) {
		snprintf(L->errbuf, sizeof(L->errbuf), "%s:%zu: a lookup row needs two columns, key and value",
			 L->path, L->line + 1);
		L->err = L->errbuf;
	}
	L->line++;
	L->field = 0;
}

/* Load a two-column CSV file (a header line, then key,value rows). */
static struct lookup *lookup_load(const char *path, int icase, const char **err)
{
	static char msg[512];
	struct lkload L;
	struct csv_parser p;
	char chunk[65536];
	ssize_t n;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0) {
		snprintf(msg, sizeof(msg), "cannot open lookup file '%s': %m", path);
		*err = msg;
		return NULL;
	}
	memset(&L, 0, sizeof(L));
	L.lk = ecalloc(1, sizeof(*L.lk));
	L.lk->icase = icase;
	L.path = path;
	buf_init(&L.key);
	buf_init(&L.tmp);
	if (csv_init(&p, CSV_STRICT | CSV_EMPTY_IS_NULL | CSV_APPEND_NULL) != 0)
		die(MIG_EXIT_SYSTEM, "csv_init failed");
	while ((n = read(fd, chunk, sizeof(chunk))) > 0)
		if (csv_parse(&p, chunk, (size_t)n, lk_field, lk_record, &L) != (size_t)n) {
			snprintf(msg, sizeof(msg), "%s:%zu: %s", path, L.line + 1, csv_strerror(csv_error(&p)));
			L.err = msg;
			break;
		}
	if (n < 0) {
		snprintf(msg, sizeof(msg), "%s: read error: %m", path);
		L.err = msg;
	}
	if (!L.err && csv_fini(&p, lk_field, lk_record, &L) != 0) {
		snprintf(msg, sizeof(msg), "%s:%zu: %s", path, L.line + 1, csv_strerror(csv_error(&p)));
		L.err = msg;
	}
	csv_free(&p);
	close(fd);
	buf_release(&L.key);
	buf_release(&L.tmp);
	if (L.err) {
		if (L.err == L.errbuf) {
			snprintf(msg, sizeof(msg), "%s", L.errbuf);
		}
		*err = msg;
		strmap_each(&L.lk->map, free_val, NULL);
		strmap_release(&L.lk->map);
		free(L.lk);
		return NULL;
	}
	return L.lk;
}

static int is_number_word(const char *s)
{
	if (*s == '-' || *s == '+')
		s++;
	return (*s >= '0' && *s <= '9') || (*s == '.' && s[1] >= '0' && s[1] <= '9');
}

static struct node *parse_expr(struct lex *l);

/* A constant argument may be a bare word: split_name(name, first). */
static int const_arg(struct lex *l, struct node *n, size_t i, const char *what)
{
	struct node *a = n->args[i];

	if (a->kind == N_COL) {
		a->kind = N_LIT;
		a->type = MIG_T_TEXT;
		a->len = strlen(a->text);
	}
	if (a->kind != N_LIT) {
		l->tpos = n->args[i]->pos;
		return lex_fail(l, "%s(): argument %zu must be a constant %s", n->fn->name, i + 1, what);
	}
	return 0;
}

/* Check and prepare a call's constant arguments. */
static int prepare_call(struct lex *l, struct node *n)
{
	const char *name = n->fn->name, *s, *err;
	size_t i;

	if (n->nargs < (size_t)n->fn->min || n->nargs > (size_t)n->fn->max) {
		l->tpos = n->pos;
		if (n->fn->min == n->fn->max)
			return lex_fail(l, "%s() takes %d argument%s", name, n->fn->min, n->fn->min > 1 ? "s" : "");
		return lex_fail(l, "%s() takes %d to %d arguments", name, n->fn->min, n->fn->max);
	}
	if (!strcmp(name, "split_name")) {
		static const char *const parts[] = { "first", "middle", "last", "given" };

		if (const_arg(l, n, 1, "part") < 0)
			return -1;
		for (i = 0; i < 4; i++)
			if (!strcasecmp(n->args[1]->text, parts[i]))
				break;
		n->iarg = (int)i;
		if (i == 4) {
			l->tpos = n->args[1]->pos;
			return lex_fail(l, "split_name(): part must be first, middle, last or given");
		}
	} else if (!strcmp(name, "phone")) {
		if (n->nargs > 1) {
			if (const_arg(l, n, 1, "country code") < 0)
				return -1;
			if (!(n->country = map_country(n->args[1]->text))) {
				l->tpos = n->args[1]->pos;
				return lex_fail(l, "phone(): unknown country '%s' (see mig-map(1))", n->args[1]->text);
			}
		}
	} else if (!strcmp(name, "date") || !strcmp(name, "timestamp") || !strcmp(name, "timestamptz")) {
		static const char *const fmts[] = { "iso", "dmy", "mdy", "unix" };
		size_t fi = !strcmp(name, "timestamptz") ? 2 : 1;

		if (fi == 2) {
			struct stat st;
			const char *dir = getenv("TZDIR");
			char path[4096];

			if (const_arg(l, n, 1, "time zone") < 0)
				return -1;
			s = n->args[1]->text;
			snprintf(path, sizeof(path), "%s/%s", dir && *dir ? dir : "/usr/share/zoneinfo", s);
			if (!*s || *s == '/' || strstr(s, "..") || stat(path, &st) < 0 || !S_ISREG(st.st_mode)) {
				l->tpos = n->args[1]->pos;
				return lex_fail(l, "timestamptz(): unknown time zone '%s'", s);
			}
			n->zone = estrdup(s);
		}
		n->iarg = TF_ISO;
		if (n->nargs > fi) {
			if (const_arg(l, n, fi, "format") < 0)
				return -1;
			for (i = 0; i < 4; i++)
				if (!strcasecmp(n->args[fi]->text, fmts[i]))
					break;
			if (i == 4) {
				l->tpos = n->args[fi]->pos;
				return lex_fail(l, "%s(): format must be iso, dmy, mdy or unix", name);
			}
			n->iarg = (int)i;
		}
	} else if (!strcmp(name, "money")) {
		n->iarg = 0;
		if (n->nargs > 1) {
			if (const_arg(l, n, 1, "decimal separator") < 0)
				return -1;
			s = n->args[1]->text;
			if (!strcmp(s, ".") || !strcmp(s, ","))
				n->iarg = *s;
			else if (strcmp(s, "auto")) {
				l->tpos = n->args[1]->pos;
				return lex_fail(l, "money(): decimal separator must be '.', ',' or 'auto'");
			}
		}
	} else if (!strcmp(name, "lookup") || !strcmp(name, "ilookup")) {
		if (const_arg(l, n, 1, "file name") < 0)
			return -1;
		if (!(n->lk = lookup_load(n->args[1]->text, n->fn->iarg, &err))) {
			l->tpos = n->args[1]->pos;
			return lex_fail(l, "%s", err);
		}
	} else if (!strcmp(name, "uuid5")) {
		static const char *const named[][2] = {
			{ "dns", "6ba7b810-9dad-11d1-80b4-00c04fd430c8" },
			{ "url", "6ba7b811-9dad-11d1-80b4-00c04fd430c8" },
			{ "oid", "6ba7b812-9dad-11d1-80b4-00c04fd430c8" },
			{ "x500", "6ba7b814-9dad-11d1-80b4-00c04fd430c8" },
		};

		if (const_arg(l, n, 0, "namespace") < 0)
			return -1;
		s = n->args[0]->text;
		for (i = 0; i < 4; i++)
			if (!strcasecmp(s, named[i][0]))
				s = named[i][1];
		if (uuid_parse(s, n->ns) < 0) {
			l->tpos = n->args[0]->pos;
			return lex_fail(l, "uuid5(): namespace must be dns, url, oid, x500 or a UUID");
		}
	} else if (!strcmp(name, "email_from")) {
		const char *p, *q;

		if (const_arg(l, n, 0, "pattern") < 0)
			return -1;
		for (p = n->args[0]->text; *p; p = q) {
			struct piece pc = { NULL, NULL, 0, -1 };

			if (*p == '{') {
				if (!(q = strchr(p, '}')) || q == p + 1) {
					l->tpos = n->args[0]->pos;
					return lex_fail(l, "email_from(): '{' without a column name and '}'");
				}
				pc.col = estrndup(p + 1, (size_t)(q - p - 1));
				pc.pos = n->args[0]->pos;
				q++;
			} else {
				q = strchr(p, '{');
				if (!q)
					q = p + strlen(p);
				pc.lit = estrndup(p, (size_t)(q - p));
			}
			n->pieces = ereallocarray(n->pieces, n->npieces + 1, sizeof(*n->pieces));
			n->pieces[n->npieces++] = pc;
		}
		if (!strchr(n->args[0]->text, '@')) {
			l->tpos = n->args[0]->pos;
			return lex_fail(l, "email_from(): the pattern has no '@'");
		}
	} else if (!strcmp(name, "password")) {
		if (!password_path) {
			l->tpos = n->pos;
			return lex_fail(l, "password() needs --passwords FILE for the plain passwords");
		}
	}
	return 0;
}

static struct node *parse_primary(struct lex *l)
{
	struct node *n = ecalloc(1, sizeof(*n));
	size_t i;

	n->slot = -1;
	n->pos = l->tpos;
	if (l->tok == LX_STR) {
		n->kind = N_LIT;
		n->type = MIG_T_TEXT;
		n->text = estrndup(l->text.buf, l->text.len);
		n->len = l->text.len;
		lex_next(l);
		return n;
	}
	if (l->tok == LX_QID) {
		n->kind = N_COL;
		n->text = estrdup(l->text.buf);
		lex_next(l);
		return n;
	}
	if (l->tok != LX_WORD) {
		lex_fail(l, "expected a value, a column or a function, found '%s'", lex_what(l));
		free(n);
		return NULL;
	}
	if (lex_is(l, "null")) {
		n->kind = N_NULL;
		n->type = T_NULL;
		lex_next(l);
		return n;
	}
	if (lex_is(l, "true") || lex_is(l, "false")) {
		n->kind = N_LIT;
		n->type = MIG_T_BOOL;
		n->text = estrdup(lex_is(l, "true") ? "t" : "f");
		n->len = 1;
		lex_next(l);
		return n;
	}
	if (is_number_word(l->text.buf)) {
		int cmp;

		if (num_compare(l->text.buf, l->text.len, "0", 1, &cmp) < 0) {
			lex_fail(l, "'%s' is not a number (quote text: '...')", l->text.buf);
			free(n);
			return NULL;
		}
		n->kind = N_LIT;
		n->type = strpbrk(l->text.buf, ".eE") ? MIG_T_NUMERIC : MIG_T_INT;
		n->text = estrndup(l->text.buf, l->text.len);
		n->len = l->text.len;
		lex_next(l);
		return n;
	}
	n->text = estrdup(l->text.buf);
	lex_next(l);
	if (l->tok != LX_LP) {
		n->kind = N_COL;
		n->bare = 1;
		return n;
	}
	n->kind = N_FN;
	for (i = 0; i < sizeof(fns) / sizeof(fns[0]); i++)
		if (!strcasecmp(n->text, fns[i].name))
			n->fn = &fns[i];
	if (!n->fn) {
		l->tpos = n->pos;
		lex_fail(l, "unknown function '%s'", n->text);
		node_free(n);
		return NULL;
	}
	lex_next(l);
	if (l->tok != LX_RP) {
		for (;;) {
			struct node *a = parse_expr(l);

			if (!a) {
				node_free(n);
				return NULL;
			}
			n->args = ereallocarray(n->args, n->nargs + 1, sizeof(*n->args));
			n->args[n->nargs++] = a;
			if (l->tok == LX_RP)
				break;
			if (l->tok != LX_COMMA) {
				lex_fail(l, "expected ',' or ')' after an argument of %s(), found '%s'", n->fn->name,
					 lex_what(l));
				node_free(n);
				return NULL;
			}
			lex_next(l);
		}
	}
	lex_next(l);
	n->av = ecalloc(n->nargs ? n->nargs : 1, sizeof(*n->av));
	if (prepare_call(l, n) < 0) {
		node_free(n);
		return NULL;
	}
	return n;
}

static struct node *parse_expr(struct lex *l)
{
	return parse_primary(l);
}

static void rule_free(struct rule *r)
{
	size_t i;

	if (!r)
		return;
	free(r->tag);
	free(r->col);
	free(r->newname);
	for (i = 0; i < r->ncols; i++)
		free(r->cols[i]);
	free(r->cols);
	node_free(r->expr);
	free(r->where);
	free(r);
}

/* TAG or TAG.COL: a bare word splits at its last dot; "quoted" parts do not. */
static int parse_target(struct lex *l, char **tag, char **col)
{
	char *dot;

	*tag = *col = NULL;
	if (l->tok == LX_WORD) {
		dot = strrchr(l->text.buf, '.');
		if (!dot) {
			*tag = estrdup(l->text.buf);
			lex_next(l);
			return 0;
		}
		*tag = estrndup(l->text.buf, (size_t)(dot - l->text.buf));
		if (dot[1]) {
			*col = estrdup(dot + 1);
			lex_next(l);
		} else if (lex_next(l) == LX_QID) {
			*col = estrdup(l->text.buf);
			lex_next(l);
		} else {
			return lex_fail(l, "expected a column name after '.', found '%s'", lex_what(l));
		}
		if (!**tag)
			return lex_fail(l, "expected a tag before '.'");
		return 0;
	}
	if (l->tok != LX_QID)
		return lex_fail(l, "expected a tag or TAG.COLUMN, found '%s'", lex_what(l));
	*tag = estrdup(l->text.buf);
	lex_next(l);
	if (l->tok == LX_WORD && l->text.buf[0] == '.') {
		if (l->text.buf[1]) {
			*col = estrdup(l->text.buf + 1);
			lex_next(l);
		} else if (lex_next(l) == LX_QID) {
			*col = estrdup(l->text.buf);
			lex_next(l);
		} else {
			return lex_fail(l, "expected a column name after '.', found '%s'", lex_what(l));
		}
	}
	return 0;
}

static int parse_name_list(struct lex *l, struct rule *r)
{
	while (l->tok == LX_COMMA) {
		lex_next(l);
		if (!lex_is_name(l) || !l->text.len)
			return lex_fail(l, "expected a column name, found '%s'", lex_what(l));
		r->cols = ereallocarray(r->cols, r->ncols + 1, sizeof(char *));
		r->cols[r->ncols++] = estrdup(l->text.buf);
		lex_next(l);
	}
	return 0;
}

static int json_valid(const char *s, size_t n)
{
	const char *p = json_ws(s, s + n), *why;
	struct json_val v;

	if (json_scan(&p, s + n, &v, &why) < 0)
		return 0;
	return json_ws(p, s + n) == s + n;
}

/* Can a constant be stored in a column of type t?  (Checked where cheap.) */
static int literal_fits(const struct node *n, enum mig_type t)
{
	uuid_t u;
	int cmp;

	switch (t) {
	case MIG_T_INT:
		return num_compare(n->text, n->len, "0", 1, &cmp) == 0 && !strpbrk(n->text, ".eE");
	case MIG_T_FLOAT:
	case MIG_T_NUMERIC:
		return num_compare(n->text, n->len, "0", 1, &cmp) == 0;
	case MIG_T_BOOL:
		return !strcmp(n->text, "t") || !strcmp(n->text, "f");
	case MIG_T_UUID:
		return n->len == 36 && uuid_parse(n->text, u) == 0;
	case MIG_T_JSON:
		return json_valid(n->text, n->len);
	default:
		return 1;
	}
}

static int parse_rule_into(struct lex *l, struct rule *r)
{
	int kw = -1;

	if (lex_is(l, "drop") || lex_is(l, "keep")) {
		kw = lex_is(l, "drop") ? R_DROP : R_KEEP;
		lex_next(l);
		if (!lex_is_name(l)) {
			/* A tag called drop or keep. */
			r->tag = estrdup(kw == R_DROP ? "drop" : "keep");
			kw = -1;
		}
	}
	if (kw >= 0 || !r->tag) {
		if (parse_target(l, &r->tag, &r->col) < 0)
			return -1;
	}
	if (kw >= 0) {
		r->kind = (enum rkind)kw;
		if (!r->col)
			return lex_fail(l, "expected TAG.COLUMN after '%s'", kw == R_DROP ? "drop" : "keep");
		r->cols = emalloc(sizeof(char *));
		r->cols[0] = r->col;
		r->col = NULL;
		r->ncols = 1;
		return parse_name_list(l, r);
	}
	if (l->tok == LX_ARROW) {
		lex_next(l);
		if (!lex_is_name(l) || !l->text.len)
			return lex_fail(l, "expected a new name after '->', found '%s'", lex_what(l));
		r->kind = r->col ? R_COLREN : R_TAGREN;
		r->newname = estrdup(l->text.buf);
		lex_next(l);
		return 0;
	}
	if (!r->col)
		return lex_fail(l, "expected '->' after a tag, or TAG.COLUMN = ..., found '%s'", lex_what(l));
	if (l->tok == LX_COLON) {
		lex_next(l);
		if (l->tok != LX_WORD || mig_type_parse(l->text.buf, l->text.len, &r->type) < 0)
			return lex_fail(l, "expected a type name after ':', found '%s'", lex_what(l));
		r->typed = 1;
		lex_next(l);
	}
	if (l->tok != LX_OP || l->op != OP_EQ)
		return lex_fail(l, "expected '=' or '->' after '%s.%s', found '%s'", r->tag, r->col, lex_what(l));
	lex_next(l);
	r->kind = R_SET;
	if (!(r->expr = parse_expr(l)))
		return -1;
	if (r->typed && r->expr->kind == N_LIT && !literal_fits(r->expr, r->type)) {
		l->tpos = r->expr->pos;
		return lex_fail(l, "'%s' is not a valid %s", r->expr->text, mig_type_name(r->type));
	}
	return 0;
}

struct rules {
	struct strmap progs;
	struct prog **order;
	size_t n;
};

static void add_rule(struct rules *rs, struct rule *r)
{
	struct prog *p = strmap_get(&rs->progs, r->tag, strlen(r->tag));

	if (!p) {
		p = ecalloc(1, sizeof(*p));
		p->tag = estrdup(r->tag);
		strmap_put(&rs->progs, p->tag, strlen(p->tag), p);
		rs->order = ereallocarray(rs->order, rs->n + 1, sizeof(*rs->order));
		rs->order[rs->n++] = p;
	}
	if (r->kind == R_TAGREN)
		p->newtag = r->newname;
	p->r = ereallocarray(p->r, p->n + 1, sizeof(*p->r));
	p->r[p->n++] = r;
}

static void parse_rules(const char *text, const char *where, struct rules *rs)
{
	struct lex l;
	struct rule *r;

	lex_init(&l, text);
	while (l.tok != LX_EOF && l.tok != LX_ERR) {
		if (l.tok == LX_SEMI) {
			lex_next(&l);
			continue;
		}
		r = ecalloc(1, sizeof(*r));
		r->where = estrdup(where);
		if (parse_rule_into(&l, r) == 0 && l.tok != LX_EOF && l.tok != LX_SEMI)
			lex_fail(&l, "expected the end of the rule, found '%s'", lex_what(&l));
		if (lex_error(&l)[0]) {
			rule_free(r);
			break;
		}
		add_rule(rs, r);
	}
	if (lex_error(&l)[0]) {
		char msg[1024];

		snprintf(msg, sizeof(msg), "%s:%zu: %s", where, lex_errpos(&l), lex_error(&l));
		lex_release(&l);
		die(MIG_EXIT_USAGE, "%s", msg);
	}
	lex_release(&l);
}

static void rule_line(char *line, const char *where, void *arg)
{
	parse_rules(line, where, arg);
}

static void parse_file(const char *path, struct rules *rs)
{
	each_rule_line(path, rule_line, rs);
}

/* Compiling a tag's rules against its header. */

struct live {
	char **names;
	int *slots;
	enum mig_type *types;
	size_t n;
};

static int live_find(const struct live *lv, const char *name)
{
	size_t i;

	for (i = 0; i < lv->n; i++)
		if (!strcmp(lv->names[i], name))
			return (int)i;
	return -1;
}

struct bindctx {
	const char *input;
	unsigned long line;
	const char *tag;
	const struct rule *r;
};

static _Noreturn void bind_fail(const struct bindctx *b, const char *fmt, const char *arg)
{
	char msg[512];

	snprintf(msg, sizeof(msg), fmt, arg);
	die(MIG_EXIT_USAGE, "%s:%lu: tag '%s': %s (%s)", b->input, b->line, b->tag, msg, b->r->where);
}

/* Resolve columns in n; return its type. */
static int bind_node(struct node *n, const struct live *lv, const struct bindctx *b)
{
	size_t i;
	int k, t = MIG_T_TEXT;

	switch (n->kind) {
	case N_LIT:
	case N_NULL:
		return n->type;
	case N_COL:
		if ((k = live_find(lv, n->text)) < 0)
			bind_fail(b, "unknown column '%s'", n->text);
		n->slot = lv->slots[k];
		return lv->types[k];
	case N_FN:
		for (i = 0; i < n->nargs; i++) {
			k = bind_node(n->args[i], lv, b);
			if (i == 0)
				t = k;
		}
		for (i = 0; i < n->npieces; i++)
			if (n->pieces[i].col) {
				if ((k = live_find(lv, n->pieces[i].col)) < 0)
					bind_fail(b, "unknown column '%s' in the email pattern", n->pieces[i].col);
				n->pieces[i].slot = lv->slots[k];
			}
		if (n->fn->type != T_SAME)
			return n->fn->type;
		/* coalesce(col, null): the first typed argument decides. */
		for (i = 0; i < n->nargs && t == T_NULL; i++)
			t = bind_node(n->args[i], lv, b);
		return t;
	}
	return MIG_T_TEXT;
}

static void live_add(struct live *lv, const char *name, int slot, enum mig_type t)
{
	lv->names = ereallocarray(lv->names, lv->n + 1, sizeof(char *));
	lv->slots = ereallocarray(lv->slots, lv->n + 1, sizeof(int));
	lv->types = ereallocarray(lv->types, lv->n + 1, sizeof(enum mig_type));
	lv->names[lv->n] = (char *)name;
	lv->slots[lv->n] = slot;
	lv->types[lv->n++] = t;
}

static void live_remove(struct live *lv, size_t i)
{
	memmove(lv->names + i, lv->names + i + 1, (lv->n - i - 1) * sizeof(char *));
	memmove(lv->slots + i, lv->slots + i + 1, (lv->n - i - 1) * sizeof(int));
	memmove(lv->types + i, lv->types + i + 1, (lv->n - i - 1) * sizeof(enum mig_type));
	lv->n--;
}

static void bind(struct prog *p, const struct mig_header *h, struct mig_writer *w, const char *input,
		 unsigned long line)
{
	struct live lv = { NULL, NULL, NULL, 0 }, kept;
	struct bindctx b = { input, line, h->tag, NULL };
	size_t i, j;
	int k, t;

	for (i = 0; i < h->ncols; i++)
		live_add(&lv, h->names[i], (int)i, h->types[i]);
	p->nin = p->nslots = h->ncols;
	p->nsteps = 0;
	free(p->steps);
	p->steps = NULL;
	for (i = 0; i < p->n; i++) {
		struct rule *r = p->r[i];

		b.r = r;
		switch (r->kind) {
		case R_TAGREN:
			break;
		case R_COLREN:
			if ((k = live_find(&lv, r->col)) < 0)
				bind_fail(&b, "unknown column '%s'", r->col);
			if (live_find(&lv, r->newname) >= 0 && strcmp(r->col, r->newname))
				bind_fail(&b, "column '%s' exists already", r->newname);
			lv.names[k] = r->newname;
			break;
		case R_SET:
			t = bind_node(r->expr, &lv, &b);
			k = live_find(&lv, r->col);
			if (r->typed)
				t = r->type;
			else if (t == T_NULL)
				t = k >= 0 ? (int)lv.types[k] : MIG_T_TEXT;
			if (k < 0) {
				live_add(&lv, r->col, (int)p->nslots++, (enum mig_type)t);
				k = (int)lv.n - 1;
			}
			lv.types[k] = (enum mig_type)t;
			p->steps = ereallocarray(p->steps, p->nsteps + 1, sizeof(*p->steps));
			p->steps[p->nsteps++] = (struct step){ lv.slots[k], r->expr, r->col, r->where };
			break;
		case R_DROP:
			for (j = 0; j < r->ncols; j++) {
				if ((k = live_find(&lv, r->cols[j])) < 0)
					bind_fail(&b, "unknown column '%s'", r->cols[j]);
				live_remove(&lv, (size_t)k);
			}
			break;
		case R_KEEP:
			memset(&kept, 0, sizeof(kept));
			for (j = 0; j < r->ncols; j++) {
				if ((k = live_find(&lv, r->cols[j])) < 0)
					bind_fail(&b, "unknown column '%s'", r->cols[j]);
				if (live_find(&kept, r->cols[j]) >= 0)
					bind_fail(&b, "column '%s' kept twice", r->cols[j]);
				live_add(&kept, lv.names[k], lv.slots[k], lv.types[k]);
			}
			free(lv.names);
			free(lv.slots);
			free(lv.types);
			lv = kept;
			break;
		}
	}
	p->identity = !p->nsteps && !p->newtag && lv.n == h->ncols;
	for (i = 0; p->identity && i < lv.n; i++)
		if (lv.slots[i] != (int)i || strcmp(lv.names[i], h->names[i]))
			p->identity = 0;
	mig_header_free(p->out);
	p->out = mig_header_new(p->newtag ? p->newtag : h->tag, lv.n);
	for (i = 0; i < lv.n; i++)
		mig_header_set(p->out, i, lv.names[i], lv.types[i]);
	p->nout = lv.n;
	p->outslot = ereallocarray(p->outslot, lv.n ? lv.n : 1, sizeof(int));
	memcpy(p->outslot, lv.slots, lv.n * sizeof(int));
	p->untouched = erealloc(p->untouched, lv.n ? lv.n : 1);
	for (i = 0; i < lv.n; i++) {
		size_t k;

		p->untouched[i] = (size_t)lv.slots[i] < p->nin;
		for (k = 0; k < p->nsteps && p->untouched[i]; k++)
			if (p->steps[k].slot == lv.slots[i])
				p->untouched[i] = 0;
	}
	p->of = ereallocarray(p->of, lv.n ? lv.n : 1, sizeof(*p->of));
	p->slots = ereallocarray(p->slots, p->nslots ? p->nslots : 1, sizeof(*p->slots));
	p->bound = h->id;
	free(lv.names);
	free(lv.slots);
	free(lv.types);
	mig_write_header_once(w, p->identity ? h : p->out);
}

/* Evaluation. */

static int eval(struct ctx *c, struct node *n, struct val *res)
{
	size_t i;

	switch (n->kind) {
	case N_LIT:
		res->p = n->text, res->len = n->len, res->null = 0;
		return 0;
	case N_NULL:
		res->p = "", res->len = 0, res->null = 1;
		return 0;
	case N_COL:
		*res = c->slots[n->slot];
		return 0;
	case N_FN:
		for (i = 0; i < n->nargs; i++)
			if (eval(c, n->args[i], &n->av[i]) < 0)
				return -1;
		return n->fn->eval(c, n, res);
	}
	return 0;
}

static const char *fn_name(const struct node *n)
{
	return n->kind == N_FN ? n->fn->name : "value";
}

/* Map one record; 0 written, 1 rejected. */
static int map_record(struct prog *p, struct ctx *c, const struct mig_item *it, struct mig_writer *w,
		      struct rejects *rj)
{
	size_t i;
	char where[512], reason[512];

	arena_reset(&c->ar);
	c->it = it;
	c->slots = p->slots;
	for (i = 0; i < p->nin; i++) {
		p->slots[i].p = it->f[i].val;
		p->slots[i].len = it->f[i].len;
		p->slots[i].null = it->f[i].null;
	}
	for (; i < p->nslots; i++)
		p->slots[i] = (struct val){ "", 0, 1 };
	for (i = 0; i < p->nsteps; i++) {
		struct step *s = &p->steps[i];
		struct val res;

		if (eval(c, s->expr, &res) < 0) {
			if (on_error == ON_NULL) {
				res = (struct val){ "", 0, 1 };
			} else {
				snprintf(reason, sizeof(reason), "column '%s': %s(): %s", s->col, fn_name(s->expr),
					 c->why);
				snprintf(where, sizeof(where), "%s:%llu", it->hdr->tag, it->row);
				if (on_error == ON_REJECT) {
					if (rejects_add(rj, it->hdr, it->f, where, reason) == 0)
						return 1;
					mig_writer_flush(w);
					die(MIG_EXIT_DATA, "%s: %s, and that is more than %lld rejects", where, reason,
					    so.max_rejects);
				}
				mig_writer_flush(w);
				if (so.show_values) {
					const struct node *a = s->expr->kind == N_FN && s->expr->nargs ?
								       s->expr->args[0] : s->expr;

					if (a->kind == N_FN || !s->expr->nargs)
						die(MIG_EXIT_DATA, "%s: %s", where, reason);
					die(MIG_EXIT_DATA, "%s: %s ('%.*s')", where, reason,
					    (int)s->expr->av[0].len, s->expr->av[0].p);
				}
				die(MIG_EXIT_DATA, "%s: %s", where, reason);
			}
		}
		p->slots[s->slot] = res;
	}
	for (i = 0; i < p->nout; i++) {
		const struct val *v = &p->slots[p->outslot[i]];

		/* An input field no rule wrote is copied whole, its plain mark
		 * with it, so the writer copies a plain one without looking. */
		if (p->untouched[i])
			p->of[i] = it->f[p->outslot[i]];
		else
			p->of[i] = (struct mig_field){ v->p, v->len, v->null, 0 };
	}
	if (mig_write_record(w, p->out, p->of) < 0) {
		mig_writer_flush(w);
		die(MIG_EXIT_DATA, "%s:%llu: %s", it->hdr->tag, it->row, mig_writer_error(w));
	}
	return 0;
}

static void prog_free(struct prog *p)
{
	size_t i;

	for (i = 0; i < p->n; i++)
		rule_free(p->r[i]);
	free(p->r);
	free(p->tag);
	free(p->steps);
	free(p->outslot);
	free(p->untouched);
	free(p->of);
	free(p->slots);
	mig_header_free(p->out);
	free(p);
}

/*
 * The passwords file holds secrets, so it must end up a private regular
 * file of ours.  It is opened without O_TRUNC and checked before anything
 * is changed: a symbolic link, a device (chmod of /dev/null would change
 * it for the whole machine) or another user's file is refused untouched.
 */
static FILE *open_passwords(const char *path)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC, 0600);
	struct stat st;
	FILE *fp;

	if (fd < 0 && errno == ELOOP)
		die(MIG_EXIT_USAGE, "%s: --passwords will not write through a symbolic link", path);
	if (fd < 0)
		die(MIG_EXIT_SYSTEM, "%s: cannot create:", path);
	if (fstat(fd, &st) < 0)
		die(MIG_EXIT_SYSTEM, "%s: cannot stat:", path);
	if (!S_ISREG(st.st_mode))
		die(MIG_EXIT_USAGE, "%s: --passwords needs a regular file, not a device, pipe or socket", path);
	if (st.st_uid != geteuid())
		die(MIG_EXIT_USAGE, "%s: --passwords will not take over a file owned by another user", path);
	if (fchmod(fd, 0600) < 0 || ftruncate(fd, 0) < 0)
		die(MIG_EXIT_SYSTEM, "%s: cannot make it private and empty:", path);
	if (!(fp = fdopen(fd, "w")))
		die(MIG_EXIT_SYSTEM, "%s:", path);
	fputs("tag,key,password\n", fp);
	return fp;
}

int main(int argc, char **argv)
{
	struct rules rs = { STRMAP_INIT, NULL, 0 };
	struct ledger ledger = LEDGER_INIT;
	struct ledger_counts *clc = NULL;
	struct prog *cp = NULL;
	unsigned long cid = 0;
	struct mig_reader *rd;
	struct mig_writer *w;
	struct rejects *rj = NULL;
	struct progress pg;
	struct mig_item it;
	struct ctx ctx;
	struct filter_args fa = FILTER_ARGS_INIT;
	char where[64];
	size_t nrule = 0, i;
	char *hint_tag = NULL;
	unsigned long long hint = 0;
	int c, ret;

	argv0 = "mig-map";
	if (!setlocale(LC_CTYPE, "C.UTF-8"))
		setlocale(LC_CTYPE, "en_US.UTF-8");
	while ((c = opts_next(argc, argv, &cmd)) != -1) {
		switch (c) {
		case O_INPUT:
			fa.input = optarg;
			fa.input_opt = 1;
			break;
		case 'e':
			filter_rule(&fa, optarg, 0);
			break;
		case 'f':
			filter_rule(&fa, optarg, 1);
			break;
		case O_ON_ERROR:
			if (!strcmp(optarg, "error"))
				on_error = ON_ERROR;
			else if (!strcmp(optarg, "null"))
				on_error = ON_NULL;
			else if (!strcmp(optarg, "reject"))
				on_error = ON_REJECT;
			else
				die(MIG_EXIT_USAGE, "--on-error: '%s' is not error, null or reject", optarg);
			break;
		case O_PASSWORDS:
			password_path = optarg;
			break;
		case O_COST:
			bcrypt_cost = (int)estrtonum(optarg, 4, 31, "--bcrypt-cost");
			break;
		default:
			std_option(c, optarg, &so, &cmd);
		}
	}
	filter_operands(&fa, argc, argv, &cmd);
	input = fa.input;
	if (on_error == ON_REJECT && !so.reject)
		die(MIG_EXIT_USAGE, "--on-error reject needs --reject FILE");
	std_opts_check(&so);
	for (i = 0; i < fa.nrules; i++) {
		if (fa.rules[i].is_file) {
			parse_file(fa.rules[i].text, &rs);
			continue;
		}
		snprintf(where, sizeof(where), "rule %zu", ++nrule);
		parse_rules(fa.rules[i].text, where, &rs);
	}
	filter_args_release(&fa);

	memset(&ctx, 0, sizeof(ctx));
	buf_init(&ctx.out);
	buf_init(&ctx.tmp);
	if (!(ctx.tz = map_tz_new()))
		die(MIG_EXIT_SYSTEM, "out of memory");
	if (password_path) {
		ctx.pw = open_passwords(password_path);
		ctx.cd = ecalloc(1, sizeof(*ctx.cd));
	}
	rd = mig_reader_open(input, 0);
	w = mig_writer_new(1, "<stdout>", so.format, 0);
	if (so.reject)
		rj = rejects_open(so.reject, "mig-map", so.max_rejects);
	progress_init(&pg, std_progress(&so));
	progress_begin(&pg, "", 0);
	while ((ret = mig_reader_next(rd, &it)) > 0) {
		if (it.kind != MIG_RECORD && it.kind != MIG_HEADER) {
			mig_count_hint(&it, &hint_tag, &hint);
			mig_write_item(w, &it);
			continue;
		}
		if (it.kind == MIG_RECORD && pg.label != it.hdr->tag && strcmp(pg.label, it.hdr->tag))
			progress_begin(&pg, it.hdr->tag, hint_tag && !strcmp(hint_tag, it.hdr->tag) ? hint : 0);
		if (it.hdr->id != cid) {
			cp = strmap_get(&rs.progs, it.hdr->tag, strlen(it.hdr->tag));
			clc = ledger_tag(&ledger, it.hdr->tag);
			cid = it.hdr->id;
		}
		if (cp && cp->bound != it.hdr->id)
			bind(cp, it.hdr, w, mig_reader_name(rd), it.line);
		if (it.kind == MIG_HEADER) {
			if (!cp)
				mig_write_item(w, &it);
			continue;
		}
		progress_tick(&pg);
		clc->in++;
		if (!cp || cp->identity) {
			clc->out++;
			if (mig_write_record(w, it.hdr, it.f) < 0) {
				mig_writer_flush(w);
				die(MIG_EXIT_DATA, "%s:%llu: %s", it.hdr->tag, it.row, mig_writer_error(w));
			}
			continue;
		}
		if (map_record(cp, &ctx, &it, w, rj))
			clc->rejected++;
		else
			clc->out++;
	}
	if (ret < 0) {
		mig_writer_flush(w);
		die(MIG_EXIT_DATA, "%s", mig_reader_error(rd));
	}
	progress_end(&pg);
	free(hint_tag);
	if (so.verbose)
		for (i = 0; i < ledger.n; i++) {
			struct ledger_counts *lc = ledger_tag(&ledger, ledger.order[i]);

			fprintf(stderr, "mig-map: %s: %llu in, %llu out, %llu rejected\n", ledger.order[i], lc->in,
				lc->out, lc->rejected);
		}
	/* A renamed tag's records arrive downstream under the new name: say so, as mig-split does. */
	for (i = 0; i < rs.n; i++) {
		struct ledger_counts *lc;
		char name[1024];

		if (!rs.order[i]->newtag ||
		    !(lc = strmap_get(&ledger.tags, rs.order[i]->tag, strlen(rs.order[i]->tag))))
			continue;
		snprintf(name, sizeof(name), "to:%s", rs.order[i]->newtag);
		ledger_add_extra(lc, name, lc->out);
	}
	ledger_emit(&ledger, w, "mig-map");
	if (rj)
		rejects_close(rj);
	if (ctx.pw) {
		if (fflush(ctx.pw) != 0 || ferror(ctx.pw) || fsync(fileno(ctx.pw)) < 0)
			die(MIG_EXIT_SYSTEM, "%s: write error:", password_path);
		fclose(ctx.pw);
		explicit_bzero(ctx.cd, sizeof(*ctx.cd));
		free(ctx.cd);
	}
	mig_writer_close(w);
	mig_reader_free(rd);
	for (i = 0; i < rs.n; i++)
		prog_free(rs.order[i]);
	free(rs.order);
	strmap_release(&rs.progs);
	ledger_release(&ledger);
	arena_release(&ctx.ar);
	map_tz_free(ctx.tz);
	buf_release(&ctx.out);
	buf_release(&ctx.tmp);
	uuid5_free(&ctx.u5);
	return 0;
}
