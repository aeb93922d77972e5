/*
 * estimate.c: what one node can still take.  Pure: readings, the time and
 * the random source come in as values; nothing here reads a clock or does
 * I/O, so every rule is unit-tested with replayed counter sequences.
 *
 * The first version read load as a raw-counter delta against the previous
 * probe, however recent: Windows advances its raw counters in 15.6 ms
 * timer ticks, so probes 6-36 ms apart read a node held at 51 % network
 * load as 3, 39, 119, 159 and 10 %, and an idle node probed 1 ms after the
 * last as 100 % busy.  It forgot the streams it had sent at every sample,
 * and charged each one a configured cost unrelated to the node.  Here:
 *
 * - Signal.  A small ring of raw readings per counter; utilisation is the
 *   rate from the newest reading back to the newest one at least
 *   window_ms older by the node's own clock.  Until such a pair exists the
 *   formatted per-second figure stands in, else the last good value while
 *   it is recent, else unknown.  A counter going down, a timestamp step or
 *   an impossible rate resets the ring (counted).  Memory is a level, read
 *   as it is.
 * - Sessions.  The node's own count of active sessions (a performance
 *   counter read with the sample) plus this head-end's dispatches it does
 *   not show yet, those of the last lag before it (est_visible: fitted
 *   from the counts, visible_ms at most); a dispatch is kept until
 *   samples taken visible_ms after it have seen it whole (a rate over a
 *   window sees a new session only in proportion to the part of the
 *   window after it started), or until pending_timeout_ms.  Departures
 *   show as the node's count falling.  Without a count (a node lacking
 *   the counter) the sessions are the network load over a session's cost
 *   (background traffic counts as sessions there, which errs towards
 *   caution); the choice itself needs no count, only utilisation and the
 *   dispatches it does not show yet.
 * - Capacity.  Per resource, the cost of one session is the slope of
 *   utilisation against sessions, fitted on differences between
 *   consecutive points (u2 - u1 against n2 - n1): a background load that
 *   moves the base moves both points of a pair and cancels, where a fit on
 *   levels would read it as negative cost whenever the balancer drains a
 *   node whose background rose.  For a rate a point is a span of at least
 *   learn_ms, the spans back to back, and its sessions the node's count
 *   integrated over the span, trapezoids between samples: the count at a
 *   one-second window's two ends says little about its mean on a node whose
 *   viewers come and go several times a second, and that error biases the
 *   slope towards 0.  The prior (prior_cost / weight) enters as
 *   a pseudo-observation of strength prior_strength, so the cost is the
 *   prior until sessions vary; old pairs fade by `forget' per informative
 *   pair only, so a quiet node keeps what it learned; one pair's residual
 *   is clipped, and the result clamped to prior / cost_range .. prior *
 *   cost_range.
 * - Room.  After k more sessions a resource reads u + cost * (unseen + k),
 *   u the rate moved to the moment of the node's count (est_nowcast); the
 *   node has room for one more when every known resource stays within
 *   its threshold, plus room_slack sessions of rounding (a reading is a
 *   whole number of sessions plus noise: 19 sessions of 5.1 % read 96.9 %
 *   and the 20th still fits a node built for 20).
 * - Choice.  Among nodes with room, the least predicted utilisation after
 *   the viewer (a fraction of each threshold, the largest), with a base
 *   load rising now taken trend_s ahead (est_trend); ties within tie_eps
 *   drawn at random, so identical nodes share sequential viewers.
 * - Network.  The busier direction of a full-duplex link when the node
 *   gives both (BytesTotalPersec counts the ACKs a streaming node receives
 *   on top of what it sends, 102 % at the link's limit on cimmockd).
 * - Probe pool (Prequal's reuse): a sample serves decisions while younger
 *   than max_age_ms and until max_uses viewers were sent by it; the nodes
 *   to refresh are those without a sample, then the oldest or most used;
 *   each node's queries go through a token bucket.  Between full samples
 *   (full_age_ms) a refresh reads the count alone, the counts evenly
 *   spaced (est_pace_wait): the count moves the
 *   rates on (the nowcast), and between counts sessions leave at the rate
 *   learnt from the counts (est_departures), so a count a second old on
 *   a node of short sessions does not read as a full node.
 * - Shared cost: a session's network cost is the stream's bit rate over
 *   the node's link, the same titles everywhere; the bits a second a
 *   session the other nodes learnt are each node's prior (est_share), so
 *   a node with few viewers, or capacities unknown, is not left on the
 *   configured weight's guess.  A rate at its ceiling teaches nothing.
 */
#include "config.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "cimheadd.h"

/* Timestamp_Sys100NS counts 100 ns units. */
#define EST_CPU_FREQ		10000000ull
/* Two timer ticks: a short span may hold one more tick than its length. */
#define EST_TICK_SLACK_MS	32
/* Windows refreshes formatted counters once a second, for the second before. */
#define EST_FMT_LAG_MS		1000
/* A rate over more windows than this is a quiet spell's mean. */
#define EST_LONG_SPANS		4
/* A rate at or above this (%) is a resource at its ceiling. */
#define EST_SATURATED		95

static const char *est_res_names[] = {
	[EST_CPU] = "cpu",
	[EST_MEM] = "mem",
	[EST_NET] = "net",
};

const char *
est_res_name(enum est_res r)
{
	if ((size_t)r >= nitems(est_res_names))
		return ("unknown");
	return (est_res_names[r]);
}

void
est_params_default(struct est_params *p)
{
	enum est_res	r;

	memset(p, 0, sizeof(*p));
	p->window_ms = 1000;
	p->max_span_ms = 30000;
	p->clock_slack_ms = 1000;
	/*
	 * A viewer reaches its node well within this after the redirect;
	 * longer holds room for sessions already counted (viewers refused
	 * while there is room), shorter lets a burst overshoot a node.  The
	 * balancing benchmark's viewers, on loopback under load, took 7 ms
	 * (p99) and 15 ms at most, but curl started by a shell under a
	 * loaded make check took longer than 150 ms, and the sessions a
	 * count holds twice for a while are the margin for a network cost
	 * learnt 5 % low: at 150 ms a full cluster took two streams over.
	 * A viewer far away needs two round trips (the redirect, then its
	 * connection).  session-visible sets it.
	 */
	p->visible_ms = 500;
	p->pending_timeout_ms = 30000;
	p->learn_ms = 1500;
	for (r = 0; r < EST_NRES; r++) {
		/* Fill to the learned capacity, not 90 % of raw bytes. */
		p->max[r] = 100;
		/* A weight-1 node holds ~50 sessions until samples say more. */
		p->prior_cost[r] = 2;
	}
	p->prior_strength = 1;
	p->forget = 0.95;
	p->cost_range = 10;
	p->room_slack = 0.5;
	/* Ties are readings within noise, well under one session of cost. */
	p->tie_eps = 0.005;
	p->max_age_ms = 3000;
	/*
	 * Between full samples (every load figure and the process, five
	 * queries or so) the budget buys count-only ones (one query): the
	 * count is what moves fastest and what a decision turns on.  Two
	 * queries a second pay a full sample every 5 s and a count each
	 * second besides.
	 */
	p->full_age_ms = 5000;
	p->depart_tau_s = 30;
	/*
	 * A choice looks this far ahead on a rising base load (a node
	 * that takes no viewer sheds its sessions as fast as that).
	 */
	p->trend_s = 15;
	p->max_uses = 64;
	p->query_rate = 2;
	p->query_burst = 8;
}

static double
est_clamp(double v, double lo, double hi)
{
	if (v < lo)
		return (lo);
	if (v > hi)
		return (hi);
	return (v);
}

static uint64_t
est_sub(uint64_t a, uint64_t b)
{
	return (a > b ? a - b : 0);
}

/* ts / freq in ms without overflow: Sys100NS stamps are ~1.3e17. */
static uint64_t
est_ts_ms(uint64_t ts, uint64_t freq)
{
	return (ts / freq * 1000 + ts % freq * 1000 / freq);
}

static void
est_fit_cost(struct est_fit *f, const struct est_params *p)
{
	double	st = f->strength > 0 ? f->strength : p->prior_strength;
	double	c = f->prior, d = f->sxx + st;
	double	range = p->cost_range > 1 ? p->cost_range : 1;

	if (d > 0)
		c = (f->sxy + st * f->prior) / d;
	f->cost = f->fitted = est_clamp(c, f->prior / range,
	    f->prior * range);
	/*
	 * Less than the other nodes learnt (a shared prior: the network's)
	 * is noise, not a cheaper stream: a node with few sessions sees its
	 * count's noise in every pair, which flattens its slope (5-7 %
	 * learnt for a true 10 % on a 10-stream node, 1.09 for 1.25 on an
	 * 80-stream one early on), and its room ran sessions over.  The
	 * fit itself is what the others' priors are made of, so the floor
	 * does not ratchet them up.
	 */
	if (f->strength > 0 && f->cost < f->prior)
		f->cost = f->prior;
}

