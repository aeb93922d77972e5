/*
 * cimhead.h: the header of libcimhead, the WBEM client library under
 * lib/: buffers, logging, the value model, errors and results (result.h),
 * the client halves of the two codecs, HTTP and the protocol-neutral
 * operations.  It declares the library only; the daemon extends it in
 * daemon/cimheadd.h, and the codecs' server halves, which only the mock
 * links, are in cimhead_server.h.  It is sectioned by the file that owns
 * each declaration, so any call leads to its owner.  Structs used by one
 * file only are defined there and stay opaque here.
 *
 * Ownership: whoever allocates frees; every *_new has a *_free that accepts
 * NULL.  Any other ownership rule is written next to the prototype.
 */
#ifndef CIMHEAD_H
#define CIMHEAD_H

#include <stddef.h>
#include <stdint.h>
#include <stdarg.h>
#include <sys/types.h>

#include "compat.h"

#ifndef __dead
#define __dead __attribute__((__noreturn__))
#endif
#define PRINTFLIKE(f, a) __attribute__((__format__(COMPAT_PRINTF, f, a)))

#define nitems(a) (sizeof(a) / sizeof((a)[0]))

/* ---- compat/ (and compat/compat.h) ---------------------------------- */
#ifndef HAVE_STRLCPY
size_t	strlcpy(char *, const char *, size_t);
#endif
#ifndef HAVE_STRLCAT
size_t	strlcat(char *, const char *, size_t);
#endif

/* ---- buf.c: growable byte buffers with a cap -------------------------- */
struct buf {
	char	*data;		/* always NUL-terminated when non-NULL */
	size_t	 len;
	size_t	 size;
	size_t	 cap;		/* 0: no cap; else appends past cap fail */
};
void	 buf_init(struct buf *, size_t cap);
void	 buf_reset(struct buf *);		/* len = 0, keeps memory */
void	 buf_release(struct buf *);		/* frees data */
int	 buf_add(struct buf *, const void *, size_t);	/* -1: over cap */
int	 buf_reserve(struct buf *, size_t);	/* room for n more; -1: cap */
int	 buf_puts(struct buf *, const char *);
int	 buf_add_u64(struct buf *, uint64_t);	/* decimal, no printf */
int	 buf_printf(struct buf *, const char *, ...) PRINTFLIKE(2, 3);
int	 buf_xml_escape(struct buf *, const char *);	/* &<>"' escaped */
char	*buf_steal(struct buf *, size_t *lenp);	/* caller frees */

/* small helpers */
void	*xmalloc(size_t);		/* fatal() on OOM */
void	*xcalloc(size_t, size_t);
void	*xreallocarray(void *, size_t, size_t);
char	*xstrdup(const char *);
char	*xstrndup(const char *, size_t);
int	 parse_u64(const char *, uint64_t *);	/* whole string, decimal */
int	 parse_i64(const char *, int64_t *);
int	 parse_long_range(const char *, long, long, long *);
int	 str_casecmp_ascii(const char *, const char *);
uint64_t mono_ms(void);			/* monotonic clock, ms (compat/) */
uint64_t wall_ms(void);			/* realtime clock, ms (compat/) */
int	 uri_unescape(const char *in, char *out, size_t outlen); /* %XX */
/*
 * "host:port" or "[v6]:port" -> host (brackets removed) and a numeric port
 * in minport..65535.  -1 when malformed or the host does not fit.
 */
int	 hostport_split(const char *, char *host, size_t hostlen,
	    long minport, unsigned *port);
struct timeval;
void	 ms_to_tv(uint64_t ms, struct timeval *);	/* for libevent timers */

/* ---- secret.c: secret files, one rule for every program ---------------- */
/*
 * Reads path whole into *out (allocated, NUL-terminated, length *lenp;
 * the caller wipes and frees it, secret_free for a string).  Only a
 * regular file no one but its owner (and the group, for reading) can
 * reach, at most max bytes: see secret.c for the rule.  Returns 0 when
 * read, 1 when read with a warning in why (readable by the group), -1
 * when refused or unreadable, why saying so without the path.  Never
 * blocks on a FIFO or device.
 */
