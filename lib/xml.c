/*
 * xml.c: the one way this project parses XML from the network.  libxml2 is
 * told to touch no network, expand no entity and load no DTD; a document
 * that declares entities at all is refused (billion laughs, XXE), and the
 * size and element depth are capped before libxml2's own, larger, limits.
 * Parse errors never reach stderr: the first one, with its line, goes into
 * the caller's wbem_error.
 *
 * Two ways in, one set of rules: xml_parse_safe builds a tree (the server
 * halves read requests from it), xml_sax_parse hands the elements and text
 * to the caller's handlers as they are read and builds nothing (the client
 * halves decode replies straight into the value model).  xml_sax_parse
 * tries xmlscan.c's own reader first, which reads a plain well-formed
 * document in a fraction of libxml2's time and leaves anything else, with
 * no handler called, to libxml2 under the rules above.
 */
#include "config.h"

#include <limits.h>
#include <stdio.h>
#include <string.h>

#include <libxml/parser.h>
#include <libxml/parserInternals.h>
#include <libxml/SAX2.h>
#include <libxml/tree.h>
#include <libxml/xmlerror.h>

#include "cimhead.h"
#include "codec_int.h"

/* Per-parse state, reached from the parser context's _private. */
struct xml_guard {
	int		 depth;
	int		 max_depth;
	int		 refused;	/* we stopped the parser */
	int		 code;		/* libxml2's error code of msg */
	long		 line;
	char		 msg[256];	/* first error: ours or libxml2's */
	startElementNsSAX2Func	start;
	endElementNsSAX2Func	end;
	/* xml_sax_parse only */
	xmlParserCtxtPtr	 ctxt;
	const struct xml_sax	*h;
	void			*arg;
	int			 stopped;	/* a handler said -1 */
	struct xml_attr		*attrs;		/* the element's, decoded */
	size_t			 attrs_size;
	struct buf		 vals;		/* their values */
};

static void	xml_serror_cb(void *, xmlErrorPtr);
static void	xml_entity_decl_cb(void *, const xmlChar *, int,
		    const xmlChar *, const xmlChar *, xmlChar *);
static void	xml_unparsed_entity_decl_cb(void *, const xmlChar *,
		    const xmlChar *, const xmlChar *, const xmlChar *);
static void	xml_start_element_cb(void *, const xmlChar *,
		    const xmlChar *,
		    const xmlChar *, int, const xmlChar **, int, int,
		    const xmlChar **);
static void	xml_end_element_cb(void *, const xmlChar *, const xmlChar *,
		    const xmlChar *);
static void	xml_refuse(xmlParserCtxtPtr, const char *);
static void	xml_setup(xmlParserCtxtPtr, struct xml_guard *, int);
static int	xml_precheck(const char *, size_t, size_t *, int *,
		    struct wbem_error *);
static int	xml_outcome(xmlParserCtxtPtr, struct xml_guard *,
		    struct wbem_error *);
static void	xml_sax_start_cb(void *, const xmlChar *, const xmlChar *,
		    const xmlChar *, int, const xmlChar **, int, int,
		    const xmlChar **);
static void	xml_sax_end_cb(void *, const xmlChar *, const xmlChar *,
		    const xmlChar *);
static void	xml_sax_text_cb(void *, const xmlChar *, int);
static void	xml_sax_cdata_cb(void *, const xmlChar *, int);

void
xml_global_init(void)
{
	xmlInitParser();
}

static void
xml_refuse(xmlParserCtxtPtr ctxt, const char *why)
{
	struct xml_guard	*g = ctxt->_private;

	if (!g->refused) {
		g->refused = 1;
		snprintf(g->msg, sizeof(g->msg), "%s (line %d)", why,
		    xmlSAX2GetLineNumber(ctxt));
	}
	xmlStopParser(ctxt);
}

