/*
 * wsman_server.c: the server half of the WS-Management codec, for
 * cimmockd: SOAP requests in, replies and faults out as WinRM writes them
 * (properties sorted by name, datetimes as xs:dateTime).  It shares
 * wsman.c's walkers and namespaces (codec_int.h) and is built into
 * libcimheadsrv.a, which the mock and its tests link and the client and
 * the daemon do not.  Pure: no I/O, no clock, no globals.
 */
#include "config.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/tree.h>

#include "cimhead_server.h"
#include "codec_int.h"

/* ---- requests in ------------------------------------------------------ */

#define ACT_IDENTIFY_NS	"http://schemas.dmtf.org/wbem/wsman/identity/1/wsmanidentity.xsd"
#define DMTF_CIM_URI	"http://schemas.dmtf.org/wbem/wscim/1/cim-schema/2/"

void
wsman_call_clear(struct wsman_call *c)
{
	size_t	i;

	free(c->action);
	free(c->resource_uri);
	free(c->msgid);
	free(c->ns);
	free(c->classname);
	free(c->method);
	cim_path_free(c->selectors);
	free(c->filter);
	free(c->dialect);
	free(c->context);
	for (i = 0; i < c->nparams; i++) {
		free(c->params[i].name);
		cim_value_clear(&c->params[i].v);
	}
	free(c->params);
	memset(c, 0, sizeof(*c));
}

/*
 * "…/wmi/root/cimv2/Win32_Process" -> ns "root/cimv2", class; the DMTF
 * cim-schema URIs land in root/cimv2 as WinRM maps them.
 */
static void
srv_split_uri(struct wsman_call *c)
{
	const char	*u = c->resource_uri, *slash;

	if (strncmp(u, WMI_URI, strlen(WMI_URI)) == 0) {
		u += strlen(WMI_URI);
		if ((slash = strrchr(u, '/')) == NULL || slash == u ||
		    slash[1] == '\0')
			return;
		c->ns = xstrndup(u, (size_t)(slash - u));
		c->classname = xstrdup(slash + 1);
	} else if (strncmp(u, DMTF_CIM_URI, strlen(DMTF_CIM_URI)) == 0 &&
	    wsman_valid_name(u + strlen(DMTF_CIM_URI))) {
		c->ns = xstrdup("root/cimv2");
		c->classname = xstrdup(u + strlen(DMTF_CIM_URI));
	}
}

static char *
child_text(xmlNode *n, const char *ns, const char *name)
{
	xmlNode	*c;
	char	*s;

	if ((c = wsman_child_el(n, ns, name)) == NULL)
		return (NULL);
	s = wsman_node_text(c);
	wsman_trim(s);
	return (s);
}

static void
srv_selectors(xmlNode *hdr, struct wsman_call *c)
{
	xmlNode	*set, *sel;
	char	*name, *val;

	if ((set = wsman_child_el(hdr, NS_W, "SelectorSet")) == NULL)
		return;
	c->selectors = cim_path_new(c->ns, c->classname ? c->classname : "");
	for (sel = wsman_first_el(set->children); sel != NULL;
	    sel = wsman_next_el(sel)) {
		if (!wsman_is_el(sel, NS_W, "Selector") ||
		    (name = wsman_attr_get(sel, NULL, "Name")) == NULL)
			continue;
		val = wsman_node_text(sel);
		wsman_trim(val);
		cim_path_add_key(c->selectors, name, CIM_T_STRING, val);
		free(name);
		free(val);
	}
}

static void
srv_enumerate(xmlNode *en, struct wsman_call *c)
{
	xmlNode		*f;
	char		*s;
	uint64_t	 v;

	c->optimize = wsman_child_el(en, NS_W, "OptimizeEnumeration") != NULL;
	if ((s = child_text(en, NS_W, "MaxElements")) != NULL) {
		if (parse_u64(s, &v) == 0 && v > 0)
			c->max_elements = v > UINT32_MAX ? UINT32_MAX :
			    (unsigned)v;
		free(s);
	}
	if ((s = child_text(en, NS_W, "EnumerationMode")) != NULL) {
		c->epr = strcmp(s, "EnumerateEPR") == 0 ? WSMAN_EPR_ONLY :
		    strcmp(s, "EnumerateObjectAndEPR") == 0 ?
		    WSMAN_EPR_AND_OBJECT : WSMAN_EPR_NONE;
		free(s);
	}
	if ((f = wsman_child_el(en, NS_W, "Filter")) != NULL ||
	    (f = wsman_child_el(en, NS_N, "Filter")) != NULL) {
		c->filter = wsman_node_text(f);
		wsman_trim(c->filter);
		if ((c->dialect = wsman_attr_get(f, NULL, "Dialect")) == NULL)
			c->dialect = xstrdup(WQL_DIALECT);
	}
}

