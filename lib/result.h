/*
 * result.h: what every layer of the library hands back, in a file of its
 * own below the codecs and the transport: the one error struct each layer
 * fills, and the protocol-neutral result of an operation.  result.c owns
 * both.  cimhead.h includes it after the value model (a result holds
 * instances, paths and a method result by value); include cimhead.h.
 */
#ifndef CIMHEAD_RESULT_H
#define CIMHEAD_RESULT_H

/* ---- result.c: errors -------------------------------------------------- */
/*
 * Errors of every layer land in one struct.  kind says which layer; the CLI
 * maps WBEM_E_CIM to exit 1 and every other kind to exit 3.
 */
enum wbem_errkind {
	WBEM_E_NONE = 0,
	WBEM_E_CIM,		/* the server answered with a CIM status / fault */
	WBEM_E_PROTOCOL,	/* CIMError header, bad XML, unexpected shape */
	WBEM_E_HTTP,		/* unexpected HTTP status (500, 404 ...) */
	WBEM_E_AUTH,		/* 401/403 */
	WBEM_E_TRANSPORT,	/* connect, TLS, reset, DNS */
	WBEM_E_TIMEOUT,		/* operation deadline passed */
	WBEM_E_TOOBIG,		/* response over the size cap */
	WBEM_E_CANCELLED,
	WBEM_E_USAGE,		/* caller error (bad request struct) */
	/*
	 * This host ran out of something (no descriptor for a socket:
	 * EMFILE, ENFILE): the request never left, and says nothing of
	 * the server.  Last, so arrays up to WBEM_E_USAGE stay as they are.
	 */
	WBEM_E_RESOURCE,
};
struct wbem_error {
	enum wbem_errkind kind;
	int		 code;		/* CIM status code, or HTTP status, or CURLcode */
	long		 http_status;	/* 0 when none */
	char		 name[64];	/* "CIM_ERR_NOT_FOUND", CIMError token, fault subcode */
	char		 description[512];
	char		 wsman_code[32];	/* f:WSManFault Code (wsman) */
};
const char	*wbem_errkind_name(enum wbem_errkind);
void		 wbem_error_set(struct wbem_error *, enum wbem_errkind, int code,
		    const char *name, const char *fmt, ...) PRINTFLIKE(5, 6);
void		 wbem_error_clear(struct wbem_error *);
/*
 * in into out as printable, valid UTF-8 (controls and bad bytes escaped),
 * cut between characters; what wbem_error_set does to name and description.
 */
size_t		 wbem_text_sanitize(char *out, size_t outsize, const char *in);

/* ---- result.c: results ------------------------------------------------- */
enum wbem_result_kind {
	WBEM_R_INSTANCES = 0,	/* ENUM, GET, QUERY */
	WBEM_R_PATHS,		/* ENUM_NAMES */
	WBEM_R_METHOD,		/* INVOKE */
	WBEM_R_CLASS,		/* GET_CLASS: kept as a raw XML fragment */
	WBEM_R_CLASSES,		/* CLASSES, qualifier ops: classes[] XML */
	WBEM_R_NONE,		/* MODIFY, DELETE, SET_PROPERTY: no value */
};
struct wbem_result {
	enum wbem_result_kind kind;
	size_t		 ninst;
	struct cim_instance **inst;
	size_t		 npaths;
	struct cim_path	**paths;
	struct cim_method_result method;
	char		*class_xml;
	size_t		 nclasses;	/* CLASS / QUALIFIER.DECLARATION XML;
					   Associators/References of a class */
	char		**classes;
	/* pull operations: the server's answer to "is there more" */
	int		 end_of_sequence;
	char		*enum_context;	/* EnumerationContext; NULL at end */
	int		 truncated;	/* stopped at max_items, Closed */
	struct wbem_error close_err;	/* the Close's refusal; kind NONE
					   when it closed */
};
struct wbem_result	*wbem_result_new(enum wbem_result_kind);
void			 wbem_result_free(struct wbem_result *);
void			 wbem_result_add_instance(struct wbem_result *, struct cim_instance *); /* takes it */
void			 wbem_result_add_path(struct wbem_result *, struct cim_path *); /* takes it */
void			 wbem_result_add_class(struct wbem_result *, char *xml); /* takes it */
/* Moves src's instances and paths to the end of dst (src left empty). */
void			 wbem_result_move(struct wbem_result *dst, struct wbem_result *src);

#endif /* CIMHEAD_RESULT_H */