/*
 * Each node's learnt network cost in bits a second a session, weighed by
 * what it learnt from (the sessions its pairs moved, squared); a node's
 * prior is the others' mean over its own link, as strong as half what
 * they learnt from (at most 100 sessions squared), so its own pairs soon
 * outweigh it where its sessions really cost more or less.
 */
#define EST_SHARE_MAX	100
void
est_share(struct est_node *const *v, size_t n, const struct est_params *p)
{
	const struct est_fit	*f;
	struct est_fit		*g;
	double			 sw = 0, swc = 0, w, ow, oc;
	size_t			 i;

	for (i = 0; i < n; i++) {
		if (v[i] == NULL || !(v[i]->bw > 0))
			continue;
		f = &v[i]->fit[EST_NET];
		if (f->nobs == 0 || !(f->sxx > 0))
			continue;
		sw += f->sxx;
		swc += f->sxx * f->fitted * v[i]->bw;
	}
	for (i = 0; i < n; i++) {
		if (v[i] == NULL || !(v[i]->bw > 0))
			continue;
		g = &v[i]->fit[EST_NET];
		w = g->nobs > 0 && g->sxx > 0 ? g->sxx : 0;
		ow = sw - w;
		oc = swc - w * g->fitted * v[i]->bw;
		if (!(ow > 1e-9) || !(oc > 0)) {
			g->strength = 0;
			g->prior = g->wprior;
		} else {
			g->prior = oc / ow / v[i]->bw;
			g->strength = ow / 2 < EST_SHARE_MAX ? ow / 2 :
			    EST_SHARE_MAX;
			if (g->strength < p->prior_strength)
				g->strength = p->prior_strength;
		}
		est_fit_cost(g, p);
	}
}

/* Has every resource with a figure learnt from a pair of samples? */
int
est_learnt(const struct est_node *en)
{
	enum est_res	r;

	for (r = 0; r < EST_NRES; r++)
		if (en->util[r] >= 0 && en->fit[r].nobs < 1)
			return (0);
	return (1);
}

void
est_node_weight(struct est_node *en, const struct est_params *p,
    double weight)
{
	enum est_res	r;

	if (!(weight > 0))
		weight = 1;
	for (r = 0; r < EST_NRES; r++) {
		en->fit[r].wprior = p->prior_cost[r] > 0 ?
		    p->prior_cost[r] / weight : 1;
		if (!(en->fit[r].strength > 0))
			en->fit[r].prior = en->fit[r].wprior;
		est_fit_cost(&en->fit[r], p);
	}
}

void
est_node_init(struct est_node *en, const struct est_params *p, double weight)
{
	memset(en, 0, sizeof(*en));
	en->count = -1;
	est_node_reset(en);
	est_node_weight(en, p, weight);
}

void
est_node_reset(struct est_node *en)
{
	enum est_res	r;

	en->cpu.n = en->net.n = 0;
	en->cpu.has_learn = en->net.has_learn = 0;
	en->scont = 0;
	for (r = 0; r < EST_NRES; r++) {
		en->util[r] = -1;
		en->xwin[r] = -1;
		en->util_from[r] = en->util_to[r] = 0;
		en->fit[r].has_last = 0;
		en->base_ms[r] = 0;
		en->slope[r] = 0;
	}
	en->count = -1;
	en->carry = 0;
	en->lv_ms = 0;
	memset(&en->hist, 0, sizeof(en->hist));
	en->npend = 0;
	en->has_sample = 0;
	en->has_full = 0;
	en->uses = 0;
}

/* ---- the signal -------------------------------------------------------- */

/*
 * Is the step from the newest reading to r believable?  The counter and
 * the node's time go forward; the node's time agrees with ours (our times
 * differ from its by the query latencies only, so a larger gap is a clock
 * step: NTP, an operator, a VM resumed); and the counter did not move
 * faster than the resource can (max_per_s, in counter units per second,
 * with two ticks of slack for a short span).
 */
static int
est_step_ok(const struct est_raw *o, const struct est_raw *r,
    const struct est_params *p, double max_per_s)
{
	uint64_t	dn, dh;

	if (r->ts <= o->ts || r->ctr < o->ctr || r->at_ms < o->at_ms ||
	    (r->duplex && r->ctr2 < o->ctr2))
		return (0);
	dn = r->node_ms - o->node_ms;
	dh = r->at_ms - o->at_ms;
	if (dn > 2 * dh + p->clock_slack_ms || dh > 2 * dn + p->clock_slack_ms)
		return (0);
	if (max_per_s > 0 && (double)(r->ctr - o->ctr) >
	    max_per_s * (double)(dn + EST_TICK_SLACK_MS) / 1000.0)
		return (0);
	return (1);
}

/*
 * Adds a reading; returns 1 when it reset the ring.  Readings closer than
 * a quarter window to the one before replace the newest rather than
 * append, so EST_RING entries always reach back past a window however
 * often the node is probed.
 */
static int
est_ring_push(struct est_ring *g, const struct est_params *p,
    struct est_raw *r, size_t nifs, double max_per_s)
{
	uint64_t		 freq = r->freq;
	const struct est_raw	*o;
	uint64_t		 spacing = p->window_ms / 4;
	int			 reset = 0;

	r->node_ms = est_ts_ms(r->ts, freq);
	if (g->n > 0) {
		o = &g->r[g->n - 1];
		/* The same tick read twice: nothing new. */
		if (r->ts == o->ts && r->ctr == o->ctr && freq == g->freq &&
		    nifs == g->nifs)
			return (0);
		if (freq != g->freq || nifs != g->nifs ||
		    !est_step_ok(o, r, p, max_per_s)) {
			g->n = 0;
			reset = 1;
		}
	}
	g->freq = freq;
	g->nifs = nifs;
	if (g->n >= 2 && g->r[g->n - 1].node_ms - g->r[g->n - 2].node_ms <
	    spacing)
		g->r[g->n - 1] = *r;
	else {
		if (g->n == EST_RING) {
			memmove(&g->r[0], &g->r[1], (EST_RING - 1) *
			    sizeof(g->r[0]));
			g->n--;
		}
		g->r[g->n++] = *r;
	}
	/*
	 * No reading goes for its age alone: after a quiet spell the first
	 * probe's rate over a long span is the node's mean load since, which
	 * beats "unknown"; the next probes narrow it to a window again.
	 */
	return (reset);
}

/* The newest reading at least a window older than the newest, or NULL. */
static const struct est_raw *
est_ring_anchor(const struct est_ring *g, const struct est_params *p)
{
	const struct est_raw	*nw;
	size_t			 i;

	if (g->n < 2)
		return (NULL);
	nw = &g->r[g->n - 1];
	for (i = g->n - 1; i-- > 0; )
		if (nw->node_ms - g->r[i].node_ms >= p->window_ms)
			return (&g->r[i]);
	return (NULL);
}

/*
 * One (sessions, utilisation) pair for resource r; xvar is the variance
 * of x.  The difference from the previous pair informs the slope when the
 * sessions moved, weighted down by x's uncertainty (which would bias the
 * slope towards 0); a residual beyond twice the current cost of the move
 * (and 2 points) is clipped, so one background step or noisy reading
 * pulls it by a bounded amount.
 */
static void
est_learn(struct est_fit *f, const struct est_params *p, double x,
    double xvar, double y)
{
	double	dx, dy, res, h, w;

	if (x < 0 || y < 0)
		return;
	if (f->has_last && fabs(dx = x - f->last_x) > 1e-9) {
		dy = y - f->last_y;
		res = dy - f->cost * dx;
		h = 2 * f->cost * fabs(dx);
		if (h < 2)
			h = 2;
		dy = f->cost * dx + est_clamp(res, -h, h);
		w = 1 / (1 + xvar + f->last_xvar);
		f->sxx = p->forget * f->sxx + w * dx * dx;
		f->sxy = p->forget * f->sxy + w * dx * dy;
		f->nobs++;
		est_fit_cost(f, p);
	}
	f->last_x = x;
	f->last_xvar = xvar;
	f->last_y = y;
	f->has_last = 1;
}

static double	est_unseen_frac(uint64_t, uint64_t, uint64_t, uint64_t);