static void
srv_params(xmlNode *in, struct wsman_call *c)
{
	xmlNode			*p, *dt;
	struct cim_property	*cp;
	size_t			 i, n = 0;
	char			*t;

	for (p = wsman_first_el(in->children); p != NULL; p = wsman_next_el(p))
		n++;
	c->params = xcalloc(n ? n : 1, sizeof(*c->params));
	for (p = wsman_first_el(in->children); p != NULL;
	    p = wsman_next_el(p)) {
		cp = NULL;
		for (i = 0; i < c->nparams; i++)
			if (strcmp(c->params[i].name,
			    (const char *)p->name) == 0)
				cp = &c->params[i];	/* repeated: array */
		if (cp == NULL) {
			cp = &c->params[c->nparams++];
			cp->name = xstrdup((const char *)p->name);
			cim_value_init(&cp->v, CIM_T_STRING);
		} else
			cp->v.is_array = 1;
		if (wsman_is_nil(p)) {
			cp->v.is_null = 1;
			continue;
		}
		dt = wsman_first_el(p->children);
		t = wsman_node_text(dt != NULL ? dt : p);
		cim_value_add(&cp->v, t);
		free(t);
	}
}

int
wsman_decode_request(const char *body, size_t len, struct wsman_call *c,
    struct wbem_error *err)
{
	xmlDoc		*doc;
	xmlNode		*env, *hdr, *bdy, *op;
	char		*s;
	size_t		 n;

	memset(c, 0, sizeof(*c));
	wbem_error_clear(err);
	if ((doc = xml_parse_safe(body, len, 0, 0, err)) == NULL)
		return (-1);
	env = xmlDocGetRootElement(doc);
	hdr = wsman_child_el(env, NS_S, "Header");
	bdy = wsman_child_el(env, NS_S, "Body");
	if (!wsman_is_el(env, NS_S, "Envelope") || bdy == NULL) {
		xmlFreeDoc(doc);
		wbem_error_set(err, WBEM_E_PROTOCOL, 0, "request",
		    "not a SOAP 1.2 envelope");
		return (-1);
	}
	op = wsman_first_el(bdy->children);
	/* wsmid:Identify comes without addressing headers */
	if (wsman_is_el(op, ACT_IDENTIFY_NS, "Identify") &&
	    wsman_child_el(hdr, NS_A, "Action") == NULL) {
		c->action = xstrdup("Identify");
		xmlFreeDoc(doc);
		return (0);
	}
	c->action = child_text(hdr, NS_A, "Action");
	c->msgid = child_text(hdr, NS_A, "MessageID");
	c->resource_uri = child_text(hdr, NS_W, "ResourceURI");
	if (c->action == NULL || c->msgid == NULL) {
		xmlFreeDoc(doc);
		wbem_error_set(err, WBEM_E_PROTOCOL, 0, "request",
		    "a:Action or a:MessageID missing");
		return (-1);
	}
	if (c->resource_uri != NULL)
		srv_split_uri(c);
	srv_selectors(hdr, c);
	if (strcmp(c->action, ACT_ENUMERATE) == 0) {
		c->msg = WSMAN_MSG_ENUMERATE;
		if (wsman_is_el(op, NS_N, "Enumerate"))
			srv_enumerate(op, c);
	} else if (strcmp(c->action, ACT_PULL) == 0 ||
	    strcmp(c->action, ACT_RELEASE) == 0) {
		c->msg = strcmp(c->action, ACT_PULL) == 0 ? WSMAN_MSG_PULL :
		    WSMAN_MSG_RELEASE;
		c->context = child_text(op, NS_N, "EnumerationContext");
		if ((s = child_text(op, NS_N, "MaxElements")) != NULL) {
			uint64_t v;

			if (parse_u64(s, &v) == 0 && v > 0)
				c->max_elements = v > UINT32_MAX ?
				    UINT32_MAX : (unsigned)v;
			free(s);
		}
	} else if (strcmp(c->action, ACT_GET) == 0)
		c->msg = WSMAN_MSG_GET;
	else if (c->resource_uri != NULL &&
	    (n = strlen(c->resource_uri)) < strlen(c->action) &&
	    strncmp(c->action, c->resource_uri, n) == 0 &&
	    c->action[n] == '/' && wsman_valid_name(c->action + n + 1)) {
		c->msg = WSMAN_MSG_INVOKE;
		c->method = xstrdup(c->action + n + 1);
		if (op != NULL)
			srv_params(op, c);
	}
	xmlFreeDoc(doc);
	return (0);
}

