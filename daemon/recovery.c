/*
 * recovery.c: bringing a node's dead streaming server back, as the paper
 * does with Win32_Process.Create, or with Win32_Service.StartService when
 * the server runs as a service.
 *
 * The command line comes from the config only, never from a request.
 * Only one restart is in flight per node; before each Create the process
 * is looked up once more (another head-end may have restarted it): found
 * running, the node is back in service at once (a look at once instead
 * let a process query that alternates missing/running re-query the node
 * in a loop with no pause, hundreds of queries a second, the node never
 * back); found with the command's CreationDate inside restart-grace, the
 * skip is logged and counted as another head-end's restart.  Recovery
 * has one owner in a pair of head-ends: with recovery off (the config,
 * or the admin API that keepalived's notify scripts call) a dead
 * process is reported, the node down, and nothing restarted.  A
 * started process gets restart-grace to come up; the probe after that
 * verifies it.  Failures back off exponentially, and after restart-limit
 * attempts inside restart-window the node stays down and is reported,
 * until an operator acts (POST .../restart) or the process comes back.
 *
 * The state of all this is private (struct recovery, made on a node's
 * first need and freed by recovery_release).  The record of recent
 * restarts holds restart-limit entries, however large the limit: a fixed
 * 64 once let any limit above 64 go unreached, restarting for ever.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <event2/event.h>

#include "cimheadd.h"

/* One restart in flight: first the re-check, then the method call. */
struct recovery_op {
	struct node		*n;	/* NULL: orphaned by recovery_release */
	int			 stage;	/* 0 re-check, 1 invoke */
	struct wbem_call	*call;
	int			 pending;	/* callback not yet called */
	char			 wql[512];
	struct wbem_request	 req;
	struct cim_path		*path;
	struct cim_property	 params[2];
	size_t			 nparams;
};

/* A node's restarts. */
struct recovery {
	struct node		*n;
	struct recovery_op	*op;	/* in flight, or NULL */
	uint64_t		*at;	/* ring: mono ms of recent restarts */
	size_t			 cap;	/* restart-limit entries (at least 1) */
	size_t			 head;	/* the oldest */
	size_t			 count;
	uint64_t		 restarts;	/* attempts in total */
	uint64_t		 next_ms;	/* backoff: not before */
	unsigned		 attempt;	/* since the last success */
	int			 gave_up;	/* restart limit reached */
	struct event		*verify_ev;
	recovery_look_cb	 look;	/* probes the node again */
};

/* Win32 FILETIME (100 ns since 1601) epoch, in Unix ms. */
#define RECOVERY_FILETIME_UNIX_MS	11644473600000ULL
/* Unix ms of 2001-01-01: a node clock before it is not a wall clock. */
#define RECOVERY_PLAUSIBLE_MS		978307200000ULL

static void	recovery_verify_cb(evutil_socket_t, short, void *);
static void	recovery_call_done_cb(struct wbem_result *,
		    const struct wbem_error *, void *);
static void	recovery_found_running(struct node *,
		    const struct wbem_result *);

/*
 * Sizes the ring to the configured limit (a reload may change it),
 * keeping the newest restarts that fit.
 */
static void
recovery_fit(struct recovery *r)
{
	size_t		 cap = r->n->d->conf->restart_limit, i, keep;
	uint64_t	*at;

	if (cap == 0)
		cap = 1;
	if (cap == r->cap)
		return;
	keep = r->count < cap ? r->count : cap;
	at = xcalloc(cap, sizeof(*at));
	for (i = 0; i < keep; i++)
		at[i] = r->at[(r->head + r->count - keep + i) % r->cap];
	free(r->at);
	r->at = at;
	r->cap = cap;
	r->head = 0;
	r->count = keep;
}

/* The node's recovery state, made on first need. */
static struct recovery *
recovery_of(struct node *n)
{
	struct recovery	*r = n->rec;

	if (r == NULL) {
		r = n->rec = xcalloc(1, sizeof(*r));
		r->n = n;
	}
	recovery_fit(r);
	return (r);
}

/* The newest restart; 0 when none is on record. */
static uint64_t
recovery_last(const struct recovery *r)
{
	if (r->count == 0)
		return (0);
	return (r->at[(r->head + r->count - 1) % r->cap]);
}