/* Dispatches the count at now shows, in the part [from, to] misses. */
static double
est_fmt_unseen(const struct est_node *en, const struct est_params *p,
    uint64_t from, uint64_t to, uint64_t now)
{
	uint64_t	vis = est_visible(en, p);
	double		sum = 0;
	size_t		i;

	for (i = 0; i < en->npend; i++)
		if (en->pend[i].at_ms + vis <= now)
			sum += en->pend[i].n * est_unseen_frac(vis,
			    en->pend[i].at_ms, from, to);
	return (sum);
}

uint64_t
est_long_span_ms(const struct est_params *p)
{
	uint64_t	l = EST_LONG_SPANS * p->window_ms;

	/* Full samples full_age_ms apart: their span is the usual one. */
	if (p->full_age_ms + p->window_ms > l)
		l = p->full_age_ms + p->window_ms;
	return (l);
}

/* Busy % between two Processor readings: the counter counts idle time. */
static double
est_cpu_rate(const struct est_raw *a, const struct est_raw *b,
    uint64_t bandwidth)
{
	return (100.0 * (1.0 - (double)(b->ctr - a->ctr) /
	    (double)(b->ts - a->ts)));
}

/*
 * Load % between two interface readings: bytes over the link's speed, of
 * the busier direction when both were read (a full-duplex link).
 */
static double
est_net_rate(const struct est_raw *a, const struct est_raw *b,
    uint64_t bandwidth)
{
	uint64_t	d = b->ctr - a->ctr;

	if (a->duplex && b->duplex && b->ctr2 - a->ctr2 > d)
		d = b->ctr2 - a->ctr2;
	return (100.0 * 8.0 * (double)d * (double)b->freq /
	    (double)(b->ts - a->ts) / (double)bandwidth);
}

/*
 * The base load (the figure less its sessions' part: background traffic,
 * other programs) and how fast it moves, over spans of EST_TREND_MS at
 * least, smoothed.  A choice between nodes weighs a rising base: a node
 * whose antagonist ramps up is full a few seconds after a figure says
 * it has room, and the streams sent there on that figure go over.
 */
#define EST_TREND_MS	2000
#define EST_TREND_MAX_MS 15000
static void
est_trend(struct est_node *en, enum est_res r, uint64_t at)
{
	double	b, s, dt;

	if (en->xwin[r] < 0)
		return;
	b = en->util[r] - en->fit[r].cost * en->xwin[r];
	if (en->base_ms[r] == 0 || at < en->base_ms[r] ||
	    at - en->base_ms[r] > EST_TREND_MAX_MS) {
		en->base[r] = b;
		en->base_ms[r] = at != 0 ? at : 1;
		en->slope[r] = 0;
		return;
	}
	dt = (double)(at - en->base_ms[r]) / 1000.0;
	if (at - en->base_ms[r] < EST_TREND_MS)
		return;
	s = (b - en->base[r]) / dt;
	en->slope[r] = 0.5 * s + 0.5 * en->slope[r];
	en->base[r] = b;
	en->base_ms[r] = at;
}

/*
 * A rate-based resource after a reading went into its ring: the windowed
 * figure, else the formatted one, else the last good one while recent.
 *
 * Learning uses spans of its own, from the last learning point to the
 * newest reading once learn_ms apart, back to back: over such a span the
 * mean of the sessions is the node's count integrated (trapezoids between
 * samples), which is close when several samples fall inside it, where the
 * count at a one-second window's two ends says little about its mean on a
 * node whose viewers come and go several times a second.
 */
static int
est_rate(struct est_node *en, const struct est_params *p, enum est_res r,
    struct est_ring *g, int reset, int fresh, uint64_t bandwidth,
    double (*rate)(const struct est_raw *, const struct est_raw *, uint64_t),
    int has_fmt, double fmt, uint64_t now)
{
	const struct est_raw	*a = NULL, *nw, *l;
	double			 dt, u;

	if (reset) {
		en->fit[r].has_last = 0;
		en->base_ms[r] = 0;
	}
	if (fresh && g->n > 0) {
		nw = &g->r[g->n - 1];
		/*
		 * After a quiet spell the only anchor may be far back: its
		 * rate is the mean since, which blends a load changed in the
		 * meantime; the formatted figure (the last second) is nearer.
		 */
		if ((a = est_ring_anchor(g, p)) != NULL && has_fmt &&
		    nw->node_ms - a->node_ms > est_long_span_ms(p))
			a = NULL;
		if (a != NULL) {
			en->util[r] = est_clamp(rate(a, nw, bandwidth), 0, 100);
			en->util_from[r] = a->at_ms;
			en->util_to[r] = nw->at_ms;
			en->xwin[r] = -1;
			if (nw->sgen != 0 && a->sgen == nw->sgen &&
			    nw->sms > a->sms) {
				en->xwin[r] = (nw->sint - a->sint) /
				    (double)(nw->sms - a->sms);
				en->xwin_ms[r] = nw->sms;
				est_trend(en, r, nw->at_ms);
			}
		}
		l = &g->learn;
		if (reset || !g->has_learn || nw->sgen == 0 ||
		    l->sgen != nw->sgen || nw->ts <= l->ts) {
			g->learn = *nw;
			g->has_learn = 1;
		} else if (nw->node_ms - l->node_ms >= p->learn_ms) {
			dt = (double)(nw->sms - l->sms);
			u = est_clamp(rate(l, nw, bandwidth), 0, 100);
			/*
			 * A saturated resource reads its ceiling whatever
			 * the sessions: a pair there would teach a cost too
			 * low, the very error that overloads the node more.
			 */
			if (u >= EST_SATURATED)
				en->fit[r].has_last = 0;
			else if (dt > 0)
				est_learn(&en->fit[r], p, (nw->sint - l->sint) /
				    dt, (nw->svar - l->svar) / (dt * dt), u);
			g->learn = *nw;
		}
		if (a != NULL)
			return (1);
	}
	en->xwin[r] = -1;
	/*
	 * The formatted figure is the second before the node's last refresh:
	 * a windowed rate that ends later (the ring just reset by a clock
	 * step) is the newer truth and stands while it is recent; the
	 * formatted one would read a load change a second or two late.
	 */
	if (has_fmt && !(en->util[r] >= 0 &&
	    en->util_to[r] > est_sub(now, EST_FMT_LAG_MS))) {
		en->util[r] = est_clamp(fmt, 0, 100);
		en->util_to[r] = est_sub(now, EST_FMT_LAG_MS);
		en->util_from[r] = est_sub(en->util_to[r], EST_FMT_LAG_MS);
		/*
		 * Its sessions: the count read with it, less the part of
		 * this head-end's dispatches the count shows and the
		 * figure's second does not; later counts move it on.
		 */
		if (en->count >= 0 && en->count_ms == now) {
			en->xwin[r] = en->count - est_fmt_unseen(en, p,
			    en->util_from[r], en->util_to[r], now);
			if (en->xwin[r] < 0)
				en->xwin[r] = 0;
			en->xwin_ms[r] = now;
		}
		return (1);
	}
	if (en->util[r] >= 0 && est_sub(now, en->util_to[r]) > p->max_span_ms)
		en->util[r] = -1;
	return (0);
}

/* A raw reading, with the session integral as of now. */

static void
est_raw_init(struct est_raw *r, const struct est_node *en, uint64_t ctr,
    uint64_t ts, uint64_t freq, uint64_t at_ms, uint64_t now)
{
	memset(r, 0, sizeof(*r));
	r->ctr = ctr;
	r->ts = ts;
	r->freq = freq;
	r->at_ms = at_ms != 0 ? at_ms : now;
	if (en->scont) {
		r->sgen = en->sgen;
		r->sms = en->count_ms;
		r->sint = en->sint;
		r->svar = en->svar;
	}
}

/* Returns the ring resets; *fresh: the figure was read anew. */
static unsigned
est_cpu(struct est_node *en, const struct est_params *p,
    const struct profile_reading *rd, uint64_t now, int *fresh)
{
	struct est_raw	r;
	int		reset = 0;

	if (rd->has_cpu_raw) {
		est_raw_init(&r, en, rd->cpu_raw.ppt, rd->cpu_raw.ts,
		    EST_CPU_FREQ, rd->cpu_raw.at_ms, now);
		/* _Total averages the CPUs: idle time <= time, 10 % slack. */
		reset = est_ring_push(&en->cpu, p, &r, 0,
		    1.1 * (double)EST_CPU_FREQ);
	}
	*fresh = est_rate(en, p, EST_CPU, &en->cpu, reset, rd->has_cpu_raw, 0,
	    est_cpu_rate, rd->has_cpu_fmt, rd->cpu_fmt, now);
	return (reset);
}

