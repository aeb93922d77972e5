/*
 * cimheadd.h: the daemon's one header, sectioned by the file that owns each
 * declaration: the pure modules (policy, profile, estimate, conf,
 * dispatch), then the runtime (node table, probes, recovery, listeners,
 * metrics).  It extends lib/cimhead.h, the WBEM client library; only
 * cimheadd's own files and its tests include it.
 */
#ifndef CIMHEADD_H
#define CIMHEADD_H

#include <event2/util.h>

#include "cimhead.h"

/* ---- the pure modules: policy, profile, estimate, conf, dispatch ------ */

/* policy.c: the choice of a node; pure, no I/O, no clock, RNG passed in */
enum policy_kind {
	POLICY_LEAST_LOAD = 0,
	POLICY_TWO_CHOICES,
	POLICY_ROUND_ROBIN,
	POLICY_LEAST_STREAMS,
	POLICY_LEAST_PREDICTED,	/* est_pick: the default */
};
const char	*policy_kind_name(enum policy_kind);
int		 policy_kind_parse(const char *, enum policy_kind *);

struct policy_params {
	enum policy_kind kind;
	double		 w_cpu, w_mem, w_net;	/* least-load's score weights */
};
/*
 * One node as the baseline policies see it, from its estimator (the
 * room thresholds are the estimator's).  A utilisation < 0 is unknown.
 */
struct policy_cand {
	int		 serving;	/* up, not draining, process running */
	int		 usable;	/* its sample may serve this decision */
	double		 cpu, mem, net;	/* with dispatches not yet seen */
	double		 weight;	/* relative capacity, > 0 */
	double		 sessions;	/* active, with dispatches not counted */
	long		 room;		/* sessions it can still take; -1 */
};
double	 policy_score(const struct policy_params *, const struct policy_cand *);
/* Eligible: serving, a usable sample, room for one more session. */
int	 policy_eligible(const struct policy_params *,
	    const struct policy_cand *);
typedef uint32_t (*policy_rng)(void *);
/*
 * Returns the index of the chosen node, or -1 when none is eligible.
 * rr is the round-robin cursor the caller keeps between calls.
 * POLICY_LEAST_PREDICTED is est_pick's (balance.c); here it is least-load.
 */
int	 policy_pick(const struct policy_params *, const struct policy_cand *,
	    size_t n, uint64_t *rr, policy_rng, void *rngarg);

/* profile.c: the queries that make a sample and the load formulas; pure */
struct profile_cpu_raw {		/* Win32_PerfRawData_PerfOS_Processor _Total */
	uint64_t	 ppt;		/* PercentProcessorTime (100 ns idle ticks) */
	uint64_t	 ts;		/* Timestamp_Sys100NS */
	uint64_t	 at_ms;		/* monotonic time it was read */
};
struct profile_net_raw {		/* summed over the real interfaces */
	uint64_t	 bytes;		/* BytesTotalPersec (raw: a byte count) */
	uint64_t	 sent, recv;	/* BytesSentPersec, BytesReceivedPersec */
	int		 duplex;	/* sent and recv read on every one */
	uint64_t	 perftime;	/* Timestamp_PerfTime */
	uint64_t	 freq;		/* Frequency_PerfTime */
	uint64_t	 bandwidth;	/* CurrentBandwidth, bits/s */
	size_t		 nifs;
	uint64_t	 at_ms;
};
/* What one probe of one node gathered; has_* say which parts answered. */
struct profile_reading {
	int		 has_cpu_raw, has_cpu_fmt, has_avail, has_total;
	int		 has_net_raw, has_net_fmt, has_process;
	struct profile_cpu_raw cpu_raw;
	double		 cpu_fmt;	/* formatted PercentProcessorTime */
	uint64_t	 avail;		/* AvailableBytes */
	uint64_t	 total;		/* TotalPhysicalMemory */
	struct profile_net_raw net_raw;
	uint64_t	 net_fmt_bytes;	/* formatted: bytes/s, summed; the
					   busier direction when both read */
	uint64_t	 net_fmt_bw;	/* bits/s, summed */
	size_t		 net_fmt_nifs;
	int		 process_running; /* the watched process / service */
	char		 process_handle[32];
	int		 has_sessions;
	uint64_t	 sessions;	/* the node's active sessions */
	int		 light;		/* a count-only probe: sessions alone */
};
/* Formulas; each returns 0 with *out in 0..100, or -1 (unknown). */
int	 profile_cpu(const struct profile_cpu_raw *prev,
	    const struct profile_cpu_raw *cur, uint64_t window_ms,
	    int has_fmt, double fmt, double *out);
int	 profile_mem(uint64_t total, uint64_t avail, double *out);
int	 profile_net_rate(uint64_t bytes_per_s, uint64_t bandwidth, double *out);
int	 profile_net(const struct profile_net_raw *prev,
	    const struct profile_net_raw *cur, uint64_t window_ms, double *out);
int	 profile_iface_is_pseudo(const char *name);

enum profile_query {
	PQ_CPU_RAW = 0,
	PQ_CPU_FMT,
	PQ_MEM,
	PQ_TOTAL,
	PQ_NET_RAW,
	PQ_NET_FMT,
	PQ_PROCESS,
	PQ_SERVICE,
	PQ_SESSIONS,	/* profile_sessions_wql, profile_absorb_sessions */
	PQ_COUNT,
};
const char	*profile_query_name(enum profile_query);
/* The WQL text of a query; name is the process Caption or service Name. */
int	 profile_query_wql(enum profile_query, const char *name, char *, size_t);
/* Folds the instances of one query reply into the reading. -1: malformed. */
int	 profile_absorb(enum profile_query, const struct wbem_result *,
	    struct profile_reading *, uint64_t now_ms);
/* WQL string literal check: what a watched name may contain. */
int	 profile_name_ok(const char *);
/*
 * The session count: property prop of class cls, of the instance whose
 * Name is inst, or summed over every instance when inst is "".
 */
int	 profile_sessions_wql(const char *cls, const char *prop,
	    const char *inst, char *, size_t);
int	 profile_absorb_sessions(const struct wbem_result *, const char *prop,
	    struct profile_reading *);
/* A WQL class or property name: letters, digits, '_'. */
int	 profile_ident_ok(const char *);

