/*
 * lang-node.c - the rule language's syntax tree nodes: made, freed, and a
 * constant argument taken back from what the parser read.  Below both the
 * parser (lang-parse.c) and the function table (lang-fn.c), whose
 * argument checks call lang_const_arg: neither calls the other through it.
 */
#include <stdlib.h>
#include <string.h>

#include "lang-int.h"
#include "util.h"
#include "banned.h"

struct node *lang_node_new(enum nkind k, size_t pos)
{
	struct node *n = ecalloc(1, sizeof(*n));

	n->kind = k;
	n->slot = -1;
	n->pos = pos;
	return n;
}

void lang_node_free(struct node *n)
{
	size_t i;

	if (!n)
		return;
	for (i = 0; i < n->nargs; i++)
		lang_node_free(n->args[i]);
	free(n->args);
	free(n->av);
	free(n->text);
	free(n->zone);
	for (i = 0; i < n->npieces; i++) {
		free(n->pieces[i].lit);
		free(n->pieces[i].col);
	}
	free(n->pieces);
	lookup_free(n->lk);
	if (n->re) {
		regfree(n->re);
		free(n->re);
	}
	free(n);
}

void lang_free(struct lang_expr *e)
{
	lang_node_free((struct node *)e);
}

/* A constant argument may be a bare word: split_name(name, first). */
static int flatten(const struct node *a, struct buf *b)
{
	if (a->kind == N_COL && a->bare) {
		buf_adds(b, a->text);
		return 0;
	}
	if (a->kind == N_FN && a->nargs == 2 && (!strcmp(a->fn->name, "/") || !strcmp(a->fn->name, "-")) &&
	    flatten(a->args[0], b) == 0) {
		buf_adds(b, a->fn->name);
		return flatten(a->args[1], b);
	}
	return -1;
}

int lang_const_arg(struct lex *l, struct node *n, size_t i, const char *what)
{
	struct node *a = n->args[i];
	struct buf b = BUF_INIT;

	/* A bare America/New_York reads as a division: take it back. */
	if (a->kind == N_FN && flatten(a, &b) == 0) {
		const struct node *first = a;
		struct node *w;

		while (first->kind == N_FN)
			first = first->args[0];
		w = lang_node_new(N_COL, first->pos);

		w->bare = 1;
		w->text = estrdup(b.buf);
		lang_node_free(a);
		n->args[i] = a = w;
	}
	buf_release(&b);
	if (a->kind == N_COL && a->bare) {
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
