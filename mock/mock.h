/*
 * mock.h: the private header of cimmockd, sectioned by the file that owns
 * each declaration.  The value model is cimhead.h's enum cim_type and
 * struct cim_value; the mock keeps its own small helpers for them so it
 * builds on the shared header alone.
 */
#ifndef MOCK_H
#define MOCK_H

#include "cimhead_server.h"

struct bufferevent;
struct evbuffer;

/* ---- mof.c: a MOF subset reader (classes, properties, methods) --------- */
struct mof_qual {
	char		*name;
	enum cim_type	 type;		/* BOOLEAN or STRING (numbers as STRING) */
	char		*value;		/* "TRUE"/"FALSE" for booleans */
};
struct mof_prop {			/* also a method parameter */
	char		*name;
	enum cim_type	 type;
	int		 is_array;
	char		*refclass;	/* REFERENCE only */
	size_t		 nquals;
	struct mof_qual	*quals;
};
struct mof_method {
	char		*name;
	enum cim_type	 type;
	size_t		 nquals;
	struct mof_qual	*quals;
	size_t		 nparams;
	struct mof_prop	*params;
};
struct mof_class {
	char		*name;
	char		*super;
	size_t		 nquals;
	struct mof_qual	*quals;
	size_t		 nprops;
	struct mof_prop	*props;
	size_t		 nmethods;
	struct mof_method *methods;
};
struct mof_schema {
	size_t		 nclasses;
	struct mof_class *classes;
};
/* Adds the classes in text to s; -1 with "file:line: message" in err. */
int	 mof_parse(struct mof_schema *s, const char *text, size_t len,
	    const char *fname, char *err, size_t errlen);
int	 mof_load_file(struct mof_schema *, const char *path, char *err,
	    size_t errlen);
void	 mof_schema_clear(struct mof_schema *);
const struct mof_class *mof_class_find(const struct mof_schema *, const char *);
const struct mof_prop *mof_prop_find(const struct mof_class *, const char *);
const struct mof_method *mof_method_find(const struct mof_class *,
	    const char *);
const struct mof_qual *mof_qual_find(const struct mof_qual *, size_t,
	    const char *);
int	 mof_qual_true(const struct mof_qual *, size_t, const char *);
int	 mof_prop_is_key(const struct mof_prop *);

/* ---- wql.c: WQL parser and evaluator; pure ------------------------------ */
enum wql_dialect {
	WQL_PEGASUS = 0,	/* only "double-quoted" string literals */
	WQL_WINDOWS,		/* 'single' and "double" quotes */
};
const char *wql_dialect_name(enum wql_dialect);
int	 wql_dialect_parse(const char *, enum wql_dialect *);
struct wql_query;
struct wql_query *wql_parse(const char *text, enum wql_dialect, char *err,
	    size_t errlen);
void	 wql_free(struct wql_query *);
const char *wql_class(const struct wql_query *);
size_t	 wql_nselect(const struct wql_query *);		/* 0: SELECT * */
const char *wql_select(const struct wql_query *, size_t);
/* Every property name the query mentions (select list and WHERE). */
size_t	 wql_nrefs(const struct wql_query *);
const char *wql_ref(const struct wql_query *, size_t);
/*
 * Looks a property up for the evaluator: 0 and *v set (v->is_null for
 * NULL), -1 when the instance has no such property.
 */
typedef int (*wql_lookup_fn)(const char *name, const struct cim_value **v,
	    void *arg);
int	 wql_match(const struct wql_query *, wql_lookup_fn, void *arg);

/* ---- store.c: the class store and instances of one node ----------------- */
struct mock_inst {
	const struct mof_class *cls;
	size_t		 nprops;
	struct cim_property *props;	/* in class order */
	unsigned char	*absent;	/* NULL, or 1 where a pinned instance
					   has no such property at all */
};
struct mock_inst *inst_new(const struct mof_class *);
void	 inst_free(struct mock_inst *);
struct mock_inst *inst_dup(const struct mock_inst *);
/* Sets a property by (case-insensitive) name; -1 when the class lacks it. */
int	 inst_set(struct mock_inst *, const char *name, const char *text);
int	 inst_setf(struct mock_inst *, const char *name, const char *fmt, ...)
	    PRINTFLIKE(3, 4);
