/*
 * codec_int.h: what each codec's client half (cimxml.c, wsman.c) lends
 * its server half (cimxml_server.c, wsman_server.c): the tree walkers and
 * value readers the server halves read requests with, kept beside the
 * encoders they mirror, so the server halves can live in libcimheadsrv.a
 * without a second copy; and xml.c's streaming parse, which the client
 * halves decode replies with (no tree), and cim.c's packed properties
 * they build.
 * Internal to lib/: nothing outside the codec files, xml.c and cim.c
 * includes it.  Include cimhead.h first.
 */
#ifndef CIMHEAD_CODEC_INT_H
#define CIMHEAD_CODEC_INT_H

#include <libxml/tree.h>

/* ---- xml.c: the streaming way in (the client halves) ------------------ */
struct xml_attr {
	const char	*name;		/* local name */
	const char	*prefix;	/* NULL: none */
	const char	*uri;		/* namespace; NULL: none */
	const char	*value;		/* decoded, NUL-terminated */
};
/* An element as it starts. */
struct xml_elem {
	const char	*name;		/* local name */
	const char	*prefix;	/* NULL: none */
	const char	*uri;		/* namespace; NULL: none */
	const char	**nsdecl;	/* (prefix, URI) pairs declared on it */
	size_t		 nnsdecl;
	const struct xml_attr *attrs;
	size_t		 nattrs;
	long		 line;
};
struct xml_sax_ctx;			/* the parse, for namespace look-ups */
/*
 * Handlers of xml_sax_parse; each returns 0 to go on, -1 to give up
 * (having filled its own error).  Names, prefixes and URIs live as long as
 * the parse, one pointer for one name (libxml2's dictionary, or the
 * scanner's table: a handler may compare them by pointer), attribute
 * values during the call only; text comes in pieces (and CDATA as text,
 * its CR and CR LF read as LF).
 */
struct xml_sax {
	int	(*start)(void *arg, const struct xml_elem *);
	int	(*end)(void *arg, const char *name, const char *uri);
	int	(*text)(void *arg, const char *, size_t);
};
/*
 * The bytes through h under xml_parse_safe's rules (no network, entities,
 * DTD; the size and depth caps), building nothing.  0: read whole and
 * well-formed; -1: not (err filled; this wins over a handler's error);
 * -2: a handler gave up (no handler is called after that, but the rest is
 * still parsed).  *scp, when scp is not NULL, is the parse during the call
 * (xml_sax_ns_uri).
 */
int		 xml_sax_parse(const char *, size_t, size_t max_bytes,
		    int max_depth, const struct xml_sax *h, void *arg,
		    struct xml_sax_ctx **scp, struct wbem_error *);
/*
 * Which reader reads: xml_sax_parse is XML_SAX_ANY (xmlscan.c's when it
 * is certain, else libxml2); the other two are for the tests that compare
 * them.  XML_SAX_SCAN returns 1, having called no handler and filled no
 * error, for a document the scanner leaves to libxml2.
 */
#define XML_SAX_ANY	0
#define XML_SAX_SCAN	1
#define XML_SAX_LIBXML2	2
int		 xml_sax_parse_by(int how, const char *, size_t,
		    size_t max_bytes, int max_depth, const struct xml_sax *h,
		    void *arg, struct xml_sax_ctx **scp, struct wbem_error *);
/* the URI a prefix (NULL: the default) is bound to in the open element */
const char	*xml_sax_ns_uri(const struct xml_sax_ctx *, const char *prefix);
/* an unqualified attribute's value; NULL when absent */
const char	*xml_attr_get(const struct xml_attr *, size_t, const char *);
const char	*xml_attr_get_ns(const struct xml_attr *, size_t,
		    const char *uri, const char *name);
/* text with CR and CR LF read as LF, to fn in runs (a CDATA section's) */
int		 xml_eol_runs(const char *, size_t,
		    int (*fn)(void *, const char *, size_t), void *arg);

/* ---- xmlscan.c: xml_sax_parse's own reader ---------------------------- */
struct xmlscan;
/*
 * The document read whole into events, then handed to h as xml_sax_parse
 * does (0, or -2 when a handler gave up); 1, with no handler called, when
 * the scanner is not certain of it and libxml2 is to read it.  *sp is the
 * parse while the handlers run (xmlscan_ns_uri).  max_depth as the guard's.
 */
int		 xmlscan_parse(const char *, size_t, int max_depth,
		    const struct xml_sax *h, void *arg, struct xmlscan **sp);
const char	*xmlscan_ns_uri(const struct xmlscan *, const char *prefix);

/* ---- cim.c: what the decoders build with ------------------------------ */
/* A scalar property in one allocation (cim.c says how); text not NULL. */
struct cim_property *cim_instance_add_packed(struct cim_instance *,
		    const char *name, enum cim_type, const char *text);