#define SECRET_MAX	4096	/* every program's bound: keys, tokens, passwords */
int	 secret_read(const char *path, size_t max, char **out, size_t *lenp,
	    char *why, size_t whylen);
void	 secret_wipe(void *, size_t);	/* a zeroing the compiler keeps */
void	 secret_free(char *);		/* wipes the string, frees it */

/* ---- log.c ------------------------------------------------------------ */
enum log_level {
	LOG_LVL_ERR = 0,
	LOG_LVL_WARN,
	LOG_LVL_INFO,
	LOG_LVL_DEBUG,
};
/*
 * Time stamps on stderr: auto puts them on unless stderr is journald's
 * stream (which stamps each line itself); a log file always has them,
 * the system log never.
 */
enum log_stamp {
	LOG_STAMP_AUTO = 0,
	LOG_STAMP_ON,
	LOG_STAMP_OFF,
};
void	 log_init(const char *progname, enum log_level, int use_syslog);
void	 log_set_stamp(enum log_stamp);
int	 log_stamp_parse(const char *, enum log_stamp *);	/* auto|on|off */
/* "2026-12-07T04:17:13.123Z" (UTC, ms) into out; its length, or 0. */
size_t	 log_time(uint64_t wall_ms, char *out, size_t outlen);
int	 log_open_file(const char *);	/* -1: errno; then all goes there */
void	 log_set_level(enum log_level);
enum log_level log_get_level(void);
void	 log_err(const char *, ...) PRINTFLIKE(1, 2);
void	 log_warn(const char *, ...) PRINTFLIKE(1, 2);
void	 log_info(const char *, ...) PRINTFLIKE(1, 2);
void	 log_debug(const char *, ...) PRINTFLIKE(1, 2);
void	 log_vmsg(enum log_level, const char *, va_list) PRINTFLIKE(2, 0);
__dead void fatal(const char *, ...) PRINTFLIKE(1, 2);

/* ---- cim.c: the value model both codecs produce ------------------------ */
enum cim_type {
	CIM_T_NONE = 0,		/* unknown / not given (e.g. PARAMVALUE w/o PARAMTYPE) */
	CIM_T_STRING,
	CIM_T_BOOLEAN,
	CIM_T_CHAR16,
	CIM_T_UINT8,
	CIM_T_SINT8,
	CIM_T_UINT16,
	CIM_T_SINT16,
	CIM_T_UINT32,
	CIM_T_SINT32,
	CIM_T_UINT64,
	CIM_T_SINT64,
	CIM_T_REAL32,
	CIM_T_REAL64,
	CIM_T_DATETIME,
	CIM_T_REFERENCE,
	CIM_T_OBJECT,		/* embedded object / instance, kept as text */
};
const char	*cim_type_name(enum cim_type);		/* "uint64" ... */
int		 cim_type_parse(const char *, enum cim_type *);	/* -1 unknown */
int		 cim_type_is_integer(enum cim_type);
int		 cim_type_is_signed(enum cim_type);
int		 cim_type_is_real(enum cim_type);
/* Checks that text is a valid literal of the type (range for integers). */
int		 cim_value_check(enum cim_type, const char *text);

/*
 * A value: always the exact text from the wire, so numbers never lose
 * precision.  Scalars have nvals == 1 (or 0 when NULL), arrays any count.
 */
struct cim_value {
	enum cim_type	 type;
	int		 is_array;
	int		 is_null;
	int		 embedded;	/* EmbeddedObject / EmbeddedInstance */
	size_t		 nvals;
	char		**vals;
	/*
	 * cim.c's and the decoders' business, 0 unless a decoder set it:
	 * the property's name and text share one allocation with vals.
	 * Never free() such a value's parts: cim_property_clear the
	 * property (cim_value_clear alone would free the name too).
	 */
	int		 packed;
};

struct cim_property {
	char		*name;
	struct cim_value v;
};

struct cim_keybinding {
	char		*name;
	enum cim_type	 type;		/* STRING, BOOLEAN, numeric: UINT64/SINT64/REAL64 */
	char		*value;		/* in name's allocation */
};

struct cim_path {
	char		*host;		/* NULL for local paths */
	char		*ns;		/* "root/cimv2"; NULL when not given */
	char		*classname;
	size_t		 nkeys;
	struct cim_keybinding *keys;
};

