/*
 * policy.c: the choice of a node for one viewer.  Pure: node states and
 * samples come in as values, the time cutoff and the random source are
 * passed in, nothing here reads a clock or does I/O, so every policy is
 * unit-tested with fixed inputs.
 *
 * These are the baselines beside estimate.c's est_pick (least-predicted,
 * the default), fed from the same estimator: a node is eligible when it
 * serves, its sample may serve the decision, and it has room for one
 * more session under its thresholds.  No eligible node means the caller
 * answers 503: a saturated node never gets a viewer.
 */
#include "config.h"

#include <string.h>

#include "cimheadd.h"

static const char *policy_names[] = {
	[POLICY_LEAST_LOAD] = "least-load",
	[POLICY_TWO_CHOICES] = "two-choices",
	[POLICY_ROUND_ROBIN] = "round-robin",
	[POLICY_LEAST_STREAMS] = "least-streams",
	[POLICY_LEAST_PREDICTED] = "least-predicted",
};

const char *
policy_kind_name(enum policy_kind k)
{
	if ((size_t)k >= nitems(policy_names))
		return ("unknown");
	return (policy_names[k]);
}

int
policy_kind_parse(const char *s, enum policy_kind *out)
{
	size_t	i;

	for (i = 0; i < nitems(policy_names); i++) {
		if (strcmp(s, policy_names[i]) == 0) {
			*out = (enum policy_kind)i;
			return (0);
		}
	}
	return (-1);
}

/*
 * Weighted mean of the known utilisations, each with the dispatches its
 * sample does not show yet; unknown ones drop out.
 */
double
policy_score(const struct policy_params *pp, const struct policy_cand *c)
{
	double	sum = 0, wsum = 0;

	if (c->cpu >= 0 && pp->w_cpu > 0) {
		sum += pp->w_cpu * c->cpu;
		wsum += pp->w_cpu;
	}
	if (c->mem >= 0 && pp->w_mem > 0) {
		sum += pp->w_mem * c->mem;
		wsum += pp->w_mem;
	}
	if (c->net >= 0 && pp->w_net > 0) {
		sum += pp->w_net * c->net;
		wsum += pp->w_net;
	}
	return (wsum == 0 ? 0 : sum / wsum);
}

/*
 * Room is the estimator's: sessions under each resource's threshold at
 * its learned cost, so one noisy reading does not shut a node.
 */
int
policy_eligible(const struct policy_params *pp, const struct policy_cand *c)
{
	return (c->serving && c->usable && c->weight > 0 && c->room >= 1);
}

/*
 * The eligible candidate with the lowest key, visiting from index start
 * on (wrapping), so ties go to the first one visited: every least-something
 * strategy is this walk with its own key and starting point.
 */
static int
policy_lowest(const struct policy_params *pp, const struct policy_cand *c,
    size_t n, uint64_t start,
    double (*key)(const struct policy_params *, const struct policy_cand *))
{
	size_t	i, k;
	int	best = -1;
	double	s, bs = 0;

	for (k = 0; k < n; k++) {
		i = (size_t)((start + k) % n);
		if (!policy_eligible(pp, &c[i]))
			continue;
		s = key(pp, &c[i]);
		if (best == -1 || s < bs) {
			best = (int)i;
			bs = s;
		}
	}
	return (best);
}

/*
 * Active sessions per unit of weight: what the stream strategies even
 * out.  Sessions that ended count no more (the node's own count).
 */
static double
policy_streams_key(const struct policy_params *pp,
    const struct policy_cand *c)
{
	return (c->sessions / c->weight);
}

/* Two distinct random eligible nodes; the less loaded one wins. */
static int
policy_two_choices(const struct policy_params *pp,
    const struct policy_cand *c, size_t n, policy_rng rng, void *rngarg)
{
	size_t	i, ne = 0, a, b;
	int	ia = -1, ib = -1;

	for (i = 0; i < n; i++)
		if (policy_eligible(pp, &c[i]))
			ne++;
	if (ne == 0)
		return (-1);
	a = rng(rngarg) % ne;
	b = ne > 1 ? (a + 1 + rng(rngarg) % (ne - 1)) % ne : a;
	for (i = 0, ne = 0; i < n; i++) {
		if (!policy_eligible(pp, &c[i]))
			continue;
		if (ne == a)
			ia = (int)i;
		if (ne == b)
			ib = (int)i;
		ne++;
	}
	if (policy_score(pp, &c[ib]) < policy_score(pp, &c[ia]))
		return (ib);
	return (ia);
}

/*
 * Weighted round robin: the cursor counts picks; node i gets a share of
 * them in proportion to its weight (smooth: lowest streams/weight after the
 * cursor's rotation breaks ties in order).
 */
static int
policy_round_robin(const struct policy_params *pp,
    const struct policy_cand *c, size_t n, uint64_t *rr)
{
	int	best;

	best = policy_lowest(pp, c, n, *rr, policy_streams_key);
	if (best != -1)
		*rr = (uint64_t)best + 1;
	return (best);
}

int
policy_pick(const struct policy_params *pp, const struct policy_cand *c,
    size_t n, uint64_t *rr, policy_rng rng, void *rngarg)
{
	switch (pp->kind) {
	case POLICY_TWO_CHOICES:
		return (policy_two_choices(pp, c, n, rng, rngarg));
	case POLICY_ROUND_ROBIN:
		return (policy_round_robin(pp, c, n, rr));
	case POLICY_LEAST_STREAMS:
		return (policy_lowest(pp, c, n, 0, policy_streams_key));
	case POLICY_LEAST_LOAD:
	default:
		return (policy_lowest(pp, c, n, 0, policy_score));
	}
}
