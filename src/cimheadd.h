/*
 * cimheadd.h: the daemon's private header, sectioned by file like
 * cimhead.h (which it extends): the node table, probe rounds, recovery,
 * the viewer and admin listeners, and the one daemon context.  Only
 * cimheadd's own files include it.
 */
#ifndef CIMHEADD_H
#define CIMHEADD_H

#include "cimhead.h"

struct event;
struct evhttp;
struct evhttp_request;

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
const char	*node_state_name(enum node_state);
const char	*node_proc_name(enum node_proc);

#define NODE_HISTORY	60
struct node_sample {
	uint64_t	 mono_ms;
	uint64_t	 wall_ms;
	double		 cpu, mem, net;		/* < 0: unknown */
};

struct daemon;
struct node_probe;
struct recovery_op;
struct node {
	struct daemon	*d;
	char		 name[CONF_NAME_MAX];
	const struct conf_node *cf;	/* in d->conf; replaced on reload */
	struct wbem_target target;
	char		 host[256];	/* {host} of the stream URL */

	enum node_state	 state;
	enum node_proc	 proc;
	unsigned	 fails;		/* consecutive failed probes */
	char		 last_error[256];	/* "" when none */

	int		 has_sample;
	struct node_sample sample;
	struct node_sample history[NODE_HISTORY];
	size_t		 nhistory, history_next;
	int		 has_prev_cpu, has_prev_net;
	struct profile_cpu_raw prev_cpu;
	struct profile_net_raw prev_net;
	uint64_t	 total_mem;	/* cached per node session; 0: unknown */

	uint64_t	 pending;	/* dispatched since the sample */
	uint64_t	 streams;	/* dispatched in total */

	struct node_probe *probe;	/* in flight, or NULL */
	unsigned	 inflight;	/* wbem calls to this node */
	struct event	*recheck_ev;	/* down node re-check, backoff */
	unsigned	 recheck_ms;

	/* recovery.c */
	struct recovery_op *restart_op;	/* in flight, or NULL */
	uint64_t	 restart_at[64];	/* mono ms of recent restarts */
	size_t		 nrestart_at;
	uint64_t	 restarts;	/* attempts in total */
	uint64_t	 next_restart_ms;	/* backoff: not before */
	unsigned	 restart_attempt;	/* since the last success */
	int		 gave_up;	/* restart limit reached */
	struct event	*verify_ev;

	/* metrics */
	uint64_t	 m_dispatch;
	uint64_t	 m_queries_ok, m_queries_err;
	uint64_t	 m_probe_err[WBEM_E_USAGE + 1];	/* by wbem_errkind */
	enum wbem_errkind last_error_kind;	/* of the last failed probe */
	int		 last_error_code;	/* its CIM or HTTP status; 0 */
	uint64_t	 m_restart_fail;	/* restarts that failed */
	uint64_t	 m_discont;	/* raw deltas refused (wrap, clock step) */
};
struct node	*node_new(struct daemon *, const struct conf_node *);
void		 node_free(struct node *);
void		 node_configure(struct node *, const struct conf_node *);
struct node	*node_find(struct daemon *, const char *);
void		 node_set_state(struct node *, enum node_state, const char *why);
void		 node_set_error(struct node *, const char *fmt, ...)
		    PRINTFLIKE(2, 3);
/* A probe's reading arrived: compute the sample, track the process. */
void		 node_apply(struct node *, const struct profile_reading *,
		    uint64_t now);
/* A probe failed as a whole (unreachable, timeout, garbage). */
void		 node_fail(struct node *, const struct wbem_error *);
/* Admin / the policy view of a node. */
int		 node_serving(const struct node *);
void		 node_cand(const struct node *, struct policy_cand *);
void		 node_dispatched(struct node *);
/* Nodes a viewer round should probe (not down, not disabled). */
int		 node_probeable(const struct node *);

/* probe.c: probe rounds shared by every viewer that arrives meanwhile */
struct probe_waiter;
typedef void (*probe_done_cb)(struct probe_waiter *, uint64_t min_ms);
struct probe_waiter {
	probe_done_cb	 cb;
	void		*arg;
	int		 queued;
	struct probe_waiter *next, *prev;
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
void		 probe_idle_arm(struct daemon *);
void		 probe_viewer_seen(struct daemon *);
void		 probe_shutdown(struct daemon *);

/* recovery.c: restart a dead streaming process */
/* The process is missing in a fresh reading: decide and maybe restart. */
void		 recovery_process_missing(struct node *, uint64_t now);
void		 recovery_process_running(struct node *, uint64_t now);
int		 recovery_restart_now(struct node *, char *why, size_t);
void		 recovery_cancel(struct node *);

/* frontend.c: the viewer API */
int		 frontend_start(struct daemon *, const char *listen);
void		 frontend_stop_accepting(struct daemon *);
size_t		 frontend_parked(const struct daemon *);
size_t		 frontend_conns(const struct daemon *);	/* open, viewers' */
void		 frontend_free(struct daemon *);

/* admin.c: JSON API, metrics, dashboard, actions */
int		 admin_start(struct daemon *, const char *listen);
void		 admin_free(struct daemon *);
extern const unsigned char dashboard_html[];
extern const size_t dashboard_html_len;

/* main.c: the one daemon context */
#define LAT_BUCKETS	11
struct daemon {
	struct event_base *base;
	struct http_ctx	*http;
	struct conf	*conf;
	struct node	**nodes;
	size_t		 nnodes;

	/* probe.c */
	struct probe_round *round;	/* in flight, or NULL */
	struct event	*idle_ev;
	uint64_t	 last_viewer_ms;
	uint32_t	 rng;		/* policy_rng state */
	uint64_t	 rr;		/* round-robin cursor */

	/* frontend.c, admin.c */
	struct evhttp	*front;
	void		*front_sock;	/* struct evhttp_bound_socket */
	struct frontend_park *parked;
	size_t		 nparked;
	struct frontend_conns *fc;	/* every viewer connection */
	struct evhttp	*admin;
	char		 front_addr[128], admin_addr[128];

	int		 draining;	/* SIGTERM: finish what is parked, exit */
	void		 (*drained_cb)(struct daemon *);

	/* metrics */
	uint64_t	 m_rounds, m_503, m_400, m_404, m_405, m_302;
	uint64_t	 m_restarts, m_queries;
	uint64_t	 m_conn_timeout, m_conn_limit;	/* viewer conns closed */
	uint64_t	 m_lat[LAT_BUCKETS];	/* query latency histogram */
	uint64_t	 m_lat_count;
	double		 m_lat_sum;
};
extern const unsigned	 lat_bounds_ms[LAT_BUCKETS - 1];
/* Binds host:port (port 0 picks one); the real address goes to addr. */
int		 daemon_bind(struct daemon *, struct evhttp *, const char *hostport,
		    char *addr, size_t addrlen, void **sockp);
void		 daemon_observe_latency(struct daemon *, uint64_t ms);
/* The policy choice for one viewer: node or NULL; min_ms as for policy. */
struct node	*daemon_pick(struct daemon *, uint64_t min_ms);

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