/* Structured error sink for this parse only: keeps the first error. */
static void
xml_serror_cb(void *arg, xmlErrorPtr e)
{
	xmlParserCtxtPtr	 ctxt = arg;
	struct xml_guard	*g;
	size_t			 n;

	if (ctxt == NULL || (g = ctxt->_private) == NULL || e == NULL ||
	    e->level < XML_ERR_ERROR || g->msg[0] != '\0')
		return;
	g->code = e->code;
	g->line = e->line;
	snprintf(g->msg, sizeof(g->msg), "XML error at line %d: %s", e->line,
	    e->message != NULL ? e->message : "unknown error");
	n = strlen(g->msg);
	while (n > 0 && (g->msg[n - 1] == '\n' || g->msg[n - 1] == ' '))
		g->msg[--n] = '\0';
}

static void
xml_entity_decl_cb(void *arg, const xmlChar *name, int type,
    const xmlChar *publicid, const xmlChar *systemid, xmlChar *content)
{
	xml_refuse(arg, "document declares an entity; entities are refused");
}

static void
xml_unparsed_entity_decl_cb(void *arg, const xmlChar *name,
    const xmlChar *publicid, const xmlChar *systemid,
    const xmlChar *notation)
{
	xml_refuse(arg, "document declares an entity; entities are refused");
}

static void
xml_start_element_cb(void *arg, const xmlChar *localname,
    const xmlChar *prefix, const xmlChar *uri, int nb_namespaces,
    const xmlChar **namespaces, int nb_attributes, int nb_defaulted,
    const xmlChar **attributes)
{
	xmlParserCtxtPtr	 ctxt = arg;
	struct xml_guard	*g = ctxt->_private;
	char			 why[96];

	if (++g->depth > g->max_depth) {
		snprintf(why, sizeof(why), "elements nested deeper than %d",
		    g->max_depth);
		xml_refuse(ctxt, why);
		return;
	}
	g->start(arg, localname, prefix, uri, nb_namespaces, namespaces,
	    nb_attributes, nb_defaulted, attributes);
}

static void
xml_end_element_cb(void *arg, const xmlChar *localname, const xmlChar *prefix,
    const xmlChar *uri)
{
	xmlParserCtxtPtr	 ctxt = arg;
	struct xml_guard	*g = ctxt->_private;

	g->depth--;
	g->end(arg, localname, prefix, uri);
}

/* Size and emptiness, before libxml2 sees a byte; defaults filled in. */
static int
xml_precheck(const char *data, size_t len, size_t *max_bytes, int *max_depth,
    struct wbem_error *err)
{
	if (*max_bytes == 0)
		*max_bytes = XML_MAX_BYTES_DEFAULT;
	if (*max_depth <= 0)
		*max_depth = XML_MAX_DEPTH_DEFAULT;
	if (data == NULL || len == 0) {
		wbem_error_set(err, WBEM_E_PROTOCOL, 0, NULL,
		    "empty XML document");
		return (-1);
	}
	if (len > *max_bytes || len > INT_MAX) {
		wbem_error_set(err, WBEM_E_PROTOCOL, 0, NULL,
		    "XML document of %zu bytes is over the %zu-byte cap",
		    len, *max_bytes);
		return (-1);
	}
	return (0);
}

/*
 * The safety settings, on either way in.  No XML_PARSE_NOENT, DTDLOAD,
 * DTDATTR, DTDVALID or HUGE: on purpose.
 */
static void
xml_setup(xmlParserCtxtPtr ctxt, struct xml_guard *g, int max_depth)
{
	g->max_depth = max_depth;
	g->start = ctxt->sax->startElementNs;
	g->end = ctxt->sax->endElementNs;
	ctxt->_private = g;
	xmlCtxtUseOptions(ctxt, XML_PARSE_NONET | XML_PARSE_NOERROR |
	    XML_PARSE_NOWARNING);
	ctxt->sax->serror = xml_serror_cb;
	ctxt->sax->error = NULL;
	ctxt->sax->warning = NULL;
	ctxt->sax->fatalError = NULL;
	ctxt->vctxt.error = NULL;
	ctxt->vctxt.warning = NULL;
	ctxt->sax->entityDecl = xml_entity_decl_cb;
	ctxt->sax->unparsedEntityDecl = xml_unparsed_entity_decl_cb;
	ctxt->sax->startElementNs = xml_start_element_cb;
	ctxt->sax->endElementNs = xml_end_element_cb;
	ctxt->sax->externalSubset = NULL;
	ctxt->sax->resolveEntity = NULL;
}