static unsigned
est_net(struct est_node *en, const struct est_params *p,
    const struct profile_reading *rd, uint64_t now, int *fresh)
{
	const struct profile_net_raw *nr = &rd->net_raw;
	struct est_raw	 r;
	double		 fmt = 0;
	int		 has_fmt, reset = 0, raw = rd->has_net_raw &&
			    nr->freq != 0;

	if (raw && nr->bandwidth != 0)
		en->bw = (double)nr->bandwidth;
	else if (rd->has_net_fmt && rd->net_fmt_bw != 0)
		en->bw = (double)rd->net_fmt_bw;
	if (raw) {
		est_raw_init(&r, en, nr->duplex ? nr->sent : nr->bytes,
		    nr->perftime, nr->freq, nr->at_ms, now);
		r.ctr2 = nr->recv;
		r.duplex = nr->duplex;
		/*
		 * Half again the link's speed is a counter that jumped; a
		 * change of interfaces, or of the counters they give, starts
		 * the ring anew.
		 */
		reset = est_ring_push(&en->net, p, &r, 2 * nr->nifs +
		    (nr->duplex ? 1 : 0), nr->bandwidth != 0 ?
		    1.5 * (double)nr->bandwidth / 8 : 0);
	}
	has_fmt = rd->has_net_fmt &&
	    profile_net_rate(rd->net_fmt_bytes, rd->net_fmt_bw, &fmt) == 0;
	/* A link that reports no bandwidth has unknown load. */
	*fresh = est_rate(en, p, EST_NET, &en->net, reset,
	    raw && nr->bandwidth != 0, nr->bandwidth, est_net_rate, has_fmt,
	    fmt, now);
	return (reset);
}

/* ---- sessions ---------------------------------------------------------- */

/*
 * The part of a dispatch at d a figure covering [from, to] does not show:
 * the session starts at d + vis (est_visible) and a rate over the span
 * sees it in proportion to the part of the span after that.
 */
static double
est_unseen_frac(uint64_t vis, uint64_t d, uint64_t from, uint64_t to)
{
	uint64_t	s = d + vis;

	/* A span of one moment (a count's) shows a session started then. */
	if (s > to)
		return (1);
	if (s <= from || to <= from)
		return (0);
	return ((double)(s - from) / (double)(to - from));
}

static int
est_pend_live(const struct est_params *p, const struct est_pend *e,
    uint64_t now)
{
	return (e->at_ms > now || now - e->at_ms <= p->pending_timeout_ms);
}

/*
 * The list is in time order, so the dispatches still live, those a level
 * does not show and those a count shows are each a suffix of it, found
 * by bisection, and a run's dispatches are a difference of the running
 * count (upto): at thousands of dispatches a second every node's list is
 * full and none shown, and walking it whole at each look was 30 % of
 * the daemon's instructions.  The sums are of whole dispatches, exact in a
 * double, so a sum added up from here is the one a walk made.
 */

/* The first pending entry dated t or later. */
static size_t
est_pend_lb(const struct est_node *en, uint64_t t)
{
	size_t	lo = 0, hi = en->npend, mid;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (en->pend[mid].at_ms < t)
			lo = mid + 1;
		else
			hi = mid;
	}
	return (lo);
}

/* The first pending entry at with at + off > t. */
static size_t
est_pend_past(const struct est_node *en, uint64_t t, uint64_t off)
{
	if (t < off)
		return (0);
	if (t - off == UINT64_MAX)
		return (en->npend);
	return (est_pend_lb(en, t - off + 1));
}

/* The first entry est_pend_live at now, or i if that is later. */
static size_t
est_pend_live_from(const struct est_node *en, const struct est_params *p,
    uint64_t now, size_t i)
{
	size_t	k;

	/* One live, every later one is too (the usual case). */
	if (i >= en->npend || est_pend_live(p, &en->pend[i], now))
		return (i);
	k = est_pend_lb(en, now - p->pending_timeout_ms);
	return (k > i ? k : i);
}

/* Dispatches in entries i .. j - 1. */
static uint64_t
est_pend_sum(const struct est_node *en, size_t i, size_t j)
{
	if (i >= j)
		return (0);
	return (en->pend[j - 1].upto - en->pend[i].upto + en->pend[i].n);
}

/*
 * Sessions of one length (a title watched to its end) leave exactly that
 * long after they came: a node that took a burst of viewers sheds a burst
 * one length later, and a steady rate foretells neither.  The dispatches
 * are kept a minute in buckets; each count pair scores every length by
 * the departures it would have foretold, and the best one, when it beats
 * the rate, foretells departures from the dispatches it dates.
 */
static void
est_hist_add(struct est_hist *h, uint64_t now)
{
	uint64_t	start = now - now % EST_HIST_MS;
	size_t		k;

	if (h->ms == 0 || start >= h->ms + (uint64_t)EST_HIST * EST_HIST_MS) {
		memset(h->n, 0, sizeof(h->n));
		h->head = 0;
		h->ms = start;
	}
	for (k = 0; h->ms < start && k < EST_HIST; k++) {
		h->head = (h->head + 1) % EST_HIST;
		h->n[h->head] = 0;
		h->ms += EST_HIST_MS;
	}
	h->ms = start > h->ms ? start : h->ms;
	if (h->n[h->head] < UINT16_MAX)
		h->n[h->head]++;
}

/*
 * Dispatches dated in [from, to), a bucket's share in proportion to the
 * part of it inside (spread evenly within it).  Times are signed: a
 * window reaching before the head-end started holds nothing there.
 */
static double
est_hist_sum(const struct est_hist *h, int64_t from, int64_t to)
{
	int64_t		bs, lo, hi, newest = (int64_t)h->ms;
	int64_t		k, k0, k1;
	double		sum = 0;

	if (h->ms == 0 || to <= from)
		return (0);
	if (to > newest + EST_HIST_MS)
		to = newest + EST_HIST_MS;
	/* k buckets back from the newest: its start is newest - k * step */
	k0 = from >= newest ? 0 : (newest - from + EST_HIST_MS - 1) /
	    EST_HIST_MS;
	k1 = to > newest ? 0 : (newest - to) / EST_HIST_MS + 1;
	if (k0 > EST_HIST - 1)
		k0 = EST_HIST - 1;
	for (k = k1; k <= k0; k++) {
		bs = newest - k * EST_HIST_MS;
		lo = bs > from ? bs : from;
		hi = bs + EST_HIST_MS < to ? bs + EST_HIST_MS : to;
		if (hi > lo)
			sum += (double)h->n[(h->head + EST_HIST - (size_t)k) %
			    EST_HIST] * (double)(hi - lo) / EST_HIST_MS;
	}
	return (sum);
}

/* Our sessions of the fitted length leaving the node over (from, to]. */
static double
est_hist_leaving(const struct est_node *en, const struct est_params *p,
    uint64_t from, uint64_t to)
{
	int64_t	back = (int64_t)(en->hist.len_ms + est_visible(en, p));

	return (est_hist_sum(&en->hist, (int64_t)from - back,
	    (int64_t)to - back));
}

/*
 * The last of n candidates scoring alike with the best (forgetful sums of
 * squared errors): candidates in order of caution, the most cautious of
 * those the data cannot tell apart.
 */
static size_t
est_err_pick(const float *err, size_t n)
{
	double	best = -1;
	size_t	k, kb = 0;

	for (k = 0; k < n; k++)
		if (best < 0 || err[k] < best)
			best = err[k];
	for (k = 0; k < n; k++)
		if (err[k] <= best * 1.05 + 0.25)
			kb = k;
	return (kb);
}

/*
 * A count pair over (from, to] saw dep departures, and the rate then
 * foretold rate_dep: score every length and the rate.  Among lengths
 * scoring alike, the longest foretells the fewest departures.  With 120
 * lengths tried, one fits noise by chance (a late viewer reads as a
 * departure, then as an arrival): on a test cluster of 80 s sessions a
 * length matched two such pairs, foretold departures nobody made, and
 * its node took 7 over.  So a length is taken only once departures were
 * really seen (EST_LEN_MIN_DEP over the memory) and it halves the rate's
 * error.
 */
#define EST_LEN_MIN_DEP	8
static void
est_hist_score(struct est_node *en, const struct est_params *p,
    uint64_t from, uint64_t to, double dep, double rate_dep, double f)
{
	struct est_hist	*h = &en->hist;
	uint64_t	 vis = est_visible(en, p);
	int64_t		 back;
	double		 e;
	size_t		 k, kb = 0;

	for (k = 0; k < EST_NLEN; k++) {
		back = (int64_t)((k + 1) * EST_LEN_STEP_MS + vis);
		e = dep - est_hist_sum(h, (int64_t)from - back,
		    (int64_t)to - back);
		h->err[k] = (float)(f * h->err[k] + e * e);
	}
	h->rate_err = f * h->rate_err + (dep - rate_dep) * (dep - rate_dep);
	h->dep = f * h->dep + dep;
	kb = est_err_pick(h->err, EST_NLEN);
	h->len_ms = h->dep >= EST_LEN_MIN_DEP &&
	    h->err[kb] <= h->rate_err / 2 ?
	    (uint64_t)(kb + 1) * EST_LEN_STEP_MS : 0;
}