struct cim_instance {
	char		*classname;	/* in the instance's allocation */
	struct cim_path	*path;		/* NULL when the reply has none */
	size_t		 nprops;
	struct cim_property *props;
};

struct cim_method_result {
	struct cim_value ret;		/* RETURNVALUE */
	size_t		 nout;
	struct cim_property *out;	/* out PARAMVALUEs */
};

/* constructors/destructors; all *_free accept NULL */
struct cim_instance	*cim_instance_new(const char *classname);
void			 cim_instance_free(struct cim_instance *);
struct cim_property	*cim_instance_add(struct cim_instance *, const char *name,
			    enum cim_type, const char *text); /* text NULL: NULL value */
const struct cim_property *cim_instance_get(const struct cim_instance *,
			    const char *name);	/* case-insensitive */
const char		*cim_instance_text(const struct cim_instance *,
			    const char *name);	/* scalar text or NULL */
struct cim_path		*cim_path_new(const char *ns, const char *classname);
struct cim_path		*cim_path_dup(const struct cim_path *);
void			 cim_path_free(struct cim_path *);
void			 cim_path_add_key(struct cim_path *, const char *name,
			    enum cim_type, const char *value);
/*
 * [//host/][ns:]Class.k="v",k2=3 into a path from cim_path_new (class
 * replaced, keys appended, host/ns replaced only when the text has them).
 */
int			 cim_path_parse(const char *, struct cim_path *);
/* The same text form back (appends to the buf); -1 over the buf's cap. */
int			 cim_path_format(const struct cim_path *, struct buf *);
/* Type of an unquoted key value: BOOLEAN, UINT64/SINT64/REAL64 or STRING. */
enum cim_type		 cim_key_type_guess(const char *);
void			 cim_value_init(struct cim_value *, enum cim_type);
void			 cim_value_add(struct cim_value *, const char *text);
void			 cim_value_clear(struct cim_value *);
void			 cim_value_copy(struct cim_value *dst, const struct cim_value *);
void			 cim_property_clear(struct cim_property *);
void			 cim_method_result_clear(struct cim_method_result *);

/* DSP0200 status codes */
enum cim_status {
	CIM_ERR_FAILED = 1,
	CIM_ERR_ACCESS_DENIED = 2,
	CIM_ERR_INVALID_NAMESPACE = 3,
	CIM_ERR_INVALID_PARAMETER = 4,
	CIM_ERR_INVALID_CLASS = 5,
	CIM_ERR_NOT_FOUND = 6,
	CIM_ERR_NOT_SUPPORTED = 7,
	CIM_ERR_CLASS_HAS_CHILDREN = 8,
	CIM_ERR_CLASS_HAS_INSTANCES = 9,
	CIM_ERR_INVALID_SUPERCLASS = 10,
	CIM_ERR_ALREADY_EXISTS = 11,
	CIM_ERR_NO_SUCH_PROPERTY = 12,
	CIM_ERR_TYPE_MISMATCH = 13,
	CIM_ERR_QUERY_LANGUAGE_NOT_SUPPORTED = 14,
	CIM_ERR_INVALID_QUERY = 15,
	CIM_ERR_METHOD_NOT_AVAILABLE = 16,
	CIM_ERR_METHOD_NOT_FOUND = 17,
};
const char	*cim_status_name(int code);	/* "CIM_ERR_NOT_FOUND"; "CIM_ERR_UNKNOWN" for unknown codes */

#include "result.h"

