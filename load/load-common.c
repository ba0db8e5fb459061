/*
 * load-common.c - catalog checks and value conversions every target shares.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "array.h"
#include "load.h"
#include "util.h"
#include "banned.h"

void load_catalog(struct target *tg)
{
	struct buf err = BUF_INIT;

	if (catalog_read(&tg->url, tg->conn, NULL, &tg->cat, &err) < 0)
		die(MIG_EXIT_DB, "%s: cannot read the catalog: %s", tg->url.shown, err.buf);
	tg->have_cat = 1;
	buf_release(&err);
}

const struct cat_column *find_col(const struct cat_table *ct, const char *name)
{
	size_t i;

	for (i = 0; i < ct->ncols; i++)
		if (!strcmp(ct->cols[i].name, name))
			return &ct->cols[i];
	return NULL;
}

int check_columns(const struct ltab *t, const struct cat_table *ct, const char *target, struct buf *err)
{
	const struct mig_header *h = t->hdr;
	int n = 0;
	size_t i;

	for (i = 0; i < h->ncols; i++)
		if (!find_col(ct, h->names[i])) {
			buf_addf(err, "%s%s: unknown column '%s' in table '%s%s%s' of %s", n ? "\n" : "",
				 t->tag, h->names[i], ct->schema ? ct->schema : "", ct->schema ? "." : "", ct->name, target);
			n++;
		}
	for (i = 0; i < ct->ncols; i++) {
		const struct cat_column *c = &ct->cols[i];

		if (c->notnull && !c->deflt && !c->autogen && mig_header_find(h, c->name) < 0) {
			buf_addf(err, "%s%s: column '%s' of table '%s%s%s' is NOT NULL without a default and not in the stream",
				 n ? "\n" : "", t->tag, c->name, ct->schema ? ct->schema : "", ct->schema ? "." : "", ct->name);
			n++;
		}
	}
	return n;
}

void pick_conv(struct ltab *t, const struct cat_table *ct, unsigned want)
{
	const struct mig_header *h = t->hdr;
	size_t i;

	free(t->conv);
	t->conv = ecalloc(h->ncols ? h->ncols : 1, sizeof(*t->conv));
	for (i = 0; i < h->ncols; i++) {
		const struct cat_column *c = ct ? find_col(ct, h->names[i]) : NULL;
		enum mig_type st = h->types[i], dt = c ? c->type : st;

		/* The target column decides; an untyped target column follows the stream. */
		if (dt == MIG_T_ANY || dt == MIG_T_TEXT)
			dt = (c && dt == MIG_T_TEXT) ? MIG_T_TEXT : st;
		/* MariaDB and SQLite have no arrays: a stream array is a JSON one there. */
		if ((want & PC_JSONARR) && st == MIG_T_ARRAY)
			t->conv[i] = CV_JSONARR;
		else if ((want & PC_UNHEX) && dt == MIG_T_BYTES)
			t->conv[i] = CV_UNHEX;
		else if ((want & PC_BOOL) && dt == MIG_T_BOOL)
			t->conv[i] = CV_BOOL;
		else if ((want & PC_UTC) && (dt == MIG_T_TIMESTAMP || dt == MIG_T_TIMESTAMPTZ))
			t->conv[i] = CV_UTC;
		else if ((want & PC_INF) && dt == MIG_T_FLOAT)
			t->conv[i] = CV_INF;
		else if ((want & PC_ADDTZ) && dt == MIG_T_TIMESTAMPTZ)
			t->conv[i] = CV_ADDTZ;
	}
}

/* Whether name is in the comma-separated list. */
int in_list(const char *list, int sep, const char *name, size_t n)
{
	while (list && *list) {
		const char *c = strchr(list, sep);
		size_t len = c ? (size_t)(c - list) : strlen(list);

		if (len == n && !memcmp(list, name, n))
			return 1;
		list = c ? c + 1 : NULL;
	}
	return 0;
}