static void
recovery_op_free(struct recovery_op *op)
{
	size_t	i;

	cim_path_free(op->path);
	for (i = 0; i < op->nparams; i++)
		cim_property_clear(&op->params[i]);
	free(op);
}

static void
recovery_arm(struct recovery *r, uint64_t ms)
{
	struct timeval	tv;

	if (r->verify_ev == NULL &&
	    (r->verify_ev = evtimer_new(r->n->d->base, recovery_verify_cb,
	    r)) == NULL)
		fatal("evtimer_new");
	evtimer_del(r->verify_ev);
	ms_to_tv(ms, &tv);
	evtimer_add(r->verify_ev, &tv);
}

/* Time to look again: the probe that follows verifies or retries. */
static void
recovery_verify_cb(evutil_socket_t fd, short ev, void *arg)
{
	struct recovery	*r = arg;

	if (r->look != NULL)
		r->look(r->n);
}

static uint64_t
recovery_backoff(const struct conf *c, unsigned attempt)
{
	uint64_t	ms = c->restart_backoff_ms;

	while (attempt-- > 1 && ms < c->restart_backoff_max_ms)
		ms *= 2;
	return (ms > c->restart_backoff_max_ms ? c->restart_backoff_max_ms :
	    ms);
}

/*
 * Forgets restarts older than the window (the oldest come first);
 * returns how many are left.
 */
static size_t
recovery_recent(struct recovery *r, uint64_t now)
{
	const struct conf	*c = r->n->d->conf;

	while (r->count > 0 && now - r->at[r->head] >= c->restart_window_ms) {
		r->head = (r->head + 1) % r->cap;
		r->count--;
	}
	return (r->count);
}

static void
recovery_attempted(struct recovery *r, uint64_t now)
{
	const struct conf	*c = r->n->d->conf;

	/* Full: the oldest goes, the limit check has counted it already. */
	if (r->count == r->cap) {
		r->head = (r->head + 1) % r->cap;
		r->count--;
	}
	r->at[(r->head + r->count) % r->cap] = now;
	r->count++;
	r->restarts++;
	metrics_count(r->n->d, METRIC_RESTARTS);
	r->attempt++;
	r->next_ms = now + recovery_backoff(c, r->attempt);
}

static int
recovery_start_call(struct recovery_op *op)
{
	struct node		*n = op->n;
	struct recovery		*r = n->rec;
	struct wbem_call	*call;

	op->req.ns = n->cf->ns;
	op->pending = 1;
	n->inflight++;
	r->op = op;
	call = wbem_start(n->d->http, &n->target, &op->req,
	    recovery_call_done_cb, op);
	if (call == NULL && op->pending) {
		n->inflight--;
		r->op = NULL;
		return (-1);
	}
	if (op->pending)
		op->call = call;
	return (0);
}

/* The re-check found the process missing too: call Create/StartService. */
static int
recovery_invoke(struct recovery_op *op)
{
	struct node	*n = op->n;

	op->stage = 1;
	memset(&op->req, 0, sizeof(op->req));
	op->req.op = WBEM_OP_INVOKE;
	if (n->cf->service != NULL) {
		op->path = cim_path_new(n->cf->ns, "Win32_Service");
		cim_path_add_key(op->path, "Name", CIM_T_STRING,
		    n->cf->service);
		op->req.method = "StartService";
	} else {
		op->path = cim_path_new(n->cf->ns, "Win32_Process");
		op->req.method = "Create";
		op->params[0].name = xstrdup("CommandLine");
		cim_value_init(&op->params[0].v, CIM_T_STRING);
		cim_value_add(&op->params[0].v, n->cf->command);
		op->nparams = 1;
		if (n->cf->directory != NULL) {
			op->params[1].name = xstrdup("CurrentDirectory");
			cim_value_init(&op->params[1].v, CIM_T_STRING);
			cim_value_add(&op->params[1].v, n->cf->directory);
			op->nparams = 2;
		}
		op->req.params = op->params;
		op->req.nparams = op->nparams;
	}
	op->req.path = op->path;
	events_add(n->d->events, wall_ms(), EVENTS_RESTART, 0, n->name,
	    "restarting %s (attempt %u)", n->cf->service != NULL ?
	    n->cf->service : n->cf->process, n->rec->attempt + 1);
	recovery_attempted(n->rec, mono_ms());
	return (recovery_start_call(op));
}