/* ---- wbem requests (protocol-neutral; cim.c owns wbem_op_name) -------- */
enum wbem_op {
	WBEM_OP_ENUM = 0,	/* EnumerateInstances */
	WBEM_OP_ENUM_NAMES,	/* EnumerateInstanceNames */
	WBEM_OP_GET,		/* GetInstance (path) */
	WBEM_OP_QUERY,		/* ExecQuery (query, query_lang) */
	WBEM_OP_INVOKE,		/* InvokeMethod on path (keys: instance; none: static) */
	WBEM_OP_GET_CLASS,	/* GetClass (mock and wbemcli use it) */
	/* issue 15: the rest of DSP0200; values above are kept */
	WBEM_OP_CLASSES,	/* EnumerateClasses (classname NULL: top) */
	WBEM_OP_CLASS_NAMES,	/* EnumerateClassNames */
	WBEM_OP_ASSOCIATORS,	/* Associators of path */
	WBEM_OP_ASSOCIATOR_NAMES,
	WBEM_OP_REFERENCES,
	WBEM_OP_REFERENCE_NAMES,
	WBEM_OP_CREATE,		/* CreateInstance (instance) */
	WBEM_OP_MODIFY,		/* ModifyInstance (path + instance) */
	WBEM_OP_DELETE,		/* DeleteInstance (path) */
	WBEM_OP_GET_PROPERTY,	/* GetProperty (path, propname) */
	WBEM_OP_SET_PROPERTY,	/* SetProperty (path, propname, value) */
	WBEM_OP_ENUM_QUALIFIERS,	/* EnumerateQualifiers */
	WBEM_OP_GET_QUALIFIER,	/* GetQualifier (propname: its name) */
	WBEM_OP_OPEN_ENUM,	/* OpenEnumerateInstances */
	WBEM_OP_OPEN_ENUM_PATHS,	/* OpenEnumerateInstancePaths */
	WBEM_OP_OPEN_QUERY,	/* OpenQueryInstances */
	WBEM_OP_OPEN_ASSOCIATORS,	/* OpenAssociatorInstances */
	WBEM_OP_OPEN_ASSOCIATOR_PATHS,
	WBEM_OP_OPEN_REFERENCES,	/* OpenReferenceInstances */
	WBEM_OP_OPEN_REFERENCE_PATHS,
	WBEM_OP_PULL,		/* PullInstancesWithPath (context) */
	WBEM_OP_PULL_PATHS,	/* PullInstancePaths */
	WBEM_OP_PULL_INSTANCES,	/* PullInstances (after OpenQueryInstances) */
	WBEM_OP_CLOSE,		/* CloseEnumeration (context) */
	WBEM_OP_CREATE_CLASS,	/* CreateClass (instance: the class) */
	WBEM_OP_MODIFY_CLASS,	/* ModifyClass (instance: the class) */
	WBEM_OP_DELETE_CLASS,	/* DeleteClass (classname) */
	WBEM_OP_SET_QUALIFIER,	/* SetQualifier (propname, newvalue) */
	WBEM_OP_DELETE_QUALIFIER,	/* DeleteQualifier (propname) */
};
/* The pull operation that continues an Open*, or -1 for other ops. */
int		 wbem_op_pull_of(enum wbem_op);
const char	*wbem_op_name(enum wbem_op);	/* the CIM-XML method name */

struct wbem_request {
	enum wbem_op	 op;
	const char	*ns;		/* "root/cimv2" */
	const char	*classname;	/* ENUM, ENUM_NAMES, GET_CLASS */
	const struct cim_path *path;	/* GET, INVOKE (classname + keys) */
	const char	*query;		/* QUERY */
	const char	*query_lang;	/* QUERY; "WQL" when NULL */
	const char	*method;	/* INVOKE */
	size_t		 nparams;	/* INVOKE in parameters */
	const struct cim_property *params;
	const char * const *proplist;	/* NULL-terminated PropertyList, or NULL */
	int		 deep;		/* DeepInheritance (ENUM); default TRUE in DSP0200;
					   CLASSES, CLASS_NAMES: TRUE sent when > 0;
					   OPEN_ENUM: FALSE sent when 0 */
	int		 local_only;	/* LocalOnly > 0 TRUE, else FALSE (ENUM, GET,
					   GET_CLASS); CLASSES: < 0 FALSE, 0 unsent */
	/* issue 15; DSP0200 names.  NULL/0: not sent */
	const char	*assoc_class;	/* AssocClass */
	const char	*result_class;	/* ResultClass */
	const char	*role;		/* Role */
	const char	*result_role;	/* ResultRole */
	int		 qualifiers;	/* IncludeQualifiers: 1 TRUE, -1 FALSE */
	int		 class_origin;	/* IncludeClassOrigin: 1 TRUE, -1 FALSE */
	const struct cim_instance *instance; /* CREATE, MODIFY: properties;
					   CREATE/MODIFY_CLASS: the class's
					   name and property declarations
					   (type, default; NULL: none) */
	const char	*superclass;	/* CREATE/MODIFY_CLASS; NULL: none */
	const char	*propname;	/* GET/SET_PROPERTY, GET/SET/DELETE_
					   QUALIFIER */
	const struct cim_value *newvalue; /* SET_PROPERTY; SET_QUALIFIER:
					   type and default; NULL: NULL */
	const char	*context;	/* PULL*, CLOSE: EnumerationContext */
	unsigned	 max_object_count; /* Open*, Pull*: MaxObjectCount */
	/* WS-Man: the ResourceURI to address (NULL: by class, see wsman.c) */
	const char	*resource_uri;
	int		 with_epr;	/* ENUM: EnumerateObjectAndEPR */
};

