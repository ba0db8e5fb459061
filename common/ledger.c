#include <stdlib.h>
#include <string.h>

#include "ledger.h"
#include "util.h"

struct ledger_counts *ledger_tag(struct ledger *l, const char *tag)
{
	size_t n = strlen(tag);
	struct ledger_counts *c = strmap_get(&l->tags, tag, n);

	if (c)
		return c;
	c = ecalloc(1, sizeof(*c));
	strmap_put(&l->tags, tag, n, c);
	l->order = ereallocarray(l->order, l->n + 1, sizeof(*l->order));
	l->order[l->n++] = estrdup(tag);
	return c;
}

void ledger_add_extra(struct ledger_counts *c, const char *name, unsigned long long n)
{
	size_t i;

	for (i = 0; i < c->nextra; i++)
		if (!strcmp(c->extra_names[i], name)) {
			c->extra[i] += n;
			return;
		}
	c->extra_names = ereallocarray(c->extra_names, c->nextra + 1, sizeof(char *));
	c->extra = ereallocarray(c->extra, c->nextra + 1, sizeof(*c->extra));
	c->extra_names[c->nextra] = estrdup(name);
	c->extra[c->nextra++] = n;
}

void ledger_emit(const struct ledger *l, struct mig_writer *w, const char *stage, unsigned long long run)
{
	size_t i;

	for (i = 0; i < l->n; i++) {
		const struct ledger_counts *c = strmap_get(&l->tags, l->order[i], strlen(l->order[i]));
		unsigned long long v[4] = { c->in, c->out, c->dropped, c->rejected };

		ctl_write_stats(w, stage, l->order[i], v, c->nextra, c->extra_names, c->extra, run);
	}
}

static void free_counts(const char *key, void *val, void *arg)
{
	struct ledger_counts *c = val;
	size_t i;

	(void)key;
	(void)arg;
	for (i = 0; i < c->nextra; i++)
		free(c->extra_names[i]);
	free(c->extra_names);
	free(c->extra);
	free(c);
}

void ledger_release(struct ledger *l)
{
	size_t i;

	strmap_each(&l->tags, free_counts, NULL);
	strmap_release(&l->tags);
	for (i = 0; i < l->n; i++)
		free(l->order[i]);
	free(l->order);
	l->order = NULL;
	l->n = 0;
}