void		 cim_property_unpack(struct cim_property *);
/* a nameless property's name and first member, packed when it can be */
void		 cim_property_add_packed(struct cim_property *,
		    const char *name, const char *text);

/* ---- cimxml.c: shared with cimxml_server.c ----------------------------- */
#define CIMXML_TRIM_ALL	1	/* server: trim string keys too (Pegasus) */

/* Element walkers; CIM-XML names carry no XML namespace. */
int		 cimxml_is(const xmlNode *, const char *name);
xmlNode		*cimxml_first(const xmlNode *parent);	/* elements only */
xmlNode		*cimxml_next(const xmlNode *);
xmlNode		*cimxml_child(const xmlNode *parent, const char *name);
/* the attribute's text in the tree, NULL when absent */
const char	*cimxml_attr(const xmlNode *, const char *name);
char		*cimxml_text(const xmlNode *);		/* caller frees */
void		 cimxml_trim(char *);		/* XML whitespace, in place */
/* the line the element's content ends on, where OpenPegasus reports */
long		 cimxml_end_line(const xmlNode *);
int		 cimxml_name_ok(const char *);	/* a CIM identifier */
/* Text as xmlNodeDump escapes it, into a captured copy (attr: a value). */
void		 cimxml_cap_escape(struct buf *, const char *, size_t, int attr);
char		*cimxml_ns_of(const xmlNode *lnp);	/* NULL: no NAMESPACE */
/* flags: CIMXML_TRIM_ALL or 0; NULL with err filled on a bad path. */
struct cim_path	*cimxml_instancename(const xmlNode *, const char *ns,
		    int flags, struct wbem_error *);
int		 cimxml_embedded_attr(const xmlNode *);
int		 cimxml_value_elem(const xmlNode *parent, struct cim_value *,
		    struct wbem_error *);

/* ---- wsman.c: shared with wsman_server.c ------------------------------- */
#define NS_S	"http://www.w3.org/2003/05/soap-envelope"
#define NS_A	"http://schemas.xmlsoap.org/ws/2004/08/addressing"
#define NS_N	"http://schemas.xmlsoap.org/ws/2004/09/enumeration"
#define NS_X	"http://schemas.xmlsoap.org/ws/2004/09/transfer"
#define NS_E	"http://schemas.xmlsoap.org/ws/2004/08/eventing"
#define NS_W	"http://schemas.dmtf.org/wbem/wsman/1/wsman.xsd"
#define NS_MSW	"http://schemas.microsoft.com/wbem/wsman/1/wsman.xsd"
#define NS_F	"http://schemas.microsoft.com/wbem/wsman/1/wsmanfault"
#define NS_CIM	"http://schemas.dmtf.org/wbem/wscim/1/common"
#define NS_XSI	"http://www.w3.org/2001/XMLSchema-instance"
#define NS_XS	"http://www.w3.org/2001/XMLSchema"

#define WMI_URI		"http://schemas.microsoft.com/wbem/wsman/1/wmi/"
#define DMTF_URI	"http://schemas.dmtf.org/wbem/wscim/1/cim-schema/2/"
#define WQL_DIALECT	"http://schemas.microsoft.com/wbem/wsman/1/WQL"
#define ANON_ADDR	NS_A "/role/anonymous"

#define ACT_ENUMERATE	NS_N "/Enumerate"
#define ACT_PULL	NS_N "/Pull"
#define ACT_RELEASE	NS_N "/Release"
#define ACT_GET		NS_X "/Get"
#define ACT_PUT		NS_X "/Put"
#define ACT_CREATE	NS_X "/Create"
#define ACT_DELETE	NS_X "/Delete"

/* Element walkers; ns NULL matches an element in no namespace. */
int		 wsman_is_el(const xmlNode *, const char *ns, const char *name);
xmlNode		*wsman_first_el(xmlNode *);	/* n itself or a sibling */
xmlNode		*wsman_next_el(xmlNode *);
xmlNode		*wsman_child_el(xmlNode *parent, const char *ns,
		    const char *name);
char		*wsman_node_text(xmlNode *);	/* caller frees */
char		*wsman_attr_get(xmlNode *, const char *ns, const char *name);
int		 wsman_is_nil(xmlNode *);	/* xsi:nil="true" */
void		 wsman_trim(char *);		/* isspace, in place */
int		 wsman_valid_name(const char *);
/* n decimal digits into out; -1 on anything else. */
int		 wsman_digits(const char *, size_t n, unsigned *out);
/* the WMI resource URI of a class in a namespace; the caller frees */
char		*wsman_class_uri(const char *ns, const char *cls);
int		 wsman_enc_tail(struct buf *);	/* </s:Body></s:Envelope> */

#endif /* CIMHEAD_CODEC_INT_H */
