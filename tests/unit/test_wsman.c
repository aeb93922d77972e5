/*
 * test_wsman.c: the WS-Management codec.  Requests are parsed back with
 * libxml2 and checked element by element (namespaces, actions, selectors,
 * the Create_INPUT body); replies come from tests/fixtures/wsman, written
 * from what WinRM sends, plus four real WinRM faults.
 */
#include "config.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/parser.h>
#include <libxml/tree.h>
#include <libxml/xpath.h>
#include <libxml/xpathInternals.h>

#include "cimhead.h"
#include "tap.h"
#include "fixture.h"

#define RT(n)	"uuid:00000000-0000-4000-8000-0000000000" n
#define WMI	"http://schemas.microsoft.com/wbem/wsman/1/wmi/root/cimv2/"
#define SELECTOR_NAME \
	"/s:Envelope/s:Header/w:SelectorSet/w:Selector[@Name='Name']"
#define ENDPOINT "https://node1.example.net:5986/wsman"

/* A reply under tests/fixtures/wsman/. */
static char *
wsman_fixture(const char *name, size_t *lenp)
{
	char	 rel[256];

	snprintf(rel, sizeof(rel), "wsman/%s", name);
	return (slurp(rel, lenp));
}

/* Decodes a fixture as the reply to st->sent with msgid, typed by pt. */
static int
decode_fixture_typed(struct wsman_state *st, const struct wsman_ptype *pt,
    size_t npt, const char *name, long status, const char *msgid,
    struct wbem_result **res, struct wbem_error *err)
{
	struct wsman_opts	 o = { .endpoint = ENDPOINT };
	char			*body;
	size_t			 len;
	int			 rc;

	o.ptypes = pt;
	o.nptypes = npt;
	body = wsman_fixture(name, &len);
	rc = wsman_decode_response(st, &o, status, body, len, msgid, res, err);
	free(body);
	return (rc);
}

/* With the Win32 table, which wbem.c passes unless the target has one. */
static int
decode_fixture(struct wsman_state *st, const char *name, long status,
    const char *msgid, struct wbem_result **res, struct wbem_error *err)
{
	return (decode_fixture_typed(st, wsman_win32_ptypes,
	    wsman_win32_nptypes, name, status, msgid, res, err));
}

/* ---- requests parsed back ---------------------------------------------- */

static xmlDoc			*req_doc;
static xmlXPathContext		*req_xp;