/* ---- xml.c: libxml2 with the safety settings every parser here uses ----- */
#define XML_MAX_BYTES_DEFAULT	(64u * 1024 * 1024)
#define XML_MAX_DEPTH_DEFAULT	64
struct _xmlDoc;
/*
 * Parses untrusted bytes: no network, no entity expansion, no DTD loading,
 * no external subsets; rejects a DOCTYPE with entities; caps size and
 * element depth.  Returns a document the caller frees with xmlFreeDoc, or
 * NULL with err filled (WBEM_E_PROTOCOL; err->code is libxml2's
 * xmlParserErrors code when libxml2 found the error, else 0).
 */
struct _xmlDoc	*xml_parse_safe(const char *, size_t, size_t max_bytes,
		    int max_depth, struct wbem_error *);
void		 xml_global_init(void);	/* once per process, before threads */

/* ---- cimxml.c: CIM-XML codec (DSP0200/DSP0201), client half; pure ----- */
/* %-escapes a header value (CIMObject, PGErrorDetail, trailers) as DSP0200. */
int	cimxml_uri_escape(const char *, struct buf *);
/* Headers a CIM-XML request needs besides the body. */
struct cimxml_hdrs {
	char	cimmethod[128];		/* CIMMethod: */
	char	cimobject[1024];	/* CIMObject: (already %-escaped) */
};
/*
 * Client side.  Appends the request body to body and fills the headers
 * (hdrs may be NULL); on -1 (WBEM_E_USAGE: bad names, a parameter value
 * that does not fit its type, ...) body is left as it was.
 */
int	cimxml_encode_request(const struct wbem_request *, unsigned msgid,
	    struct buf *body, struct cimxml_hdrs *, struct wbem_error *);
/*
 * Decodes a whole reply.  status is the HTTP status; cimerror/pgdetail
 * are the CIMError and PGErrorDetail headers (NULL if absent);
 * trailer_code/desc are the CIMStatusCode/CIMStatusCodeDescription trailers
 * (NULL if absent; desc still URI-escaped).  Returns a result the caller
 * frees with wbem_result_free, or NULL with err filled: WBEM_E_CIM (ERROR
 * element or status trailer), WBEM_E_PROTOCOL (CIMError header: name is
 * the token; not CIM-XML; wrong shape), WBEM_E_AUTH (401/403), WBEM_E_HTTP.
 * Values keep their wire text; numbers and booleans are trimmed and must
 * fit their TYPE.
 */
struct cimxml_reply {
	long		 status;
	const char	*cimerror;
	const char	*pgdetail;
	const char	*trailer_code;
	const char	*trailer_desc;
	const char	*body;
	size_t		 body_len;
	size_t		 max_bytes;	/* 0: XML_MAX_BYTES_DEFAULT */
};
struct wbem_result *cimxml_decode_response(const struct wbem_request *,
	    const struct cimxml_reply *, struct wbem_error *);
/* ---- http.c: libcurl multi on the libevent base ------------------------- */
enum http_auth {
	HTTP_AUTH_ANY = 0,	/* libcurl picks among the schemes below */
	HTTP_AUTH_BASIC,
	HTTP_AUTH_DIGEST,
	HTTP_AUTH_NTLM,
	HTTP_AUTH_NEGOTIATE,
};
int		 http_auth_parse(const char *, enum http_auth *);

#define HTTP_MAX_RESPONSE_DEFAULT	(16u * 1024 * 1024)

