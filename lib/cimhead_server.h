/*
 * cimhead_server.h: the server halves of the two codecs, which only
 * cimmockd and the tests need: requests in, replies out.  They are built
 * into libcimheadsrv.a, which its users link before libcimhead.a; cimhead
 * and cimheadd never link it (tests/e2e/lib_split.sh checks).  Sectioned
 * by the file that owns each declaration.
 */
#ifndef CIMHEAD_SERVER_H
#define CIMHEAD_SERVER_H

#include "cimhead.h"

/* ---- cimxml_server.c: CIM-XML requests in, OpenPegasus replies out ----- */
/*
 * cimxml_decode_request fills a call; on failure err->kind says how to
 * answer: WBEM_E_PROTOCOL is an HTTP error with err->name as the CIMError
 * token and err->http_status (400 or 501) and err->description as
 * PGErrorDetail; WBEM_E_CIM (e.g. a missing required parameter) is an
 * <ERROR> reply for the call, which is filled far enough (msgid, method,
 * intrinsic) for cimxml_encode_error.  Either way the call must be
 * cleared.
 */
/*
 * One IPARAMVALUE as sent, for the operations struct wbem_request has no
 * fields for (classes, associations, instance edits, qualifiers, pulls).
 */
enum cimxml_ipkind {
	CIMXML_IP_NULL = 0,	/* no child (or VALUE.NULL) */
	CIMXML_IP_VALUE,	/* text */
	CIMXML_IP_ARRAY,	/* array, NULL-terminated */
	CIMXML_IP_CLASSNAME,	/* text is the NAME */
	CIMXML_IP_PATH,		/* INSTANCENAME: path */
	CIMXML_IP_INSTANCE,	/* INSTANCE or VALUE.NAMEDINSTANCE: inst
				   (inst->path from its INSTANCENAME) */
	CIMXML_IP_OBJECT,	/* CLASS or QUALIFIER.DECLARATION: text its
				   NAME, super its SUPERCLASS (or NULL),
				   xml the element as sent */
};
struct cimxml_iparam {
	char		*name;
	enum cimxml_ipkind kind;
	char		*text;
	char		**array;
	struct cim_path	*path;
	struct cim_instance *inst;
	char		*super;
	char		*xml;
	int		 is_class;	/* OBJECT: CLASS, else the declaration */
};
struct cimxml_call {
	char		*msgid;
	char		*protocol_version;
	char		*method;	/* intrinsic or extrinsic method name */
	int		 intrinsic;
	int		 op_known;	/* req.op valid (else unknown intrinsic) */
	struct wbem_request req;	/* pointers owned by this struct */
	struct cim_path	*path_store;
	struct cim_property *param_store;
	char		**proplist_store;
	char		*ns_store, *class_store, *query_store, *lang_store;
	char		*cimversion, *dtdversion;
	size_t		 niparams;	/* every IPARAMVALUE, as sent */
	struct cimxml_iparam *iparams;
};
int	cimxml_decode_request(const char *, size_t, struct cimxml_call *,
	    struct wbem_error *);	/* err->name is the CIMError token */
void	cimxml_call_clear(struct cimxml_call *);
/* The named IPARAMVALUE (case-insensitive), NULL when not sent. */
const struct cimxml_iparam *cimxml_iparam(const struct cimxml_call *,
	    const char *name);
/*
 * Checks the CIMMethod, CIMObject and CIMProtocolVersion headers (raw,
 * still %-escaped; NULL when absent) against a decoded call as OpenPegasus
 * does: -1 with err->name "header-mismatch" (400) or
 * "unsupported-protocol-version" (501) and its PGErrorDetail wording.
 */
int	cimxml_check_headers(const struct cimxml_call *, const char *cimmethod,
	    const char *cimobject, const char *protocol_version,
	    struct wbem_error *);
/* The CIMObject the call implies, unescaped: "root/cimv2[:Class[.k=\"v\"]]". */
int	cimxml_call_object(const struct cimxml_call *, struct buf *);
/*
 * Bodies byte-for-byte as OpenPegasus 2.14 writes them.  A NULL result
 * gives the empty (I)METHODRESPONSE of a chunked error reply, whose status
 * goes in the CIMStatusCode/CIMStatusCodeDescription trailers.
 */
int	cimxml_encode_response(const struct cimxml_call *,
	    const struct wbem_result *, struct buf *);
int	cimxml_encode_error(const struct cimxml_call *, int code,
	    const char *description, struct buf *);
/* One INSTANCE element (GetInstance, embedded objects), Pegasus layout. */
int	cimxml_encode_instance(const struct cim_instance *, struct buf *);
/*
 * One PROPERTY (.ARRAY, .REFERENCE) element; each attribute when given:
 * REFERENCECLASS (a PROPERTY.REFERENCE's class), CLASSORIGIN, and
 * PROPAGATED="true" (a class property the instance does not set, as
 * OpenPegasus's repository adds it).
 */