static int
req_parse(const struct buf *b)
{
	xmlXPathFreeContext(req_xp);
	xmlFreeDoc(req_doc);
	req_xp = NULL;
	req_doc = xmlReadMemory(b->data, (int)b->len, NULL, NULL,
	    XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
	if (req_doc == NULL)
		return (-1);
	req_xp = xmlXPathNewContext(req_doc);
	xmlXPathRegisterNs(req_xp, BAD_CAST "s",
	    BAD_CAST "http://www.w3.org/2003/05/soap-envelope");
	xmlXPathRegisterNs(req_xp, BAD_CAST "a",
	    BAD_CAST "http://schemas.xmlsoap.org/ws/2004/08/addressing");
	xmlXPathRegisterNs(req_xp, BAD_CAST "n",
	    BAD_CAST "http://schemas.xmlsoap.org/ws/2004/09/enumeration");
	xmlXPathRegisterNs(req_xp, BAD_CAST "w",
	    BAD_CAST "http://schemas.dmtf.org/wbem/wsman/1/wsman.xsd");
	xmlXPathRegisterNs(req_xp, BAD_CAST "pp", BAD_CAST WMI "Win32_Process");
	xmlXPathRegisterNs(req_xp, BAD_CAST "ps", BAD_CAST WMI "Win32_Service");
	return (0);
}

/* The string value of an XPath expression in the last parsed request. */
static char	 xp_out[2048];

static const char *
xp(const char *expr)
{
	xmlXPathObject	*r;

	xp_out[0] = '\0';
	if (req_xp == NULL)
		return (NULL);
	if ((r = xmlXPathEvalExpression(BAD_CAST expr, req_xp)) == NULL)
		return (NULL);
	if (r->type == XPATH_NODESET && (r->nodesetval == NULL ||
	    r->nodesetval->nodeNr == 0)) {
		xmlXPathFreeObject(r);
		return (NULL);
	}
	{
		xmlChar *s = xmlXPathCastToString(r);

		snprintf(xp_out, sizeof(xp_out), "%s", (const char *)s);
		xmlFree(s);
	}
	xmlXPathFreeObject(r);
	return (xp_out);
}

static void
check_header(const char *what, const char *action, const char *uri,
    const char *msgid)
{
	char	m[128];

	snprintf(m, sizeof(m), "%s: a:To", what);
	is_str(xp("/s:Envelope/s:Header/a:To"), ENDPOINT, "%s", m);
	is_str(xp("/s:Envelope/s:Header/a:Action"), action, "%s: a:Action",
	    what);
	is_str(xp("string(/s:Envelope/s:Header/a:Action/@s:mustUnderstand)"),
	    "true", "%s: a:Action mustUnderstand", what);
	is_str(xp("/s:Envelope/s:Header/w:ResourceURI"), uri,
	    "%s: w:ResourceURI", what);
	is_str(xp("string(/s:Envelope/s:Header/w:ResourceURI/"
	    "@s:mustUnderstand)"), "true", "%s: ResourceURI mustUnderstand",
	    what);
	is_str(xp("/s:Envelope/s:Header/a:ReplyTo/a:Address"),
	    "http://schemas.xmlsoap.org/ws/2004/08/addressing/role/anonymous",
	    "%s: a:ReplyTo anonymous", what);
	is_str(xp("/s:Envelope/s:Header/a:MessageID"), msgid,
	    "%s: a:MessageID", what);
	is_str(xp("/s:Envelope/s:Header/w:MaxEnvelopeSize"), "153600",
	    "%s: w:MaxEnvelopeSize", what);
	is_str(xp("/s:Envelope/s:Header/w:OperationTimeout"), "PT60.000S",
	    "%s: w:OperationTimeout", what);
}

static void
test_encode(void)
{
	struct wsman_opts	 o = { .endpoint = ENDPOINT };
	struct wsman_state	 st;
	struct wbem_request	 req;
	struct wbem_error	 err;
	struct cim_path		*path;
	struct cim_property	 params[3];
	struct buf		 b;
	const char		*plist[] = { "Name", "PercentProcessorTime",
				    NULL };
	const char		*badlist[] = { "Name,x FROM y", NULL };
	unsigned char		 rnd[16];
	char			 id[WSMAN_MSGID_LEN];
	int			 i;

	wsman_state_init(&st);
	buf_init(&b, 0);

	/* WQL query */
	memset(&req, 0, sizeof(req));
	req.op = WBEM_OP_QUERY;
	req.ns = "root/cimv2";
	req.query = "SELECT Name, Caption FROM Win32_Process WHERE Caption = "
	    "'vod&stream.exe'";
	ok(wsman_encode_request(&req, &o, RT("01"), &st, &b, &err) == 0,
	    "encode WQL Enumerate");
	ok(req_parse(&b) == 0, "WQL Enumerate is well-formed XML");
	check_header("query",
	    "http://schemas.xmlsoap.org/ws/2004/09/enumeration/Enumerate",
	    WMI "*", RT("01"));
	is_str(xp("/s:Envelope/s:Body/n:Enumerate/w:Filter"), req.query,
	    "WQL text in w:Filter, escaped and back");
	is_str(xp("string(/s:Envelope/s:Body/n:Enumerate/w:Filter/@Dialect)"),
	    "http://schemas.microsoft.com/wbem/wsman/1/WQL", "WQL dialect");
	ok(xp("/s:Envelope/s:Body/n:Enumerate/w:OptimizeEnumeration") != NULL,
	    "w:OptimizeEnumeration");
	is_str(xp("/s:Envelope/s:Body/n:Enumerate/w:MaxElements"), "32",
	    "w:MaxElements default");
	ok(xp("/s:Envelope/s:Header/w:SelectorSet") == NULL,
	    "no SelectorSet on an enumeration");
	ok(xp("/s:Envelope/s:Header/w:Locale") == NULL,
	    "no Locale unless asked");
	is_str(st.classname, "Win32_Process", "class taken from FROM");
	is_int(st.sent, WSMAN_MSG_ENUMERATE, "state: Enumerate sent");

	/* Pull and Release need a context */
	buf_reset(&b);
	ok(wsman_encode_pull(&o, &st, RT("02"), &b, &err) == -1 &&
	    err.kind == WBEM_E_USAGE, "Pull without a context is refused");
	st.context = xstrdup("uuid:CTX-1&2");
	o.max_elements = 5;
	buf_reset(&b);
	ok(wsman_encode_pull(&o, &st, RT("02"), &b, &err) == 0, "encode Pull");
	ok(req_parse(&b) == 0, "Pull is well-formed");
	check_header("pull",
	    "http://schemas.xmlsoap.org/ws/2004/09/enumeration/Pull",
	    WMI "*", RT("02"));
	is_str(xp("/s:Envelope/s:Body/n:Pull/n:EnumerationContext"),
	    "uuid:CTX-1&2", "Pull carries the context");
	is_str(xp("/s:Envelope/s:Body/n:Pull/n:MaxElements"), "5",
	    "Pull n:MaxElements from the options");
	buf_reset(&b);
	ok(wsman_encode_release(&o, &st, RT("03"), &b, &err) == 0,
	    "encode Release");
	ok(req_parse(&b) == 0, "Release is well-formed");
	is_str(xp("/s:Envelope/s:Header/a:Action"),
	    "http://schemas.xmlsoap.org/ws/2004/09/enumeration/Release",
	    "Release action");
	is_str(xp("/s:Envelope/s:Body/n:Release/n:EnumerationContext"),
	    "uuid:CTX-1&2", "Release carries the context");
	o.max_elements = 0;

	/* ENUM of a class */
	memset(&req, 0, sizeof(req));
	req.op = WBEM_OP_ENUM;
	req.ns = "root\\cimv2";
	req.classname = "Win32_PerfRawData_PerfOS_Processor";
	buf_reset(&b);
	o.locale = "en-US";
	o.timeout_ms = 2500;
	ok(wsman_encode_request(&req, &o, RT("04"), &st, &b, &err) == 0,
	    "encode class Enumerate");
	ok(req_parse(&b) == 0, "class Enumerate is well-formed");
	is_str(xp("/s:Envelope/s:Header/w:ResourceURI"),
	    WMI "Win32_PerfRawData_PerfOS_Processor",
	    "class ResourceURI (backslash namespace made a URI)");
	ok(xp("/s:Envelope/s:Body/n:Enumerate/w:Filter") == NULL,
	    "no filter for a plain class enumeration");
	is_str(xp("string(/s:Envelope/s:Header/w:Locale/@xml:lang)"), "en-US",
	    "w:Locale when asked");
	is_str(xp("/s:Envelope/s:Header/w:OperationTimeout"), "PT2.500S",
	    "OperationTimeout from the options");
	o.locale = NULL;
	o.timeout_ms = 0;

	/* ENUM with a property list becomes WQL */
	req.proplist = plist;
	buf_reset(&b);
	ok(wsman_encode_request(&req, &o, RT("05"), &st, &b, &err) == 0 &&
	    req_parse(&b) == 0, "encode Enumerate with a property list");
	is_str(xp("/s:Envelope/s:Body/n:Enumerate/w:Filter"),
	    "SELECT Name,PercentProcessorTime FROM "
	    "Win32_PerfRawData_PerfOS_Processor", "property list as WQL");
	req.proplist = badlist;
	buf_reset(&b);
	ok(wsman_encode_request(&req, &o, RT("05"), &st, &b, &err) == -1 &&
	    err.kind == WBEM_E_USAGE, "a property name cannot inject WQL");
	req.proplist = NULL;

	/* ENUM_NAMES */
	req.op = WBEM_OP_ENUM_NAMES;
	req.classname = "Win32_Service";
	buf_reset(&b);
	ok(wsman_encode_request(&req, &o, RT("06"), &st, &b, &err) == 0 &&
	    req_parse(&b) == 0, "encode EnumerateEPR");
	is_str(xp("/s:Envelope/s:Body/n:Enumerate/w:EnumerationMode"),
	    "EnumerateEPR", "names use EnumerationMode EnumerateEPR");

	/* bad names */
	req.op = WBEM_OP_ENUM;
	req.classname = "Win32_Process/../x";
	buf_reset(&b);
	ok(wsman_encode_request(&req, &o, RT("07"), &st, &b, &err) == -1 &&
	    err.kind == WBEM_E_USAGE, "bad class name refused");
	req.classname = "Win32_Process";
	req.ns = "root/../x";
	ok(wsman_encode_request(&req, &o, RT("07"), &st, &b, &err) == -1 &&
	    err.kind == WBEM_E_USAGE, "bad namespace refused");
	req.ns = NULL;
	req.op = WBEM_OP_GET_CLASS;
	ok(wsman_encode_request(&req, &o, RT("07"), &st, &b, &err) == -1 &&
	    err.kind == WBEM_E_USAGE, "GetClass refused");
	req.op = WBEM_OP_QUERY;
	req.query = "select * from CIM_Process";
	req.query_lang = "DMTF:CQL";
	ok(wsman_encode_request(&req, &o, RT("07"), &st, &b, &err) == -1 &&
	    err.kind == WBEM_E_USAGE, "CQL refused");
	req.query_lang = "wql";
	buf_reset(&b);
	ok(wsman_encode_request(&req, &o, RT("07"), &st, &b, &err) == 0,
	    "query language 'wql' taken");
	is_str(st.classname, "CIM_Process", "lower-case from");

	/* Get with a SelectorSet */
	memset(&req, 0, sizeof(req));
	path = cim_path_new("root/cimv2", "Win32_Service");
	cim_path_add_key(path, "Name", CIM_T_STRING, "vod\"stream<1>");
	req.op = WBEM_OP_GET;
	req.path = path;
	buf_reset(&b);
	ok(wsman_encode_request(&req, &o, RT("08"), &st, &b, &err) == 0,
	    "encode Get");
	ok(req_parse(&b) == 0, "Get is well-formed");
	check_header("get",
	    "http://schemas.xmlsoap.org/ws/2004/09/transfer/Get",
	    WMI "Win32_Service", RT("08"));
	is_str(xp(SELECTOR_NAME), "vod\"stream<1>",
	    "Get selector, escaped and back");
	is_str(xp("count(/s:Envelope/s:Body/*)"), "0", "Get body is empty");

	/* instance Invoke: Win32_Service.StartService */
	req.op = WBEM_OP_INVOKE;
	req.method = "StartService";
	buf_reset(&b);
	ok(wsman_encode_request(&req, &o, RT("09"), &st, &b, &err) == 0 &&
	    req_parse(&b) == 0, "encode instance Invoke");
	check_header("startservice", WMI "Win32_Service/StartService",
	    WMI "Win32_Service", RT("09"));
	is_str(xp(SELECTOR_NAME), "vod\"stream<1>",
	    "instance Invoke selector");
	ok(xp("/s:Envelope/s:Body/ps:StartService_INPUT") != NULL,
	    "StartService_INPUT in the class namespace");
	cim_path_free(path);

	/* static Invoke: Win32_Process.Create */
	path = cim_path_new("root/cimv2", "Win32_Process");
	memset(params, 0, sizeof(params));
	params[0].name = xstrdup("CommandLine");
	cim_value_init(&params[0].v, CIM_T_STRING);
	cim_value_add(&params[0].v,
	    "\"C:\\vod\\vodstream.exe\" --port 8080 & <x>");
	params[1].name = xstrdup("CurrentDirectory");
	cim_value_init(&params[1].v, CIM_T_STRING);
	cim_value_add(&params[1].v, "C:\\vod");
	params[2].name = xstrdup("ProcessStartupInformation");
	cim_value_init(&params[2].v, CIM_T_OBJECT);
	params[2].v.is_null = 1;
	req.path = path;
	req.method = "Create";
	req.params = params;
	req.nparams = 2;
	buf_reset(&b);
	ok(wsman_encode_request(&req, &o, RT("0A"), &st, &b, &err) == 0 &&
	    req_parse(&b) == 0, "encode static Invoke");
	check_header("create", WMI "Win32_Process/Create", WMI "Win32_Process",
	    RT("0A"));
	ok(xp("/s:Envelope/s:Header/w:SelectorSet") == NULL,
	    "static Invoke has no SelectorSet");
	is_str(xp("/s:Envelope/s:Body/pp:Create_INPUT/pp:CommandLine"),
	    "\"C:\\vod\\vodstream.exe\" --port 8080 & <x>",
	    "p:CommandLine escaped and back");
	is_str(xp("/s:Envelope/s:Body/pp:Create_INPUT/pp:CurrentDirectory"),
	    "C:\\vod", "p:CurrentDirectory");
	req.nparams = 3;
	buf_reset(&b);
	ok(wsman_encode_request(&req, &o, RT("0A"), &st, &b, &err) == -1 &&
	    err.kind == WBEM_E_USAGE, "embedded object parameter refused");
	cim_property_clear(&params[0]);
	cim_property_clear(&params[1]);
	cim_property_clear(&params[2]);
	cim_path_free(path);

	/* a capped buffer fails cleanly */
	buf_release(&b);
	buf_init(&b, 100);
	memset(&req, 0, sizeof(req));
	req.op = WBEM_OP_ENUM;
	req.classname = "Win32_Process";
	ok(wsman_encode_request(&req, &o, RT("0B"), &st, &b, &err) == -1,
	    "request over the buffer cap fails");

	/* MessageIDs */
	for (i = 0; i < 16; i++)
		rnd[i] = (unsigned char)(0xff - i);
	wsman_format_msgid(rnd, id, sizeof(id));
	is_str(id, "uuid:FFFEFDFC-FBFA-49F8-B7F6-F5F4F3F2F1F0",
	    "MessageID is a version-4 uuid");
	is_int(strlen(id) + 1, WSMAN_MSGID_LEN, "MessageID length");

	buf_release(&b);
	wsman_state_clear(&st);
}

/* ---- replies ------------------------------------------------------------ */

static const struct cim_property *
prop(const struct cim_instance *i, const char *name)
{
	return (cim_instance_get(i, name));
}

static const char *
ptype(const struct cim_instance *i, const char *name)
{
	const struct cim_property *p = prop(i, name);

	return (p != NULL ? cim_type_name(p->v.type) : "(absent)");
}

/* SELECT * FROM Win32_Process encoded as message RT("01"), st set up. */
static void
query_processes(struct wsman_state *st, struct buf *b)
{
	struct wsman_opts	 o = { .endpoint = ENDPOINT };
	struct wbem_request	 req;
	struct wbem_error	 err;

	wsman_state_init(st);
	buf_init(b, 0);
	memset(&req, 0, sizeof(req));
	req.op = WBEM_OP_QUERY;
	req.query = "SELECT * FROM Win32_Process";
	wsman_encode_request(&req, &o, RT("01"), st, b, &err);
}

static void
test_enumeration(void)
{
	struct wsman_opts	 o = { .endpoint = ENDPOINT };
	struct wsman_state	 st;
	struct wbem_result	*res = NULL;
	struct wbem_error	 err;
	struct buf		 b;
	const struct cim_instance *in;
	const struct cim_property *p;

	query_processes(&st, &b);
	ok(decode_fixture(&st, "enum-process-star.xml", 200, RT("01"), &res,
	    &err) == 0, "EnumerateResponse (SELECT * items) decodes");
	ok(res != NULL && res->kind == WBEM_R_INSTANCES && res->ninst == 2,
	    "two instances");
	ok(!st.done, "no end of sequence yet");
	is_str(st.context, "uuid:6F4D2B8A-3C11-4E5F-9A0B-C1D2E3F40001",
	    "context kept for Pull");
	if (res == NULL || res->ninst < 2)
		return;
	in = res->inst[1];
	is_str(in->classname, "Win32_Process", "class from the item element");
	is_str(cim_instance_text(in, "CommandLine"),
	    "\"C:\\vod\\vodstream.exe\" --port 8080 & --title \"a<b\"",
	    "p:-qualified text, unescaped");
	is_str(cim_instance_text(in, "workingsetsize"), "18446744073709551615",
	    "uint64 max exact, name matched case-insensitively");
	is_str(ptype(in, "WorkingSetSize"), "uint64",
	    "WorkingSetSize is uint64");
	is_str(ptype(in, "ProcessId"), "uint32", "ProcessId is uint32");
	is_str(ptype(in, "Caption"), "string", "Caption is string");
	is_str(cim_instance_text(in, "CreationDate"),
	    "20130415162847.735170+120",
	    "cim:Datetime with offset as CIM datetime");
	is_str(ptype(in, "CreationDate"), "datetime", "datetime type");
	ok(in->path != NULL && in->path->nkeys == 1 &&
	    strcmp(in->path->keys[0].name, "Handle") == 0 &&
	    strcmp(in->path->keys[0].value, "4242") == 0,
	    "path from the Handle key");
	in = res->inst[0];
	p = prop(in, "ExecutablePath");
	ok(p != NULL && p->v.is_null, "xsi:nil is NULL");
	is_str(cim_instance_text(in, "CreationDate"),
	    "20261123192357.500000+000",
	    "cim:Datetime Z as CIM datetime");
	is_str(cim_instance_text(in, "KernelModeTime"), "9007199254740993",
	    "2^53+1 exact");

	/* Pull */
	buf_reset(&b);
	ok(wsman_encode_pull(&o, &st, RT("02"), &b, &err) == 0 &&
	    strstr(b.data, "uuid:6F4D2B8A-3C11-4E5F-9A0B-C1D2E3F40001") != NULL,
	    "Pull with the context from the reply");
	ok(decode_fixture(&st, "pull-process-end.xml", 200, RT("02"), &res,
	    &err) == 0, "PullResponse decodes");
	is_int(res->ninst, 3, "items appended to the same result");
	ok(st.done, "n:EndOfSequence ends it");
	ok(st.context == NULL, "no context left to release");
	is_int(st.nreplies, 2, "two replies");

	wbem_result_free(res);
	buf_release(&b);
	wsman_state_clear(&st);
}

/* The items of enum-process-star.xml decoded with the table pt. */
static struct wbem_result *
process_items(const struct wsman_ptype *pt, size_t npt)
{
	struct wsman_state	 st;
	struct wbem_result	*res = NULL;
	struct wbem_error	 err;
	struct buf		 b;

	query_processes(&st, &b);
	if (decode_fixture_typed(&st, pt, npt, "enum-process-star.xml", 200,
	    RT("01"), &res, &err) == -1 || res == NULL || res->ninst != 2) {
		wbem_result_free(res);
		res = NULL;
	}
	buf_release(&b);
	wsman_state_clear(&st);
	return (res);
}

/* The codec types items from its caller's table only. */
static void
test_ptypes(void)
{
	static const struct wsman_ptype mine[] = {
		{ "Win32_Process", "ThreadCount", CIM_T_UINT16, 0 },
		{ "Win32_P*ess", "KernelModeTime", CIM_T_SINT64, 0 },
		{ "win32_process", "Name", CIM_T_STRING, 1 },
		{ "Win32_Service", "WorkingSetSize", CIM_T_UINT64, 0 },
	};
	struct wbem_result		*res;
	const struct cim_instance	*in;

	res = process_items(NULL, 0);
	ok(res != NULL, "no table: the enumeration decodes");
	if (res != NULL) {
		in = res->inst[1];
		is_str(ptype(in, "WorkingSetSize"), "string",
		    "no table: WorkingSetSize stays a string");
		is_str(cim_instance_text(in, "WorkingSetSize"),
		    "18446744073709551615", "no table: its text kept");
		is_str(ptype(in, "ProcessId"), "string",
		    "no table: ProcessId stays a string");
		is_str(ptype(in, "CreationDate"), "datetime",
		    "no table: a cim:Datetime is still a datetime");
		ok(in->path == NULL, "no table: no key, no path");
	}
	wbem_result_free(res);

	res = process_items(mine, nitems(mine));
	ok(res != NULL, "caller's table: the enumeration decodes");
	if (res != NULL) {
		in = res->inst[1];
		is_str(ptype(in, "ThreadCount"), "uint16",
		    "caller's table: ThreadCount as it says");
		is_str(ptype(in, "KernelModeTime"), "sint64",
		    "caller's table: a class pattern with '*' matches");
		is_str(ptype(in, "WorkingSetSize"), "string",
		    "caller's table: another class's entry does not apply");
		is_str(ptype(in, "ProcessId"), "string",
		    "caller's table: what it lacks stays a string");
		ok(in->path != NULL && in->path->nkeys == 1 &&
		    strcmp(in->path->keys[0].name, "Name") == 0 &&
		    strcmp(in->path->keys[0].value, "vodstream.exe") == 0,
		    "caller's table: its key gives the path");
	}
	wbem_result_free(res);

	res = process_items(wsman_win32_ptypes, wsman_win32_nptypes);
	ok(res != NULL && strcmp(ptype(res->inst[1], "WorkingSetSize"),
	    "uint64") == 0 && strcmp(ptype(res->inst[1], "ProcessId"),
	    "uint32") == 0, "the library's Win32 table: uint64 and uint32");
	wbem_result_free(res);
}

static void
test_shapes(void)
{
	struct wsman_opts	 o = { .endpoint = ENDPOINT };
	struct wsman_state	 st;
	struct wbem_request	 req;
	struct wbem_result	*res = NULL;
	struct wbem_error	 err;
	struct buf		 b;
	const struct cim_instance *in;
	const struct cim_property *p;

	wsman_state_init(&st);
	buf_init(&b, 0);
	memset(&req, 0, sizeof(req));
	req.op = WBEM_OP_QUERY;
	req.query = "SELECT Name, BytesTotalPersec, CurrentBandwidth, "
	    "Timestamp_PerfTime FROM Win32_PerfRawData_Tcpip_NetworkInterface";
	wsman_encode_request(&req, &o, RT("03"), &st, &b, &err);
	ok(decode_fixture(&st, "enum-fragment-eos.xml", 200, RT("03"), &res,
	    &err) == 0, "XmlFragment items decode");
	ok(st.done && st.context == NULL,
	    "w:EndOfSequence with an empty context: done, nothing to release");
	ok(res != NULL && res->ninst == 2, "two fragment items");
	if (res != NULL && res->ninst == 2) {
		in = res->inst[0];
		is_str(in->classname,
		    "Win32_PerfRawData_Tcpip_NetworkInterface",
		    "fragment class from the WQL FROM");
		is_str(cim_instance_text(in, "BytesTotalPersec"),
		    "18446744073709551615", "unqualified child, uint64 max");
		is_str(ptype(in, "BytesTotalPersec"), "uint64",
		    "counter typed uint64 from the class table");
		is_str(ptype(in, "CurrentBandwidth"), "uint64",
		    "CurrentBandwidth");
		is_str(ptype(in, "Name"), "string", "Name string");
		p = prop(res->inst[1], "Timestamp_PerfTime");
		ok(p != NULL && p->v.is_null && p->v.type == CIM_T_UINT64,
		    "nil uint64 is a typed NULL");
		ok(in->path != NULL && in->path->nkeys == 1,
		    "fragment path from Name");
	}
	wbem_result_free(res);
	res = NULL;

	/* PullResponse with an empty context and n:EndOfSequence */
	st.sent = WSMAN_MSG_PULL;
	st.done = 0;
	free(st.classname);
	st.classname = xstrdup("Win32_PerfRawData_PerfOS_Processor");
	ok(decode_fixture(&st, "pull-empty-context.xml", 200, RT("04"), &res,
	    &err) == 0 && st.done && st.context == NULL,
	    "empty n:EnumerationContext plus n:EndOfSequence: done");
	if (res != NULL && res->ninst == 1) {
		is_str(cim_instance_text(res->inst[0], "percentprocessortime"),
		    "123456789012", "PercentProcessorTime");
		is_str(ptype(res->inst[0], "Timestamp_Sys100NS"), "uint64",
		    "Timestamp_Sys100NS uint64");
	}
	wbem_result_free(res);
	res = NULL;

	/* arrays, booleans, interval, xsi:type */
	st.sent = WSMAN_MSG_PULL;
	st.done = 0;
	ok(decode_fixture(&st, "pull-arrays.xml", 200, RT("05"), &res,
	    &err) == 0, "arrays reply decodes");
	ok(!st.done && st.context != NULL, "no end: more to pull");
	if (res != NULL && res->ninst == 1) {
		in = res->inst[0];
		p = prop(in, "IPAddress");
		ok(p != NULL && p->v.is_array && p->v.nvals == 2 &&
		    strcmp(p->v.vals[0], "192.0.2.10") == 0 &&
		    strcmp(p->v.vals[1], "fe80::1") == 0,
		    "repeated elements are one array");
		ok(prop(in, "DNSServerSearchOrder") == NULL,
		    "an absent array is absent");
		is_str(cim_instance_text(in, "IPEnabled"), "true",
		    "lower-case boolean kept");
		is_str(cim_instance_text(in, "Uptime"),
		    "00000001020304.500000:000",
		    "cim:Interval as CIM interval");
		is_str(ptype(in, "Uptime"), "datetime",
		    "interval is a datetime");
		is_str(ptype(in, "Counter"), "uint64",
		    "xsi:type cimUnsignedLong");
		is_str(cim_instance_text(in, "Installed"),
		    "20261123******.******+000", "cim:Date as CIM datetime");
		is_str(ptype(in, "Index"), "uint32",
		    "Index typed from the class's page");
		is_str(cim_instance_text(in, "Index"), "7", "its text kept");
		ok(in->path == NULL, "no key marked: no path invented");
		is_str(ptype(in, "Bogus"), "string",
		    "a value that does not fit its xsi:type stays a string");
		p = prop(in, "DefaultIPGateway");
		ok(p != NULL && p->v.is_array && p->v.nvals == 2 &&
		    p->v.vals[0] == NULL && p->v.vals[1] != NULL &&
		    strcmp(p->v.vals[1], "192.0.2.1") == 0,
		    "a nil array member is a NULL member");
		is_int(in->nprops, 10, "ten properties (arrays counted once)");
	}
	wbem_result_free(res);
	res = NULL;

	/* EnumerateEPR */
	memset(&req, 0, sizeof(req));
	req.op = WBEM_OP_ENUM_NAMES;
	req.classname = "Win32_Service";
	buf_reset(&b);
	wsman_encode_request(&req, &o, RT("0A"), &st, &b, &err);
	ok(decode_fixture(&st, "enum-names-epr.xml", 200, RT("0A"), &res,
	    &err) == 0 && res->kind == WBEM_R_PATHS && res->npaths == 1,
	    "EPR enumeration gives paths");
	if (res != NULL && res->npaths == 1) {
		is_str(res->paths[0]->classname, "Win32_Service", "EPR class");
		is_str(res->paths[0]->ns, "root/cimv2", "EPR namespace");
		ok(res->paths[0]->nkeys == 1 &&
		    strcmp(res->paths[0]->keys[0].value, "vodstream") == 0,
		    "EPR selector as key");
	}
	wbem_result_free(res);
	res = NULL;

	/* Get */
	st.op = WBEM_OP_GET;
	st.sent = WSMAN_MSG_GET;
	st.done = 0;
	ok(decode_fixture(&st, "get-service.xml", 200, RT("06"), &res,
	    &err) == 0 && st.done && res->ninst == 1, "GetResponse decodes");
	if (res != NULL && res->ninst == 1) {
		is_str(cim_instance_text(res->inst[0], "State"), "Running",
		    "service state");
		is_str(ptype(res->inst[0], "Started"), "boolean",
		    "Started is boolean");
		is_str(cim_instance_text(res->inst[0], "Started"), "true",
		    "Started text");
	}
	wbem_result_free(res);
	res = NULL;

	/* RelatesTo */
	st.sent = WSMAN_MSG_GET;
	ok(decode_fixture(&st, "get-service.xml", 200, RT("07"), &res,
	    &err) == -1 && err.kind == WBEM_E_PROTOCOL,
	    "RelatesTo mismatch is a protocol error");
	ok(res == NULL, "no result on a mismatch");
	ok(decode_fixture(&st, "get-service.xml", 200,
	    "uuid:00000000-0000-4000-8000-0000000000a6", &res, &err) == -1,
	    "a different id in other case still mismatches");
	ok(decode_fixture(&st, "get-service.xml", 200,
	    "UUID:00000000-0000-4000-8000-000000000006", &res, &err) == 0,
	    "uuid compared case-insensitively");
	wbem_result_free(res);
	res = NULL;

	buf_release(&b);
	wsman_state_clear(&st);
}

static void
test_invoke(void)
{
	struct wsman_opts	 o = { .endpoint = ENDPOINT };
	struct wsman_state	 st;
	struct wbem_request	 req;
	struct wbem_result	*res = NULL;
	struct wbem_error	 err;
	struct cim_path		*path;
	struct buf		 b;

	wsman_state_init(&st);
	buf_init(&b, 0);
	path = cim_path_new("root/cimv2", "Win32_Process");
	memset(&req, 0, sizeof(req));
	req.op = WBEM_OP_INVOKE;
	req.path = path;
	req.method = "Create";
	wsman_encode_request(&req, &o, RT("07"), &st, &b, &err);
	ok(decode_fixture(&st, "invoke-create-0.xml", 200, RT("07"), &res,
	    &err) == 0 && res->kind == WBEM_R_METHOD, "Create_OUTPUT decodes");
	if (res != NULL) {
		ok(res->method.ret.nvals == 1 &&
		    strcmp(res->method.ret.vals[0], "0") == 0,
		    "ReturnValue 0 is the return value");
		is_str(cim_type_name(res->method.ret.type), "uint32",
		    "ReturnValue uint32");
		ok(res->method.nout == 1 &&
		    strcmp(res->method.out[0].name, "ProcessId") == 0 &&
		    strcmp(res->method.out[0].v.vals[0], "4243") == 0,
		    "ProcessId is the out parameter");
	}
	wbem_result_free(res);
	res = NULL;

	st.sent = WSMAN_MSG_INVOKE;
	ok(decode_fixture(&st, "invoke-create-9.xml", 200, RT("08"), &res,
	    &err) == 0, "ReturnValue 9 is not a fault");
	if (res != NULL) {
		ok(res->method.ret.nvals == 1 &&
		    strcmp(res->method.ret.vals[0], "9") == 0, "ReturnValue 9");
		ok(res->method.nout == 1 && res->method.out[0].v.is_null,
		    "nil ProcessId is NULL");
	}
	wbem_result_free(res);
	res = NULL;
	cim_path_free(path);

	path = cim_path_new("root/cimv2", "Win32_Service");
	cim_path_add_key(path, "Name", CIM_T_STRING, "vodstream");
	req.path = path;
	req.method = "StartService";
	buf_reset(&b);
	wsman_encode_request(&req, &o, RT("09"), &st, &b, &err);
	ok(decode_fixture(&st, "invoke-startservice.xml", 200, RT("09"), &res,
	    &err) == 0 && res->method.nout == 0 &&
	    strcmp(res->method.ret.vals[0], "10") == 0,
	    "StartService_OUTPUT: ReturnValue 10, no out params");
	wbem_result_free(res);
	res = NULL;

	/*
	 * An Invoke's action is the resource URI, the method, "Response":
	 * another method's is refused; the method's case is WinRM's.
	 */
	ok(decode_fixture(&st, "invoke-action-other.xml", 200, RT("D2"),
	    &res, &err) == -1 && err.kind == WBEM_E_PROTOCOL &&
	    strstr(err.description, "StopServiceResponse does not answer "
	    "the Invoke sent") != NULL,
	    "StartService answered with StopService's action is refused");
	wbem_result_free(res);
	res = NULL;
	req.method = "startservice";
	wsman_encode_request(&req, &o, RT("09"), &st, &b, &err);
	ok(decode_fixture(&st, "invoke-startservice.xml", 200, RT("09"), &res,
	    &err) == 0, "the method's case in the action is WinRM's");
	wbem_result_free(res);
	res = NULL;

	/* an Invoke answered with a Get's reply: its a:Action says so */
	st.sent = WSMAN_MSG_INVOKE;
	ok(decode_fixture(&st, "get-service.xml", 200, RT("06"), &res,
	    &err) == -1 && err.kind == WBEM_E_PROTOCOL &&
	    strstr(err.description, "GetResponse does not answer the "
	    "Invoke") != NULL, "Invoke reply must answer the Invoke");
	wbem_result_free(res);
	cim_path_free(path);
	buf_release(&b);
	wsman_state_clear(&st);
}

static void
test_faults(void)
{
	struct wsman_opts	 o = { .endpoint = ENDPOINT };
	struct wsman_state	 st;
	struct wbem_result	*res = NULL;
	struct wbem_error	 err;
	char			 deep[16384];
	size_t			 n;
	int			 i;

	wsman_state_init(&st);
	st.op = WBEM_OP_QUERY;
	st.sent = WSMAN_MSG_ENUMERATE;
	st.ns = xstrdup("root/cimv2");
	st.classname = xstrdup("Win32_Processa");
	st.resource_uri = xstrdup(WMI "*");

	ok(decode_fixture(&st, "faults/soap_fault_v1.xml", 500,
	    "uuid:B90EC4BB-4484-4ADA-920B-019517747915", &res, &err) == -1,
	    "v1 fault");
	is_int(err.kind, WBEM_E_CIM, "v1: a CIM error");
	is_str(err.name, "n:CannotProcessFilter", "v1: subcode");
	is_str(err.wsman_code, "2150858778", "v1: WSManFault Code");
	is_str(err.description,
	    "The specified class does not exist in the given namespace.",
	    "v1: innermost provider message");
	is_int(err.code, CIM_ERR_INVALID_QUERY, "v1: mapped to INVALID_QUERY");
	is_int(err.http_status, 500, "v1: HTTP status kept");
	ok(res == NULL, "no result on a fault");

	ok(decode_fixture(&st, "faults/soap_fault_v2.xml", 500,
	    "uuid:0CB1C49A-5054-4C12-AF30-FC60BE995DD9", &res, &err) == -1,
	    "v2 fault");
	is_str(err.name, "n:CannotProcessFilter", "v2: subcode");
	is_str(err.wsman_code, "2150858778", "v2: code");
	is_str(err.description,
	    "The specified class does not exist in the given namespace. "
	    "(WMI ExecQuery: Select * from Win32_Processa where "
	    "name=\"sshd.exe\")", "v2: message plus __ExtendedStatus");
	is_int(err.code, CIM_ERR_INVALID_QUERY,
	    "v2: nil StatusCode, subcode map");

	ok(decode_fixture(&st, "faults/wmi_error_v2.xml", 500, RT("01"), &res,
	    &err) == -1, "MSFT_WmiError fault without RelatesTo");
	is_int(err.kind, WBEM_E_CIM, "wmi: CIM error");
	is_str(err.name, "w:QuotaLimit", "wmi: subcode");
	is_int(err.code, 27, "wmi: CIMStatusCode 27");
	is_str(err.wsman_code, "2150859173", "wmi: error_Code as wsman code");
	is_str(err.description, "The WS-Management service cannot process the "
	    "request. This user is allowed a maximum number of 30 concurrent "
	    "shells, which has been exceeded. Close existing shells or raise "
	    "the quota for this user.", "wmi: MSFT_WmiError Message");

	ok(decode_fixture(&st, "faults/soap_fault_omi.xml", 500,
	    "uuid:AC61AF91-4AA9-428E-9294-670B4C5752A8", &res, &err) == -1,
	    "OMI fault");
	is_str(err.name, "w:InternalError", "omi: wsman: prefix normalised");
	is_str(err.description, "get-instance: instance name parameter is "
	    "missing", "omi: s:Reason/s:Text");
	is_int(err.code, CIM_ERR_FAILED, "omi: FAILED");
	is_str(err.wsman_code, "", "omi: no WSManFault code");

	ok(decode_fixture(&st, "faults/soap_fault_omi.xml", 500, RT("01"), &res,
	    &err) == -1 && err.kind == WBEM_E_PROTOCOL,
	    "a fault relating to another message is a protocol error");

	ok(decode_fixture(&st, "fault-access-denied.xml", 500, RT("0B"), &res,
	    &err) == -1, "access denied fault");
	is_str(err.name, "w:AccessDenied", "access: subcode");
	is_int(err.code, CIM_ERR_ACCESS_DENIED, "access: ACCESS_DENIED");
	is_str(err.wsman_code, "5", "access: code 5");
	is_str(err.description, "Access is denied.", "access: message");

	ok(decode_fixture(&st, "fault-schema.xml", 400, RT("0C"), &res,
	    &err) == -1 && err.kind == WBEM_E_CIM, "schema fault on a 400");
	is_str(err.name, "w:SchemaValidationError", "schema: subcode");
	is_int(err.code, CIM_ERR_INVALID_PARAMETER,
	    "schema: INVALID_PARAMETER");
	is_str(err.wsman_code, "2150858817", "schema: code");

	/* a Pull that timed out with no items: pull again, bounded */
	st.sent = WSMAN_MSG_PULL;
	st.context = xstrdup("uuid:CTX-T");
	st.done = 0;
	ok(decode_fixture(&st, "fault-timedout.xml", 500, RT("0D"), &res,
	    &err) == 0 && err.kind == WBEM_E_NONE,
	    "w:TimedOut on a Pull is not an error");
	ok(!st.done && st.context != NULL &&
	    strcmp(st.context, "uuid:CTX-T") == 0,
	    "w:TimedOut: the context stays for the next Pull");
	ok(res != NULL && res->ninst == 0, "w:TimedOut: no items");
	for (i = 1; i < WSMAN_PULL_TIMEOUTS_MAX; i++)
		decode_fixture(&st, "fault-timedout.xml", 500, RT("0D"), &res,
		    &err);
	ok(decode_fixture(&st, "fault-timedout.xml", 500, RT("0D"), &res,
	    &err) == -1 && err.kind == WBEM_E_CIM &&
	    strcmp(err.name, "w:TimedOut") == 0,
	    "too many w:TimedOut in a row: the fault");
	is_str(err.wsman_code, "2150858793", "w:TimedOut: WSManFault code");
	is_int(err.code, CIM_ERR_FAILED, "w:TimedOut: FAILED");
	st.ntimedout = 0;
	st.sent = WSMAN_MSG_ENUMERATE;
	ok(decode_fixture(&st, "fault-timedout.xml", 500, RT("0D"), &res,
	    &err) == -1 && err.kind == WBEM_E_CIM,
	    "w:TimedOut on an Enumerate is a fault");
	wbem_result_free(res);
	res = NULL;
	free(st.context);
	st.context = NULL;

	/* HTTP statuses */
	ok(wsman_decode_response(&st, &o, 413, "", 0, RT("01"), &res,
	    &err) == -1 && err.kind == WBEM_E_TOOBIG && err.http_status == 413,
	    "413 is TOOBIG");
	ok(strstr(err.description, "MaxEnvelopeSize") != NULL,
	    "413 message names the limit");
	ok(wsman_decode_response(&st, &o, 401, "<html/>", 7, RT("01"), &res,
	    &err) == -1 && err.kind == WBEM_E_AUTH, "401 is AUTH");
	ok(wsman_decode_response(&st, &o, 404, "<html><body>no</body></html>",
	    28, RT("01"), &res, &err) == -1 && err.kind == WBEM_E_HTTP &&
	    err.code == 404, "404 with a page is HTTP");
	ok(wsman_decode_response(&st, &o, 500, "", 0, RT("01"), &res,
	    &err) == -1 && err.kind == WBEM_E_HTTP,
	    "500 without a body is HTTP");
	ok(wsman_decode_response(&st, &o, 200, "", 0, RT("01"), &res,
	    &err) == -1 && err.kind == WBEM_E_PROTOCOL,
	    "empty 200 is PROTOCOL");
	ok(wsman_decode_response(&st, &o, 200, "<s:Envelope", 11, RT("01"),
	    &res, &err) == -1 && err.kind == WBEM_E_PROTOCOL,
	    "broken XML is PROTOCOL");
	{
		const char *noeos = "<s:Envelope xmlns:s=\"http://www.w3.org/"
		    "2003/05/soap-envelope\" xmlns:a=\"http://schemas.xmlsoap."
		    "org/ws/2004/08/addressing\" xmlns:n=\"http://schemas."
		    "xmlsoap.org/ws/2004/09/enumeration\"><s:Header>"
		    "<a:RelatesTo>" RT("01")
		    "</a:RelatesTo></s:Header><s:Body><n:EnumerateResponse/>"
		    "</s:Body></s:Envelope>";
		const char *norel = "<s:Envelope xmlns:s=\"http://www.w3.org/"
		    "2003/05/soap-envelope\"><s:Header/><s:Body/>"
		    "</s:Envelope>";

		ok(wsman_decode_response(&st, &o, 200, noeos, strlen(noeos),
		    RT("01"), &res, &err) == -1 && err.kind == WBEM_E_PROTOCOL,
		    "neither context nor end of sequence is PROTOCOL");
		wbem_result_free(res);
		res = NULL;
		ok(wsman_decode_response(&st, &o, 200, norel, strlen(norel),
		    RT("01"), &res, &err) == -1 && err.kind == WBEM_E_PROTOCOL,
		    "a success reply without RelatesTo is PROTOCOL");
	}

	/* attacks, through xml_parse_safe */
	ok(decode_fixture(&st, "attack-billion-laughs.xml", 200, RT("E1"), &res,
	    &err) == -1 && err.kind == WBEM_E_PROTOCOL,
	    "billion laughs refused");
	ok(decode_fixture(&st, "attack-xxe.xml", 200, RT("E2"), &res,
	    &err) == -1 && err.kind == WBEM_E_PROTOCOL,
	    "external entity refused");
	n = (size_t)snprintf(deep, sizeof(deep), "<s:Envelope xmlns:s=\"http://"
	    "www.w3.org/2003/05/soap-envelope\"><s:Body>");
	for (i = 0; i < 500; i++)
		n += (size_t)snprintf(deep + n, sizeof(deep) - n, "<x>");
	for (i = 0; i < 500; i++)
		n += (size_t)snprintf(deep + n, sizeof(deep) - n, "</x>");
	n += (size_t)snprintf(deep + n, sizeof(deep) - n,
	    "</s:Body></s:Envelope>");
	ok(wsman_decode_response(&st, &o, 200, deep, n, RT("01"), &res,
	    &err) == -1 && err.kind == WBEM_E_PROTOCOL,
	    "500-deep nesting refused");
	o.max_bytes = 64;
	{
		char	*body;
		size_t	 len;

		body = wsman_fixture("get-service.xml", &len);
		st.sent = WSMAN_MSG_GET;
		ok(wsman_decode_response(&st, &o, 200, body, len, RT("06"),
		    &res, &err) == -1 && err.kind == WBEM_E_PROTOCOL,
		    "reply over max_bytes refused");
		free(body);
	}
	ok(res == NULL, "nothing leaked into the result");
	wbem_result_free(res);
	wsman_state_clear(&st);
}

/*
 * Values WinRM writes as markup inside the property: the DSP0230 datetime
 * elements (cim:-qualified, in a default namespace, or unqualified in a
 * fragment) and references, as an EPR's parts or a whole
 * a:EndpointReference.  Each is its value; no markup is left in any but
 * an embedded object.
 */
static void
test_markup_values(void)
{
	struct wsman_state	 st;
	struct wbem_result	*res = NULL;
	struct wbem_error	 err;
	const struct cim_instance *in;
	const struct cim_property *p;
	struct cim_property	*q;
	size_t			 i;
	int			 clean;

	wsman_state_init(&st);
	st.op = WBEM_OP_GET;
	st.sent = WSMAN_MSG_GET;
	st.ns = xstrdup("root/cimv2");
	st.classname = xstrdup("Win32_OperatingSystem");
	ok(decode_fixture(&st, "get-os-datetime.xml", 200, RT("B1"), &res,
	    &err) == 0 && res != NULL && res->ninst == 1,
	    "Get with datetime elements and references decodes");
	if (res != NULL && res->ninst == 1) {
		in = res->inst[0];
		is_str(cim_instance_text(in, "InstallDate"),
		    "20130311212804.000000+000", "cim:Datetime as CIM datetime");
		is_str(ptype(in, "InstallDate"), "datetime",
		    "InstallDate is a datetime");
		is_str(cim_instance_text(in, "LastBootUpTime"),
		    "20130415162847.735170-420",
		    "cim:Datetime between white space, negative offset");
		is_str(cim_instance_text(in, "LocalDateTime"),
		    "20130416090000.500000+120",
		    "Datetime in a default namespace");
		is_str(cim_instance_text(in, "UpTime"),
		    "00000003040506.000000:000", "cim:Interval as an interval");
		is_str(cim_instance_text(in, "FirstSeen"),
		    "20130311******.******+000",
		    "cim:Date as CIM datetime, the time unknown");
		is_str(cim_instance_text(in, "DailyAt"),
		    "********212804.000000+000",
		    "cim:Time as CIM datetime, the date unknown");
		is_str(cim_instance_text(in, "Computer"),
		    "root/cimv2:Win32_ComputerSystem.Name=\"NODE7\"",
		    "a:EndpointReference inside a property is a reference, "
		    "its namespace from the resource URI");
		is_str(ptype(in, "Computer"), "reference",
		    "EndpointReference typed reference");
		is_str(cim_instance_text(in, "BootDevice"),
		    "root/cimv2:Win32_DiskPartition.DeviceID="
		    "\"Disk #0, Partition #1\"",
		    "EPR parts right in the property are a reference, "
		    "with its namespace");
		is_str(cim_instance_text(in, "Profile"),
		    "root/interop:CIM_RegisteredProfile.InstanceID="
		    "\"DMTF+Base+1.0\"",
		    "a reference's __cimnamespace is its namespace");
		is_str(cim_instance_text(in, "Extra"),
		    "<p:Thing Kind=\"a&amp;b\">x &lt; y</p:Thing><p:Other/>",
		    "other markup is an embedded object, written back");
		is_str(ptype(in, "Extra"), "object", "typed object");
		clean = 1;
		for (i = 0; i < in->nprops; i++) {
			p = &in->props[i];
			if (strcmp(p->name, "Extra") != 0 && p->v.nvals > 0 &&
			    strchr(p->v.vals[0], '<') != NULL)
				clean = 0;
		}
		ok(clean, "no markup in any other value");
		/*
		 * A decoded property is one allocation (cim.c, packed); it
		 * can still grow and be cleared through the API, its name
		 * intact (valgrind and the sanitizers check the rest).
		 */
		q = (struct cim_property *)prop(in, "CSName");
		ok(q != NULL && q->v.packed != 0, "decoded property is packed");
		if (q != NULL) {
			cim_value_add(&q->v, "NODE8");
			ok(q->v.nvals == 2 && strcmp(q->v.vals[0], "NODE7") ==
			    0 && strcmp(q->v.vals[1], "NODE8") == 0 &&
			    strcmp(q->name, "CSName") == 0,
			    "a packed value grows, name kept");
			cim_value_clear(&q->v);
			cim_value_add(&q->v, "NODE9");
			ok(strcmp(q->name, "CSName") == 0 && q->v.nvals == 1 &&
			    strcmp(q->v.vals[0], "NODE9") == 0,
			    "cleared and set again, name kept");
		}
	}
	wbem_result_free(res);
	res = NULL;

	/* a fragment: the datetime elements come unqualified */
	st.op = WBEM_OP_QUERY;
	st.sent = WSMAN_MSG_PULL;
	st.done = 0;
	free(st.classname);
	st.classname = xstrdup("Win32_Process");
	st.context = xstrdup("uuid:6F4D2B8A-3C11-4E5F-9A0B-C1D2E3F400B2");
	ok(decode_fixture(&st, "pull-fragment-datetime.xml", 200, RT("B2"),
	    &res, &err) == 0 && res != NULL && res->ninst == 2 && st.done,
	    "fragment with unqualified datetime elements decodes");
	if (res != NULL && res->ninst == 2) {
		is_str(cim_instance_text(res->inst[0], "CreationDate"),
		    "20130311212804.000000+000",
		    "unqualified Datetime as CIM datetime");
		is_str(ptype(res->inst[0], "CreationDate"), "datetime",
		    "typed datetime");
		is_str(cim_instance_text(res->inst[1], "CreationDate"),
		    "20130311212910.125000+060", "with its offset");
		is_str(cim_instance_text(res->inst[0], "RunTime"),
		    "00000000000001.250000:000",
		    "unqualified Interval as an interval");
		p = prop(res->inst[1], "RunTime");
		ok(p != NULL && p->v.is_null, "nil stays NULL");
		ok(res->inst[1]->path != NULL &&
		    res->inst[1]->path->nkeys == 1 &&
		    strcmp(res->inst[1]->path->keys[0].value, "88") == 0,
		    "fragment path from its Handle");
	}
	wbem_result_free(res);
	wsman_state_clear(&st);
}

/*
 * A fixture decoded as the reply to the Enumerate of SELECT * FROM
 * Win32_OperatingSystem, checked to end the enumeration with one item;
 * NULL when it does not.
 */
static void
os_query_state(struct wsman_state *st)
{
	wsman_state_init(st);
	st->op = WBEM_OP_QUERY;
	st->sent = WSMAN_MSG_ENUMERATE;
	st->ns = xstrdup("root/cimv2");
	st->classname = xstrdup("Win32_OperatingSystem");
}

static struct wbem_result *
decode_os_query(const char *name, const char *msgid, const char *what)
{
	struct wsman_state	 st;
	struct wbem_result	*res = NULL;
	struct wbem_error	 err;
	int			 good;

	os_query_state(&st);
	good = decode_fixture(&st, name, 200, msgid, &res, &err) == 0 &&
	    res != NULL && res->ninst == 1 && st.done;
	ok(good, "%s", what);
	wsman_state_clear(&st);
	if (!good) {
		wbem_result_free(res);
		res = NULL;
	}
	return (res);
}

/*
 * xs:date and xs:time (cim:Date, cim:Time: WinRM's form of a datetime
 * known only in part) as DSP0004 datetimes with '*' for the part left
 * out, not as their markup's text; what is not one stays text.
 */
static void
test_date_time(void)
{
	struct wbem_result	*res;
	const struct cim_instance *in;
	const struct cim_property *p;

	res = decode_os_query("enum-os-date-time.xml", RT("B3"),
	    "SELECT * item with cim:Date and cim:Time decodes");
	if (res != NULL) {
		in = res->inst[0];
		is_str(cim_instance_text(in, "InstallDate"),
		    "20140602081530.000000+000", "cim:Datetime");
		is_str(cim_instance_text(in, "PatchedOn"),
		    "20140603******.******+000", "cim:Date, Z");
		is_str(ptype(in, "PatchedOn"), "datetime", "typed datetime");
		is_str(cim_instance_text(in, "ReviewedOn"),
		    "20140604******.******-300", "cim:Date, negative offset");
		is_str(cim_instance_text(in, "MaintenanceDay"),
		    "20140605******.******+000", "cim:Date, no zone");
		is_str(cim_instance_text(in, "BackupAt"),
		    "********234510.250000+090", "cim:Time, fraction, offset");
		is_str(ptype(in, "BackupAt"), "datetime", "cim:Time typed");
		is_str(cim_instance_text(in, "ScanAt"),
		    "********060000.000000+000", "cim:Time, no zone");
		p = prop(in, "Holidays");
		ok(p != NULL && p->v.is_array && p->v.nvals == 2 &&
		    p->v.type == CIM_T_DATETIME &&
		    strcmp(p->v.vals[0], "20141225******.******+000") == 0 &&
		    strcmp(p->v.vals[1], "20141226******.******+000") == 0,
		    "repeated cim:Date, a datetime array");
		ok(in->path != NULL && in->path->nkeys == 1,
		    "path from Name");
	}
	wbem_result_free(res);
}

/*
 * A cim:Date, cim:Time or cim:Datetime that is not one is a broken reply,
 * refused naming the property, as CIM-XML refuses such a datetime VALUE;
 * it was printed as a string, exit 0.
 */
static void
test_date_time_bad(void)
{
	static const struct {
		const char	*file, *msgid, *want;
	} bad[] = {
		{ "enum-os-bad-date.xml", RT("C1"),
		    "Win32_OperatingSystem.PatchedOn: cim:Date value "
		    "\"2014-06-31x\" is not a valid datetime" },
		{ "enum-os-bad-time.xml", RT("C2"),
		    "Win32_OperatingSystem.BackupAt: cim:Time value "
		    "\"25:00:00Z\" is not a valid datetime" },
		{ "enum-os-bad-datetime.xml", RT("C3"),
		    "Win32_OperatingSystem.InstallDate: cim:Datetime value "
		    "\"2014-06-02 08:15:30\" is not a valid datetime" },
	};
	struct wsman_state	 st;
	struct wbem_result	*res;
	struct wbem_error	 err;
	size_t			 i;

	for (i = 0; i < nitems(bad); i++) {
		os_query_state(&st);
		res = NULL;
		memset(&err, 0, sizeof(err));
		ok(decode_fixture(&st, bad[i].file, 200, bad[i].msgid, &res,
		    &err) == -1 && err.kind == WBEM_E_PROTOCOL,
		    "%s: a protocol error", bad[i].file);
		ok(strstr(err.description, bad[i].want) != NULL,
		    "%s: it names the property and the value", bad[i].file);
		if (strstr(err.description, bad[i].want) == NULL)
			diag(err.description);
		wbem_result_free(res);
		wsman_state_clear(&st);
	}
}

/*
 * WinRM answers each message with its action plus "Response"; a reply
 * whose a:Action answers another message is refused though its body has
 * the right shape (an Invoke's: test_invoke).
 */
static void
test_action(void)
{
	struct wsman_state	 st;
	struct wbem_result	*res = NULL;
	struct wbem_error	 err;

	wsman_state_init(&st);
	st.op = WBEM_OP_QUERY;
	st.sent = WSMAN_MSG_PULL;
	st.ns = xstrdup("root/cimv2");
	st.classname = xstrdup("Win32_Process");
	st.context = xstrdup("uuid:6F4D2B8A-3C11-4E5F-9A0B-C1D2E3F40001");
	ok(decode_fixture(&st, "pull-action-enumerate.xml", 200, RT("D1"),
	    &res, &err) == -1 && err.kind == WBEM_E_PROTOCOL &&
	    strstr(err.description, "EnumerateResponse does not answer "
	    "the Pull sent") != NULL,
	    "a Pull answered with EnumerateResponse's action is refused");
	ok(res == NULL && st.context != NULL && !st.done,
	    "nothing taken from it, the context kept");
	wbem_result_free(res);
	wsman_state_clear(&st);
}

/*
 * Decodes a one-item SELECT * fixture and checks its properties: want
 * holds name, expectation pairs up to a NULL; an expectation is a type,
 * "nil TYPE" (a typed NULL) or "=TEXT" (the value's text).
 */
static void
check_win32_types(const char *name, const char *msgid,
    const char *const *want)
{
	struct wbem_result	*res;
	const struct cim_property *p;
	const char		*w;
	size_t			 i;

	res = decode_os_query(name, msgid, name);
	if (res == NULL)
		return;
	for (i = 0; want[i] != NULL; i += 2) {
		p = prop(res->inst[0], want[i]);
		w = want[i + 1];
		if (w[0] == '=')
			is_str(cim_instance_text(res->inst[0], want[i]), w + 1,
			    "%s: %s", name, want[i]);
		else if (strncmp(w, "nil ", 4) == 0)
			ok(p != NULL && p->v.is_null &&
			    strcmp(cim_type_name(p->v.type), w + 4) == 0,
			    "%s: %s a typed NULL, %s", name, want[i], w + 4);
		else
			is_str(ptype(res->inst[0], want[i]), w, "%s: %s %s",
			    name, want[i], w);
	}
	wbem_result_free(res);
}

/*
 * SELECT * items of Win32_OperatingSystem, Win32_LogicalDisk and
 * Win32_NetworkAdapter typed from the Win32 table as WMI declares their
 * properties; what the table lacks stays a string.
 */
static void
test_win32_types(void)
{
	struct wbem_result	*res;
	const struct cim_instance *in;
	const struct cim_property *p;

	res = decode_os_query("enum-os-types.xml", RT("B4"),
	    "Win32_OperatingSystem item decodes");
	if (res != NULL) {
		in = res->inst[0];
		is_str(ptype(in, "CurrentTimeZone"), "sint16",
		    "CurrentTimeZone sint16");
		is_str(cim_instance_text(in, "CurrentTimeZone"), "-300",
		    "negative minutes kept");
		is_str(ptype(in, "Primary"), "boolean", "Primary boolean");
		is_str(ptype(in, "Debug"), "boolean", "Debug boolean");
		is_str(ptype(in, "DataExecutionPrevention_SupportPolicy"),
		    "uint8", "uint8");
		is_str(ptype(in, "OSType"), "uint16", "OSType uint16");
		is_str(ptype(in, "MaxNumberOfProcesses"), "uint32",
		    "uint32 at its maximum");
		is_str(ptype(in, "FreeSpaceInPagingFiles"), "uint64",
		    "FreeSpaceInPagingFiles uint64");
		is_str(ptype(in, "InstallDate"), "datetime", "datetime");
		p = prop(in, "TotalSwapSpaceSize");
		ok(p != NULL && p->v.is_null && p->v.type == CIM_T_UINT64,
		    "nil uint64: a typed NULL");
		p = prop(in, "PAEEnabled");
		ok(p != NULL && p->v.is_null && p->v.type == CIM_T_BOOLEAN,
		    "nil boolean: a typed NULL");
		is_str(ptype(in, "BuildNumber"), "string",
		    "BuildNumber is a string in WMI too");
	}
	wbem_result_free(res);

	/*
	 * Win32_LogicalDisk and Win32_NetworkAdapter items (the shapes of
	 * the real Server 2003 and 2008 replies) typed as Microsoft's class
	 * pages declare them, keyed by DeviceID.
	 */
	res = decode_os_query("enum-logicaldisk.xml", RT("E1"),
	    "Win32_LogicalDisk item decodes");
	if (res != NULL) {
		in = res->inst[0];
		is_str(ptype(in, "FreeSpace"), "uint64", "FreeSpace uint64");
		is_str(cim_instance_text(in, "Size"), "21474836480",
		    "Size past 2^32 kept");
		is_str(ptype(in, "DriveType"), "uint32", "DriveType uint32");
		is_str(ptype(in, "Access"), "uint16", "Access uint16");
		is_str(ptype(in, "Compressed"), "boolean",
		    "Compressed boolean");
		is_str(ptype(in, "QuotasDisabled"), "boolean",
		    "QuotasDisabled boolean");
		p = prop(in, "BlockSize");
		ok(p != NULL && p->v.is_null && p->v.type == CIM_T_UINT64,
		    "nil BlockSize: a typed NULL");
		p = prop(in, "InstallDate");
		ok(p != NULL && p->v.is_null && p->v.type == CIM_T_DATETIME,
		    "nil InstallDate: a typed NULL");
		is_str(ptype(in, "VolumeSerialNumber"), "string",
		    "VolumeSerialNumber is a string in WMI too");
		ok(in->path != NULL && in->path->nkeys == 1 &&
		    strcmp(in->path->keys[0].name, "DeviceID") == 0 &&
		    strcmp(in->path->keys[0].value, "E:") == 0,
		    "LogicalDisk path from DeviceID");
	}
	wbem_result_free(res);

	res = decode_os_query("enum-networkadapter.xml", RT("E2"),
	    "Win32_NetworkAdapter item decodes");
	if (res != NULL) {
		in = res->inst[0];
		is_str(ptype(in, "Speed"), "uint64", "Speed uint64");
		is_str(ptype(in, "NetConnectionStatus"), "uint16",
		    "NetConnectionStatus uint16");
		is_str(ptype(in, "InterfaceIndex"), "uint32",
		    "InterfaceIndex uint32");
		is_str(ptype(in, "NetEnabled"), "boolean", "NetEnabled boolean");
		is_str(ptype(in, "TimeOfLastReset"), "datetime",
		    "TimeOfLastReset datetime");
		p = prop(in, "MaxSpeed");
		ok(p != NULL && p->v.is_null && p->v.type == CIM_T_UINT64,
		    "nil MaxSpeed: a typed NULL");
		is_str(ptype(in, "MACAddress"), "string", "MACAddress string");
		ok(in->path != NULL && in->path->nkeys == 1 &&
		    strcmp(in->path->keys[0].value, "7") == 0,
		    "NetworkAdapter path from DeviceID");
	}
	wbem_result_free(res);

	/*
	 * Win32_Processor, Win32_Volume, Win32_NetworkAdapterConfiguration
	 * and Win32_SystemEnclosure items typed as far as their class pages'
	 * declarations were read; the rest stays a string.
	 */
	check_win32_types("enum-processor.xml", RT("E3"), (const char *[]){
	    "CurrentClockSpeed", "uint32", "LoadPercentage", "uint16",
	    "NumberOfLogicalProcessors", "uint32",
	    "SecondLevelAddressTranslationExtensions", "boolean",
	    "UpgradeMethod", "uint16", "ThreadCount", "nil uint32",
	    "ProcessorId", "string", NULL });
	check_win32_types("enum-volume.xml", RT("E4"), (const char *[]){
	    "Capacity", "uint64", "FreeSpace", "=16339480576",
	    "Automount", "boolean", "MaximumFileNameLength", "uint32",
	    "Access", "nil uint16", "NumberOfBlocks", "nil uint64",
	    "DriveLetter", "string", NULL });
	check_win32_types("enum-nicconfig.xml", RT("E5"), (const char *[]){
	    "DHCPEnabled", "boolean", "DHCPLeaseExpires", "datetime",
	    "Index", "uint32", "IPConnectionMetric", "uint32",
	    "GatewayCostMetric", "uint16", "IGMPLevel", "nil uint8",
	    "IPAddress", "string", NULL });
	check_win32_types("enum-enclosure.xml", RT("E6"), (const char *[]){
	    "ChassisTypes", "uint16", "AudibleAlarm", "boolean",
	    "SecurityStatus", "uint16", "Weight", "nil real32",
	    "HotSwappable", "nil boolean", "Tag", "string", NULL });
}

/* A reply missing what its message promises is refused, naming it. */
static void
test_incomplete(void)
{
	static const struct {
		enum wsman_msg	 sent;
		const char	*body;
		const char	*named;
	} cases[] = {
		{ WSMAN_MSG_GET, "", "GetResponse has no instance" },
		{ WSMAN_MSG_INVOKE, "", "no _OUTPUT" },
		{ WSMAN_MSG_INVOKE, "<p:Create xmlns:p=\"urn:x\"/>",
		    "not an _OUTPUT" },
		{ WSMAN_MSG_PULL, "<n:PullResponse/>",
		    "without end of sequence or enumeration context" },
		{ WSMAN_MSG_PULL, "<x/>", "no n:PullResponse" },
	};
	struct wsman_opts	 o = { .endpoint = ENDPOINT };
	struct wsman_state	 st;
	struct wbem_result	*res;
	struct wbem_error	 err;
	struct buf		 b;
	size_t			 i;

	for (i = 0; i < nitems(cases); i++) {
		wsman_state_init(&st);
		st.op = WBEM_OP_GET;
		st.sent = cases[i].sent;
		st.ns = xstrdup("root/cimv2");
		st.classname = xstrdup("Win32_Process");
		st.context = xstrdup("uuid:C0");
		buf_init(&b, 0);
		buf_printf(&b, "<s:Envelope xmlns:s=\"%s\" xmlns:a=\"%s\" "
		    "xmlns:n=\"%s\"><s:Header><a:RelatesTo>%s</a:RelatesTo>"
		    "</s:Header><s:Body>%s</s:Body></s:Envelope>",
		    "http://www.w3.org/2003/05/soap-envelope",
		    "http://schemas.xmlsoap.org/ws/2004/08/addressing",
		    "http://schemas.xmlsoap.org/ws/2004/09/enumeration",
		    RT("C0"), cases[i].body);
		res = NULL;
		ok(wsman_decode_response(&st, &o, 200, b.data, b.len,
		    RT("C0"), &res, &err) == -1 &&
		    err.kind == WBEM_E_PROTOCOL &&
		    strstr(err.description, cases[i].named) != NULL &&
		    st.context != NULL && strcmp(st.context, "uuid:C0") == 0,
		    "%s reply refused naming \"%s\", context kept (%s)",
		    wsman_msg_name(cases[i].sent), cases[i].named,
		    err.description);
		wbem_result_free(res);
		buf_release(&b);
		wsman_state_clear(&st);
	}
}

#define DMTF	"http://schemas.dmtf.org/wbem/wscim/1/cim-schema/2/"
#define XFER	"http://schemas.xmlsoap.org/ws/2004/09/transfer"

/*
 * Issue 15: DMTF resource URIs for the classes WinRM does not own,
 * --resource-uri, EnumerateObjectAndEPR, and WS-Transfer Create, Put,
 * Delete, as OpenPegasus and openwsman serve them.
 */
static void
test_dmtf(void)
{
	struct wsman_opts	 o = { .endpoint = ENDPOINT,
				    .wmi_prefixes = wsman_win32_wmi_prefixes };
	struct wsman_state	 st;
	struct wbem_request	 req;
	struct wbem_result	*res = NULL;
	struct wbem_error	 err;
	struct cim_instance	*inst;
	struct cim_path		*path;
	struct buf		 b;

	wsman_state_init(&st);
	buf_init(&b, 0);
	memset(&req, 0, sizeof(req));
	req.op = WBEM_OP_ENUM;
	req.classname = "CIM_ComputerSystem";
	req.with_epr = 1;
	ok(wsman_encode_request(&req, &o, RT("15"), &st, &b, &err) == 0 &&
	    req_parse(&b) == 0, "DMTF Enumerate encodes");
	check_header("DMTF Enumerate", "http://schemas.xmlsoap.org/ws/2004/"
	    "09/enumeration/Enumerate", DMTF "CIM_ComputerSystem", RT("15"));
	is_str(xp("/s:Envelope/s:Body/n:Enumerate/w:EnumerationMode"),
	    "EnumerateObjectAndEPR", "EnumerateObjectAndEPR asked");
	ok(xp("/s:Envelope/s:Header/w:SelectorSet") == NULL,
	    "root/cimv2: no __cimnamespace selector");
	ok(decode_fixture(&st, "enum-objepr-dmtf.xml", 200, RT("15"), &res,
	    &err) == 0 && st.done && res != NULL && res->ninst == 2,
	    "EnumerateObjectAndEPR items decode");
	if (res != NULL && res->ninst == 2) {
		is_str(res->inst[1]->classname, "CIM_ComputerSystem",
		    "the object's class");
		is_str(cim_instance_text(res->inst[1], "Name"),
		    "node2.example", "the object's property");
		ok(res->inst[1]->path != NULL &&
		    res->inst[1]->path->nkeys == 2 &&
		    strcmp(res->inst[1]->path->keys[1].value,
		    "node2.example") == 0, "the path from the EPR's selectors");
		ok(res->inst[1]->path != NULL && res->inst[1]->path->ns !=
		    NULL && strcmp(res->inst[1]->path->ns, "root/cimv2") == 0,
		    "the namespace from __cimnamespace");
	}
	wbem_result_free(res);
	res = NULL;

	req.with_epr = 0;
	req.ns = "root/PG_InterOp";
	req.classname = "CIM_Namespace";
	buf_reset(&b);
	ok(wsman_encode_request(&req, &o, RT("16"), &st, &b, &err) == 0 &&
	    req_parse(&b) == 0, "DMTF Enumerate in another namespace");
	is_str(xp("/s:Envelope/s:Header/w:SelectorSet/w:Selector"
	    "[@Name='__cimnamespace']"), "root/PG_InterOp",
	    "the namespace as __cimnamespace");
	ok(xp("/s:Envelope/s:Body/n:Enumerate/w:EnumerationMode") == NULL,
	    "plain objects by default");
	req.resource_uri = "http://example.com/r/Thing";
	buf_reset(&b);
	ok(wsman_encode_request(&req, &o, RT("16"), &st, &b, &err) == 0 &&
	    req_parse(&b) == 0 && strcmp(xp("/s:Envelope/s:Header/"
	    "w:ResourceURI"), "http://example.com/r/Thing") == 0,
	    "the caller's resource URI");
	req.resource_uri = NULL;
	req.ns = NULL;
	req.classname = "MSFT_Thing";
	buf_reset(&b);
	ok(wsman_encode_request(&req, &o, RT("16"), &st, &b, &err) == 0 &&
	    req_parse(&b) == 0 && strcmp(xp("/s:Envelope/s:Header/"
	    "w:ResourceURI"), WMI "MSFT_Thing") == 0,
	    "MSFT_ classes keep WinRM's URI");
	o.wmi_prefixes = NULL;
	req.classname = "CIM_Thing";
	buf_reset(&b);
	ok(wsman_encode_request(&req, &o, RT("16"), &st, &b, &err) == 0 &&
	    req_parse(&b) == 0 && strcmp(xp("/s:Envelope/s:Header/"
	    "w:ResourceURI"), WMI "CIM_Thing") == 0,
	    "no WMI prefixes given: every class by WinRM's URI");
	o.wmi_prefixes = wsman_win32_wmi_prefixes;

	/* Create */
	inst = cim_instance_new("CIM_Thing");
	cim_instance_add(inst, "ElementName", CIM_T_STRING, "a<b");
	cim_instance_add(inst, "On", CIM_T_BOOLEAN, "TRUE");
	cim_instance_add(inst, "Gone", CIM_T_STRING, NULL);
	memset(&req, 0, sizeof(req));
	req.op = WBEM_OP_CREATE;
	req.classname = "CIM_Thing";
	req.instance = inst;
	buf_reset(&b);
	ok(wsman_encode_request(&req, &o, RT("15"), &st, &b, &err) == 0 &&
	    req_parse(&b) == 0 && st.sent == WSMAN_MSG_CREATE,
	    "Create encodes");
	check_header("Create", XFER "/Create", DMTF "CIM_Thing", RT("15"));
	xmlXPathRegisterNs(req_xp, BAD_CAST "pt", BAD_CAST DMTF "CIM_Thing");
	is_str(xp("/s:Envelope/s:Body/pt:CIM_Thing/pt:ElementName"), "a<b",
	    "Create: a property in the resource's namespace");
	is_str(xp("/s:Envelope/s:Body/pt:CIM_Thing/pt:On"), "true",
	    "Create: xs:boolean");
	is_str(xp("string(/s:Envelope/s:Body/pt:CIM_Thing/pt:Gone/"
	    "@*[local-name()='nil'])"), "true", "Create: NULL as xsi:nil");
	ok(decode_fixture(&st, "create-dmtf.xml", 200, RT("15"), &res,
	    &err) == 0 && st.done && res->kind == WBEM_R_PATHS &&
	    res->npaths == 1, "CreateResponse decodes");
	if (res != NULL && res->npaths == 1) {
		is_str(res->paths[0]->classname, "CIM_Thing", "new class");
		is_str(res->paths[0]->keys[0].value, "thing:7", "new key");
	}
	wbem_result_free(res);
	res = NULL;
	ok(decode_fixture(&st, "delete-dmtf.xml", 200, RT("15"), &res,
	    &err) == -1 && err.kind == WBEM_E_PROTOCOL,
	    "a Create reply without t:ResourceCreated refused");
	wbem_result_free(res);
	res = NULL;

	/* Put, Delete */
	path = cim_path_new(NULL, NULL);
	cim_path_parse("CIM_Thing.InstanceID=\"thing:7\"", path);
	req.op = WBEM_OP_MODIFY;
	req.path = path;
	buf_reset(&b);
	ok(wsman_encode_request(&req, &o, RT("15"), &st, &b, &err) == 0 &&
	    req_parse(&b) == 0 && st.sent == WSMAN_MSG_PUT, "Put encodes");
	check_header("Put", XFER "/Put", DMTF "CIM_Thing", RT("15"));
	is_str(xp("/s:Envelope/s:Header/w:SelectorSet/w:Selector"
	    "[@Name='InstanceID']"), "thing:7", "Put: the selector");
	ok(decode_fixture(&st, "put-dmtf.xml", 200, RT("15"), &res,
	    &err) == 0 && st.done && res->kind == WBEM_R_NONE,
	    "PutResponse decodes");
	wbem_result_free(res);
	res = NULL;
	req.op = WBEM_OP_DELETE;
	buf_reset(&b);
	ok(wsman_encode_request(&req, &o, RT("15"), &st, &b, &err) == 0 &&
	    req_parse(&b) == 0 && st.sent == WSMAN_MSG_DELETE,
	    "Delete encodes");
	check_header("Delete", XFER "/Delete", DMTF "CIM_Thing", RT("15"));
	ok(xp("/s:Envelope/s:Body/*") == NULL, "Delete: an empty body");
	ok(decode_fixture(&st, "delete-dmtf.xml", 200, RT("15"), &res,
	    &err) == 0 && st.done, "DeleteResponse decodes");
	wbem_result_free(res);
	res = NULL;
	cim_path_free(path);
	path = cim_path_new(NULL, "CIM_Thing");
	req.path = path;
	buf_reset(&b);
	ok(wsman_encode_request(&req, &o, RT("15"), &st, &b, &err) == -1 &&
	    err.kind == WBEM_E_USAGE, "Delete without keys refused");
	req.op = WBEM_OP_ASSOCIATORS;
	ok(wsman_encode_request(&req, &o, RT("15"), &st, &b, &err) == -1 &&
	    err.kind == WBEM_E_USAGE && err.code == CIM_ERR_NOT_SUPPORTED,
	    "Associators over WS-Man: NOT_SUPPORTED");
	cim_path_free(path);
	cim_instance_free(inst);
	wsman_state_clear(&st);
	buf_release(&b);
}

int
main(void)
{
	xml_global_init();
	test_encode();
	test_enumeration();
	test_ptypes();
	test_shapes();
	test_invoke();
	test_faults();
	test_markup_values();
	test_date_time();
	test_date_time_bad();
	test_action();
	test_win32_types();
	test_incomplete();
	test_dmtf();
	xmlXPathFreeContext(req_xp);
	xmlFreeDoc(req_doc);
	return (tap_done());
}
