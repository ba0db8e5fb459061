/*
 * lang-cse.c - subexpressions a record's rules share: computed once, not
 * once per mention.  mig-map's rules often repeat a piece of another rule
 * (split_part(full_name, ' ', 1) for first_name and again inside
 * last_name's substr); after binding, identical calls are grouped, and
 * the first one evaluated in a record leaves its value in the group's
 * leader for the others.  A rule that writes a column ends every group
 * reading it, since a later mention must see the new value.
 */
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "lang-int.h"
#include "util.h"
#include "banned.h"

struct group {
	char *key;
	struct node *leader;
	int *reads;
	size_t nreads;
	int open;
};

struct lang_cse {
	struct group *g;
	size_t n;
	struct buf key;
};

struct lang_cse *lang_cse_new(void)
{
	struct lang_cse *s = ecalloc(1, sizeof(*s));

	buf_init(&s->key);
	return s;
}

void lang_cse_free(struct lang_cse *s)
{
	size_t i;

	if (!s)
		return;
	for (i = 0; i < s->n; i++) {
		free(s->g[i].key);
		free(s->g[i].reads);
	}
	free(s->g);
	buf_release(&s->key);
	free(s);
}

/* A call whose value depends on its arguments alone: password() writes a
 * line per call, and a template's pieces read columns no argument names. */
static int pure(const struct node *n)
{
	size_t i;

	if (n->kind != N_FN)
		return 1;
	if (n->npieces || !strcmp(n->fn->name, "password"))
		return 0;
	for (i = 0; i < n->nargs; i++)
		if (!pure(n->args[i]))
			return 0;
	return 1;
}

/* The subtree spelled so that two subtrees have the same key only if they
 * compute the same value from the same bound columns. */
static void key(const struct node *n, struct buf *b)
{
	size_t i;

	switch (n->kind) {
	case N_NULL:
		buf_addc(b, 'N');
		break;
	case N_LIT:
		buf_addf(b, "L%zu:", n->len);
		buf_add(b, n->text, n->len);
		break;
	case N_COL:
		if (n->slot >= 0)
			buf_addf(b, "C%d", n->slot);
		else
			buf_addf(b, "W%zu:%s", strlen(n->text), n->text);
		break;
	case N_FN:
		buf_addf(b, "F%s/%d/%d(", n->fn->name, n->iarg, n->numeric);
		for (i = 0; i < n->nargs; i++) {
			if (i)
				buf_addc(b, ',');
			key(n->args[i], b);
		}
		buf_addc(b, ')');
		break;
	}
}

static void reads(const struct node *n, struct group *g)
{
	size_t i;

	if (n->kind == N_COL && n->slot >= 0) {
		g->reads = ereallocarray(g->reads, g->nreads + 1, sizeof(*g->reads));
		g->reads[g->nreads++] = n->slot;
	}
	for (i = 0; i < n->nargs; i++)
		reads(n->args[i], g);
}

static void add(struct lang_cse *s, struct node *n)
{
	struct group *g;
	size_t i;

	if (n->kind != N_FN)
		return;
	n->leader = NULL;
	for (i = 0; i < n->nargs; i++)
		add(s, n->args[i]);
	if (!pure(n))
		return;
	buf_reset(&s->key);
	key(n, &s->key);
	for (i = 0; i < s->n; i++) {
		g = &s->g[i];
		if (g->open && !strcmp(g->key, s->key.buf)) {
			g->leader->leader = g->leader;
			n->leader = g->leader;
			return;
		}
	}
	s->g = ereallocarray(s->g, s->n + 1, sizeof(*s->g));
	g = &s->g[s->n++];
	*g = (struct group){ estrdup(s->key.buf), n, NULL, 0, 1 };
	reads(n, g);
}

void lang_cse_add(struct lang_cse *s, struct lang_expr *e)
{
	add(s, (struct node *)e);
}

void lang_cse_write(struct lang_cse *s, int slot)
{
	size_t i, j;

	for (i = 0; i < s->n; i++)
		for (j = 0; s->g[i].open && j < s->g[i].nreads; j++)
			if (s->g[i].reads[j] == slot)
				s->g[i].open = 0;
}