/* 0 when the document was read whole and well-formed; else err filled. */
static int
xml_outcome(xmlParserCtxtPtr ctxt, struct xml_guard *g,
    struct wbem_error *err)
{
	if (g->refused) {
		wbem_error_set(err, WBEM_E_PROTOCOL, 0, NULL, "%s", g->msg);
		return (-1);
	}
	if (!ctxt->wellFormed) {
		if (g->msg[0] == '\0')
			snprintf(g->msg, sizeof(g->msg),
			    "XML error: document not well-formed");
		wbem_error_set(err, WBEM_E_PROTOCOL, g->code, NULL, "%s",
		    g->msg);
		return (-1);
	}
	return (0);
}

struct _xmlDoc *
xml_parse_safe(const char *data, size_t len, size_t max_bytes, int max_depth,
    struct wbem_error *err)
{
	xmlParserCtxtPtr	 ctxt;
	xmlDocPtr		 doc = NULL;
	struct xml_guard	 g;

	if (xml_precheck(data, len, &max_bytes, &max_depth, err) == -1)
		return (NULL);
	if ((ctxt = xmlCreateMemoryParserCtxt(data, (int)len)) == NULL)
		fatal("xmlCreateMemoryParserCtxt: out of memory");
	memset(&g, 0, sizeof(g));
	xml_setup(ctxt, &g, max_depth);

	(void)xmlParseDocument(ctxt);
	doc = ctxt->myDoc;
	ctxt->myDoc = NULL;

	if (xml_outcome(ctxt, &g, err) == -1)
		goto fail;
	if (doc == NULL) {
		wbem_error_set(err, WBEM_E_PROTOCOL, 0, NULL,
		    "XML error: document not well-formed");
		goto fail;
	}
	if (xmlDocGetRootElement(doc) == NULL) {
		wbem_error_set(err, WBEM_E_PROTOCOL, 0, NULL,
		    "XML document has no root element");
		goto fail;
	}
	ctxt->_private = NULL;
	xmlFreeParserCtxt(ctxt);
	return (doc);
fail:
	xmlFreeDoc(doc);
	ctxt->_private = NULL;
	xmlFreeParserCtxt(ctxt);
	return (NULL);
}

/* ---- streaming -------------------------------------------------------- */

/* The parse the handlers run in: the scanner's, or libxml2's. */
struct xml_sax_ctx {
	struct xmlscan		*scan;	/* NULL: libxml2's */
	xmlParserCtxtPtr	 ctxt;
};

/*
 * The push parser of the last document, kept for the next one: creating
 * one and freeing it (its dictionary, its tables) was 11,000 instructions
 * of a probe reply, an eighth of its parse (issue 14's profile).  Kept only
 * after a document read whole and well-formed, so nothing of a broken or
 * hostile one (namespaces in scope, a halted input) reaches the next, and
 * not once its dictionary of names has grown past XML_KEPT_NAMES, which a
 * node could otherwise grow without bound.  Taken out while in use: a
 * parse nested in a handler makes its own.
 */
#define XML_KEPT_NAMES	1024
static xmlParserCtxtPtr	xml_kept;

static xmlParserCtxtPtr
xml_push_ctxt(void)
{
	xmlParserCtxtPtr	ctxt;

	if ((ctxt = xml_kept) != NULL) {
		xml_kept = NULL;
		if (xmlCtxtResetPush(ctxt, NULL, 0, NULL, NULL) == 0) {
			/*
			 * As a new push context without a first chunk has it:
			 * the encoding is detected from the document's first
			 * bytes (a reset context would assume UTF-8).
			 */
			ctxt->charset = XML_CHAR_ENCODING_NONE;
			return (ctxt);
		}
		xmlFreeParserCtxt(ctxt);
	}
	return (xmlCreatePushParserCtxt(NULL, NULL, NULL, 0, NULL));
}