/*
 * Have sessions been seen to leave, lately (depart_tau_s)?  Departures are
 * inferred, the count before plus the dispatches that should show less
 * the count now, so a viewer slower to reach its node than the carry
 * allows (a loaded client, twice visible_ms) reads as one: on a node that
 * only fills, such readings foretold departures nobody made and its count
 * decayed below what it held (a test cluster took a stream over at its
 * last slot under a loaded sanitizer run: 39.9 sessions foreseen on a node
 * counting 38 with 2 more sent).  Proof no lateness up to EST_LATE_MS
 * fakes: over a span of EST_PROOF_MS, the count at its start plus the
 * dispatches certainly after it and certainly shown by its end (whole
 * histogram buckets from the start to EST_LATE_MS before the end) is
 * more than the count at its end.  Another head-end's viewers only make
 * the proof harder.  A node's count that stays flat while viewers come
 * and go proves it so; a count that falls proves it at once.
 */
#define EST_LATE_MS	2000
#define EST_PROOF_MS	3000

static void
est_leave_proof(struct est_node *en, const struct est_params *p, double n,
    uint64_t now)
{
	int64_t	from, to;
	double	d;

	/* a count that falls proves it at once */
	if (en->count >= 0 && n < en->count) {
		en->left += en->count - n;
		en->lv_fell += en->count - n;
	}
	if (en->lv_ms == 0 || now < en->lv_ms) {
		en->lv_count = n;
		en->lv_ms = now;
		en->lv_fell = 0;
		return;
	}
	if (now - en->lv_ms < EST_PROOF_MS)
		return;
	from = (int64_t)en->lv_ms;
	from += (EST_HIST_MS - from % EST_HIST_MS) % EST_HIST_MS;
	to = (int64_t)(now - EST_LATE_MS);
	to -= to % EST_HIST_MS;
	d = en->lv_count + est_hist_sum(&en->hist, from, to) - n;
	en->left *= exp(-(double)(now - en->lv_ms) / 1000.0 /
	    p->depart_tau_s);
	/* what the falls between its counts proved already is not again */
	if (d - en->lv_fell >= 1)
		en->left += d - en->lv_fell;
	en->lv_fell = 0;
	en->lv_count = n;
	en->lv_ms = now;
}

static int
est_leaving(const struct est_node *en)
{
	return (en->left >= 1);
}

double
est_departing(const struct est_node *en, const struct est_params *p,
    uint64_t now)
{
	if (en->count < 0)
		return (-1);
	if (!est_leaving(en))
		return (0);
	if (en->hist.len_ms > 0)
		return (est_hist_leaving(en, p, now > 1000 ? now - 1000 : 0,
		    now));
	return (en->mu * en->count);
}

/*
 * The node's count moved on to now: its sessions leave at the rate learnt
 * (est_count), so a count read a second ago on a node whose viewers stay
 * five seconds holds a fifth of departed sessions, which would look like
 * no room.  The decay runs for max_age_ms at most: an older count is a
 * sample the pool is already refreshing, and a count decayed far would
 * read an unknown node as empty.  p NULL: the count as read.
 */
static double
est_count_at(const struct est_node *en, const struct est_params *p,
    uint64_t now)
{
	uint64_t	dt;
	double		d;

	if (p == NULL || en->count <= 0 || now <= en->count_ms ||
	    !est_leaving(en))
		return (en->count);
	dt = now - en->count_ms;
	if (dt > p->max_age_ms)
		dt = p->max_age_ms;
	if (en->hist.len_ms > 0) {
		d = est_hist_leaving(en, p, en->count_ms, en->count_ms + dt);
		return (d < en->count ? en->count - d : 0);
	}
	if (!(en->mu > 0))
		return (en->count);
	return (en->count * exp(-en->mu * (double)dt / 1000.0));
}

/* Was the node's count read with resource r's figure or after it? */
static int
est_nowcasts(const struct est_node *en, enum est_res r)
{
	return (en->xwin[r] >= 0 && en->count >= 0 &&
	    en->count_ms >= en->xwin_ms[r]);
}

/* Resource r's level moved to n sessions (est_count_at's) by est_nowcast. */
static double
est_moved(const struct est_node *en, enum est_res r, double n)
{
	double	u = en->util[r] + en->fit[r].cost * (n - en->xwin[r]);

	return (u < 0 ? 0 : u);
}

/*
 * A rate is a mean over its window, so it lags: a viewer who left half a
 * window ago still counts half.  When the node's count was read with the
 * figure, the rate is moved to the count's moment by what the sessions
 * changed since the window's mean, u + cost * (count - mean): departures
 * free their room at the next sample, not a window later.  The mean is
 * the trapezoids' (changes at unknown moments between samples taken at
 * mid-interval), off by at most a quarter of the sessions that moved in
 * the last interval, either way, until the next sample; a mean by the
 * count's low end instead never errs towards room but refused 1.8 % at 90 %
 * load in the cluster replay where omniscience refuses 0.55 % (0.9 % so).
 * Returns 1 and the level, or 0 (no count with this figure) with the
 * plain figure.
 */
static int
est_nowcast(const struct est_node *en, const struct est_params *p,
    enum est_res r, uint64_t now, double *u)
{
	if (!est_nowcasts(en, r)) {
		*u = en->util[r];
		return (0);
	}
	*u = est_moved(en, r, est_count_at(en, p, now));
	return (1);
}

double
est_level(const struct est_node *en, enum est_res r)
{
	double	u;

	if ((size_t)r >= EST_NRES || en->util[r] < 0)
		return (-1);
	est_nowcast(en, NULL, r, en->count_ms, &u);
	return (u);
}

/*
 * The span whose sessions resource r's level shows: the count's moment
 * for a nowcast or a level, else the rate's window.
 */
static void
est_span(const struct est_node *en, enum est_res r, uint64_t *from,
    uint64_t *to)
{
	if (est_nowcasts(en, r)) {
		*from = *to = en->count_ms;
		return;
	}
	*from = en->util_from[r];
	*to = en->util_to[r];
}

/* Sessions dispatched that a level spanning [from, to] does not show. */
static double
est_unseen_span(const struct est_node *en, const struct est_params *p,
    uint64_t from, uint64_t to, uint64_t now)
{
	uint64_t	vis = est_visible(en, p);
	double		sum;
	size_t		i, lo, whole;

	/*
	 * Unseen in part from a dispatch after min(from, to) less vis
	 * (est_unseen_frac), whole after to less vis; the whole ones
	 * first, then the others newest first, as a walk from the newest
	 * added them.
	 */
	whole = est_pend_past(en, to, vis);
	lo = est_pend_live_from(en, p, now, to <= from ? whole :
	    est_pend_past(en, from, vis));
	if (whole < lo)
		whole = lo;
	sum = (double)est_pend_sum(en, whole, en->npend);
	for (i = whole; i-- > lo; )
		sum += en->pend[i].n * est_unseen_frac(vis, en->pend[i].at_ms,
		    from, to);
	return (sum);
}

/* Sessions dispatched that resource r's level does not show. */
static double
est_unseen(const struct est_node *en, const struct est_params *p,
    enum est_res r, uint64_t now)
{
	uint64_t	from, to;

	est_span(en, r, &from, &to);
	return (est_unseen_span(en, p, from, to, now));
}

/*
 * est_unseen of every resource with a figure; the resources nowcast to
 * the count share its span, and one walk of the pending list serves them
 * (with thousands of dispatches a second the list is always full).
 */
static void
est_unseen_all(const struct est_node *en, const struct est_params *p,
    uint64_t now, double un[EST_NRES])
{
	enum est_res	r, q;
	uint64_t	from[EST_NRES], to[EST_NRES];

	for (r = 0; r < EST_NRES; r++) {
		un[r] = 0;
		if (en->util[r] < 0)
			continue;
		est_span(en, r, &from[r], &to[r]);
		for (q = 0; q < r; q++)
			if (en->util[q] >= 0 && from[q] == from[r] &&
			    to[q] == to[r])
				break;
		un[r] = q < r ? un[q] : est_unseen_span(en, p, from[r], to[r],
		    now);
	}
}