static void
recovery_failed(struct node *n, const char *why)
{
	struct recovery	*r = n->rec;
	uint64_t	 now = mono_ms();

	node_set_error(n, "restart failed: %s", why);
	n->error_restart = 1;
	events_add(n->d->events, wall_ms(), EVENTS_RESTART_RESULT, 1, n->name,
	    "restart failed: %s", why);
	n->m_restart_fail++;
	n->proc = PROC_MISSING;
	recovery_arm(r, r->next_ms > now ? r->next_ms - now : 0);
}

int
recovery_datetime_ms(const char *s, uint64_t *out)
{
	static const int mdays[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31,
	    30, 31 };
	unsigned	 f[6], us, off, i;
	int64_t		 days, y, m, ms;
	size_t		 k;

	/* yyyymmddhhmmss.mmmmmmsutc: 25 characters, sign at 21. */
	if (s == NULL || strlen(s) != 25 || s[14] != '.' ||
	    (s[21] != '+' && s[21] != '-'))
		return (-1);
	for (k = 0; k < 25; k++)
		if (k != 14 && k != 21 && (s[k] < '0' || s[k] > '9'))
			return (-1);
	f[0] = 0;
	for (k = 0; k < 4; k++)
		f[0] = f[0] * 10 + (unsigned)(s[k] - '0');
	for (i = 1; i < 6; i++)
		f[i] = (unsigned)(s[2 * i + 2] - '0') * 10 +
		    (unsigned)(s[2 * i + 3] - '0');
	us = 0;
	for (k = 15; k < 21; k++)
		us = us * 10 + (unsigned)(s[k] - '0');
	off = (unsigned)(s[22] - '0') * 100 + (unsigned)(s[23] - '0') * 10 +
	    (unsigned)(s[24] - '0');
	if (f[0] < 1970 || f[1] < 1 || f[1] > 12 || f[2] < 1 || f[2] > 31 ||
	    f[3] > 23 || f[4] > 59 || f[5] > 60)
		return (-1);
	/* Days since 1970-01-01 of the date, the civil calendar. */
	days = 0;
	for (y = 1970; y < (int64_t)f[0]; y++)
		days += (y % 4 == 0 && (y % 100 != 0 || y % 400 == 0)) ? 366 :
		    365;
	for (m = 1; m < (int64_t)f[1]; m++)
		days += mdays[m - 1] + (m == 2 && f[0] % 4 == 0 &&
		    (f[0] % 100 != 0 || f[0] % 400 == 0));
	days += f[2] - 1;
	ms = ((days * 24 + f[3]) * 60 + f[4]) * 60000 + f[5] * 1000 +
	    us / 1000;
	/* The UTC offset in minutes: local = UTC + offset. */
	ms -= (s[21] == '-' ? -1 : 1) * (int64_t)off * 60000;
	if (ms < 0)
		return (-1);
	*out = (uint64_t)ms;
	return (0);
}

int
recovery_recent_start(const struct wbem_result *res, const char *command,
    uint64_t node_now_ms, uint64_t grace_ms, uint64_t slack_ms)
{
	const char	*cl, *cd;
	uint64_t	 at;
	size_t		 i;

	if (res == NULL || command == NULL)
		return (0);
	for (i = 0; i < res->ninst; i++) {
		cl = cim_instance_text(res->inst[i], "CommandLine");
		cd = cim_instance_text(res->inst[i], "CreationDate");
		if (cl == NULL || strcmp(cl, command) != 0 ||
		    recovery_datetime_ms(cd, &at) == -1)
			continue;
		if (at <= node_now_ms + slack_ms &&
		    at + grace_ms + slack_ms >= node_now_ms)
			return (1);
	}
	return (0);
}

/*
 * The node's clock now, Unix ms: its last Timestamp_Sys100NS (a FILETIME)
 * moved on by the time since it was read; the local clock when there is
 * none that looks like a wall clock.  *slack is the error to allow.
 */