/* ---- replies out ------------------------------------------------------ */

static int
srv_head(struct buf *b, const char *action, const char *msgid,
    const char *relates_to)
{
	int	r = 0;

	r |= buf_puts(b, "<s:Envelope xml:lang=\"en-US\" xmlns:s=\"" NS_S
	    "\" xmlns:a=\"" NS_A "\" xmlns:n=\"" NS_N "\" xmlns:w=\"" NS_W
	    "\" xmlns:cim=\"" NS_CIM "\" xmlns:xsi=\"" NS_XSI "\">"
	    "<s:Header><a:Action>");
	r |= buf_xml_escape(b, action);
	r |= buf_puts(b, "</a:Action><a:MessageID>");
	r |= buf_xml_escape(b, msgid != NULL ? msgid : "");
	r |= buf_puts(b, "</a:MessageID><a:To>" ANON_ADDR "</a:To>");
	if (relates_to != NULL) {
		r |= buf_puts(b, "<a:RelatesTo>");
		r |= buf_xml_escape(b, relates_to);
		r |= buf_puts(b, "</a:RelatesTo>");
	}
	r |= buf_puts(b, "</s:Header><s:Body>");
	return (r != 0 ? -1 : 0);
}

/* An xs: time zone: "Z" for UTC, else the offset as +hh:mm or -hh:mm. */
static int
srv_zone(struct buf *b, char sign, unsigned off)
{
	if (off == 0)
		return (buf_puts(b, "Z"));
	return (buf_printf(b, "%c%02u:%02u", sign, off / 60, off % 60));
}

/* xs: seconds, the fraction trimmed as WinRM trims it, and the zone. */
static int
srv_seconds_zone(struct buf *b, unsigned s, unsigned us, char sign,
    unsigned off)
{
	char	frac[8];
	int	i;

	snprintf(frac, sizeof(frac), "%06u", us);
	for (i = 5; i >= 0 && frac[i] == '0'; i--)
		frac[i] = '\0';
	return (buf_printf(b, "%02u%s%s", s, frac[0] ? "." : "", frac) |
	    srv_zone(b, sign, off));
}

/*
 * CIM "yyyymmddhhmmss.mmmmmmsutc" as xs:dateTime, or as WinRM writes one
 * known only in part: xs:date (cim:Date) when the time is all '*', xs:time
 * (cim:Time) when the date is; an interval as xs:duration.
 */
