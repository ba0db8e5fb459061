#include "extract.h"
#include "util.h"
void extract_sqlite(struct xctx *x)
{
	die(MIG_EXIT_USAGE, "%s: not yet supported", x->u->shown);
}