/*
 * estimate.c: what one node can still take, from its samples; pure, `now'
 * passed in, RNG passed in.  Per node: utilisation over a counter window
 * (never a delta over milliseconds), the node's own session count plus
 * this head-end's dispatches it does not show yet, and the cost of one
 * session per resource learned online (a configured weight is its prior).
 * Across nodes: the choice with ties spread, and the rules a probe pool
 * needs (sample reuse, which nodes to refresh, a query rate per node).
 * node.c embeds a struct est_node in each node and feeds it readings; the
 * fields are read-only outside estimate.c.
 */
enum est_res {
	EST_CPU = 0,
	EST_MEM,
	EST_NET,
	EST_NRES,
};
const char	*est_res_name(enum est_res);

struct est_params {
	uint64_t	 window_ms;	/* a rate spans this at least (node clock) */
	uint64_t	 max_span_ms;	/* a value not read again lasts this */
	uint64_t	 clock_slack_ms; /* node and head-end clocks may differ */
	uint64_t	 visible_ms;	/* a dispatch shows on the node after */
	uint64_t	 pending_timeout_ms; /* a dispatch never seen: forgotten */
	uint64_t	 learn_ms;	/* cost learnt over spans this long */
	double		 max[EST_NRES];	/* room thresholds, % */
	double		 prior_cost[EST_NRES]; /* % per session at weight 1 */
	double		 prior_strength; /* in (sessions moved)^2 */
	double		 forget;	/* per informative pair, 0 < f <= 1 */
	double		 cost_range;	/* cost within prior / r .. prior * r */
	double		 room_slack;	/* sessions: rounding of a reading */
	double		 tie_eps;	/* choice: ties within (fraction) */
	uint64_t	 max_age_ms;	/* sample reuse: age */
	uint64_t	 full_age_ms;	/* load and process read this often */
	double		 depart_tau_s;	/* departure rate: memory, seconds */
	double		 trend_s;	/* choice: seconds of base trend */
	unsigned	 max_uses;	/* sample reuse: dispatches; 0: no cap */
	double		 query_rate;	/* per node, queries/s; 0: no limit */
	double		 query_burst;	/* per node, queries */
};
/* The shipped defaults; conf.c overrides them from its keys. */
void	 est_params_default(struct est_params *);
/* A rate over a longer span is a quiet spell's mean, not a window's. */
uint64_t est_long_span_ms(const struct est_params *);

#define EST_RING	8
struct est_raw {			/* one raw counter reading */
	uint64_t	 ctr;		/* idle 100 ns ticks, or bytes */
	uint64_t	 ctr2;		/* bytes received, ctr sent, if duplex */
	int		 duplex;
	uint64_t	 ts;		/* the node's timestamp */
	uint64_t	 node_ms;	/* ts in ms */
	uint64_t	 freq;		/* ts per second */
	uint64_t	 at_ms;		/* head-end monotonic time read */
	uint32_t	 sgen;		/* session integral generation; 0 none */
	uint64_t	 sms;		/* the count's time it runs to */
	double		 sint, svar;	/* session integral (session-ms) then */
};
struct est_ring {
	struct est_raw	 r[EST_RING];	/* oldest first */
	size_t		 n;
	uint64_t	 freq;
	size_t		 nifs;
	struct est_raw	 learn;		/* start of the current learning span */
	int		 has_learn;
};
#define EST_PENDING	64
struct est_pend {			/* dispatches at (merged: up to) at_ms */
	uint64_t	 at_ms;
	uint32_t	 n;
	uint64_t	 upto;		/* est_node.sent when it took the last */
};
/*
 * This head-end's dispatches to a node over the last minute, in buckets,
 * and how well each session length from 0.5 s to 60 s (in 0.5 s steps)
 * would have foretold the departures the counts showed.
 */
#define EST_HIST	256
#define EST_HIST_MS	250
#define EST_NLEN	120
#define EST_LEN_STEP_MS	500
struct est_hist {
	uint16_t	 n[EST_HIST];	/* ring; head the newest */
	size_t		 head;
	uint64_t	 ms;		/* the newest bucket's start; 0: none */
	float		 err[EST_NLEN];	/* squared errors, forgetful */
	double		 rate_err;	/* the rate's, likewise */
	double		 dep;		/* departures seen, likewise */
	uint64_t	 len_ms;	/* the fitted length; 0: the rate */
};
/*
 * How long after its redirect a viewer shows in the node's count, fitted
 * from count pairs among fractions of visible_ms (est_lag_score).
 */
#define EST_NLAG	7
struct est_fit {			/* one resource's cost per session */
	double		 sxx, sxy;	/* forgetful sums of the differences */
	double		 last_x, last_xvar, last_y;
	int		 has_last;
	double		 prior;		/* prior_cost / weight, or shared */
	double		 wprior;	/* prior_cost / weight */
	double		 strength;	/* the prior's; 0: prior_strength */
	double		 cost;		/* % per session */
	double		 fitted;	/* cost before the shared floor */
	uint64_t	 nobs;		/* informative pairs seen */
};
struct est_node {
	struct est_ring	 cpu, net;
	double		 util[EST_NRES];	/* %, < 0 unknown */
	uint64_t	 util_from[EST_NRES];	/* the span it covers */
	uint64_t	 util_to[EST_NRES];
	double		 xwin[EST_NRES];	/* mean sessions then; < 0 none */
	double		 base[EST_NRES];	/* util less the sessions' part */
	uint64_t	 base_ms[EST_NRES];	/* 0: none yet */
	double		 slope[EST_NRES];	/* of base, %/s */
	uint64_t	 xwin_ms[EST_NRES];	/* the count's time it runs to */
	double		 count;		/* the node's sessions; < 0 unknown */
	uint64_t	 count_ms;
	uint32_t	 sgen;		/* the count's integral over time */
	int		 scont;
	double		 sint, svar;
	struct est_fit	 fit[EST_NRES];
	struct est_pend	 pend[EST_PENDING];	/* oldest first */
	size_t		 npend;
	uint64_t	 sent;		/* dispatches ever pending: upto's */
	int		 has_sample;
	uint64_t	 sample_ms;
	int		 has_full;	/* a sample with load figures */
	uint64_t	 full_ms;
	double		 dep, expo;	/* departures over session-seconds */
	double		 mu;		/* departures per session-second; 0 */
	double		 left;		/* departures proven (est_leave_proof) */
	double		 lv_count;	/* the count est_leave_proof looks */
	uint64_t	 lv_ms;		/* back to; 0: none */
	double		 lv_fell;	/* the falls proved since */
	double		 carry;		/* dispatches owed to the next count */
	struct est_hist	 hist;		/* departures of sessions of a length */
	float		 lag_err[EST_NLAG];	/* squared errors, forgetful */
	double		 lag_pairs;	/* informative pairs, likewise */
	uint64_t	 lag_ms;	/* the fitted lag; used once lag_set */
	int		 lag_set;
	double		 bw;		/* link bits/s of the net figure; 0 */
	unsigned	 uses;		/* dispatches decided on this sample */
	double		 tokens;	/* query budget */
	uint64_t	 tokens_ms;
	int		 tokens_init;
	uint64_t	 paced_ms;	/* the last pool probe's start */
	int		 paced;
	uint64_t	 discont;	/* counter rings reset (wrap, clock step) */
};
/* A fresh node; weight (> 0, else 1) scales the prior cost down. */
void	 est_node_init(struct est_node *, const struct est_params *,
	    double weight);