static int
srv_datetime(const char *t, struct buf *b)
{
	unsigned	 y, mo, d, h, mi, s, us, off, days;
	int		 nodate, notime;

	if (strlen(t) != 25 || t[14] != '.')
		return (buf_xml_escape(b, t));
	if (t[21] == ':') {
		if (wsman_digits(t, 8, &days) == -1 ||
		    wsman_digits(t + 8, 2, &h) == -1 ||
		    wsman_digits(t + 10, 2, &mi) == -1 ||
		    wsman_digits(t + 12, 2, &s) == -1 ||
		    wsman_digits(t + 15, 6, &us) == -1)
			return (buf_xml_escape(b, t));
		return (buf_printf(b, "<cim:Interval>P%uDT%uH%uM%u.%06uS"
		    "</cim:Interval>", days, h, mi, s, us));
	}
	nodate = strncmp(t, "********", 8) == 0;
	notime = strncmp(t + 8, "******.******", 13) == 0;
	if ((!nodate && (wsman_digits(t, 4, &y) == -1 ||
	    wsman_digits(t + 4, 2, &mo) == -1 ||
	    wsman_digits(t + 6, 2, &d) == -1)) ||
	    (!notime && (wsman_digits(t + 8, 2, &h) == -1 ||
	    wsman_digits(t + 10, 2, &mi) == -1 ||
	    wsman_digits(t + 12, 2, &s) == -1 ||
	    wsman_digits(t + 15, 6, &us) == -1)) ||
	    (nodate && notime) || wsman_digits(t + 22, 3, &off) == -1 ||
	    (t[21] != '+' && t[21] != '-'))
		return (buf_xml_escape(b, t));
	if (notime) {
		buf_printf(b, "<cim:Date>%04u-%02u-%02u", y, mo, d);
		srv_zone(b, t[21], off);
		return (buf_puts(b, "</cim:Date>"));
	}
	if (nodate)
		buf_printf(b, "<cim:Time>%02u:%02u:", h, mi);
	else
		buf_printf(b, "<cim:Datetime>%04u-%02u-%02uT%02u:%02u:", y, mo,
		    d, h, mi);
	srv_seconds_zone(b, s, us, t[21], off);
	return (buf_puts(b, nodate ? "</cim:Time>" : "</cim:Datetime>"));
}

static int
srv_value(struct buf *b, const char *pfx, const char *name,
    const struct cim_value *v)
{
	size_t		 i;
	const char	*t;
	int		 r = 0;

	if (v->is_null || v->nvals == 0)
		return (buf_printf(b, "<%s%s xsi:nil=\"true\"/>", pfx, name));
	for (i = 0; i < v->nvals; i++) {
		t = v->vals[i] != NULL ? v->vals[i] : "";
		r |= buf_printf(b, "<%s%s>", pfx, name);
		if (v->type == CIM_T_BOOLEAN)
			r |= buf_puts(b, str_casecmp_ascii(t, "true") == 0 ?
			    "true" : "false");
		else if (v->type == CIM_T_DATETIME)
			r |= srv_datetime(t, b);
		else
			r |= buf_xml_escape(b, t);
		r |= buf_printf(b, "</%s%s>", pfx, name);
	}
	return (r != 0 ? -1 : 0);
}

static int
srv_prop_cmp(const void *a, const void *b)
{
	const struct cim_property *pa = *(const struct cim_property * const *)a;
	const struct cim_property *pb = *(const struct cim_property * const *)b;

	return (strcmp(pa->name, pb->name));
}

/* The properties in WinRM's order: sorted by name. */
static int
srv_props(struct buf *b, const char *pfx, const struct cim_property *props,
    size_t n)
{
	const struct cim_property	**v;
	size_t				  i;
	int				  r = 0;

	v = xcalloc(n ? n : 1, sizeof(*v));
	for (i = 0; i < n; i++)
		v[i] = &props[i];
	qsort(v, n, sizeof(*v), srv_prop_cmp);
	for (i = 0; i < n; i++)
		r |= srv_value(b, pfx, v[i]->name, &v[i]->v);
	free(v);
	return (r != 0 ? -1 : 0);
}

static int
srv_class_item(struct buf *b, const struct cim_instance *ci)
{
	const char	*ns;
	char		*uri;
	int		 r = 0;

	ns = ci->path != NULL && ci->path->ns != NULL ? ci->path->ns :
	    "root/cimv2";
	uri = wsman_class_uri(ns, ci->classname);
	r |= buf_printf(b, "<p:%s xml:lang=\"en-US\" xmlns:p=\"",
	    ci->classname);
	r |= buf_xml_escape(b, uri);
	r |= buf_printf(b, "\" xsi:type=\"p:%s_Type\">", ci->classname);
	r |= srv_props(b, "p:", ci->props, ci->nprops);
	r |= buf_printf(b, "</p:%s>", ci->classname);
	free(uri);
	return (r != 0 ? -1 : 0);
}