/* After a parse: keep the context for the next one, or free it. */
static void
xml_push_done(xmlParserCtxtPtr ctxt, int clean)
{
	if (clean && xml_kept == NULL && ctxt->wellFormed &&
	    ctxt->instate == XML_PARSER_EOF && ctxt->nsNr == 0 &&
	    ctxt->nameNr == 0 && ctxt->inputNr == 1 &&
	    xmlDictSize(ctxt->dict) <= XML_KEPT_NAMES) {
		/* the document's copy goes now, not at the next parse */
		xmlCtxtReset(ctxt);
		xml_kept = ctxt;
		return;
	}
	xmlFreeParserCtxt(ctxt);
}

/*
 * libxml2 hands attributes as (localname, prefix, URI, value, end)
 * quintuples, values not terminated and, without XML_PARSE_NOENT, with
 * every '&' written as the character reference "&#38;" (the tree builder
 * undoes that; so do we).  Declared entities never get this far.
 */
static void
xml_sax_start_cb(void *ctx, const xmlChar *localname, const xmlChar *prefix,
    const xmlChar *uri, int nb_namespaces, const xmlChar **namespaces,
    int nb_attributes, int nb_defaulted, const xmlChar **attributes)
{
	xmlParserCtxtPtr	 ctxt = ctx;
	struct xml_guard	*g = ctxt->_private;
	struct xml_elem		 el;
	const char		*v, *e, *amp;
	char			*d;
	size_t			 i, n = (size_t)nb_attributes, need, len;

	if (g->stopped)
		return;
	if (n > g->attrs_size) {
		g->attrs = xreallocarray(g->attrs, n, sizeof(*g->attrs));
		g->attrs_size = n;
	}
	/*
	 * The values, each NUL-terminated, in one reservation (decoding
	 * only shortens them), so they never move once written: a buf_add
	 * per piece was most of this function's cost.
	 */
	for (i = 0, need = 0; i < n; i++)
		need += (size_t)(attributes[i * 5 + 4] -
		    attributes[i * 5 + 3]) + 1;
	buf_reset(&g->vals);
	if (n > 0 && buf_reserve(&g->vals, need) == -1)
		fatal("xml_sax_start_cb: attribute values too large");
	d = g->vals.data;
	for (i = 0; i < n; i++) {
		v = (const char *)attributes[i * 5 + 3];
		e = (const char *)attributes[i * 5 + 4];
		g->attrs[i].name = (const char *)attributes[i * 5];
		g->attrs[i].prefix = (const char *)attributes[i * 5 + 1];
		g->attrs[i].uri = (const char *)attributes[i * 5 + 2];
		g->attrs[i].value = d;
		while ((amp = memchr(v, '&', (size_t)(e - v))) != NULL &&
		    e - amp >= 5 && memcmp(amp, "&#38;", 5) == 0) {
			len = (size_t)(amp - v);
			memcpy(d, v, len);
			d += len;
			*d++ = '&';
			v = amp + 5;
		}
		len = (size_t)(e - v);
		memcpy(d, v, len);
		d += len;
		*d++ = '\0';
	}
	if (n > 0)
		g->vals.len = (size_t)(d - g->vals.data) - 1;
	el.name = (const char *)localname;
	el.prefix = (const char *)prefix;
	el.uri = (const char *)uri;
	el.nsdecl = (const char **)namespaces;
	el.nnsdecl = nb_namespaces > 0 ? (size_t)nb_namespaces : 0;
	el.attrs = g->attrs;
	el.nattrs = n;
	el.line = xmlSAX2GetLineNumber(ctxt);
	if (g->h->start(g->arg, &el) == -1) {
		g->stopped = 1;
	}
}