/*
 * The network cost of a session is the stream's bit rate over the node's
 * link: the same titles on every node.  What the nodes learnt, in bits a
 * second a session, becomes each one's prior (until then the weight's).
 */
void	 est_share(struct est_node *const *, size_t, const struct est_params *);
/* Sessions a second expected to leave the node now; -1: unknown. */
double	 est_departing(const struct est_node *, const struct est_params *,
	    uint64_t now);
/* How long a dispatch takes to show in the count: fitted, or visible_ms. */
uint64_t est_visible(const struct est_node *, const struct est_params *);
/* Every known resource has learnt its cost from a pair of samples. */
int	 est_learnt(const struct est_node *);
/* A reload changed the weight: the prior moves, what was learned stays. */
void	 est_node_weight(struct est_node *, const struct est_params *,
	    double weight);
/* The node went down: counters, pending and sample go, learned costs stay. */
void	 est_node_reset(struct est_node *);
/*
 * A probe's reading at now: total_mem is the node's cached
 * TotalPhysicalMemory (0: unknown), sessions its own count of active
 * sessions (< 0: not read).  Returns the number of counter rings this
 * reading reset (wrap, clock step, jump) for the discontinuity metric.
 */
unsigned est_apply(struct est_node *, const struct est_params *,
	    const struct profile_reading *, uint64_t total_mem,
	    int64_t sessions, uint64_t now);
/* A viewer was sent to the node at now. */
void	 est_dispatched(struct est_node *, const struct est_params *,
	    uint64_t now);
/*
 * Resource r's utilisation (%) as the decisions see it: the windowed rate
 * moved to the moment of the node's count; < 0 unknown.  util[] is the
 * figure as measured.  For the sample history, the dashboard, policy.c.
 */
double	 est_level(const struct est_node *, enum est_res);
/*
 * Resource r's level plus the cost of the dispatches it does not show
 * yet: what it reads once they arrive; < 0 unknown.  For policy.c.
 */
double	 est_expect(const struct est_node *, const struct est_params *,
	    enum est_res, uint64_t now);
/* The node's active sessions now, with dispatches it does not show yet. */
double	 est_sessions(const struct est_node *, const struct est_params *,
	    uint64_t now);
/*
 * Largest predicted utilisation after `extra' more sessions, as a fraction
 * of each resource's threshold; < 0 when no resource is known.
 */
double	 est_predict(const struct est_node *, const struct est_params *,
	    uint64_t now, unsigned extra);
/* Whole sessions the node can still take; -1 when nothing is known. */
long	 est_room(const struct est_node *, const struct est_params *,
	    uint64_t now);
/*
 * Sessions the node holds at its thresholds: threshold / learned cost of
 * the binding resource (the least of them over the resources it reports);
 * < 0 when none is known.  For /metrics.
 */
double	 est_capacity(const struct est_node *, const struct est_params *);
/*
 * The resource limiting the room (fewest sessions left), its level (%)
 * after `extra' more sessions in *after; -1 when none is known.
 */
int	 est_limit(const struct est_node *, const struct est_params *,
	    uint64_t now, unsigned extra, double *after);
/* Sample reuse: young enough and not spent by max_uses dispatches. */
int	 est_usable(const struct est_node *, const struct est_params *,
	    uint64_t now);
struct est_cand {
	const struct est_node *en;
	int		 ok;	/* pick: serving, sample accepted; refresh:
				   probeable, no probe in flight */
};
/*
 * The node for one viewer: among ok nodes with room, the least predicted
 * utilisation after it, ties within tie_eps drawn at random.  -1: none
 * has room.  The caller then calls est_dispatched on the chosen node.
 */
int	 est_pick(const struct est_params *, const struct est_cand *,
	    size_t n, uint64_t now, policy_rng, void *rngarg);
/*
 * Up to d ok nodes to probe next, stalest sample first (none, oldest,
 * most used), skipping those whose query budget cannot pay nqueries now.
 * Their indices go to out[]; returns how many.
 */
size_t	 est_refresh_pick(const struct est_params *, const struct est_cand *,
	    size_t n, uint64_t now, double nqueries, size_t d, size_t *out);
/* Query budget: ms until nqueries may be sent (0: now), and taking them. */
uint64_t est_rate_wait(const struct est_node *, const struct est_params *,
	    uint64_t now, double nqueries);
/* Charges queries even past the budget (a full sample due): a debt. */
void	 est_rate_charge(struct est_node *, const struct est_params *,
	    uint64_t now, double nqueries);
int	 est_rate_take(struct est_node *, const struct est_params *,
	    uint64_t now, double nqueries);
/*
 * Count-only probes evenly spaced in what full samples (full_cost queries
 * every full_age_ms) leave of the budget: ms until the next may go.
 * est_paced notes a pool probe's start.
 */
uint64_t est_pace_wait(const struct est_node *, const struct est_params *,
	    uint64_t now, double full_cost);
void	 est_paced(struct est_node *, uint64_t now);