/*
 * Seen whole by the count and by every figure read anew in this sample:
 * the dispatch is in them.  A figure not read this time (a query that
 * failed, a last good value carried) does not hold it back, or a node
 * missing one counter would look full of its own past viewers.
 */
static int
est_pend_seen(const struct est_node *en, const struct est_params *p,
    const struct est_pend *e, unsigned fresh, int light)
{
	enum est_res	r;
	uint64_t	from, to;
	int		known = 0;

	/* visible_ms, not the fitted lag: est_lag_score scores them all */
	if (en->count >= 0) {
		if (e->at_ms + p->visible_ms > en->count_ms)
			return (0);
		known = 1;
	}
	for (r = 0; r < EST_NRES; r++) {
		/*
		 * A count-only sample moves only the nowcast levels on: a
		 * level it cannot move must have seen the dispatch itself.
		 */
		if (en->util[r] < 0 || (!light && !(fresh & (1u << r))))
			continue;
		est_span(en, r, &from, &to);
		if (est_unseen_frac(p->visible_ms, e->at_ms, from, to) > 0)
			return (0);
		known = 1;
	}
	return (known);
}

/*
 * Oldest first, so what is seen or timed out is a prefix.  judge: a
 * sample just came in, fresh the figures it read (1 << est_res); else
 * only the timed out go.
 */
static void
est_pend_prune(struct est_node *en, const struct est_params *p, uint64_t now,
    int judge, unsigned fresh, int light)
{
	size_t	k = 0;

	while (k < en->npend && (!est_pend_live(p, &en->pend[k], now) ||
	    (judge && est_pend_seen(en, p, &en->pend[k], fresh, light))))
		k++;
	if (k > 0) {
		memmove(&en->pend[0], &en->pend[k], (en->npend - k) *
		    sizeof(en->pend[0]));
		en->npend -= k;
	}
}

void
est_dispatched(struct est_node *en, const struct est_params *p, uint64_t now)
{
	struct est_pend	*e;

	est_pend_prune(en, p, now, 0, 0, 0);
	est_hist_add(&en->hist, now);
	en->uses++;
	/*
	 * Full: merge into the newest, dated now, so the merged dispatches
	 * are held a little longer than theirs, never shorter.
	 */
	if (en->npend > 0 && (en->pend[en->npend - 1].at_ms == now ||
	    en->npend == EST_PENDING)) {
		e = &en->pend[en->npend - 1];
		e->at_ms = now;
		if (e->n < UINT32_MAX) {
			e->n++;
			e->upto = ++en->sent;
		}
		return;
	}
	e = &en->pend[en->npend++];
	e->at_ms = now;
	e->n = 1;
	e->upto = ++en->sent;
}

double
est_sessions(const struct est_node *en, const struct est_params *p,
    uint64_t now)
{
	if (en->count >= 0)
		return (est_count_at(en, p, now) + (double)est_pend_sum(en,
		    est_pend_live_from(en, p, now, est_pend_past(en,
		    en->count_ms, est_visible(en, p))), en->npend));
	/*
	 * No count: the network figure over a session's cost (a streaming
	 * node's link is near idle without viewers, where memory and CPU
	 * carry the system's own load), else the dispatches still live.
	 */
	if (en->util[EST_NET] >= 0)
		return (en->util[EST_NET] / en->fit[EST_NET].cost +
		    est_unseen(en, p, EST_NET, now));
	return ((double)est_pend_sum(en, est_pend_live_from(en, p, now, 0),
	    en->npend));
}

double
est_expect(const struct est_node *en, const struct est_params *p,
    enum est_res r, uint64_t now)
{
	double	u;

	if ((size_t)r >= EST_NRES || en->util[r] < 0)
		return (-1);
	est_nowcast(en, p, r, now, &u);
	return (u + en->fit[r].cost * est_unseen(en, p, r, now));
}

/* ---- capacity ---------------------------------------------------------- */

/*
 * How long after its redirect a viewer shows in the node's count.
 * visible_ms is a bound for the slowest client (a loaded machine, a far
 * viewer); where viewers are quicker, every dispatch of the last
 * visible_ms before a count is in it and also counted as not shown: on
 * the balancing benchmark's 80-stream node at 90 % load, 14 arrivals a
 * second, 500 ms held 7 sessions twice, and viewers were refused while
 * the nodes had room.  So each count pair scores lags from 2 % of
 * visible_ms (a dispatch in the count's own millisecond, made after its
 * reply was read, can never show in it) to visible_ms, by the arrivals
 * each says became visible in the pair,
 * against the count's change plus the departures foretold (the same
 * for every lag, so their error cancels in the comparison), and the lag
 * a step above the best is used once EST_LAG_MIN pairs told the lags
 * apart.  Among lags scoring alike the longest wins: a lag too short
 * counts a late viewer nowhere, too long counts a quick one twice.
 * The pending list keeps every dispatch for visible_ms (est_pend_seen),
 * so every lag can be scored.
 */
#define EST_LAG_MIN	3
static const unsigned est_lag_pct[EST_NLAG] = { 2, 5, 10, 20, 40, 60, 100 };

uint64_t
est_visible(const struct est_node *en, const struct est_params *p)
{
	return (en->lag_set && en->lag_ms < p->visible_ms ? en->lag_ms :
	    p->visible_ms);
}

static void
est_lag_score(struct est_node *en, const struct est_params *p, double n,
    uint64_t now, double f)
{
	double		dhat, e, a, amin = 0, amax = 0;
	double		dt = (double)(now - en->count_ms) / 1000.0;
	uint64_t	lag;
	size_t		k, kb = 0;

	if (!est_leaving(en))
		dhat = 0;
	else if (en->hist.len_ms > 0)
		dhat = est_hist_leaving(en, p, en->count_ms, now);
	else
		dhat = en->count * (1 - exp(-en->mu * dt));
	for (k = 0; k < EST_NLAG; k++) {
		lag = p->visible_ms * est_lag_pct[k] / 100;
		a = (double)est_pend_sum(en, est_pend_past(en, en->count_ms,
		    lag), est_pend_past(en, now, lag));
		if (k == 0 || a < amin)
			amin = a;
		if (k == 0 || a > amax)
			amax = a;
		e = n - en->count - a + dhat;
		en->lag_err[k] = (float)(f * en->lag_err[k] + e * e);
	}
	en->lag_pairs = f * en->lag_pairs + (amax > amin ? 1 : 0);
	if (en->lag_pairs < EST_LAG_MIN)
		return;
	kb = est_err_pick(en->lag_err, EST_NLAG);
	if (kb + 1 < EST_NLAG)
		kb++;
	en->lag_ms = p->visible_ms * est_lag_pct[kb] / 100;
	en->lag_set = 1;
}

/*
 * Departures between two counts: the first count, plus this head-end's
 * dispatches that became visible in between, less the second.  Per pair
 * it is noisy either way (a dispatch counted a little early or late), so
 * the sums are kept signed and only their ratio is clipped; another
 * head-end's viewers, which this one does not see arrive, read as fewer
 * departures, the cautious side.  The rate is departures per
 * session-second over a memory of depart_tau_s.
 */
static void
est_departures(struct est_node *en, const struct est_params *p, double n,
    uint64_t now)
{
	double		arr, late, dt = (double)(now - en->count_ms) / 1000.0;
	double		f;
	uint64_t	vis = est_visible(en, p);
	size_t		a, b, l;

	if (!(dt > 0))
		return;
	/*
	 * A viewer slower than the lag (est_visible) to reach its node (a
	 * loaded client) is missing from this count and shows in the next:
	 * read as a departure now and an arrival then, the rate would
	 * forecast that departure before the arrival cancels it, and let
	 * the node fill past its capacity meanwhile.  The dispatches of the
	 * last lag of the span are carried to the next count instead, so
	 * the error goes the cautious way first.
	 */
	a = est_pend_past(en, en->count_ms, vis);
	b = est_pend_past(en, now, vis);
	l = est_pend_past(en, now, 2 * vis);
	arr = (double)est_pend_sum(en, a, b);
	late = (double)est_pend_sum(en, l > a ? l : a, b);
	if (!(p->depart_tau_s > 0)) {
		en->carry = 0;
		en->mu = 0;
		return;
	}
	f = exp(-dt / p->depart_tau_s);
	est_lag_score(en, p, n, now, f);
	est_leave_proof(en, p, n, now);
	/*
	 * The lengths are scored on the dispatches as they should show: a
	 * late viewer is one pair's error there, where carrying every
	 * dispatch of the last visible_ms would shift a burst of arrivals
	 * into the next pair's departures.
	 */
	est_hist_score(en, p, en->count_ms, now, en->count + arr - n,
	    en->count * (1 - exp(-en->mu * dt)), f);
	arr += en->carry - late;
	en->carry = late;
	en->dep = f * en->dep + (en->count + arr - n);
	en->expo = f * en->expo + (en->count + n) / 2 * dt;
	/*
	 * Some tens of session-seconds, and one departure at least (less
	 * is the carried dispatches' rounding), before the rate means
	 * anything.
	 */
	if (en->expo >= 20 && en->dep >= 1)
		en->mu = en->dep / en->expo;
	else
		en->mu = 0;
}