const struct cim_value *inst_get(const struct mock_inst *, const char *name);
void	 mval_set(struct cim_value *, enum cim_type, const char *text);
void	 mval_clear(struct cim_value *);
void	 mval_copy(struct cim_value *, const struct cim_value *);

struct inst_list {
	size_t		 n;
	struct mock_inst **v;
};
void	 inst_list_add(struct inst_list *, struct mock_inst *);	/* takes it */
void	 inst_list_clear(struct inst_list *);
/* The instance's path (its keys) in ns; caller frees. */
struct cim_path *inst_path(const struct mock_inst *, const char *ns);
/* Do two paths name the same instance (class and keys; ns/host ignored)? */
int	 inst_path_same(const struct cim_path *, const struct cim_path *);
/* Does hay contain needle, ASCII case-insensitively? */
int	 str_icontains(const char *hay, const char *needle);

/*
 * The repository's changes over the schema (CreateClass, ModifyClass,
 * SetQualifier), kept in memory: each class or qualifier declaration as
 * the client sent it.
 */
struct mock_obj {
	char		*name;
	char		*super;		/* classes: NULL at the top */
	char		*xml;		/* the CLASS or QUALIFIER.DECLARATION */
};
struct mock_objs {
	size_t		 n;
	struct mock_obj	*v;
};
/* The one named so (case-insensitive), or NULL. */
struct mock_obj *objs_find(const struct mock_objs *, const char *name);
/* Adds, or replaces the one of that name (copies its arguments). */
void	 objs_put(struct mock_objs *, const char *name, const char *super,
	    const char *xml);
int	 objs_del(struct mock_objs *, const char *name);	/* -1: none */
void	 objs_clear(struct mock_objs *);

/* ---- load.c: the load model; pure (now is a parameter) ------------------- */
struct load_conf {
	unsigned	 ncpu;
	double		 base_cpu;	/* percent busy with no stream */
	double		 stream_cpu;	/* percent busy per active stream */
	uint64_t	 mem_total;	/* bytes */
	uint64_t	 mem_base_used;
	uint64_t	 stream_mem;	/* bytes per active stream */
	uint64_t	 bandwidth;	/* bits/s of the node's interface */
	uint64_t	 background_bps;	/* bytes/s besides the streams */
	unsigned	 extra_streams;	/* simulated viewers (no bytes) */
};
/* the default clock interrupt, 15.625 ms, in 100 ns units */
#define LOAD_TICK_100NS	156250ULL
/* Formatted values as last cooked: constant between two seconds. */
struct load_fmt {
	double		 sent_ps, recv_ps;	/* bytes/s */
	double		 cpu_pct;	/* busy percent */
	unsigned	 sessions;	/* streams served (+ extra_streams) */
	uint64_t	 avail;		/* available memory, bytes */
};
struct load_state {
	uint64_t	 last_ms;	/* monotonic time of the last advance */
	uint64_t	 start_ms;	/* monotonic time of load_init */
	uint64_t	 wall_base;	/* Sys100NS at monotonic 0, whole ticks */
	uint64_t	 idle_100ns;	/* exact idle time of one CPU */
	uint64_t	 busy_100ns;
	uint64_t	 tick_100ns;	/* the last clock interrupt (monotonic) */
	uint64_t	 tick_idle;	/* the idle counter as of that tick */
	uint64_t	 bytes_sent;	/* all bytes sent (streams + background) */
	uint64_t	 bytes_recv;
	uint64_t	 stream_bytes;	/* of which the streams */
	double		 bg_frac;	/* carried fraction of a background byte */
	double		 cpu_pct;	/* the model's busy percent now */
	/* raw counters at the last second boundary, for the next cooking */
	uint64_t	 sec_ms, sec_sent, sec_recv, sec_idle;
	struct load_fmt	 fmt;
};
/* c gives the formatted values shown before the first whole second. */
void	 load_init(struct load_state *, const struct load_conf *c,
	    uint64_t now_ms, uint64_t wall_ms);
/*
 * Integrates CPU and background traffic up to now with `streams` active
 * since the last advance (so advance before the count changes), and cooks
 * the formatted values at each second crossed.
 */