/* conf.c: cimheadd.conf -> a fresh struct conf; no side effects */
#define CONF_NAME_MAX	64
struct conf_node {
	char		 name[CONF_NAME_MAX];
	int		 line;		/* where [node NAME] starts */
	char		*url;
	enum wbem_proto	 proto;
	char		*ns;
	char		*credentials;	/* path of the credentials file */
	char		*user;		/* read from it */
	char		*password;
	enum http_auth	 auth;
	char		*cacert;
	int		 insecure;
	int		 allow_unencrypted; /* WS-Man over plain http */
	double		 weight;
	char		*stream_url;	/* template: {host} {title} {expires} {token} */
	char		*process;	/* watched process Caption, or NULL */
	char		*command;	/* restart command line */
	char		*directory;	/* its CurrentDirectory, or NULL */
	char		*service;	/* watched Win32_Service Name, or NULL */
	int		 enabled;
	/* The session count query; the [cimheadd] keys unless overridden. */
	char		*sessions_class;	/* "": no count */
	char		*sessions_property;
	char		*sessions_instance;	/* "": every instance summed */
};
struct conf {
	char		*path;
	char		*listen;	/* host:port for viewers */
	char		*admin_listen;	/* host:port for the admin API */
	char		*admin_token;	/* read from admin-token-file, or NULL */
	char		*admin_hosts;	/* admin-host names, " name " each */
	struct policy_params policy;
	unsigned	 query_timeout_ms;
	unsigned	 decision_timeout_ms;
	unsigned	 freshness_ms;	/* probe-max-age; 0: the strict model */
	unsigned	 cpu_window_ms;	/* est.max_span_ms */
	unsigned	 probe_d;	/* nodes refreshed per arrival */
	unsigned	 sessions_retry_ms; /* after the count query failed */
	char		*sessions_class;	/* the defaults of the nodes' */
	char		*sessions_property;
	char		*sessions_instance;
	unsigned	 idle_check_ms;	/* 0: off */
	unsigned	 suspect_after;	/* failed probes before down */
	unsigned	 recheck_ms;	/* first re-check of a down node */
	unsigned	 recheck_max_ms;
	unsigned	 restart_limit;
	unsigned	 restart_window_ms;
	unsigned	 restart_backoff_ms;
	unsigned	 restart_backoff_max_ms;
	unsigned	 restart_grace_ms; /* time a started process gets */
	int		 recovery;	/* this head-end restarts processes */
	unsigned	 ready_window_ms; /* /readyz: a node answered within */
	unsigned	 max_inflight;	/* per node */
	unsigned	 retry_after_s;
	unsigned char	*token_secret;	/* NULL: no token */
	size_t		 token_secret_len;
	unsigned	 token_lifetime_s;
	size_t		 max_response;
	unsigned	 viewer_header_timeout_ms; /* whole request head */
	unsigned	 viewer_idle_timeout_ms;	/* no byte either way */
	unsigned	 max_viewer_conns;
	/* the admin listener */
	unsigned	 admin_header_timeout_ms; /* whole request head */
	unsigned	 max_admin_conns;
	size_t		 max_admin_output; /* unread admin replies, bytes */
	char		*access_log;	/* NULL: none; "-": stderr */
	enum log_stamp	 log_stamp;	/* log-timestamps */
	size_t		 nnodes;
	struct conf_node *nodes;
	struct est_params est;	/* windows, thresholds, the probe pool */
};
/*
 * Reads and checks a config file.  Returns a new conf, or NULL with every
 * problem appended to errs as "file:line: message\n".  Warnings (e.g. a
 * group-readable credentials file) go to warns when it is not NULL, as
 * "file:line: warning: message\n".  Each takes up to CONF_REPORT_MAX
 * bytes (give it a buf of that cap, or 0), then a count of the rest.
 */
#define CONF_REPORT_MAX	(16u * 1024 * 1024)
struct conf	*conf_load(const char *path, struct buf *errs, struct buf *warns);
struct conf	*conf_parse(const char *text, const char *name,
		    struct buf *errs, struct buf *warns);
void		 conf_free(struct conf *);
const struct conf_node *conf_node_find(const struct conf *, const char *);
/* "1.5s", "200ms", "2m", "500" (ms) -> ms */
int		 conf_parse_duration(const char *, unsigned *);

/* dispatch.c: the viewer's stream URL; pure */
#define DISPATCH_TITLE_MAX	255
/*
 * Checks a raw (still %-escaped) title from the request path and decodes
 * it into out.  -1 (a 400) for traversal, bad characters, bad UTF-8, length.
 */
int	 dispatch_title_check(const char *raw, char *out, size_t outlen);
int	 dispatch_template_check(const char *tmpl, char *why, size_t whylen);
/*
 * Expands the template for a node host and a checked title.  With a
 * secret, {token} is hex HMAC-SHA256(secret, "<expires>:<path>"), path
 * being the expanded URL's path (before any '?').
 */
int	 dispatch_url(const char *tmpl, const char *host, const char *title,
	    uint64_t expires, const unsigned char *secret, size_t secretlen,
	    struct buf *out);
int	 dispatch_token(const unsigned char *secret, size_t secretlen,
	    uint64_t expires, const char *path, char *hex, size_t hexlen);
/* The host part of a node URL ("h" of http://u@h:p/x; [v6] kept). */
int	 dispatch_url_host(const char *url, char *out, size_t outlen);

/*
 * events.c: the operator's record, a bounded ring of the newest entries
 * (state changes, restarts and their results, reloads, admin actions);
 * each also goes to the log as one line.  Calls no daemon module; the
 * wall time is handed in.  A NULL ring is allowed: the log still gets it.
 */
#define EVENTS_CAP	256
#define EVENTS_TEXT_MAX	256
enum events_kind {
	EVENTS_STATE = 0,	/* a node's state changed; text says why */
	EVENTS_RESTART,		/* a restart of its process was tried */
	EVENTS_RESTART_RESULT,	/* and what came of it */
	EVENTS_RELOAD,		/* the config was reloaded, or not */
	EVENTS_ADMIN,		/* an operator acted through the API */
	EVENTS_NKINDS,
};
struct events_entry {
	uint64_t	 seq;		/* 1, 2, ...: never repeats */
	uint64_t	 wall_ms;
	enum events_kind kind;
	int		 warn;		/* something failed */
	char		 node[CONF_NAME_MAX];	/* "" when not a node's */
	char		 text[EVENTS_TEXT_MAX];	/* truncated to fit */
};
struct events;
const char	*events_kind_name(enum events_kind);
struct events	*events_new(size_t cap);
void		 events_free(struct events *);
void		 events_add(struct events *, uint64_t wall_ms,
		    enum events_kind, int warn, const char *node,
		    const char *fmt, ...) PRINTFLIKE(6, 7);
/* The oldest entry with a sequence above after, or NULL: newest last. */
const struct events_entry *events_next(const struct events *, uint64_t after);
/* The oldest sequence still held (last + 1 when none), and the newest. */
uint64_t	 events_first(const struct events *);
uint64_t	 events_last(const struct events *);

/*
 * decisions.c: the viewers' recent record (rates, the share refused, the
 * decision latency) for the cluster header; pure, `now' handed in.
 */