struct http_header {
	char	*name;
	char	*value;
};
struct http_response {
	long		 status;
	size_t		 nheaders;
	struct http_header *headers;
	size_t		 ntrailers;
	struct http_header *trailers;
	char		*body;		/* NUL-terminated */
	size_t		 body_len;
	int		 cut_short;	/* we stopped reading (bodiless CIMError reply) */
};
/* case-insensitive; NULL when absent */
const char	*http_response_header(const struct http_response *, const char *);
const char	*http_response_trailer(const struct http_response *, const char *);
/* one header line, name up to the colon, into a response's list */
void		 http_header_push(struct http_header **, size_t *, const char *line,
		    const char *colon, const char *end);

struct http_request {
	const char	*url;
	const char	*content_type;
	const char * const *headers;	/* NULL-terminated "Name: value" */
	const char	*body;
	size_t		 body_len;
	const char	*user;		/* NULL: no auth */
	const char	*password;
	enum http_auth	 auth;
	int		 no_basic;	/* ANY but never Basic (plain http) */
	const char	*cacert;	/* NULL: system trust */
	int		 insecure;	/* turns verification off; explicit only */
	unsigned	 timeout_ms;	/* whole-operation deadline */
	size_t		 max_response;	/* 0: HTTP_MAX_RESPONSE_DEFAULT */
	int		 want_trailers;	/* send TE: trailers */
	int		 verbose;	/* log the exchange, credentials masked */
};
struct http_ctx;
struct http_xfer;
/*
 * Called exactly once per http_post: with resp (and err->kind NONE) when an
 * HTTP response arrived, whatever its status; with resp NULL and err filled
 * on transport failure, timeout, size cap or cancel.  resp is freed after
 * the callback returns.
 */
typedef void (*http_done_cb)(const struct http_response *resp,
		    const struct wbem_error *err, void *arg);
struct http_ctx	*http_ctx_new(struct event_base *);
void		 http_ctx_free(struct http_ctx *);	/* cancels what is in flight */
struct http_xfer *http_post(struct http_ctx *, const struct http_request *,
		    http_done_cb, void *arg);		/* NULL only on OOM/bad args, cb not called */
void		 http_cancel(struct http_xfer *);	/* cb fires with WBEM_E_CANCELLED */
size_t		 http_inflight(const struct http_ctx *);
struct event_base *http_ctx_base(const struct http_ctx *);	/* for deferrals */

/*
 * ---- hclient.c: the lean HTTP/1.1 client under http.c --------------------
 * Plain http to a numeric address, no credentials; http.c falls back to
 * libcurl when hc_start returns NULL.  POSIX only (COMPAT_HCLIENT).
 */
enum hc_fail {
	HC_OK = 0,
	HC_CONNECT,		/* refused, unreachable, connect failed */
	HC_NOFD,		/* socket() found no descriptor */
	HC_SEND,
	HC_RECV,
	HC_NOTHING,		/* closed before a byte of the reply */
	HC_PARTIAL,		/* closed inside the reply */
	HC_BADREPLY,		/* not HTTP/1.x as we accept it */
	HC_TIMEOUT,
	HC_TOOBIG,
};
struct hc_pool;
struct hc_op;
/*
 * Once per hc_start, from the loop: resp non-NULL with HC_OK, else NULL,
 * the kind, the errno behind it (0: none) and a libcurl-like text.  resp
 * and msg are freed after the callback returns.
 */
typedef void (*hc_done_cb)(const struct http_response *resp, enum hc_fail,
		    int sys_errno, const char *msg, void *arg);
struct hc_pool	*hc_pool_new(struct event_base *);
void		 hc_pool_free(struct hc_pool *);	/* closes idle connections */
size_t		 hc_pool_idle(const struct hc_pool *);
size_t		 hc_pool_idle_bytes(const struct hc_pool *);	/* buffers kept */
/* NULL: not a request this client does the way libcurl would (no callback) */
struct hc_op	*hc_start(struct hc_pool *, const struct http_request *,
		    hc_done_cb, void *);
void		 hc_cancel(struct hc_op *);		/* no callback */

/* ---- wbem.c: protocol-neutral operations on a node ---------------------- */
enum wbem_proto {
	WBEM_PROTO_CIMXML = 0,
	WBEM_PROTO_WSMAN,
};
const char	*wbem_proto_name(enum wbem_proto);
int		 wbem_proto_parse(const char *, enum wbem_proto *);