void	 load_advance(struct load_state *, const struct load_conf *,
	    unsigned streams, uint64_t now_ms);
void	 load_add_sent(struct load_state *, uint64_t bytes);
double	 load_busy_pct(const struct load_conf *, unsigned streams);
uint64_t load_avail_bytes(const struct load_conf *, unsigned streams);
/* The session counter: the streams served plus the simulated viewers. */
unsigned load_sessions(const struct load_conf *, unsigned streams);
/* Raw PercentProcessorTime (each CPU) and Timestamp_Sys100NS, per tick. */
uint64_t load_raw_idle(const struct load_state *);
uint64_t load_raw_sys100ns(const struct load_state *);
/* Timestamp_PerfTime: QueryPerformanceCounter at 10 MHz since boot. */
#define LOAD_QPC_FREQ	10000000ULL
uint64_t load_qpc(const struct load_state *);
const struct load_fmt *load_formatted(const struct load_state *);
/* Windows FILETIME-like 100 ns ticks since 1601 for a wall time in ms. */
uint64_t load_sys100ns(uint64_t wall_ms);

/* ---- httpd.c: a small HTTP/1.1 server on bufferevents ------------------- */
#define HTTPD_MAX_HEAD		(32u * 1024)
#define HTTPD_MAX_HEADERS	64
#define HTTPD_MAX_BODY		(8u * 1024 * 1024)
struct httpd;
struct httpd_conn;
struct httpd_req {
	struct httpd_conn *conn;
	char		 method[16];
	char		 uri[1024];
	int		 minor;		/* HTTP/1.minor */
	size_t		 nheaders;
	struct http_header headers[HTTPD_MAX_HEADERS];
	char		*body;		/* NUL-terminated */
	size_t		 body_len;
	int		 keepalive;	/* what the request allows */
};
/*
 * Called once per complete request.  The handler answers, now or later,
 * with httpd_send + httpd_done (or httpd_abort), exactly once.  A head
 * that breaks the caps gets a 400 from httpd itself.
 */
typedef void (*httpd_request_cb)(struct httpd_req *, void *arg);
struct httpd *httpd_new(struct event_base *, const char *addr, int port,
	    httpd_request_cb, void *arg);
void	 httpd_free(struct httpd *);	/* closes every connection */
int	 httpd_port(const struct httpd *);
/* Stops listening and resets every connection; off: listens again. */
void	 httpd_set_refuse(struct httpd *, int on);
const char *httpd_header(const struct httpd_req *, const char *name);
void	 httpd_send(struct httpd_req *, const void *, size_t);
void	 httpd_sendf(struct httpd_req *, const char *fmt, ...) PRINTFLIKE(2, 3);
/* Finished: keep the connection for the next request or close after flush. */
void	 httpd_done(struct httpd_req *, int keep);
/* Finished badly: reset (RST) the connection now, unsent bytes dropped. */
void	 httpd_abort(struct httpd_req *);
/* Bytes still queued on the connection (pacing). */
size_t	 httpd_pending(const struct httpd_req *);
/* Bytes of this request's replies handed to the kernel so far. */
size_t	 httpd_sent(const struct httpd_req *);
/* Called when the peer goes away while a handler holds the request. */
typedef void (*httpd_gone_cb)(struct httpd_req *, void *arg);
void	 httpd_on_gone(struct httpd_req *, httpd_gone_cb, void *arg);
/* Called each time the output queue drains (pacing); NULL to stop. */
typedef void (*httpd_drain_cb)(struct httpd_req *, size_t sent, void *arg);
void	 httpd_on_drain(struct httpd_req *, httpd_drain_cb, void *arg);
size_t	 httpd_nconns(const struct httpd *);

/* ---- cimsrv.c: the CIM-XML operation server as OpenPegasus answers ------ */
struct mnode;
/* Handles one request on the cimom port; replies through httpd. */
void	 cimsrv_handle(struct mnode *, struct httpd_req *);
void	 cimsrv_node_gone(struct mnode *);	/* drops its pull contexts */

/* ---- wssrv.c: the WS-Management server (/wsman) as WinRM answers ------- */
struct fault;
/* One /wsman exchange, fault-free or with f's reply-changing kinds. */
void	 wssrv_reply(struct mnode *, const struct httpd_req *, struct buf *out,
	    int *keep, const struct fault *f);