struct decisions;
struct decisions_view {
	uint64_t	 window_ms;	/* what the figures cover */
	uint64_t	 viewers;	/* decided in it: 302 or 503 */
	uint64_t	 refused;	/* of them, 503 */
	double		 per_s;		/* viewers per second */
	double		 refused_ratio;	/* refused / viewers; 0 when none */
	uint64_t	 decisions;	/* latencies held in the window */
	int64_t		 p50_ms, p95_ms;	/* -1: none */
};
struct decisions *decisions_new(void);
void		 decisions_free(struct decisions *);
/* A viewer's reply was decided at now, latency_ms after its request. */
void		 decisions_add(struct decisions *, uint64_t now, int refused,
		    uint64_t latency_ms);
void		 decisions_view(const struct decisions *, uint64_t now,
		    uint64_t window_ms, struct decisions_view *);

/* ---- the runtime: the event-loop modules; main.c calls them all ------ */
struct event;
struct evhttp;
struct evhttp_request;

/*
 * metrics.c's latency histogram, here because a node keeps one (its
 * queries' latency); the rest of metrics.c's part is below.  The bounds
 * are metrics.c's: 1 ms .. 10 s, and +Inf.
 */
#define METRICS_HIST_BUCKETS	13
struct metrics_hist {
	uint64_t	 bucket[METRICS_HIST_BUCKETS];	/* each on its own */
	uint64_t	 count;
	uint64_t	 sum_ms;
};

/* node.c: the node table, each node's state machine and samples */
enum node_state {
	NODE_UP = 0,
	NODE_SUSPECT,		/* a probe failed; no viewers until it answers */
	NODE_DOWN,		/* unreachable, or restart limit reached */
	NODE_RECOVERING,	/* process missing; restart under way */
	NODE_DRAINING,		/* admin: no new viewers */
	NODE_DISABLED,		/* admin or config: not probed, no viewers */
	NODE_NSTATES,
};
enum node_proc {
	PROC_UNKNOWN = 0,
	PROC_RUNNING,
	PROC_MISSING,
	PROC_RESTARTING,
	PROC_NSTATES,
};
/*
 * What applying a probe's outcome did.  node.c only moves the state; its
 * caller (probe.c) acts on the event: recovery, re-checks.
 */
enum node_event {
	NODE_EV_NONE = 0,	/* nothing to act on (e.g. a cancelled probe) */
	NODE_EV_FAILED,		/* a failed probe; the state stays */
	NODE_EV_SUSPECT,	/* a failed probe made it suspect */
	NODE_EV_DOWN,		/* a failed probe took it down */
	NODE_EV_RUNNING,	/* a reading; process running or not watched */
	NODE_EV_UP,		/* as RUNNING, and it came back up */
	NODE_EV_PROC_MISSING,	/* a reading; the watched process is missing */
	NODE_NEVENTS,
};
const char	*node_state_name(enum node_state);
const char	*node_proc_name(enum node_proc);
const char	*node_event_name(enum node_event);

#define NODE_HISTORY	60
struct node_sample {
	uint64_t	 mono_ms;
	uint64_t	 wall_ms;
	double		 cpu, mem, net;		/* < 0: unknown */
};

struct daemon;
struct node_probe;
struct probe_recheck;
struct recovery;
struct node {
	struct daemon	*d;
	char		 name[CONF_NAME_MAX];
	const struct conf_node *cf;	/* in d->conf; replaced on reload */
	struct wbem_target target;
	char		 host[256];	/* {host} of the stream URL */

	enum node_state	 state;
	uint64_t	 state_since_ms; /* wall_ms() of the last state change */
	char		 state_why[256]; /* why it changed; "" when not said */
	enum node_proc	 proc;
	unsigned	 fails;		/* consecutive failed probes */
	char		 last_error[256];	/* "" when none */
	int		 error_restart;	/* last_error is recovery's verdict:
					   a reading keeps it till running */

	int		 has_sample;
	struct node_sample sample;	/* est_level's figures at the sample */
	struct node_sample history[NODE_HISTORY];
	size_t		 nhistory, history_next;
	uint64_t	 total_mem;	/* cached per node session; 0: unknown */
	struct est_node	 est;		/* signal, sessions, cost, pool */
	int64_t		 sessions;	/* the node's last count; -1 unknown */
	uint64_t	 sessions_retry_ms; /* probe.c: count query off until */

	unsigned	 inflight;	/* wbem calls to this node */
	/*
	 * The state the modules above keep on the node, opaque here; each
	 * is made and freed by its own module (probe_node_release() lets go
	 * of all of it before node_free).
	 */
	struct node_probe *probe;	/* probe.c: in flight, or NULL */
	struct probe_recheck *recheck;	/* probe.c: re-check timer, backoff */
	struct recovery	*rec;		/* recovery.c: restarts, or NULL */

	/* metrics */
	uint64_t	 m_dispatch;
	uint64_t	 m_queries_ok, m_queries_err;
	uint64_t	 m_probe_err[WBEM_E_USAGE + 1];	/* by wbem_errkind */
	enum wbem_errkind last_error_kind;	/* of the last failed probe */
	int		 last_error_code;	/* its CIM or HTTP status; 0 */
	uint64_t	 m_restart_fail;	/* restarts that failed */
	uint64_t	 m_discont;	/* counter rings reset (wrap, clock step) */
	struct metrics_hist m_query;	/* query latency */
};
struct node	*node_new(struct daemon *, const struct conf_node *);
void		 node_free(struct node *);
void		 node_configure(struct node *, const struct conf_node *);
struct node	*node_find(struct daemon *, const char *);
void		 node_set_state(struct node *, enum node_state, const char *why);
void		 node_set_error(struct node *, const char *fmt, ...)
		    PRINTFLIKE(2, 3);
/*
 * A probe's reading arrived: compute the sample, track the process.
 * Returns NODE_EV_RUNNING, NODE_EV_UP, NODE_EV_PROC_MISSING, or
 * NODE_EV_NONE for a missing process on a draining or disabled node.
 */
enum node_event	 node_apply(struct node *, const struct profile_reading *,
		    uint64_t now);
/*
 * A probe failed as a whole (unreachable, timeout, garbage).  Returns
 * NODE_EV_SUSPECT, NODE_EV_DOWN, NODE_EV_FAILED, or NODE_EV_NONE for a
 * cancelled probe (not the node's fault).
 */
enum node_event	 node_fail(struct node *, const struct wbem_error *);
/* Admin / the policy view of a node; usable: its sample may serve. */
int		 node_serving(const struct node *);
void		 node_cand(const struct node *, int usable, uint64_t now,
		    struct policy_cand *);
void		 node_dispatched(struct node *, uint64_t now);
/*
 * 1 if the node would take a viewer now (serving, a sample, room); why
 * says why not (the state, the process, the limit) or its room.
 */