int	cimxml_encode_property(const struct cim_property *,
	    const char *refclass, const char *classorigin, int propagated,
	    struct buf *);
/* INSTANCENAME, and INSTANCEPATH (host "localhost" and ns when p lacks them). */
void	cimxml_encode_instancename(const struct cim_path *, struct buf *);
void	cimxml_encode_instancepath(const struct cim_path *, const char *ns,
	    struct buf *);
/* A VALUE, VALUE.ARRAY or VALUE.REFERENCE for v (nothing when NULL). */
void	cimxml_encode_value(const struct cim_value *, struct buf *);
/*
 * A response whose IRETURNVALUE content the caller wrote (irv NULL: no
 * IRETURNVALUE, the empty result), then the output PARAMVALUEs (pull
 * operations: EndOfSequence, EnumerationContext).
 */
int	cimxml_encode_raw(const struct cimxml_call *, const char *irv,
	    const struct cim_property *out, size_t nout, struct buf *);

/* ---- wsman_server.c: WS-Man requests in, WinRM replies out ------------- */
/*
 * wsman_decode_request reads one incoming SOAP message; -1 with err
 * (WBEM_E_PROTOCOL) when it is not a WS-Man envelope (answer
 * w:SchemaValidationError).  An unknown action is msg NONE.
 */
#define WSMAN_EPR_NONE		0	/* objects */
#define WSMAN_EPR_ONLY		1	/* EnumerateEPR */
#define WSMAN_EPR_AND_OBJECT	2	/* EnumerateObjectAndEPR: w:Item */
struct wsman_call {
	enum wsman_msg	 msg;
	char		*action;
	char		*resource_uri;
	char		*msgid;
	char		*ns;		/* from a WMI resource URI, else NULL */
	char		*classname;	/* "*" for the namespace resource */
	char		*method;	/* INVOKE: the action's last segment */
	struct cim_path	*selectors;	/* NULL when none */
	char		*filter;	/* WQL text (w:Filter), NULL: none */
	char		*dialect;
	int		 optimize;	/* w:OptimizeEnumeration */
	unsigned	 max_elements;	/* 0: absent */
	int		 epr;		/* w:EnumerationMode: WSMAN_EPR_* */
	char		*context;	/* Pull / Release */
	size_t		 nparams;	/* INVOKE: METHOD_INPUT children */
	struct cim_property *params;	/* string values */
};
int	wsman_decode_request(const char *, size_t, struct wsman_call *,
	    struct wbem_error *);
void	wsman_call_clear(struct wsman_call *);
/*
 * A batch of items as WinRM writes it: EnumerateResponse (w:Items,
 * w:EndOfSequence) or PullResponse (n:Items, n:EndOfSequence); context
 * NULL means the end.  fragment: explicit SELECT list, w:XmlFragment with
 * unqualified children; else p:Class elements; epr (WSMAN_EPR_*):
 * EndpointReferences instead, or w:Item with the object and its EPR.
 */
struct wsman_batch {
	enum wsman_msg	 msg;		/* ENUMERATE or PULL */
	const char	*msgid;		/* of the reply (wsman_format_msgid) */
	const char	*relates_to;
	const char	*context;
	int		 fragment;
	int		 epr;
	size_t		 n;
	struct cim_instance * const *items;
};
int	wsman_encode_batch(const struct wsman_batch *, struct buf *);
/* GetResponse: the instance as a p:Class element. */
int	wsman_encode_get_response(const char *msgid, const char *relates_to,
	    const struct cim_instance *, struct buf *);
int	wsman_encode_release_response(const char *msgid,
	    const char *relates_to, struct buf *);
/* METHOD_OUTPUT of Invoke on resource_uri (its action plus "Response"). */
int	wsman_encode_invoke_response(const char *msgid, const char *relates_to,
	    const char *resource_uri, const char *method,
	    const struct cim_method_result *, struct buf *);
/*
 * A WinRM fault: s:Code value (s:Sender/s:Receiver), subcode QName with
 * one of the prefixes a: n: w: (w:AccessDenied), f:WSManFault Code and
 * Machine; message also goes in s:Reason.  cim_status > 0 adds an
 * MSFT_WmiError with CIMStatusCode (a WMI provider's error).
 */
struct wsman_fault {
	const char	*code;
	const char	*subcode;
	const char	*reason;
	unsigned long	 wsman_code;
	const char	*machine;
	const char	*message;
	int		 cim_status;
};
int	wsman_encode_fault(const char *msgid, const char *relates_to,
	    const struct wsman_fault *, struct buf *);

#endif /* CIMHEAD_SERVER_H */