int upsert_sets(const struct target *tg, const struct ltab *t, size_t i)
{
	size_t k;

	if (tg->insert_only || in_list(tg->keep_cols, ',', t->hdr->names[i], strlen(t->hdr->names[i])))
		return 0;
	for (k = 0; k < t->nkey; k++)
		if (t->keyidx[k] == (int)i)
			return 0;
	return 1;
}

static int check_keep_cols(const struct target *tg, const struct ltab *t, const struct cat_table *ct, struct buf *err)
{
	const char *p = tg->keep_cols;

	while (p && *p) {
		const char *c = strchr(p, ',');
		size_t len = c ? (size_t)(c - p) : strlen(p), j;

		for (j = 0; j < ct->ncols; j++)
			if (strlen(ct->cols[j].name) == len && !memcmp(ct->cols[j].name, p, len))
				break;
		if (j == ct->ncols) {
			buf_addf(err, "%s: --keep-columns: table '%s' has no column '%.*s'", t->tag, ct->name, (int)len, p);
			return -1;
		}
		p = c ? c + 1 : NULL;
	}
	return 0;
}

int pick_key(struct ltab *t, const struct cat_table *ct, const char *key, int required, struct buf *err)
{
	const struct cat_key *k = NULL;
	size_t i;
	char **cols = NULL;
	size_t ncols = 0;
	char *copy = NULL;

	free(t->keyidx);
	t->keyidx = NULL;
	for (i = 0; i < t->nkey; i++)
		free(t->keynames[i]);
	free(t->keynames);
	t->keynames = NULL;
	t->nkey = 0;
	if (!key) {
		k = ct ? ct->pk : NULL;
	} else if (ct) {
		if (ct->pk && ct->pk->name && !strcmp(ct->pk->name, key))
			k = ct->pk;
		for (i = 0; !k && i < ct->nuniq; i++)
			if (ct->uniq[i].name && !strcmp(ct->uniq[i].name, key))
				k = &ct->uniq[i];
	}
	if (k) {
		cols = k->cols;
		ncols = k->ncols;
	} else if (key) {
		/* Not a constraint name: a comma-separated column list. */
		char *p;

		copy = estrdup(key);
		for (p = copy;;) {
			char *c = strchr(p, ',');

			cols = ereallocarray(cols, ncols + 1, sizeof(*cols));
			cols[ncols++] = p;
			if (!c)
				break;
			*c = '\0';
			p = c + 1;
		}
	} else {
		return 0;
	}
	t->keyidx = ecalloc(ncols, sizeof(*t->keyidx));
	t->keynames = ecalloc(ncols, sizeof(*t->keynames));
	for (i = 0; i < ncols; i++) {
		int j = mig_header_find(t->hdr, cols[i]);

		t->keynames[i] = estrdup(cols[i]);
		t->nkey = i + 1;
		if (j < 0) {
			size_t m;

			if (copy) {
				free(cols);
				free(copy);
			}
			if (!required) {
				/* The target numbers the rows itself: no key to report. */
				for (m = 0; m < t->nkey; m++)
					free(t->keynames[m]);
				free(t->keynames);
				free(t->keyidx);
				t->keynames = NULL;
				t->keyidx = NULL;
				t->nkey = 0;
				return 0;
			}
			buf_addf(err, "%s: key column '%s' is not in the stream", t->tag, t->keynames[i]);
			return -1;
		}
		t->keyidx[i] = j;
	}
	if (copy) {
		free(cols);
		free(copy);
	}
	return 0;
}