static uint64_t
recovery_node_now(const struct node *n, uint64_t *slack)
{
	const struct est_ring	*g = &n->est.cpu;
	const struct est_raw	*r;
	uint64_t		 now = mono_ms(), t;

	*slack = n->d->conf->est.clock_slack_ms;
	if (g->n > 0 && g->freq == 10000000) {
		r = &g->r[g->n - 1];
		if (r->node_ms > RECOVERY_FILETIME_UNIX_MS) {
			t = r->node_ms - RECOVERY_FILETIME_UNIX_MS;
			if (t > RECOVERY_PLAUSIBLE_MS)
				return (t + (now > r->at_ms ? now - r->at_ms :
				    0));
		}
	}
	/* Two clocks: the node's and ours may differ by more. */
	*slack *= 2;
	return (wall_ms());
}

/*
 * The re-check found the process running: no restart.  Started by the
 * configured command within restart-grace, another head-end restarted it
 * (logged and counted); else it came back by itself.  Either way the
 * reading is fresh, so a recovering node is back in service now.
 */
static void
recovery_found_running(struct node *n, const struct wbem_result *res)
{
	struct recovery	*r = n->rec;
	uint64_t	 slack, now;

	now = recovery_node_now(n, &slack);
	if (n->cf->service == NULL && recovery_recent_start(res,
	    n->cf->command, now, n->d->conf->restart_grace_ms, slack)) {
		log_info("node %s: %s was started within restart-grace by "
		    "another head-end: no restart", n->name, n->cf->process);
		metrics_count(n->d, METRIC_RESTART_SKIPPED);
	} else
		log_info("node %s: process is back before a restart",
		    n->name);
	n->proc = PROC_RUNNING;
	if (n->state == NODE_RECOVERING) {
		node_set_state(n, NODE_UP, "process running");
		recovery_process_running(n, mono_ms());
	} else if (r->look != NULL)
		r->look(n);
}

static void
recovery_call_done_cb(struct wbem_result *res, const struct wbem_error *err,
    void *arg)
{
	struct recovery_op	*op = arg;
	struct node		*n = op->n;
	struct recovery		*r;
	const struct profile_reading *rdp;
	struct profile_reading	 rd;
	const char		*rv;
	uint64_t		 code;
	char			 why[768];

	op->pending = 0;
	op->call = NULL;
	if (n == NULL) {
		wbem_result_free(res);
		recovery_op_free(op);
		return;
	}
	r = n->rec;
	n->inflight--;
	r->op = NULL;
	if (op->stage == 0) {
		memset(&rd, 0, sizeof(rd));
		rdp = &rd;
		if (res == NULL || profile_absorb(n->cf->service != NULL ?
		    PQ_SERVICE : PQ_PROCESS, res, &rd, mono_ms()) == -1) {
			snprintf(why, sizeof(why), "re-check: %s",
			    err != NULL ? err->description : "bad reply");
			wbem_result_free(res);
			recovery_op_free(op);
			node_set_error(n, "%s", why);
			n->proc = PROC_UNKNOWN;
			recovery_arm(r, n->d->conf->restart_backoff_ms);
			return;
		}
		if (rdp->process_running) {
			events_add(n->d->events, wall_ms(),
			    EVENTS_RESTART_RESULT, 0, n->name,
			    "process is back before a restart");
			recovery_found_running(n, res);
			wbem_result_free(res);
			recovery_op_free(op);
			return;
		}
		wbem_result_free(res);
		if (recovery_invoke(op) == -1) {
			recovery_op_free(op);
			recovery_failed(n, "cannot start the method call");
		}
		return;
	}
	if (res == NULL) {
		snprintf(why, sizeof(why), "%s: %s%s%s",
		    wbem_errkind_name(err->kind), err->name,
		    err->name[0] != '\0' ? ": " : "", err->description);
		recovery_op_free(op);
		recovery_failed(n, why);
		return;
	}
	rv = res->method.ret.nvals > 0 ? res->method.ret.vals[0] : NULL;
	if (rv == NULL || parse_u64(rv, &code) == -1 || code != 0) {
		/* Win32 codes: 2 access denied, 9 path not found, ... */
		snprintf(why, sizeof(why), "%s returned %s", op->req.method,
		    rv != NULL ? rv : "nothing");
		wbem_result_free(res);
		recovery_op_free(op);
		recovery_failed(n, why);
		return;
	}
	wbem_result_free(res);
	recovery_op_free(op);
	n->proc = PROC_RESTARTING;
	events_add(n->d->events, wall_ms(), EVENTS_RESTART_RESULT, 0, n->name,
	    "restart accepted; verifying in %u ms",
	    n->d->conf->restart_grace_ms);
	recovery_arm(r, n->d->conf->restart_grace_ms);
}