void	 wssrv_401(struct buf *);
void	 wssrv_node_gone(struct mnode *);	/* drops its contexts */

/* ---- mnode.c: one virtual node ------------------------------------------ */
enum fault_kind {
	FAULT_NONE = 0,
	FAULT_HANG,
	FAULT_REFUSE,
	FAULT_RESET,
	FAULT_GARBAGE,
	FAULT_TRUNCATE,
	FAULT_OVERSIZE,
	FAULT_HTTP401,
	FAULT_HTTP500,
	FAULT_CIMERROR,
	FAULT_DRIP,
	FAULT_CTYPE,		/* a good reply served as text/html */
	FAULT_FLAP,		/* the stream process dies after each start */
	FAULT_CREATEFAIL,	/* Create/StartService fail (or never start) */
	FAULT_CLOCKJUMP,	/* perf timestamps offset by jump_ms */
	FAULT_WRAP,		/* raw counters restart from zero */
};
const char *fault_kind_name(enum fault_kind);
int	 fault_kind_parse(const char *, enum fault_kind *);
struct fault {
	enum fault_kind	 kind;
	unsigned	 latency_ms;	/* added before any reply */
	unsigned	 code;		/* CIMERROR */
	unsigned	 mbytes;	/* OVERSIZE */
	unsigned	 drip_bytes;	/* DRIP: bytes per interval */
	unsigned	 drip_ms;
	unsigned	 lifetime_ms;	/* FLAP: run time after each start */
	int64_t		 jump_ms;	/* CLOCKJUMP: may be negative */
	char		 text[128];	/* CIMERROR: what follows "CIM_ERR_X: "
					   ("" : "injected fault") */
};

enum proc_mode {
	PROC_MODE_PROCESS = 0,	/* Win32_Process.Create restarts it */
	PROC_MODE_SERVICE,	/* Win32_Service.StartService restarts it */
};
enum proc_state {
	PROC_RUNNING = 0,
	PROC_STOPPED,
	PROC_STARTING,
};
const char *proc_state_name(enum proc_state);

struct proc {
	uint32_t	 pid;
	char		*name;
	char		*cmdline;	/* NULL: NULL property */
	char		*path;
};

/* A scenario's Win32_Process.Create answer for a program (create_rc). */
struct create_rc {
	char		*program;	/* a path; "PREFIX*" a prefix, "*" any */
	uint32_t	 rc;		/* 0: the program starts */
};

struct mnode_conf {
	char		 name[64];
	char		 host[64];	/* <HOST> in paths, realm of 401 */
	char		 addr[64];
	int		 port;
	uint64_t	 bitrate;	/* bits/s of one stream */
	uint64_t	 title_bytes;	/* size of every title */
	struct load_conf load;
	char		 cpu_model[128];
	char		 netif[128];
	enum wql_dialect dialect;
	char		*user;		/* NULL: no auth */
	char		*password;
	enum proc_mode	 mode;
	char		 stream_proc[64];	/* "vodstream.exe" */
	char		*stream_cmdline;	/* what Create accepts */
	char		*stream_path;
	char		 service[64];		/* Win32_Service name */
	uint32_t	 stream_pid;
	unsigned	 start_delay_ms;
	int		 list_starting; /* Win32_Process lists the server from
					   the moment Create starts it, as
					   Windows does (default: once up) */
	size_t		 nprocs;
	struct proc	*procs;		/* besides the streaming server */
	struct inst_list pinned;	/* static instances from the scenario */
	size_t		 ncreate_rc;
	struct create_rc *create_rc;
	int		 no_model;	/* "model": false: only pinned and
					   created instances, as a bare CIMOM */
	struct fault	 fault;
	unsigned	 wsman_quota;	/* open enumerations per user */
	unsigned	 wsman_ctx_ttl_ms;	/* idle enumeration lifetime */
	int		 wsman_deny;	/* the account lacks WinRM rights */
};
void	 mnode_conf_init(struct mnode_conf *, const char *name);
void	 mnode_conf_clear(struct mnode_conf *);
void	 mnode_conf_copy(struct mnode_conf *, const struct mnode_conf *);