int		 node_why(const struct node *, uint64_t now, char *why,
		    size_t);
/* Nodes a viewer round should probe (not down, not disabled). */
int		 node_probeable(const struct node *);

/* probe.c: probe rounds shared by every viewer that arrives meanwhile */
struct probe_waiter;
typedef void (*probe_done_cb)(struct probe_waiter *, uint64_t min_ms);
struct probe_waiter {
	probe_done_cb	 cb;
	void		*arg;
	int		 queued;
	TAILQ_ENTRY(probe_waiter) entry;	/* on the round's list */
};
/*
 * Makes sure a round covers the stale nodes and parks w on it; w->cb fires
 * exactly once, when the round ends (every node answered, or the decision
 * deadline), with the sample cutoff the decision should use.  Returns 1 if
 * no round was needed (every candidate fresh): the cb is not called.
 */
int		 probe_need(struct daemon *, struct probe_waiter *);
void		 probe_forget(struct daemon *, struct probe_waiter *);
/* Probes one node off any round (re-check, admin, verification). */
void		 probe_node(struct node *);
void		 probe_node_cancel(struct node *);
/*
 * Lets go of everything probe.c and recovery.c keep on n (its probe, its
 * re-check timer, its restarts); the owner of the node table calls it
 * right before node_free.
 */
void		 probe_node_release(struct node *);
/* The pool: may n's sample serve a decision now (age, uses, refresh)? */
int		 probe_sample_ok(const struct node *, uint64_t now);
/* The idle check and the readiness keeper (after start and reload). */
void		 probe_idle_arm(struct daemon *);
/*
 * /readyz: 1 when this head-end can dispatch (a config, not stopping, a
 * node answered within ready-window); else 0, why says what is wrong.
 */
int		 probe_ready(const struct daemon *, uint64_t now, char *why,
		    size_t);
void		 probe_viewer_seen(struct daemon *);
void		 probe_shutdown(struct daemon *);

/*
 * recovery.c: restart a dead streaming process.  Its state on a node is
 * private (struct recovery); the rest of the daemon uses these calls.
 * recovery_look_cb is how recovery asks the module above to probe the
 * node again (to verify a restart, or for the next attempt).
 */
typedef void (*recovery_look_cb)(struct node *);
/* The process is missing in a fresh reading: decide and maybe restart. */
void		 recovery_process_missing(struct node *, uint64_t now,
		    recovery_look_cb);
void		 recovery_process_running(struct node *, uint64_t now);
/* Admin: clear the limit and restart now; -1 with why if it cannot. */
int		 recovery_restart_now(struct node *, recovery_look_cb,
		    char *why, size_t);
/* Admin enable: the restart window starts afresh (limit, backoff). */
void		 recovery_reset(struct node *);
int		 recovery_gave_up(const struct node *);	/* limit reached */
uint64_t	 recovery_restarts(const struct node *);	/* attempts */
/* Cancels a restart in flight and frees the node's recovery state. */
void		 recovery_release(struct node *);
/*
 * The recovery owner (recovery = on|off, switched at run time through
 * the admin API): off, a dead process is reported but never restarted.
 */
enum recovery_mode {
	RECOVERY_CONF = 0,	/* as the config says */
	RECOVERY_ON,		/* the admin API said on */
	RECOVERY_OFF,		/* the admin API said off */
};
int		 recovery_enabled(const struct daemon *);
void		 recovery_set(struct daemon *, int on);
/* A reload: a changed recovery key wins over the admin API's word. */
void		 recovery_reconfigure(struct daemon *, const struct conf *old);
/*
 * Pure: does the reply to the re-check (Win32_Process instances) show
 * the command started within grace_ms of node_now_ms (the node's clock,
 * Unix ms), slack_ms allowing for clock error?  1 yes, 0 no.
 */
int		 recovery_recent_start(const struct wbem_result *,
		    const char *command, uint64_t node_now_ms,
		    uint64_t grace_ms, uint64_t slack_ms);
/* CIM datetime "yyyymmddhhmmss.mmmmmmsutc" -> Unix ms; -1 if it is not. */
int		 recovery_datetime_ms(const char *, uint64_t *);

/*
 * metrics.c: the cluster's counters, reported to by every module, and the
 * Prometheus text of /metrics.  It calls no daemon module: what the page
 * shows of the nodes is handed in (struct metrics_view).
 */
enum metric {
	METRIC_ROUNDS = 0,	/* probe rounds started for viewers */
	METRIC_QUERIES,		/* WBEM queries ended, either way */
	METRIC_RESTARTS,	/* restart attempts, every node */
	METRIC_RESTART_SKIPPED,	/* another head-end had just started it */
	METRIC_302,		/* viewer replies, by status */
	METRIC_400,		/* bad title, URI too long (414) */
	METRIC_404,
	METRIC_405,
	METRIC_503,
	METRIC_CONN_TIMEOUT,	/* viewer connections closed: no head in time */
	METRIC_CONN_LIMIT,	/* viewer connections closed: over the cap */
	METRIC_PROBE_NOFD,	/* probes not sent: no descriptor (ours) */
	METRIC_COUNT,
};
struct metrics {
	uint64_t	 count[METRIC_COUNT];
	struct metrics_hist decision;	/* a viewer's arrival to its reply */
	struct metrics_hist round;	/* a probe round, start to end */
	int		 reload_ok;	/* the last config load succeeded */
	uint64_t	 reload_ok_ms;	/* wall_ms() of the last that did */
};
/* The probe error kinds /metrics and the JSON API show, in their order. */
#define METRICS_NERRKINDS	8
extern const enum wbem_errkind metrics_errkinds[METRICS_NERRKINDS];
/* One node's lines of /metrics, read from the node table by the caller. */
struct metrics_node {
	const char	*name;
	size_t		 state;		/* index into metrics_view.state_name */
	uint64_t	 dispatch;	/* 302s to it */
	uint64_t	 queries_ok, queries_err;
	uint64_t	 probe_err[WBEM_E_USAGE + 1];	/* by wbem_errkind */
	uint64_t	 restarts, restart_fail;
	int		 restart_limit_reached;
	uint64_t	 discont;
	double		 sessions;	/* the estimator's; < 0 unknown */
	long		 room;		/* sessions it can take; < 0 unknown */
	double		 capacity;	/* est_capacity(); < 0 unknown */
	double		 util[EST_NRES]; /* last sample, 0..1; < 0 unknown */
	int64_t		 sample_age_ms;	/* < 0: no sample */
	int		 eligible;	/* may take a viewer now */
	double		 weight;
	uint64_t	 state_since_ms; /* wall clock */
	const struct metrics_hist *query;	/* its query latency; NULL */
};
struct metrics_view {
	const struct metrics_node *nodes;
	size_t		 nnodes;
	const char	*const *state_name;	/* every node state, by value */
	size_t		 nstates;
	size_t		 viewer_conns;	/* open now */
};
/* Something happened once: metrics_count(d, METRIC_503). */
void		 metrics_count(struct daemon *, enum metric);
uint64_t	 metrics_get(const struct daemon *, enum metric);
/* Something took ms: one observation in a latency histogram. */
void		 metrics_observe(struct metrics_hist *, uint64_t ms);
/* The config was loaded (start, SIGHUP): ok or not, at wall time. */
void		 metrics_config_loaded(struct daemon *, int ok, uint64_t wall);
/* Appends the whole /metrics page to b. */
void		 metrics_render(const struct daemon *,
		    const struct metrics_view *, struct buf *b);