static int
recovery_recheck_wql(const char *process, char *out, size_t outlen)
{
	int	k;

	if (!profile_name_ok(process))
		return (-1);
	k = snprintf(out, outlen, "SELECT * FROM Win32_Process WHERE "
	    "Caption = \"%s\"", process);
	return (k < 0 || (size_t)k >= outlen ? -1 : 0);
}

/* Re-checks the process, then restarts it if still missing. */
static void
recovery_begin(struct node *n)
{
	struct recovery_op	*op;

	op = xcalloc(1, sizeof(*op));
	op->n = n;
	/*
	 * Every property of the process: its CommandLine and CreationDate
	 * tell another head-end's restart (a class without them still
	 * answers; naming them would be an invalid query there).
	 */
	if ((n->cf->service != NULL ? profile_query_wql(PQ_SERVICE,
	    n->cf->service, op->wql, sizeof(op->wql)) :
	    recovery_recheck_wql(n->cf->process, op->wql,
	    sizeof(op->wql))) == -1) {
		free(op);
		recovery_failed(n, "bad process name");
		return;
	}
	op->req.op = WBEM_OP_QUERY;
	op->req.query = op->wql;
	op->req.query_lang = "WQL";
	n->proc = PROC_RESTARTING;
	if (recovery_start_call(op) == -1) {
		recovery_op_free(op);
		recovery_failed(n, "cannot start the re-check");
	}
}

void
recovery_process_missing(struct node *n, uint64_t now, recovery_look_cb look)
{
	const struct conf	*c = n->d->conf;
	struct recovery		*r;
	uint64_t		 last;
	char			 why[128];

	if (n->cf->command == NULL && n->cf->service == NULL) {
		n->proc = PROC_MISSING;
		node_set_error(n, "process %s missing; no restart command",
		    n->cf->process);
		n->error_restart = 1;
		node_set_state(n, NODE_DOWN, n->last_error);
		return;
	}
	r = recovery_of(n);
	r->look = look;
	if (r->op != NULL) {
		node_set_state(n, NODE_RECOVERING, "restart in flight");
		return;
	}
	if (!recovery_enabled(n->d)) {
		/* Another head-end owns recovery; re-checks see it back. */
		n->proc = PROC_MISSING;
		node_set_error(n, "process %s missing; recovery is off on "
		    "this head-end", n->cf->service != NULL ? n->cf->service :
		    n->cf->process);
		node_set_state(n, NODE_DOWN, n->last_error);
		return;
	}
	/*
	 * A process just started gets its grace period before a verdict,
	 * and a look again when it ends.  This reading may be an earlier
	 * probe's, ending inside the grace after the verification timer
	 * joined it, or the timer may have fired a few ms short of the grace
	 * (libevent counts from the loop's cached time); nothing else probes
	 * a recovering node, so without the re-arm it would wait for ever.
	 */
	last = recovery_last(r);
	if (n->proc == PROC_RESTARTING && r->count > 0 &&
	    now - last < c->restart_grace_ms) {
		node_set_state(n, NODE_RECOVERING, "process starting");
		recovery_arm(r, c->restart_grace_ms - (now - last) + 1);
		return;
	}
	if (n->proc == PROC_RESTARTING && r->count > 0) {
		/* Create said yes, yet the process never showed up. */
		n->m_restart_fail++;
		node_set_error(n, "restart failed: %s not running %u ms after "
		    "the restart", n->cf->service != NULL ? n->cf->service :
		    n->cf->process, c->restart_grace_ms);
		n->error_restart = 1;
		events_add(n->d->events, wall_ms(), EVENTS_RESTART_RESULT, 1,
		    n->name, "%s", n->last_error);
	}
	n->proc = PROC_MISSING;
	if (r->gave_up) {
		node_set_state(n, NODE_DOWN, n->last_error);
		return;
	}
	if (c->restart_limit == 0 || recovery_recent(r, now) >=
	    c->restart_limit) {
		r->gave_up = 1;
		snprintf(why, sizeof(why), "restart limit reached (%u in %u s); "
		    "staying down", c->restart_limit,
		    c->restart_window_ms / 1000);
		node_set_error(n, "%s", why);
		n->error_restart = 1;
		events_add(n->d->events, wall_ms(), EVENTS_RESTART_RESULT, 1,
		    n->name, "%s", why);
		node_set_state(n, NODE_DOWN, why);
		return;
	}
	node_set_state(n, NODE_RECOVERING, "process missing");
	if (now < r->next_ms) {
		recovery_arm(r, r->next_ms - now);
		return;
	}
	recovery_begin(n);
}