static int
srv_epr_item(struct buf *b, const struct cim_instance *ci)
{
	const struct cim_path	*p = ci->path;
	char			*uri;
	size_t			 i;
	int			 r = 0;

	uri = wsman_class_uri(p != NULL && p->ns != NULL ? p->ns : "root/cimv2",
	    ci->classname);
	r |= buf_puts(b, "<a:EndpointReference><a:Address>" ANON_ADDR
	    "</a:Address><a:ReferenceParameters><w:ResourceURI>");
	r |= buf_xml_escape(b, uri);
	r |= buf_puts(b, "</w:ResourceURI><w:SelectorSet>");
	for (i = 0; p != NULL && i < p->nkeys; i++) {
		r |= buf_puts(b, "<w:Selector Name=\"");
		r |= buf_xml_escape(b, p->keys[i].name);
		r |= buf_puts(b, "\">");
		r |= buf_xml_escape(b, p->keys[i].value ? p->keys[i].value :
		    "");
		r |= buf_puts(b, "</w:Selector>");
	}
	r |= buf_puts(b, "</w:SelectorSet></a:ReferenceParameters>"
	    "</a:EndpointReference>");
	free(uri);
	return (r != 0 ? -1 : 0);
}

int
wsman_encode_batch(const struct wsman_batch *bt, struct buf *b)
{
	const char	*pfx = bt->msg == WSMAN_MSG_PULL ? "n" : "w";
	const char	*resp = bt->msg == WSMAN_MSG_PULL ? "PullResponse" :
			    "EnumerateResponse";
	size_t		 i;
	int		 r = 0;

	r |= srv_head(b, bt->msg == WSMAN_MSG_PULL ? NS_N "/PullResponse" :
	    NS_N "/EnumerateResponse", bt->msgid, bt->relates_to);
	r |= buf_printf(b, "<n:%s>", resp);
	/* an Enumerate always names a context; empty when it is the end */
	if (bt->context != NULL || bt->msg == WSMAN_MSG_ENUMERATE) {
		r |= buf_puts(b, "<n:EnumerationContext>");
		r |= buf_xml_escape(b, bt->context ? bt->context : "");
		r |= buf_puts(b, "</n:EnumerationContext>");
	}
	if (bt->n > 0 || bt->msg == WSMAN_MSG_PULL) {
		r |= buf_printf(b, "<%s:Items>", pfx);
		for (i = 0; i < bt->n; i++) {
			/* DSP0226 8.7: the object, then its EPR, in w:Item */
			if (bt->epr == WSMAN_EPR_AND_OBJECT)
				r |= buf_puts(b, "<w:Item>");
			if (bt->epr == WSMAN_EPR_ONLY)
				;
			else if (bt->fragment) {
				r |= buf_puts(b, "<w:XmlFragment>");
				r |= srv_props(b, "", bt->items[i]->props,
				    bt->items[i]->nprops);
				r |= buf_puts(b, "</w:XmlFragment>");
			} else
				r |= srv_class_item(b, bt->items[i]);
			if (bt->epr != WSMAN_EPR_NONE)
				r |= srv_epr_item(b, bt->items[i]);
			if (bt->epr == WSMAN_EPR_AND_OBJECT)
				r |= buf_puts(b, "</w:Item>");
		}
		r |= buf_printf(b, "</%s:Items>", pfx);
	}
	if (bt->context == NULL)
		r |= buf_printf(b, "<%s:EndOfSequence/>", pfx);
	r |= buf_printf(b, "</n:%s>", resp);
	r |= wsman_enc_tail(b);
	return (r != 0 ? -1 : 0);
}

int
wsman_encode_get_response(const char *msgid, const char *relates_to,
    const struct cim_instance *ci, struct buf *b)
{
	int	r = 0;

	r |= srv_head(b, NS_X "/GetResponse", msgid, relates_to);
	r |= srv_class_item(b, ci);
	r |= wsman_enc_tail(b);
	return (r != 0 ? -1 : 0);
}

int
wsman_encode_release_response(const char *msgid, const char *relates_to,
    struct buf *b)
{
	int	r = 0;

