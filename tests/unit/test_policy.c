/*
 * test_policy.c: the baseline policies with fixed inputs: admission by
 * the estimator's room, weights, active sessions (not streams ever sent),
 * and each policy's spread over many picks.
 */
#include "config.h"

#include <stdlib.h>

#include "cimheadd.h"
#include "tap.h"

static struct policy_params pp = {
	.kind = POLICY_LEAST_LOAD,
	.w_cpu = 1, .w_mem = 1, .w_net = 2,
};

static void
cand(struct policy_cand *c, double cpu, double mem, double net, double w)
{
	c->serving = 1;
	c->usable = 1;
	c->cpu = cpu;
	c->mem = mem;
	c->net = net;
	c->weight = w;
	c->sessions = 0;
	/* 2 points a session at weight 1, as the estimator's prior */
	c->room = (long)((100 - (cpu > net ? cpu : net)) / (2 / w));
}

/* What a dispatch does to a candidate, as the estimator would see it. */
static void
add_session(struct policy_cand *c)
{
	double	cost = 2 / c->weight;

	c->cpu += cost;
	c->mem += cost;
	c->net += cost;
	c->sessions++;
	c->room--;
}

/* xorshift: deterministic, so the test is too */
static uint32_t
rng(void *arg)
{
	uint32_t *s = arg;

	*s ^= *s << 13;
	*s ^= *s >> 17;
	*s ^= *s << 5;
	return (*s);
}

/* Runs n picks; each pick adds a session that loads the node by 2/w. */
static void
simulate(struct policy_params *p, struct policy_cand *c, size_t nc,
    int picks, int *counts)
{
	uint64_t	rr = 0;
	uint32_t	seed = 12345;
	int		i, k;

	for (i = 0; i < picks; i++) {
		k = policy_pick(p, c, nc, &rr, rng, &seed);
		if (k < 0)
			break;
		counts[k]++;
		add_session(&c[k]);
	}
}