/*
 * The node's count at now, integrated over time (trapezoids between
 * samples: unbiased when changes come at uniform moments) so a span's
 * mean count is a difference; svar adds up each trapezoid's uncertainty.
 * A missing count breaks the integral: a new generation starts.
 */
static void
est_count(struct est_node *en, const struct est_params *p, int64_t sessions,
    uint64_t now)
{
	double	n = (double)sessions, dt, dn;

	if (sessions < 0) {
		en->scont = 0;
		if (en->count >= 0 &&
		    est_sub(now, en->count_ms) > p->max_span_ms)
			en->count = -1;
		return;
	}
	if (en->scont && en->count >= 0 && now >= en->count_ms) {
		dt = (double)(now - en->count_ms);
		dn = n - en->count;
		en->sint += (en->count + n) / 2 * dt;
		en->svar += dn * dn / 12 * dt * dt;
		est_departures(en, p, n, now);
	} else {
		if (++en->sgen == 0)
			en->sgen = 1;
		en->sint = en->svar = 0;
		en->scont = 1;
		en->carry = 0;
	}
	en->count = n;
	en->count_ms = now;
}

unsigned
est_apply(struct est_node *en, const struct est_params *p,
    const struct profile_reading *rd, uint64_t total_mem, int64_t sessions,
    uint64_t now)
{
	unsigned	bad = 0, fresh = 0;
	double		v;
	int		f;

	est_count(en, p, sessions, now);
	/*
	 * A light reading (the count and perhaps one figure): what it did
	 * not read stays as it was, its window and what it learnt (the
	 * nowcast moves it to this count).
	 */
	if (!rd->light || rd->has_cpu_raw) {
		bad += est_cpu(en, p, rd, now, &f);
		fresh |= f ? 1u << EST_CPU : 0;
	}
	if (!rd->light || rd->has_net_raw) {
		bad += est_net(en, p, rd, now, &f);
		fresh |= f ? 1u << EST_NET : 0;
	}
	/* Memory is a level: read as it is, learnt against the count now. */
	if (rd->has_avail && total_mem != 0 &&
	    profile_mem(total_mem, rd->avail, &v) == 0) {
		en->util[EST_MEM] = v;
		en->util_from[EST_MEM] = en->util_to[EST_MEM] = now;
		fresh |= 1u << EST_MEM;
		if (sessions >= 0)
			est_learn(&en->fit[EST_MEM], p, en->count, 0, v);
	} else if (en->util[EST_MEM] >= 0 &&
	    est_sub(now, en->util_to[EST_MEM]) > p->max_span_ms)
		en->util[EST_MEM] = -1;

	en->discont += bad;
	est_pend_prune(en, p, now, 1, fresh, rd->light);
	/* A reading with no load figure and no count is no new sample. */
	if (fresh != 0 || sessions >= 0) {
		en->has_sample = 1;
		en->sample_ms = now;
		en->uses = 0;
	}
	if (fresh != 0 && !rd->light) {
		en->has_full = 1;
		en->full_ms = now;
	}
	return (bad);
}

/* ---- room and choice --------------------------------------------------- */

/*
 * One node, one pass over its resources (each nowcast and unseen part
 * computed once): its room in whole sessions; the largest over resources
 * of the level after `extra' more sessions as a fraction of the threshold
 * (with a horizon, a base rising now is taken on that many seconds; a
 * falling one is not counted on); the largest cost of one session as such
 * a fraction; and the resource that limits the room (the fewest sessions
 * left) with its level (%) after `extra' more.  est_room, est_predict,
 * est_limit and a decision's view all read it.
 */
#define EST_ROOM_MAX	1000000L
struct est_look {
	long	room;
	double	level;		/* < 0: no resource known */
	double	step;
	int	limit;		/* enum est_res; -1: none known */
	double	limit_after;
};

static void
est_eval(const struct est_node *en, const struct est_params *p, uint64_t now,
    unsigned extra, double horizon, struct est_look *lk)
{
	enum est_res	r;
	double		c, k, u, v, least = 0, un[EST_NRES], n = 0;
	int		moved = 0;

	lk->level = -1;
	lk->step = 0;
	lk->limit = -1;
	est_unseen_all(en, p, now, un);
	for (r = 0; r < EST_NRES; r++) {
		if (en->util[r] < 0 || !(p->max[r] > 0))
			continue;
		c = en->fit[r].cost;
		/*
		 * The count moved to now once for every resource: with a
		 * fitted session length that sums the dispatch histogram.
		 */
		if (!est_nowcasts(en, r))
			u = en->util[r];
		else {
			if (!moved) {
				n = est_count_at(en, p, now);
				moved = 1;
			}
			u = est_moved(en, r, n);
		}
		k = (p->max[r] + p->room_slack * c - u) / c - un[r];
		v = u + c * (un[r] + extra);
		if (lk->limit == -1 || k < least) {
			least = k;
			lk->limit = (int)r;
			lk->limit_after = v;
		}
		if (horizon > 0 && en->base_ms[r] != 0 && en->slope[r] > 0)
			v += en->slope[r] * horizon;
		if (v / p->max[r] > lk->level)
			lk->level = v / p->max[r];
		if (c / p->max[r] > lk->step)
			lk->step = c / p->max[r];
	}
	k = floor(least);
	lk->room = k < 0 ? 0 : k > EST_ROOM_MAX ? EST_ROOM_MAX : (long)k;
}

double
est_predict(const struct est_node *en, const struct est_params *p,
    uint64_t now, unsigned extra)
{
	struct est_look	lk;

	est_eval(en, p, now, extra, 0, &lk);
	return (lk.level);
}

long
est_room(const struct est_node *en, const struct est_params *p, uint64_t now)
{
	struct est_look	lk;

	est_eval(en, p, now, 0, 0, &lk);
	return (lk.limit == -1 ? -1 : lk.room);
}

double
est_capacity(const struct est_node *en, const struct est_params *p)
{
	enum est_res	r;
	double		c, best = -1;

	for (r = 0; r < EST_NRES; r++) {
		if (en->util[r] < 0 || !(p->max[r] > 0) ||
		    !((c = en->fit[r].cost) > 0))
			continue;
		if (best < 0 || p->max[r] / c < best)
			best = p->max[r] / c;
	}
	return (best);
}

int
est_usable(const struct est_node *en, const struct est_params *p,
    uint64_t now)
{
	if (!en->has_sample || now < en->sample_ms ||
	    now - en->sample_ms > p->max_age_ms)
		return (0);
	return (p->max_uses == 0 || en->uses < p->max_uses);
}

/*
 * One node as a decision sees it, evaluated once per decision: its room
 * and its score (est_eval with one more session and the trend), and its
 * fill by the count.  With thousands of dispatches a second every
 * node's pending list is full, and walking it for each of the several
 * looks a choice takes at a node was half the daemon's time.
 */
struct est_view {
	int	ok;		/* pickable: ok, room >= 1, a score */
	long	room;
	double	score;
	double	fill;		/* < 0: not computed yet */
	double	step;
};

static void
est_view_eval(const struct est_params *p, const struct est_cand *c,
    uint64_t now, struct est_view *v)
{
	struct est_look	lk;

	memset(v, 0, sizeof(*v));
	v->fill = -1;
	if (!c->ok || c->en == NULL)
		return;
	est_eval(c->en, p, now, 1, p->trend_s, &lk);
	if (lk.limit == -1)
		return;
	v->room = lk.room;
	v->score = lk.level;
	v->step = lk.step;
	v->ok = v->room >= 1 && v->score >= 0;
}

/* Sessions with this viewer over the capacity: how full, by the count. */
static double
est_fill(const struct est_node *en, const struct est_params *p, uint64_t now)
{
	double	cap = est_capacity(en, p);

	if (!(cap > 0))
		return (HUGE_VAL);
	return ((est_sessions(en, p, now) + 1) / cap);
}

static double
est_view_fill(const struct est_params *p, const struct est_cand *c,
    uint64_t now, struct est_view *v)
{
	if (v->fill < 0)
		v->fill = est_fill(c->en, p, now);
	return (v->fill);
}