struct mnode *mnode_new(struct event_base *, const struct mof_schema *,
	    const struct mnode_conf *, char *err, size_t errlen);
void	 mnode_free(struct mnode *);
const char *mnode_name(const struct mnode *);
int	 mnode_port(const struct mnode *);
const struct mnode_conf *mnode_conf(const struct mnode *);
/*
 * Turns on signed stream URLs for every node: /vod/ then needs
 * ?e=<expires>&t=<hex HMAC-SHA256(secret, "<expires>:<path>")>, as
 * cimheadd signs them; a missing, wrong or expired token is a 403.
 */
void		 mnode_token_secret(const unsigned char *, size_t);
const struct mof_schema *mnode_schema(const struct mnode *);
/* The instances of a class as the node sees them now (caller clears). */
int	 mnode_instances(struct mnode *, const struct mof_class *,
	    struct inst_list *);
struct event_base *mnode_base(const struct mnode *);
/*
 * What CreateInstance added and the scenario pinned: the instances the
 * CIM-XML edits (Create/Modify/DeleteInstance, SetProperty) change.
 * Owned by the node.
 */
struct inst_list *mnode_created(struct mnode *);
struct inst_list *mnode_pinned(struct mnode *);
/* The classes and qualifier declarations clients added; owned by the node. */
struct mock_objs *mnode_classes(struct mnode *);
struct mock_objs *mnode_qualdecls(struct mnode *);
int	 mnode_kill(struct mnode *);		/* -1: not running */
/* Win32_Process.Create: the Windows return code; *pid when 0. */
uint32_t mnode_create(struct mnode *, const char *cmdline, uint32_t *pid);
/* Win32_Service.StartService: return code, -1 when no such service. */
int	 mnode_start_service(struct mnode *, const char *name);
/* Starts the stream process; returns the pid (0 when already pending). */
uint32_t mnode_start(struct mnode *, unsigned delay_ms);
enum proc_state mnode_proc_state(const struct mnode *);
uint32_t mnode_proc_pid(const struct mnode *);
uint64_t mnode_creates(const struct mnode *);	/* Win32_Process.Create calls */
void	 mnode_set_fault(struct mnode *, const struct fault *);
void	 mnode_clear_fault(struct mnode *);
const struct fault *mnode_fault(const struct mnode *);
void	 mnode_set_load(struct mnode *, const uint64_t *background_bps,
	    const double *base_cpu, const unsigned *extra_streams);
unsigned mnode_streams(const struct mnode *);
/* Fills a JSON-ready snapshot of counters. */
struct mnode_stats {
	unsigned	 streams;
	unsigned	 sessions;	/* the session counter, raw */
	uint64_t	 bytes_sent, stream_bytes;
	double		 sent_ps, cpu_pct;
	uint64_t	 avail_bytes;
	uint64_t	 idle_100ns, sys100ns;
	uint64_t	 requests;
};
void	 mnode_stats(struct mnode *, struct mnode_stats *);
struct load_state *mnode_load(struct mnode *);
void	 mnode_count_request(struct mnode *);

/* ---- mctl.c: the control API (HTTP + JSON) ------------------------------ */
struct mctl;
struct mctl *mctl_new(struct event_base *, const char *addr, int port,
	    struct mnode **, size_t nnodes);
void	 mctl_free(struct mctl *);
int	 mctl_port(const struct mctl *);
/* Applies a JSON fault object to f; -1 with a message on error. */
struct json_t;
int	 mctl_fault_from_json(struct json_t *, struct fault *, char *, size_t);

/* ---- scenario.c: the scenario file --------------------------------------- */
struct scenario {
	size_t		 nnodes;
	struct mnode_conf *nodes;
};
/* Reads a scenario; schema gets any extra MOF it names. */
int	 scenario_load(const char *path, struct mof_schema *,
	    struct scenario *, char *err, size_t errlen);
/* n default nodes NODE01.. on consecutive ports from port (0: ephemeral) */
void	 scenario_default(struct scenario *, const struct mof_schema *,
	    size_t n, const char *addr, int port);
void	 scenario_clear(struct scenario *);

#endif /* MOCK_H */