int
main(void)
{
	struct policy_cand	c[4];
	struct policy_params	p;
	enum policy_kind	k;
	uint64_t		rr = 0;
	uint32_t		seed = 7;
	int			counts[4] = { 0 }, i;

	ok(policy_kind_parse("two-choices", &k) == 0 &&
	    k == POLICY_TWO_CHOICES, "parse two-choices");
	ok(policy_kind_parse("fastest", &k) == -1, "unknown policy rejected");
	is_str(policy_kind_name(POLICY_LEAST_STREAMS), "least-streams",
	    "name table");

	cand(&c[0], 50, 50, 50, 1);
	cand(&c[1], 10, 10, 10, 1);
	cand(&c[2], 30, 30, 30, 1);
	is_int(policy_pick(&pp, c, 3, &rr, rng, &seed), 1,
	    "least-load picks the least loaded");

	c[1].room = 0;
	is_int(policy_pick(&pp, c, 3, &rr, rng, &seed), 2,
	    "a node without room is not eligible");
	c[1].room = -1;
	is_int(policy_pick(&pp, c, 3, &rr, rng, &seed), 2,
	    "a node whose room is unknown is not eligible");
	c[1].room = 45;
	c[1].serving = 0;
	is_int(policy_pick(&pp, c, 3, &rr, rng, &seed), 2,
	    "a node not serving is not eligible");
	c[1].serving = 1;
	c[1].usable = 0;
	is_int(policy_pick(&pp, c, 3, &rr, rng, &seed), 2,
	    "a node whose sample may not serve is not eligible");
	c[1].usable = 1;

	cand(&c[0], 99.5, 10, 10, 1);
	cand(&c[1], 10, 10, 100, 1);
	cand(&c[2], 10, 10, 98.5, 1);
	for (k = POLICY_LEAST_LOAD; k <= POLICY_LEAST_PREDICTED; k++) {
		p = pp;
		p.kind = k;
		is_int(policy_pick(&p, c, 3, &rr, rng, &seed), -1,
		    "%s: all saturated -> none (never a saturated node)",
		    policy_kind_name(k));
	}

	/* Unknown utilisation drops out of the score and the check. */
	cand(&c[0], -1, 20, 20, 1);
	cand(&c[1], 30, 30, 30, 1);
	is_int(policy_pick(&pp, c, 2, &rr, rng, &seed), 0,
	    "unknown cpu: scored on what is known");
	ok(policy_eligible(&pp, &c[0]), "unknown cpu is not a refusal");
	ok(policy_score(&pp, &c[0]) == 20, "score: the mean of the known");

	/*
	 * least-streams counts active sessions: sessions that ended (the
	 * node's count fell) free the node for the next viewer.  The first
	 * version counted every stream ever sent.
	 */
	p = pp;
	p.kind = POLICY_LEAST_STREAMS;
	cand(&c[0], 10, 10, 10, 1);
	cand(&c[1], 10, 10, 10, 1);
	c[0].sessions = 3;
	c[1].sessions = 5;
	is_int(policy_pick(&p, c, 2, &rr, rng, &seed), 0,
	    "least-streams: fewer active sessions wins");
	c[0].sessions = 9;
	is_int(policy_pick(&p, c, 2, &rr, rng, &seed), 1,
	    "least-streams: departures on node 1 show");

	/* A burst on equal nodes spreads instead of herding. */
	for (i = 0; i < 4; i++)
		cand(&c[i], 10 + i, 10 + i, 10 + i, 1);
	simulate(&pp, c, 4, 40, counts);
	for (i = 0; i < 4; i++)
		ok(counts[i] >= 8 && counts[i] <= 12,
		    "least-load burst: node %d got %d of 40", i, counts[i]);

	/* Unequal capacity: weight 3 gets about 3 times as many. */
	cand(&c[0], 10, 10, 10, 1);
	cand(&c[1], 10, 10, 10, 3);
	counts[0] = counts[1] = 0;
	simulate(&pp, c, 2, 40, counts);
	ok(counts[1] >= 27 && counts[1] <= 33,
	    "least-load by weight: 1:3 -> %d:%d", counts[0], counts[1]);

	p = pp;
	p.kind = POLICY_LEAST_STREAMS;
	cand(&c[0], 10, 10, 10, 1);
	cand(&c[1], 10, 10, 10, 3);
	counts[0] = counts[1] = 0;
	simulate(&p, c, 2, 40, counts);
	is_int(counts[1], 30, "least-streams by weight: 30 of 40");

	p.kind = POLICY_ROUND_ROBIN;
	for (i = 0; i < 4; i++) {
		cand(&c[i], 10, 10, 10, 1);
		counts[i] = 0;
	}
	c[2].serving = 0;
	simulate(&p, c, 4, 30, counts);
	ok(counts[0] == 10 && counts[1] == 10 && counts[2] == 0 &&
	    counts[3] == 10, "round-robin skips the ineligible: %d %d %d %d",
	    counts[0], counts[1], counts[2], counts[3]);

	p.kind = POLICY_TWO_CHOICES;
	for (i = 0; i < 4; i++) {
		cand(&c[i], 10, 10, 10, 1);
		counts[i] = 0;
	}
	c[0].serving = 0;
	simulate(&p, c, 4, 60, counts);
	ok(counts[0] == 0 && counts[1] >= 15 && counts[2] >= 15 &&
	    counts[3] >= 15, "two-choices spreads over the eligible: "
	    "%d %d %d %d", counts[0], counts[1], counts[2], counts[3]);
	cand(&c[0], 10, 10, 10, 1);
	c[1].serving = c[2].serving = c[3].serving = 0;
	is_int(policy_pick(&p, c, 4, &rr, rng, &seed), 0,
	    "two-choices with one eligible node");

	/* Admission: a node fills to its room, then the next one takes. */
	p.kind = POLICY_LEAST_STREAMS;
	cand(&c[0], 90, 10, 90, 1);	/* 5 sessions of room */
	cand(&c[1], 80, 10, 80, 1);	/* 10 */
	counts[0] = counts[1] = 0;
	simulate(&p, c, 2, 40, counts);
	ok(counts[0] == 5 && counts[1] == 10,
	    "room bounds every node: %d %d of 15", counts[0], counts[1]);

	return (tap_done());
}