/* balance.c: the policy applied to the node table */
/* Seeds the draws of the random policies (two-choices); any value. */
void		 balance_seed(struct daemon *, uint32_t);
/*
 * The node for one viewer, or NULL when no node has room.  min_ms > 0
 * (the strict model): samples taken at or after it; 0: the probe pool's
 * reuse rules (probe_sample_ok).
 */
struct node	*balance_pick(struct daemon *, uint64_t min_ms, uint64_t now);
/* Why it found none: no node up, no sample in time, or every node full. */
const char	*balance_why_none(const struct daemon *, uint64_t min_ms,
		    uint64_t now);

/* listen.c: the listeners' sockets, the admin side's connections */
struct evhttp_bound_socket;
/*
 * A new evhttp on d->base bound to host:port (port 0 picks one), the
 * address really bound written to addr; the caller frees it.  NULL
 * (logged) if it cannot listen.  *sockp, when asked, is the socket.
 */
struct evhttp	*listen_bind(struct daemon *, const char *hostport,
		    char *addr, size_t addrlen,
		    struct evhttp_bound_socket **sockp);
/* Writes "viewer ADDR\nadmin ADDR\n" to path, whole or not at all. */
int		 listen_port_file(const struct daemon *, const char *path);

/*
 * An evhttp listener's connections (the admin side's; vhttp.c tracks the
 * viewers'), from accept to close (libevent 2.1 has no
 * connection cap, its only deadline is per read, and it reads a peer's
 * pipelined bytes into memory without bound while it writes a reply):
 * each connection's request head is due within header_timeout_ms of its
 * opening or of its previous request; beyond cap, the one with the
 * nearest deadline and nothing waiting (busy NULL) is closed; its input
 * stops being read past max_input bytes; and a failing accept() (out of
 * descriptors) pauses the listener instead of spinning.
 */
struct bufferevent;
struct evhttp_connection;
struct listen_conns;
struct listen_conn {
	struct listen_conns	*lc;
	struct bufferevent	*bev;
	struct evhttp_connection *evcon;	/* NULL until adopted */
	uint64_t		 deadline_ms;	/* next request head by then */
	void			*busy;		/* the owner's: a request waits */
	TAILQ_ENTRY(listen_conn) entry;		/* fresh, or live */
	TAILQ_ENTRY(listen_conn) hentry;	/* by evcon, once live */
};
struct listen_conns_cf {
	const char	*what;		/* "viewer", "admin": for the log */
	size_t		 cap;
	unsigned	 header_timeout_ms;
	size_t		 max_input;
	int		 metrics;	/* count closes in the viewer metrics */
	/* The connection is being freed; may be NULL. */
	void		(*close_cb)(struct listen_conn *, void *);
	void		*arg;
};
struct listen_conns *listen_conns_new(struct daemon *, struct evhttp *,
		    struct evhttp_bound_socket *, const struct listen_conns_cf *);
struct listen_conn *listen_conn_find(struct listen_conns *,
		    struct evhttp_connection *);
void		 listen_conn_request(struct listen_conn *);	/* a request came */
size_t		 listen_conns_n(const struct listen_conns *);
size_t		 listen_conns_output(const struct listen_conns *);
void		 listen_conns_set_cap(struct listen_conns *, size_t);
void		 listen_conns_stop(struct listen_conns *);	/* no more accept */
/* After evhttp_free() of its evhttp (which closes the connections). */
void		 listen_conns_free(struct listen_conns *);
/*
 * NULL, or why a request evhttp parsed must get a 400 with Connection:
 * close (not HTTP/1.x, two Content-Length or Host headers).
 */
const char	*listen_request_bad(struct evhttp_request *);

/*
 * A socket bound to host:port (port 0 picks one) and listening, the
 * address really bound written to addr; -1 (logged) if it cannot listen.
 * For a listener that is not an evhttp (vhttp.c's).
 */
evutil_socket_t	 listen_socket(const char *hostport, char *addr,
		    size_t addrlen);

/*
 * vhttp.c: the viewer listener's HTTP/1.1 server, on bufferevents
 * (libevent 2.1's evhttp drops the requests a client pipelined before a
 * half-close, and lets smuggling-prone framing through).  Requests are
 * parsed with hard bounds and handed to request_cb in order; replies go
 * out strictly in request order (a queue per connection), whatever order
 * they are made in.  Every request handed to request_cb gets exactly one
 * vhttp_reply(), or abandon_cb if its connection is freed first (a reset,
 * a timeout, shutdown): after abandon_cb it must not be touched.  After a
 * half-close every request already received is answered, then the
 * connection closes.  Bad framing is answered by vhttp itself (400, 413,
 * 414, 501, 505, with Connection: close) and never reaches request_cb.
 */
#define VHTTP_MAX_URI		8192	/* request target, bytes: else 414 */
#define VHTTP_MAX_FIELDS	16384	/* header section, bytes: else 400 */
#define VHTTP_MAX_NFIELDS	100	/* header lines: else 400 */
#define VHTTP_MAX_PIPELINE	32	/* requests queued per connection */
enum vhttp_method {
	VHTTP_GET = 0, VHTTP_HEAD, VHTTP_POST, VHTTP_PUT, VHTTP_DELETE,
	VHTTP_OPTIONS, VHTTP_TRACE, VHTTP_CONNECT, VHTTP_PATCH,
};
/* One request head, as vhttp_parse_head() reads it: the pure core. */
struct vhttp_head {
	enum vhttp_method method;
	int		 minor;		/* HTTP/1.minor: 0 or 1 */
	size_t		 uri_off, uri_len;	/* in the head's bytes */
	int		 keep_alive;	/* by version and Connection */
	int		 chunked;	/* Transfer-Encoding: chunked */
	int		 expect_continue;	/* Expect: 100-continue */
	uint64_t	 content_length;	/* 0 if none */
	const char	*why;		/* the refusal, for the reply body */
};
/*
 * Parses a whole request head (request line, header lines, the blank
 * line: len bytes, leading blank lines already skipped).  0, or the
 * status to refuse it with (400, 414, 501, 505) and h->why.
 */