static void
xml_sax_end_cb(void *ctx, const xmlChar *localname, const xmlChar *prefix,
    const xmlChar *uri)
{
	xmlParserCtxtPtr	 ctxt = ctx;
	struct xml_guard	*g = ctxt->_private;

	if (g->stopped)
		return;
	if (g->h->end(g->arg, (const char *)localname,
	    (const char *)uri) == -1) {
		g->stopped = 1;
	}
}

/*
 * Character data and CDATA alike are the element's text; a CDATA
 * section's line ends are read as character data has them (cdata).
 */
static void
xml_sax_text(void *ctx, const xmlChar *s, int len, int cdata)
{
	xmlParserCtxtPtr	 ctxt = ctx;
	struct xml_guard	*g = ctxt->_private;
	int			 rc;

	if (g->stopped || len <= 0)
		return;
	/*
	 * A section comes in one call: the push parser has the whole
	 * document (xml_sax_parse), so no CR LF is split between two.
	 */
	if (cdata)
		rc = xml_eol_runs((const char *)s, (size_t)len, g->h->text,
		    g->arg);
	else
		rc = g->h->text(g->arg, (const char *)s, (size_t)len);
	if (rc == -1)
		g->stopped = 1;
}

static void
xml_sax_text_cb(void *ctx, const xmlChar *s, int len)
{
	xml_sax_text(ctx, s, len, 0);
}

static void
xml_sax_cdata_cb(void *ctx, const xmlChar *s, int len)
{
	xml_sax_text(ctx, s, len, 1);
}

/*
 * XML 1.0 2.11: a CR, alone or before an LF, is read as one LF.  libxml2
 * 2.9 does that in character data but not inside a CDATA section, where
 * pywbem and expat see an LF.  A CR written &#13; is not a line end and
 * stays: it never comes here.  fn gets the text in runs, in order.
 */
int
xml_eol_runs(const char *s, size_t len,
    int (*fn)(void *, const char *, size_t), void *arg)
{
	const char	*e = s + len, *run = s, *cr;

	while ((cr = memchr(run, '\r', (size_t)(e - run))) != NULL) {
		if (cr > run && fn(arg, run, (size_t)(cr - run)) == -1)
			return (-1);
		run = cr + 1;
		/* CR LF: the LF that follows stands for both */
		if (run < e && *run == '\n')
			continue;
		if (fn(arg, "\n", 1) == -1)
			return (-1);
	}
	if (run < e && fn(arg, run, (size_t)(e - run)) == -1)
		return (-1);
	return (0);
}

const char *
xml_attr_get(const struct xml_attr *a, size_t n, const char *name)
{
	size_t	i;

	/* the first byte first: most names asked for are not there */
	for (i = 0; i < n; i++)
		if (a[i].uri == NULL && a[i].name[0] == name[0] &&
		    strcmp(a[i].name, name) == 0)
			return (a[i].value);
	return (NULL);
}

const char *
xml_attr_get_ns(const struct xml_attr *a, size_t n, const char *uri,
    const char *name)
{
	size_t	i;

	for (i = 0; i < n; i++)
		if (a[i].uri != NULL && strcmp(a[i].name, name) == 0 &&
		    strcmp(a[i].uri, uri) == 0)
			return (a[i].value);
	return (NULL);
}

const char *
xml_sax_ns_uri(const struct xml_sax_ctx *sc, const char *prefix)
{
	const xmlParserCtxt	*ctxt = sc->ctxt;
	int			 i;

	if (sc->scan != NULL)
		return (xmlscan_ns_uri(sc->scan, prefix));

	/* nsTab: (prefix, URI) pairs, innermost declaration last */
	for (i = ctxt->nsNr - 2; i >= 0; i -= 2) {
		if (prefix == NULL ? ctxt->nsTab[i] == NULL :
		    ctxt->nsTab[i] != NULL &&
		    strcmp((const char *)ctxt->nsTab[i], prefix) == 0)
			return ((const char *)ctxt->nsTab[i + 1]);
	}
	return (NULL);
}

