/*
 * xml.c: the one way this project parses XML from the network.  libxml2 is
 * told to touch no network, expand no entity and load no DTD; a document
 * that declares entities at all is refused (billion laughs, XXE), and the
 * size and element depth are capped before libxml2's own, larger, limits.
 * Parse errors never reach stderr: the first one, with its line, goes into
 * the caller's wbem_error.
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

struct _xmlDoc *
xml_parse_safe(const char *data, size_t len, size_t max_bytes, int max_depth,
    struct wbem_error *err)
{
	xmlParserCtxtPtr	 ctxt;
	xmlDocPtr		 doc = NULL;
	struct xml_guard	 g;

	if (max_bytes == 0)
		max_bytes = XML_MAX_BYTES_DEFAULT;
	if (max_depth <= 0)
		max_depth = XML_MAX_DEPTH_DEFAULT;
	if (data == NULL || len == 0) {
		wbem_error_set(err, WBEM_E_PROTOCOL, 0, NULL,
		    "empty XML document");
		return (NULL);
	}
	if (len > max_bytes || len > INT_MAX) {
		wbem_error_set(err, WBEM_E_PROTOCOL, 0, NULL,
		    "XML document of %zu bytes is over the %zu-byte cap",
		    len, max_bytes);
		return (NULL);
	}
	if ((ctxt = xmlCreateMemoryParserCtxt(data, (int)len)) == NULL)
		fatal("xmlCreateMemoryParserCtxt: out of memory");

	memset(&g, 0, sizeof(g));
	g.max_depth = max_depth;
	g.start = ctxt->sax->startElementNs;
	g.end = ctxt->sax->endElementNs;
	ctxt->_private = &g;
	/* No XML_PARSE_NOENT, DTDLOAD, DTDATTR, DTDVALID or HUGE: on purpose */
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

	(void)xmlParseDocument(ctxt);
	doc = ctxt->myDoc;
	ctxt->myDoc = NULL;

	if (g.refused) {
		wbem_error_set(err, WBEM_E_PROTOCOL, 0, NULL, "%s", g.msg);
		goto fail;
	}
	if (!ctxt->wellFormed || doc == NULL) {
		if (g.msg[0] == '\0')
			snprintf(g.msg, sizeof(g.msg),
			    "XML error: document not well-formed");
		wbem_error_set(err, WBEM_E_PROTOCOL, g.code, NULL, "%s", g.msg);
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