int conv_value(enum conv c, const char *v, size_t n, struct buf *out, const char **why)
{
	size_t i;

	switch (c) {
	case CV_UNHEX:
		if (n < 2 || v[0] != '\\' || v[1] != 'x' || n % 2) {
			*why = "bytes value not in \\x hex form";
			return -1;
		}
		buf_grow(out, n / 2);
		for (i = 2; i < n; i += 2) {
			int a = hexval((unsigned char)v[i]), b = hexval((unsigned char)v[i + 1]);

			if (a < 0 || b < 0) {
				*why = "bad hex digit in bytes value";
				return -1;
			}
			out->buf[out->len++] = (char)(a << 4 | b);
		}
		out->buf[out->len] = '\0';
		return 0;
	case CV_BOOL:
		if ((n == 1 && (*v == 't' || *v == '1')) || (n == 4 && !memcmp(v, "true", 4))) {
			buf_addc(out, '1');
			return 0;
		}
		if ((n == 1 && (*v == 'f' || *v == '0')) || (n == 5 && !memcmp(v, "false", 5))) {
			buf_addc(out, '0');
			return 0;
		}
		*why = "bool value not t or f";
		return -1;
	case CV_UTC:
		/* Only UTC offsets drop silently: anything else would shift the instant. */
		if (n > 3 && !memcmp(v + n - 3, "+00", 3))
			n -= 3;
		else if (n > 6 && !memcmp(v + n - 6, "+00:00", 6))
			n -= 6;
		else if (n > 1 && v[n - 1] == 'Z')
			n -= 1;
		else if (n > 10 && (memchr(v + 10, '+', n - 10) || memchr(v + 19 < v + n ? v + 19 : v + n, '-', n > 19 ? n - 19 : 0))) {
			*why = "timestamptz not in UTC";
			return -1;
		}
		buf_add(out, v, n);
		return 0;
	case CV_ADDTZ:
		buf_add(out, v, n);
		/* Values from a zone-less source are UTC (mig-extract(1)). */
		if (n >= 19 && !memchr(v + 19, '+', n - 19) && !memchr(v + 19, '-', n - 19) && v[n - 1] != 'Z')
			buf_adds(out, "+00");
		return 0;
	case CV_JSONARR:
		if (arr_to_json(v, n, out) < 0) {
			*why = "array value not in array literal form";
			return -1;
		}
		return 0;
	case CV_INF:
		if (n == 8 && !memcmp(v, "Infinity", 8))
			buf_adds(out, "1e999");
		else if (n == 9 && !memcmp(v, "-Infinity", 9))
			buf_adds(out, "-1e999");
		else
			buf_add(out, v, n);
		return 0;
	default:
		buf_add(out, v, n);
		return 0;
	}
}

void pack_field(struct buf *out, const char *v, size_t n, int null)
{
	uint32_t len = null ? UINT32_MAX : (uint32_t)n;

	buf_grow(out, 4 + n);
	memcpy(out->buf + out->len, &len, 4);
	out->len += 4;
	if (!null && n) {
		memcpy(out->buf + out->len, v, n);
		out->len += n;
	}
	out->buf[out->len] = '\0';
}

long long unpack_field(const char **pp, const char **val)
{
	uint32_t len;

	memcpy(&len, *pp, 4);
	*pp += 4;
	*val = *pp;
	if (len == UINT32_MAX)
		return -1;
	*pp += len;
	return len;
}

/* Bytes that force a CSV field into quotes. */
static const unsigned char csv_special[256] = {
	['\n'] = 1, ['\r'] = 1, [','] = 1, ['"'] = 1,
};

void csv_encode_row(const struct mig_header *h, const struct mig_field *f, struct buf *out)
{
	size_t i, k;

	for (i = 0; i < h->ncols; i++) {
		const char *v = f[i].val;
		size_t n = f[i].len;
		int q = 0;

		if (i)
			buf_addc(out, ',');
		if (f[i].null)
			continue;
		/* "" is the empty string; \. alone on a line would end COPY's data. */
		if (!n || (n == 2 && h->ncols == 1 && v[0] == '\\' && v[1] == '.'))
			q = 1;
		for (k = 0; !q && k < n; k++)
			q = csv_special[(unsigned char)v[k]];
		if (!q) {
			buf_add(out, v, n);
			continue;
		}
		buf_grow(out, n + 2);
		out->buf[out->len++] = '"';
		for (k = 0; k < n; k++) {
			if (v[k] == '"')
				buf_addc(out, '"');
			buf_addc(out, v[k]);
		}
		buf_addc(out, '"');
	}
	buf_addc(out, '\n');
}