int
xml_sax_parse(const char *data, size_t len, size_t max_bytes, int max_depth,
    const struct xml_sax *h, void *arg, struct xml_sax_ctx **scp,
    struct wbem_error *err)
{
	return (xml_sax_parse_by(XML_SAX_ANY, data, len, max_bytes, max_depth,
	    h, arg, scp, err));
}

int
xml_sax_parse_by(int how, const char *data, size_t len, size_t max_bytes,
    int max_depth, const struct xml_sax *h, void *arg,
    struct xml_sax_ctx **scp, struct wbem_error *err)
{
	xmlParserCtxtPtr	 ctxt;
	struct xml_guard	 g;
	struct xml_sax_ctx	 sc;
	int			 rc, push;

	if (xml_precheck(data, len, &max_bytes, &max_depth, err) == -1)
		return (-1);
	memset(&sc, 0, sizeof(sc));
	if (how != XML_SAX_LIBXML2) {
		if (scp != NULL)
			*scp = &sc;
		rc = xmlscan_parse(data, len, max_depth, h, arg, &sc.scan);
		if (scp != NULL)
			*scp = NULL;
		/* not certain: libxml2 reads it, from the first byte */
		if (rc != 1 || how == XML_SAX_SCAN)
			return (rc);
	}
	/*
	 * A push parser given the whole document at once: the same parser
	 * and the same rules, but its input needs no refill check at every
	 * token, which in a memory context (libxml2 2.9) cost a fifth of a
	 * small reply's parse (issue 14's profile).  Not past libxml2's
	 * lookup limit (10 MB) though: a push parser holding more than that
	 * ahead of its cursor stops with "Huge input lookup" unless
	 * XML_PARSE_HUGE, which we refuse; a memory context is exempt, and
	 * its per-token check is nothing next to a document that size.
	 */
	push = len <= XML_MAX_LOOKUP_LIMIT;
	if (push)
		ctxt = xml_push_ctxt();
	else
		ctxt = xmlCreateMemoryParserCtxt(data, (int)len);
	if (ctxt == NULL)
		fatal("xml_sax_parse: out of memory");
	memset(&g, 0, sizeof(g));
	xml_setup(ctxt, &g, max_depth);
	g.ctxt = ctxt;
	g.h = h;
	g.arg = arg;
	buf_init(&g.vals, 0);
	/* the guard's depth hook calls these in place of the tree builder */
	g.start = xml_sax_start_cb;
	g.end = xml_sax_end_cb;
	ctxt->sax->characters = xml_sax_text_cb;
	ctxt->sax->ignorableWhitespace = xml_sax_text_cb;
	ctxt->sax->cdataBlock = xml_sax_cdata_cb;
	ctxt->sax->reference = NULL;
	ctxt->sax->comment = NULL;
	ctxt->sax->processingInstruction = NULL;
	sc.ctxt = ctxt;
	if (scp != NULL)
		*scp = &sc;

	/*
	 * A handler that gives up does not stop the parser: the rest is
	 * read without it, so a document that is not XML, or is an attack,
	 * is reported as that (as the tree parse reported it), whatever the
	 * handler found first.
	 */
	if (push)
		(void)xmlParseChunk(ctxt, data, (int)len, 1);
	else
		(void)xmlParseDocument(ctxt);

	if ((rc = xml_outcome(ctxt, &g, err)) == 0 && g.depth != 0) {
		wbem_error_set(err, WBEM_E_PROTOCOL, 0, NULL,
		    "XML error: document not well-formed");
		rc = -1;
	}
	if (rc == 0 && g.stopped)
		rc = -2;
	if (scp != NULL)
		*scp = NULL;
	/* the document node the DTD hooks hang on: no elements in it */
	xmlFreeDoc(ctxt->myDoc);
	ctxt->myDoc = NULL;
	ctxt->_private = NULL;
	if (push)
		xml_push_done(ctxt, rc != -1);
	else
		xmlFreeParserCtxt(ctxt);
	free(g.attrs);
	buf_release(&g.vals);
	return (rc);
}
