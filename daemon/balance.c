/*
 * balance.c: the choice of a node for one viewer.  policy.c is the pure
 * rule over a list of candidates; this is where the rule meets the node
 * table: each node's view as a candidate, the round-robin cursor and the
 * random draws the daemon keeps between choices.
 */
#include "config.h"

#include <stdlib.h>

#include "cimheadd.h"

static uint32_t	balance_rng(void *);

void
balance_seed(struct daemon *d, uint32_t seed)
{
	/* xorshift never leaves 0: an even seed is made odd. */
	d->rng = seed | 1;
}

/* The policy_rng of policy_pick: xorshift32 over d->rng. */
static uint32_t
balance_rng(void *arg)
{
	struct daemon	*d = arg;

	/* The choice need not be secret, only spread. */
	d->rng ^= d->rng << 13;
	d->rng ^= d->rng >> 17;
	d->rng ^= d->rng << 5;
	return (d->rng);
}

struct node *
balance_pick(struct daemon *d, uint64_t min_ms)
{
	struct policy_cand	*c;
	size_t			 i;
	int			 k;

	if (d->nnodes == 0)
		return (NULL);
	c = xcalloc(d->nnodes, sizeof(*c));
	for (i = 0; i < d->nnodes; i++)
		node_cand(d->nodes[i], &c[i]);
	k = policy_pick(&d->conf->policy, c, d->nnodes, min_ms, &d->rr,
	    balance_rng, d);
	free(c);
	return (k < 0 ? NULL : d->nodes[k]);
}