struct wbem_target {
	enum wbem_proto	 proto;
	const char	*url;		/* CIM-XML: http://h:p/cimom; WS-Man: http://h:p/wsman */
	const char	*ns;		/* default namespace, "root/cimv2" */
	const char	*user;
	const char	*password;
	enum http_auth	 auth;
	const char	*cacert;
	int		 insecure;
	unsigned	 timeout_ms;
	size_t		 max_response;	/* one operation's replies, summed */
	size_t		 max_items;	/* 0: WBEM_MAX_ITEMS (pulls: stop, Close) */
	int		 want_trailers;	/* CIM-XML: TE: trailers (default on) */
	int		 verbose;
	/* plain http: WS-Man at all, CIM-XML with credentials (warns) */
	int		 allow_unencrypted;
	unsigned	 max_inflight;	/* WS-Man ops per url+user; 0: 15 */
	unsigned	 max_elements;	/* WS-Man items per Pull; 0: 32 */
	/* WS-Man item property types and WMI-addressed class prefixes;
	 * NULL: wsman_win32_ptypes, wsman_win32_wmi_prefixes */
	const struct wsman_ptype *wsman_ptypes;
	size_t		 wsman_nptypes;
	const char * const *wsman_wmi_prefixes;
};
#define WBEM_WSMAN_MAX_INFLIGHT	15	/* what older WinRM allows per user */
#define WBEM_MAX_ITEMS		100000	/* per operation, by default */
struct wbem_call;
/*
 * Called exactly once per wbem_start: with res non-NULL on success (the
 * callback owns res and frees it with wbem_result_free), or with res NULL
 * and err filled.
 */
typedef void (*wbem_done_cb)(struct wbem_result *res,
		    const struct wbem_error *err, void *arg);
struct wbem_call *wbem_start(struct http_ctx *, const struct wbem_target *,
		    const struct wbem_request *, wbem_done_cb, void *arg);
void		 wbem_cancel(struct wbem_call *);	/* cb fires with WBEM_E_CANCELLED */
/* Blocking helper for the CLI: runs a private event base until done. */
struct wbem_result *wbem_run(const struct wbem_target *,
		    const struct wbem_request *, struct wbem_error *);

/* ---- wsman.c: WS-Management codec as WinRM speaks it, client half ----- */
/*
 * One WBEM operation over WS-Management is a short conversation: Get or
 * Invoke is one message; an enumeration is Enumerate, then Pull until the
 * end of the sequence (Release if abandoned).  wbem.c drives it with a
 * struct wsman_state: encode_request, then decode_response per reply; while
 * !st.done, encode_pull and post again.  Every message gets a fresh
 * MessageID from the caller ("uuid:..."; wsman_format_msgid makes one from
 * 16 random bytes) and the reply must relate to it.
 */
#define WSMAN_CONTENT_TYPE		"application/soap+xml;charset=UTF-8"
#define WSMAN_MAX_ELEMENTS_DEFAULT	32
#define WSMAN_MAX_ELEMENTS_MAX		1000
#define WSMAN_MAX_ENVELOPE_DEFAULT	153600	/* any WinRM takes 150 KiB */
#define WSMAN_TIMEOUT_DEFAULT_MS	60000
#define WSMAN_MSGID_LEN			42	/* "uuid:" + 36 + NUL */

/*
 * WinRM's items carry no CIM types, and the codec knows no classes: the
 * caller says what the properties it reads are.  cls may hold one '*'
 * ("Win32_Perf*": any class with that prefix and what follows as suffix);
 * key marks the properties that form an instance's path.  A property the
 * table lacks is typed by xsi:type or its shape, else a string.
 */
struct wsman_ptype {
	const char	*cls;
	const char	*prop;
	enum cim_type	 type;
	int		 key;
};

