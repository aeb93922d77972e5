/*
 * balance.c: the choice of a node for one viewer.  estimate.c's est_pick
 * (least-predicted, the default) and policy.c's baselines are pure rules
 * over a list of candidates; this is where they meet the node table:
 * which samples may serve (the probe pool's rules, or the strict model's
 * round), the round-robin cursor and the random draws the daemon keeps
 * between choices.
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

/* May n's sample serve this decision?  See balance_pick. */
static int
balance_usable(const struct daemon *d, const struct node *n, uint64_t min_ms,
    uint64_t now)
{
	const struct conf	*c = d->conf;

	if (!n->est.has_sample)
		return (0);
	if (min_ms == 0)
		return (probe_sample_ok(n, now));
	if (n->est.sample_ms >= min_ms)
		return (1);
	/*
	 * two-choices probes two nodes a round, not all: the others' samples
	 * serve while young and unspent rather than refusing every viewer.
	 */
	return (c->policy.kind == POLICY_TWO_CHOICES &&
	    est_usable(&n->est, &c->est, now));
}

struct node *
balance_pick(struct daemon *d, uint64_t min_ms, uint64_t now)
{
	const struct conf	*c = d->conf;
	struct policy_cand	*pc;
	struct est_cand		*ec;
	struct node		*n;
	size_t			 i;
	int			 k;

	if (d->nnodes == 0)
		return (NULL);
	if (c->policy.kind == POLICY_LEAST_PREDICTED) {
		ec = xcalloc(d->nnodes, sizeof(*ec));
		for (i = 0; i < d->nnodes; i++) {
			n = d->nodes[i];
			ec[i].en = &n->est;
			ec[i].ok = node_serving(n) &&
			    balance_usable(d, n, min_ms, now);
		}
		k = est_pick(&c->est, ec, d->nnodes, now, balance_rng, d);
		free(ec);
	} else {
		pc = xcalloc(d->nnodes, sizeof(*pc));
		for (i = 0; i < d->nnodes; i++)
			node_cand(d->nodes[i], balance_usable(d, d->nodes[i],
			    min_ms, now), now, &pc[i]);
		k = policy_pick(&c->policy, pc, d->nnodes, &d->rr,
		    balance_rng, d);
		free(pc);
	}
	return (k < 0 ? NULL : d->nodes[k]);
}

/* Why balance_pick found no node, for the access log. */
const char *
balance_why_none(const struct daemon *d, uint64_t min_ms, uint64_t now)
{
	size_t	i;
	int	serving = 0;

	for (i = 0; i < d->nnodes; i++) {
		if (!node_serving(d->nodes[i]))
			continue;
		serving = 1;
		if (balance_usable(d, d->nodes[i], min_ms, now))
			return ("no room: every node full");
	}
	return (serving ? "no fresh sample in time" : "no node up");
}