	r |= srv_head(b, NS_N "/ReleaseResponse", msgid, relates_to);
	r |= wsman_enc_tail(b);
	return (r != 0 ? -1 : 0);
}

int
wsman_encode_invoke_response(const char *msgid, const char *relates_to,
    const char *resource_uri, const char *method,
    const struct cim_method_result *mr, struct buf *b)
{
	struct cim_property	*all;
	struct buf		 act;
	size_t			 i;
	int			 r = 0;

	buf_init(&act, 0);
	buf_printf(&act, "%s/%sResponse", resource_uri, method);
	r |= srv_head(b, act.data, msgid, relates_to);
	buf_release(&act);
	r |= buf_printf(b, "<p:%s_OUTPUT xmlns:p=\"", method);
	r |= buf_xml_escape(b, resource_uri);
	r |= buf_puts(b, "\">");
	/* ReturnValue sorts among the out parameters, as WinRM writes it */
	all = xcalloc(mr->nout + 1, sizeof(*all));
	for (i = 0; i < mr->nout; i++)
		all[i] = mr->out[i];
	all[mr->nout].name = (char *)(uintptr_t)"ReturnValue";
	all[mr->nout].v = mr->ret;
	r |= srv_props(b, "p:", all, mr->nout + 1);
	free(all);
	r |= buf_printf(b, "</p:%s_OUTPUT>", method);
	r |= wsman_enc_tail(b);
	return (r != 0 ? -1 : 0);
}

int
wsman_encode_fault(const char *msgid, const char *relates_to,
    const struct wsman_fault *f, struct buf *b)
{
	const char	*action;
	int		 r = 0;

	if (strncmp(f->subcode, "n:", 2) == 0)
		action = NS_N "/fault";
	else if (strncmp(f->subcode, "a:", 2) == 0)
		action = NS_A "/fault";
	else
		action = "http://schemas.dmtf.org/wbem/wsman/1/wsman/fault";
	r |= srv_head(b, action, msgid, relates_to);
	r |= buf_puts(b, "<s:Fault><s:Code><s:Value>");
	r |= buf_xml_escape(b, f->code);
	r |= buf_puts(b, "</s:Value><s:Subcode><s:Value>");
	r |= buf_xml_escape(b, f->subcode);
	r |= buf_puts(b, "</s:Value></s:Subcode></s:Code><s:Reason>"
	    "<s:Text xml:lang=\"en-US\">");
	r |= buf_xml_escape(b, f->reason);
	r |= buf_puts(b, "</s:Text></s:Reason><s:Detail>");
	if (f->cim_status > 0) {
		r |= buf_puts(b, "<p:MSFT_WmiError b:IsCIM_Error=\"true\" "
		    "xmlns:b=\"http://schemas.dmtf.org/wbem/wsman/1/"
		    "cimbinding.xsd\" xmlns:p=\"" DMTF_CIM_URI "MSFT_WmiError\" "
		    "xsi:type=\"p:MSFT_WmiError_Type\">");
		r |= buf_printf(b, "<p:CIMStatusCode xsi:type=\"cim:"
		    "cimUnsignedInt\">%d</p:CIMStatusCode>", f->cim_status);
		r |= buf_puts(b, "<p:Message xsi:type=\"cim:cimString\">");
		r |= buf_xml_escape(b, f->message);
		r |= buf_printf(b, "</p:Message><p:error_Code xsi:type=\"cim:"
		    "cimUnsignedInt\">%lu</p:error_Code><p:error_Type "
		    "xsi:type=\"cim:cimString\">HRESULT</p:error_Type>"
		    "</p:MSFT_WmiError>", f->wsman_code);
	} else {
		r |= buf_printf(b, "<f:WSManFault xmlns:f=\"" NS_F "\" "
		    "Code=\"%lu\" Machine=\"", f->wsman_code);
		r |= buf_xml_escape(b, f->machine);
		r |= buf_puts(b, "\"><f:Message>");
		r |= buf_xml_escape(b, f->message);
		r |= buf_puts(b, "</f:Message></f:WSManFault>");
	}
	r |= buf_puts(b, "</s:Detail></s:Fault>");
	r |= wsman_enc_tail(b);
	return (r != 0 ? -1 : 0);
}