void
recovery_process_running(struct node *n, uint64_t now)
{
	struct recovery	*r = n->rec;

	if (r == NULL)
		return;
	if (r->attempt > 0)
		events_add(n->d->events, wall_ms(), EVENTS_RESTART_RESULT, 0,
		    n->name, "restart verified, process running");
	r->attempt = 0;
	r->next_ms = 0;
	r->gave_up = 0;
	if (r->verify_ev != NULL)
		evtimer_del(r->verify_ev);
}

void
recovery_reset(struct node *n)
{
	struct recovery	*r = n->rec;

	if (r == NULL)
		return;
	r->gave_up = 0;
	r->head = r->count = 0;
	r->attempt = 0;
	r->next_ms = 0;
}

/* Admin: clear the limit and try again now. */
int
recovery_restart_now(struct node *n, recovery_look_cb look, char *why,
    size_t whylen)
{
	struct recovery	*r;

	if (n->cf->command == NULL && n->cf->service == NULL) {
		snprintf(why, whylen, "no restart command configured");
		return (-1);
	}
	r = recovery_of(n);
	if (r->op != NULL) {
		snprintf(why, whylen, "a restart is already in flight");
		return (-1);
	}
	r->look = look;
	recovery_reset(n);
	if (n->state == NODE_DOWN)
		node_set_state(n, NODE_RECOVERING, "restart requested");
	recovery_begin(n);
	snprintf(why, whylen, "restart started");
	return (0);
}

int
recovery_gave_up(const struct node *n)
{
	return (n->rec != NULL && n->rec->gave_up);
}

uint64_t
recovery_restarts(const struct node *n)
{
	return (n->rec != NULL ? n->rec->restarts : 0);
}

void
recovery_release(struct node *n)
{
	struct recovery		*r = n->rec;
	struct recovery_op	*op;

	if (r == NULL)
		return;
	n->rec = NULL;
	if (r->verify_ev != NULL)
		event_free(r->verify_ev);
	if ((op = r->op) != NULL) {
		/* Orphaned, the op frees itself when its callback runs. */
		n->inflight--;
		op->n = NULL;
		if (op->call != NULL)
			wbem_cancel(op->call);
	}
	free(r->at);
	free(r);
}

int
recovery_enabled(const struct daemon *d)
{
	switch (d->recovery_mode) {
	case RECOVERY_ON:
		return (1);
	case RECOVERY_OFF:
		return (0);
	default:
		return (d->conf != NULL && d->conf->recovery);
	}
}

/* Admin: on or off until a reload changes the recovery key. */
void
recovery_set(struct daemon *d, int on)
{
	if (recovery_enabled(d) != on)
		log_info("recovery %s on this head-end (admin)",
		    on ? "on" : "off");
	d->recovery_mode = on ? RECOVERY_ON : RECOVERY_OFF;
}

/*
 * The admin API's word stands over a reload unless the recovery key
 * itself changed in the file: a notify script's last switch survives an
 * unrelated SIGHUP, and an edited key is still obeyed.
 */
void
recovery_reconfigure(struct daemon *d, const struct conf *old)
{
	int	was = recovery_enabled(d);

	if (old != NULL && old->recovery == d->conf->recovery)
		return;
	d->recovery_mode = RECOVERY_CONF;
	if (recovery_enabled(d) != was)
		log_info("recovery %s on this head-end (config)",
		    recovery_enabled(d) ? "on" : "off");
}