struct wsman_opts {
	const char	*endpoint;	/* a:To, http[s]://host:port/wsman */
	unsigned	 max_elements;	/* items per Enumerate/Pull; 0: 32 */
	size_t		 max_envelope;	/* w:MaxEnvelopeSize; 0: default */
	unsigned	 timeout_ms;	/* w:OperationTimeout; 0: 60 s */
	const char	*locale;	/* w:Locale xml:lang; NULL: not sent */
	size_t		 max_bytes;	/* reply parse cap; 0: default */
	const struct wsman_ptype *ptypes; /* item property types; NULL: none */
	size_t		 nptypes;
	/*
	 * Class-name prefixes addressed by WinRM's WMI resource URIs, NULL-
	 * terminated; other classes get their DMTF cim-schema URI.  NULL:
	 * every class by the WMI URI.
	 */
	const char * const *wmi_prefixes;
};

enum wsman_msg {
	WSMAN_MSG_NONE = 0,
	WSMAN_MSG_ENUMERATE,
	WSMAN_MSG_PULL,
	WSMAN_MSG_RELEASE,
	WSMAN_MSG_GET,
	WSMAN_MSG_INVOKE,
	WSMAN_MSG_PUT,		/* WS-Transfer: ModifyInstance */
	WSMAN_MSG_CREATE,	/* CreateInstance */
	WSMAN_MSG_DELETE,	/* DeleteInstance */
};
const char	*wsman_msg_name(enum wsman_msg);

/* What one operation keeps between its messages; strings owned here. */
struct wsman_state {
	enum wbem_op	 op;
	enum wsman_msg	 sent;		/* the message encoded last */
	char		*resource_uri;
	char		*ns;
	char		*classname;	/* of fragment items; "": unknown */
	char		*method;	/* INVOKE */
	char		*context;	/* EnumerationContext to Pull/Release */
	int		 dmtf;		/* resource_uri is a DMTF cim-schema one */
	int		 done;		/* the operation has its whole answer */
	unsigned	 nreplies;
	unsigned	 ntimedout;	/* Pulls in a row that timed out */
};
#define WSMAN_PULL_TIMEOUTS_MAX	8	/* w:TimedOut Pulls retried in a row */
void	wsman_state_init(struct wsman_state *);
void	wsman_state_clear(struct wsman_state *);	/* frees, re-inits */

/* "uuid:xxxxxxxx-..." (version 4) from 16 random bytes; WSMAN_MSGID_LEN. */
void	wsman_format_msgid(const unsigned char rnd[16], char *out,
	    size_t outlen);

/*
 * The first message of req (Enumerate, Get, Invoke, or WS-Transfer Put,
 * Create, Delete for MODIFY, CREATE, DELETE) into body, and st set up
 * for the rest.  The other operations and non-WQL queries are
 * WBEM_E_USAGE.
 */
int	wsman_encode_request(const struct wbem_request *req,
	    const struct wsman_opts *, const char *msgid,
	    struct wsman_state *st, struct buf *body, struct wbem_error *);
/* Pull / Release of st->context; -1 (WBEM_E_USAGE) when there is none. */
int	wsman_encode_pull(const struct wsman_opts *, struct wsman_state *,
	    const char *msgid, struct buf *body, struct wbem_error *);
int	wsman_encode_release(const struct wsman_opts *, struct wsman_state *,
	    const char *msgid, struct buf *body, struct wbem_error *);
/*
 * Decodes the reply to the message st->sent (msgid is its MessageID).
 * status is the HTTP status.  On 0, the items are appended to *resp
 * (created when NULL; the caller owns it) and st->done / st->context say
 * whether to Pull (a Pull that timed out with no items, w:TimedOut, is
 * such a reply: the context stays valid).  On -1, err is filled:
 * WBEM_E_CIM for a SOAP fault, WBEM_E_AUTH for 401/403, WBEM_E_TOOBIG
 * for 413, WBEM_E_PROTOCOL for a reply that is not one (bad XML,
 * RelatesTo mismatch, wrong shape), WBEM_E_HTTP for other statuses;
 * st->context is left as it was so an enumeration can still be Released.
 */
int	wsman_decode_response(struct wsman_state *, const struct wsman_opts *,
	    long status, const char *body, size_t len, const char *msgid,
	    struct wbem_result **resp, struct wbem_error *);

/* ---- win32types.c: the Win32 classes the daemon and the CLI read ------- */
extern const struct wsman_ptype	wsman_win32_ptypes[];
extern const size_t		wsman_win32_nptypes;
extern const char *const	wsman_win32_wmi_prefixes[];

#endif /* CIMHEAD_H */