int		 vhttp_parse_head(const char *, size_t len, struct vhttp_head *h);
/* A chunk-size line without its line end: 0 and *size, or -1 (400). */
int		 vhttp_parse_chunk_size(const char *, size_t len, uint64_t *size);

struct vhttp;
struct vhttp_req;
struct vhttp_cf {
	const char	*what;		/* "viewer": for the log */
	size_t		 cap;		/* connections; past it the idlest go */
	unsigned	 header_timeout_ms;	/* a request head within it */
	unsigned	 idle_timeout_ms;	/* nothing moves: closed */
	uint64_t	 max_body;	/* request body bytes: else 413 */
	size_t		 max_output;	/* unsent reply bytes: stop reading */
	int		 metrics;	/* count closes and refusals */
	void		(*request_cb)(struct vhttp_req *, void *);
	void		(*abandon_cb)(struct vhttp_req *, void *);
	void		*arg;
};
/* Serves the listening socket fd (vhttp closes it); never NULL. */
struct vhttp	*vhttp_new(struct daemon *, evutil_socket_t fd,
		    const struct vhttp_cf *);
void		 vhttp_set_cap(struct vhttp *, size_t);
void		 vhttp_stop_accepting(struct vhttp *);
size_t		 vhttp_conns(const struct vhttp *);	/* open */
/* Closes every connection: requests not answered get abandon_cb. */
void		 vhttp_free(struct vhttp *);
enum vhttp_method vhttp_req_method(const struct vhttp_req *);
const char	*vhttp_req_uri(const struct vhttp_req *);
/* The client's address, or NULL; a method's name, or NULL. */
const char	*vhttp_req_peer(const struct vhttp_req *);
const char	*vhttp_method_name(enum vhttp_method);
/* The caller's pointer for a request it holds (a parked viewer). */
void		 vhttp_req_set_owner(struct vhttp_req *, void *);
void		*vhttp_req_owner(const struct vhttp_req *);
/* A reply header; Content-Length, Date and Connection are vhttp's. */
void		 vhttp_add_header(struct vhttp_req *, const char *name,
		    const char *value);
/* The one reply; the body (may be NULL) is left out for HEAD. */
void		 vhttp_reply(struct vhttp_req *, int code, const char *reason,
		    const char *body);

/*
 * accesslog.c: access-log, one line per viewer reply (see cimheadd(8)):
 * TIME CLIENT METHOD "TITLE" NODE STATUS LATENCYms "WHY".  Opened (and
 * reopened, for logrotate) by accesslog_open from d->conf->access_log;
 * -1 (errno) leaves the one open before in use.  Lines are buffered and
 * flushed once a loop turn.  Any argument may be NULL ("-").
 */
int		 accesslog_open(struct daemon *);
void		 accesslog_write(struct daemon *, const char *client,
		    const char *method, const char *title, const char *node,
		    int status, uint64_t latency_ms, const char *why);
void		 accesslog_free(struct daemon *);

/* frontend.c: the viewer API */
int		 frontend_start(struct daemon *, const char *listen);
void		 frontend_stop_accepting(struct daemon *);
void		 frontend_reconfigure(struct daemon *);	/* after a reload */
size_t		 frontend_parked(const struct daemon *);
size_t		 frontend_conns(const struct daemon *);	/* open, viewers' */
void		 frontend_free(struct daemon *);

/* admin.c: JSON API, metrics, dashboard, actions */
int		 admin_start(struct daemon *, const char *listen);
int		 admin_host_allowed(const char *names, const char *host);
void		 admin_reconfigure(struct daemon *);
void		 admin_free(struct daemon *);
extern const unsigned char dashboard_html[];
extern const size_t dashboard_html_len;

/* main.c: the one daemon context, which every module is handed */
struct frontend;
struct daemon {
	struct event_base *base;
	struct http_ctx	*http;
	struct conf	*conf;
	struct node	**nodes;
	size_t		 nnodes;

	/* probe.c */
	struct probe_round *round;	/* in flight, or NULL */
	struct event	*idle_ev;
	struct event	*pool_ev;	/* refreshes the budget deferred */
	uint64_t	 last_viewer_ms;
	uint64_t	 nofd_log_ms;	/* last "out of descriptors" line */
	uint64_t	 nofd_unlogged;	/* probes it has not told of yet */
	uint64_t	 answer_ms;	/* a node's last reading; 0: none yet */
	struct event	*ready_ev;	/* keeps answer_ms fresh when idle */

	/* recovery.c */
	enum recovery_mode recovery_mode;

	/* balance.c; probe.c's two-choices draws from rng too */
	uint32_t	 rng;		/* policy_rng state, balance_seed() */
	uint64_t	 rr;		/* round-robin cursor */

	/* frontend.c, admin.c; the addresses listen_bind() bound */
	struct frontend	*fe;
	struct evhttp	*admin;
	struct listen_conns *admin_conns;
	char		 front_addr[128], admin_addr[128];

	struct accesslog *alog;		/* accesslog.c; NULL: none */

	int		 draining;	/* SIGTERM: finish what is parked, exit */
	void		 (*drained_cb)(struct daemon *);

	struct metrics	 metrics;
	struct events	*events;	/* events.c; NULL: the log only */
	struct decisions *decisions;	/* decisions.c; NULL: not kept */
};

/* sdnotify.c (only with libsystemd) */
#ifdef HAVE_SYSTEMD
void		 sdnotify_ready(void);
void		 sdnotify_reloading(void);
void		 sdnotify_stopping(void);
unsigned	 sdnotify_watchdog_ms(void);	/* 0: no watchdog */
void		 sdnotify_watchdog(void);
#else
#define sdnotify_ready()	do { } while (0)
#define sdnotify_reloading()	do { } while (0)
#define sdnotify_stopping()	do { } while (0)
#define sdnotify_watchdog_ms()	0u
#define sdnotify_watchdog()	do { } while (0)
#endif

#endif /* CIMHEADD_H */