/*
 * Old information herds: while samples serve several decisions each, the
 * node that looked emptiest takes every viewer until the next count, and
 * another head-end, which sees the same counts, sends its viewers there
 * too.  Then two nodes drawn at random (in proportion to their room) and
 * the one with the lower prediction (Mitzenmacher: two choices stay good
 * with old information where the least-loaded choice collapses).  -1:
 * samples are fresh enough, or fewer than three candidates.
 */
static int
est_pick_two(const struct est_params *p, const struct est_cand *c, size_t n,
    const struct est_view *v, policy_rng rng, void *rngarg)
{
	double		rooms = 0, x;
	unsigned	uses = 0, k = 0;
	size_t		i;
	int		a = -1, b = -1, j;

	if (rng == NULL)
		return (-1);
	for (i = 0; i < n; i++)
		if (v[i].ok) {
			k++;
			uses += c[i].en->uses;
			rooms += (double)v[i].room;
		}
	if (k < 3 || uses < 4 * k || !(rooms > 0))
		return (-1);
	for (j = 0; j < 2; j++) {
		x = (double)(rng(rngarg) % 1000000) / 1000000.0 * rooms;
		for (i = 0; i < n; i++) {
			if (!v[i].ok)
				continue;
			if (x < (double)v[i].room || i + 1 == n)
				break;
			x -= (double)v[i].room;
		}
		if (i >= n || !v[i].ok)
			return (-1);
		if (j == 0)
			a = (int)i;
		else
			b = (int)i;
	}
	return (v[b].score < v[a].score ? b : a);
}

#define EST_VIEW_STACK	64
int
est_pick(const struct est_params *p, const struct est_cand *c, size_t n,
    uint64_t now, policy_rng rng, void *rngarg)
{
	struct est_view	 stack[EST_VIEW_STACK], *v = stack;
	double		 best = 0, band, f, fbest = 0;
	size_t		 i, nties = 0, k;
	int		 found = 0, bi = -1, pick = -1;

	if (n > EST_VIEW_STACK)
		v = xcalloc(n, sizeof(*v));
	for (i = 0; i < n; i++)
		est_view_eval(p, &c[i], now, &v[i]);
	if ((pick = est_pick_two(p, c, n, v, rng, rngarg)) >= 0)
		goto done;
	for (i = 0; i < n; i++)
		if (v[i].ok && (!found || v[i].score < best)) {
			best = v[i].score;
			bi = (int)i;
			found = 1;
		}
	if (!found)
		goto done;
	/*
	 * Predictions within one session of the best are the same within
	 * the noise of a rate: among them the node least full by its
	 * sessions (count and dispatches over capacity) takes the viewer,
	 * so identical nodes take sequential viewers in turn.  Ties on that
	 * are drawn at random.
	 */
	band = v[bi].step;
	if (band < p->tie_eps)
		band = p->tie_eps;
	found = 0;
	for (i = 0; i < n; i++)
		if (v[i].ok && v[i].score <= best + band &&
		    ((f = est_view_fill(p, &c[i], now, &v[i])), !found ||
		    f < fbest)) {
			fbest = f;
			found = 1;
		}
	for (i = 0; i < n; i++)
		if (v[i].ok && v[i].score <= best + band &&
		    v[i].fill <= fbest + 1e-9)
			nties++;
	k = nties > 1 && rng != NULL ? rng(rngarg) % nties : 0;
	for (i = 0; i < n; i++)
		if (v[i].ok && v[i].score <= best + band &&
		    v[i].fill <= fbest + 1e-9 && k-- == 0) {
			pick = (int)i;
			break;
		}
done:
	if (v != stack)
		free(v);
	return (pick);
}

/* ---- the probe pool's rules ------------------------------------------- */

/* How much a fresh sample is wanted: none, then the oldest or most used. */
static double
est_staleness(const struct est_node *en, const struct est_params *p,
    uint64_t now)
{
	double	age, use = 0;

	if (!en->has_sample)
		return (HUGE_VAL);
	age = (double)est_sub(now, en->sample_ms) /
	    (double)(p->max_age_ms > 0 ? p->max_age_ms : 1);
	if (p->max_uses > 0)
		use = (double)en->uses / (double)p->max_uses;
	return (age > use ? age : use);
}

size_t
est_refresh_pick(const struct est_params *p, const struct est_cand *c,
    size_t n, uint64_t now, double nqueries, size_t d, size_t *out)
{
	size_t	i, j, k, m = 0;
	double	si, sj;

	for (i = 0; i < n; i++) {
		if (!c[i].ok || c[i].en == NULL ||
		    est_rate_wait(c[i].en, p, now, nqueries) != 0)
			continue;
		si = est_staleness(c[i].en, p, now);
		/* Insertion into out[], stalest first, kept to d entries. */
		for (j = 0; j < m; j++) {
			sj = est_staleness(c[out[j]].en, p, now);
			if (si > sj)
				break;
		}
		if (j >= d)
			continue;
		k = m < d ? m : d - 1;
		for (; k > j; k--)
			out[k] = out[k - 1];
		out[j] = i;
		if (m < d)
			m++;
	}
	return (m);
}

/* A token bucket: query_rate per second, query_burst at most at once. */
static double
est_tokens(const struct est_node *en, const struct est_params *p,
    uint64_t now)
{
	double	t;

	if (!en->tokens_init)
		return (p->query_burst);
	t = en->tokens + (double)est_sub(now, en->tokens_ms) *
	    p->query_rate / 1000.0;
	return (t > p->query_burst ? p->query_burst : t);
}

uint64_t
est_rate_wait(const struct est_node *en, const struct est_params *p,
    uint64_t now, double nqueries)
{
	double	t, need;

	if (!(p->query_rate > 0))
		return (0);
	/* A sample dearer than the burst goes when the bucket is full. */
	need = nqueries < p->query_burst ? nqueries : p->query_burst;
	t = est_tokens(en, p, now);
	if (t >= need)
		return (0);
	return ((uint64_t)ceil((need - t) * 1000.0 / p->query_rate));
}

void
est_rate_charge(struct est_node *en, const struct est_params *p,
    uint64_t now, double nqueries)
{
	double	t;

	if (!(p->query_rate > 0))
		return;
	/* Into debt, down to one burst: the next probes wait it out. */
	t = est_tokens(en, p, now) - nqueries;
	en->tokens = t < -p->query_burst ? -p->query_burst : t;
	en->tokens_ms = now;
	en->tokens_init = 1;
}

int
est_rate_take(struct est_node *en, const struct est_params *p, uint64_t now,
    double nqueries)
{
	if (est_rate_wait(en, p, now, nqueries) != 0)
		return (-1);
	if (!(p->query_rate > 0))
		return (0);
	en->tokens = est_tokens(en, p, now) - nqueries;
	en->tokens_ms = now;
	en->tokens_init = 1;
	return (0);
}

/*
 * Taken whenever the bucket allows, count-only probes spent the budget at
 * its full rate, the full sample that came due then overdrew it, and the
 * counts stopped for the 2.5-3 s of debt: every 5 s a node's count went
 * 3 s old (the bench trace: nodes refused with free slots while their
 * dispatches waited for a count).  Saving up for the full sample instead
 * moves the same silence before it.  Spaced at the rate the full samples
 * leave over (at least a quarter of the budget), a count is at most one
 * interval old: 1 s with the defaults (2 queries a second, five-query
 * full samples every 5 s).
 */
uint64_t
est_pace_wait(const struct est_node *en, const struct est_params *p,
    uint64_t now, double full_cost)
{
	double		spare;
	uint64_t	iv;

	if (!en->paced || !(p->query_rate > 0) || p->full_age_ms == 0)
		return (0);
	spare = p->query_rate - full_cost * 1000.0 / (double)p->full_age_ms;
	if (spare < p->query_rate / 4)
		spare = p->query_rate / 4;
	iv = (uint64_t)(1000.0 / spare);
	return (en->paced_ms + iv > now ? en->paced_ms + iv - now : 0);
}

void
est_paced(struct est_node *en, uint64_t now)
{
	en->paced_ms = now;
	en->paced = 1;
}

/* ---- the operator's why (admin API) ------------------------------------ */

/*
 * The resource that limits the node's room (the one with the fewest
 * sessions left, as est_room counts them) and its predicted level (%)
 * after `extra' more sessions; -1 when no resource is known.  Says which
 * limit makes a node full.
 */
int
est_limit(const struct est_node *en, const struct est_params *p,
    uint64_t now, unsigned extra, double *after)
{
	struct est_look	lk;

	est_eval(en, p, now, extra, 0, &lk);
	if (lk.limit != -1)
		*after = lk.limit_after;
	return (lk.limit);
}