/*
 * PostgreSQL quotes a row's value in two shapes: after a colon
 * (invalid input syntax for type integer: "abc", and the bytes of an
 * invalid encoding: 0xff) and as value "..." (value "4242424" is out of
 * range for type smallint).  Names of tables, columns and constraints are
 * quoted too, and stay.
 */
void hide_values(struct buf *msg)
{
	char *p = strstr(msg->buf, ": \"");
	char *v;

	if (!p)
		p = strstr(msg->buf, ": 0x");
	if (p) {
		msg->len = (size_t)(p - msg->buf);
		msg->buf[msg->len] = '\0';
	}
	while ((v = strstr(msg->buf, "value \"")) != NULL) {
		char *end = strchr(v + 7, '"');

		if (!end)
			end = msg->buf + msg->len - 1;
		/* keep "value", drop the quoted text and the blank before it */
		memmove(v + 5, end + 1, (size_t)(msg->buf + msg->len - end));
		msg->len -= (size_t)(end + 1 - (v + 5));
	}
}

int table_known(struct target *tg, const struct ltab *t)
{
	struct buf name = BUF_INIT;
	int ret;

	if (!tg->ops->has_catalog)
		return 1;
	/* As the drivers look it up: MariaDB and SQLite take no schema part. */
	if (t->schema && tg->ops->schemas)
		buf_addf(&name, "%s.%s", t->schema, t->table);
	else
		buf_adds(&name, t->table);
	ret = catalog_find(&tg->cat, name.buf) != NULL;
	buf_release(&name);
	return ret;
}

const struct cat_table *find_table(struct target *tg, const struct ltab *t, struct buf *err)
{
	struct buf name = BUF_INIT;
	const struct cat_table *ct;

	if (t->schema)
		buf_addf(&name, "%s.%s", t->schema, t->table);
	else
		buf_adds(&name, t->table);
	ct = catalog_find(&tg->cat, name.buf);
	if (!ct)
		buf_addf(err, "%s: no table '%s' in %s", t->tag, name.buf, tg->url.shown);
	buf_release(&name);
	return ct;
}

void hide_my_values(struct buf *msg)
{
	static const char *const lead[] = { "entry '", "value: '" };
	size_t i;

	for (i = 0; i < sizeof(lead) / sizeof(*lead); i++) {
		char *p = strstr(msg->buf, lead[i]), *e;

		if (!p)
			continue;
		p += strlen(lead[i]) - 1;
		e = strstr(p + 1, "' for ");
		if (!e)
			continue;
		/* Keep the words around it: "Duplicate entry for key 'PRIMARY'". */
		memmove(p - 1, e + 1, strlen(e + 1) + 1);
		msg->len = strlen(msg->buf);
	}
}

int pick_load_key(const struct target *tg, struct ltab *t, const struct cat_table *ct, struct buf *err)
{
	if (pick_key(t, ct, tg->upsert ? tg->upsert_key : NULL, tg->upsert, err) < 0)
		return -1;
	if (tg->upsert && !t->nkey) {
		buf_addf(err, "%s: %s: table '%s' has no primary key (name a unique key)", t->tag,
			 tg->insert_only ? "--insert-only" : "--upsert", ct->name);
		return -1;
	}
	return check_keep_cols(tg, t, ct, err);
}

const struct tgt_ops *const tgt_drivers[] = {
	[DB_PG] = &pg_ops,
	[DB_MY] = &my_ops,
	[DB_SQLITE] = &sqlite_ops,
	[DB_CSV] = &csv_ops,
};
