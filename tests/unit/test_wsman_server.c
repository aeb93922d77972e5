/*
 * test_wsman_server.c: the server side of the WS-Management codec, against
 * the client side: requests the client encodes decode to the same call
 * (action, resource, selectors, filter, MaxElements, Create_INPUT), and
 * the batches, Get/Invoke replies and faults the server encodes decode in
 * the client to the same items, end of sequence, values and fault names.
 */
#include "config.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cimhead_server.h"
#include "tap.h"

#define MSGID	"uuid:00000000-0000-4000-8000-000000000001"
#define REPLY	"uuid:11111111-1111-4111-8111-111111111111"
#define WMI	"http://schemas.microsoft.com/wbem/wsman/1/wmi/root/cimv2/"

static struct cim_instance *
proc(const char *handle, const char *name, int with_null)
{
	struct cim_instance	*ci;
	struct cim_property	*p;

	ci = cim_instance_new("Win32_Process");
	ci->path = cim_path_new("root/cimv2", "Win32_Process");
	cim_path_add_key(ci->path, "Handle", CIM_T_STRING, handle);
	p = cim_instance_add(ci, "Name", CIM_T_STRING, NULL);
	cim_value_add(&p->v, name);
	p = cim_instance_add(ci, "ProcessId", CIM_T_UINT32, NULL);
	cim_value_add(&p->v, handle);
	p = cim_instance_add(ci, "CreationDate", CIM_T_DATETIME, NULL);
	cim_value_add(&p->v, "20130415162847.735170+120");
	if (with_null) {
		p = cim_instance_add(ci, "CommandLine", CIM_T_STRING, NULL);
		p->v.is_null = 1;
	}
	return (ci);
}

static void
test_decode_requests(void)
{
	struct wbem_request	 req;
	struct wsman_opts	 o;
	struct wsman_state	 st;
	struct wsman_call	 c;
	struct wbem_error	 err;
	struct cim_path		*path;
	struct cim_property	 param;
	struct buf		 b;

	memset(&o, 0, sizeof(o));
	o.endpoint = "http://127.0.0.1:5985/wsman";
	o.max_elements = 7;
	wsman_state_init(&st);

	memset(&req, 0, sizeof(req));
	req.op = WBEM_OP_QUERY;
	req.query = "SELECT Name FROM Win32_Process WHERE Name < 'b'";
	buf_init(&b, 0);
	wsman_encode_request(&req, &o, MSGID, &st, &b, &err);
	ok(wsman_decode_request(b.data, b.len, &c, &err) == 0,
	    "query: decodes");
	is_int(c.msg, WSMAN_MSG_ENUMERATE, "query: Enumerate");
	is_str(c.msgid, MSGID, "query: MessageID");
	is_str(c.ns, "root/cimv2", "query: namespace from the URI");
	is_str(c.classname, "*", "query: the namespace resource");
	is_str(c.filter, req.query, "query: filter text unescaped");
	ok(c.optimize && c.max_elements == 7, "query: optimized, 7 items");
	wsman_call_clear(&c);

	buf_reset(&b);
	req.op = WBEM_OP_ENUM_NAMES;
	req.classname = "Win32_Service";
	wsman_encode_request(&req, &o, MSGID, &st, &b, &err);
	wsman_decode_request(b.data, b.len, &c, &err);
	ok(c.epr == WSMAN_EPR_ONLY && c.filter == NULL,
	    "names: EnumerateEPR, no filter");
	is_str(c.classname, "Win32_Service", "names: class from the URI");
	wsman_call_clear(&c);

	{
		static const char objepr[] =
		    "<s:Envelope xmlns:s=\"http://www.w3.org/2003/05/"
		    "soap-envelope\" xmlns:a=\"http://schemas.xmlsoap.org/"
		    "ws/2004/08/addressing\" xmlns:n=\"http://schemas."
		    "xmlsoap.org/ws/2004/09/enumeration\" xmlns:w=\"http://"
		    "schemas.dmtf.org/wbem/wsman/1/wsman.xsd\"><s:Header>"
		    "<a:To>http://h/wsman</a:To><w:ResourceURI>" WMI
		    "Win32_Process</w:ResourceURI><a:Action>http://schemas."
		    "xmlsoap.org/ws/2004/09/enumeration/Enumerate</a:Action>"
		    "<a:MessageID>uuid:1</a:MessageID></s:Header><s:Body>"
		    "<n:Enumerate><w:EnumerationMode>EnumerateObjectAndEPR"
		    "</w:EnumerationMode></n:Enumerate></s:Body></s:Envelope>";

		ok(wsman_decode_request(objepr, sizeof(objepr) - 1, &c,
		    &err) == 0 && c.epr == WSMAN_EPR_AND_OBJECT,
		    "EnumerateObjectAndEPR: decoded as its own mode");
		wsman_call_clear(&c);
	}

	buf_reset(&b);
	path = cim_path_new("root/cimv2", "Win32_Process");
	memset(&req, 0, sizeof(req));
	req.op = WBEM_OP_INVOKE;
	req.path = path;
	req.method = "Create";
	memset(&param, 0, sizeof(param));
	param.name = "CommandLine";
	cim_value_init(&param.v, CIM_T_STRING);
	cim_value_add(&param.v, "\"C:\\a b\\v.exe\" --x <1> & y");
	req.params = &param;
	req.nparams = 1;
	wsman_encode_request(&req, &o, MSGID, &st, &b, &err);
	ok(wsman_decode_request(b.data, b.len, &c, &err) == 0,
	    "invoke: decodes");
	is_int(c.msg, WSMAN_MSG_INVOKE, "invoke: Invoke");
	is_str(c.method, "Create", "invoke: method from the action");
	ok(c.nparams == 1 && strcmp(c.params[0].name, "CommandLine") == 0 &&
	    strcmp(c.params[0].v.vals[0], param.v.vals[0]) == 0,
	    "invoke: Create_INPUT parameter");
	wsman_call_clear(&c);
	cim_value_clear(&param.v);
	cim_path_free(path);

	buf_reset(&b);
	path = cim_path_new("root/cimv2", "Win32_Service");
	cim_path_add_key(path, "Name", CIM_T_STRING, "VodStream");
	memset(&req, 0, sizeof(req));
	req.op = WBEM_OP_GET;
	req.path = path;
	wsman_encode_request(&req, &o, MSGID, &st, &b, &err);
	wsman_decode_request(b.data, b.len, &c, &err);
	is_int(c.msg, WSMAN_MSG_GET, "get: Get");
	ok(c.selectors != NULL && c.selectors->nkeys == 1 &&
	    strcmp(c.selectors->keys[0].value, "VodStream") == 0,
	    "get: selector");
	wsman_call_clear(&c);
	cim_path_free(path);

	ok(wsman_decode_request("<x/>", 4, &c, &err) == -1,
	    "not an envelope: -1");
	wsman_call_clear(&c);
	buf_release(&b);
	wsman_state_clear(&st);
}

/* The client's state once an Enumerate of cls is sent; the request in b. */
static void
enum_sent(const struct wsman_opts *o, struct wsman_state *st, struct buf *b,
    const char *cls)
{
	struct wbem_request	req;
	struct wbem_error	err;

	memset(&req, 0, sizeof(req));
	req.op = WBEM_OP_ENUM;
	req.classname = cls;
	wsman_encode_request(&req, o, MSGID, st, b, &err);
}

/* A client, options, state and buffer new, that has sent that Enumerate. */
static void
enum_start(struct wsman_opts *o, struct wsman_state *st, struct buf *b,
    const char *cls)
{
	memset(o, 0, sizeof(*o));
	o->endpoint = "http://127.0.0.1:5985/wsman";
	wsman_state_init(st);
	buf_init(b, 0);
	enum_sent(o, st, b, cls);
}

static void
test_encode_replies(void)
{
	struct wsman_opts	 o;
	struct wsman_state	 st;
	struct wsman_batch	 bt;
	struct wbem_result	*res = NULL;
	struct wbem_error	 err;
	struct cim_instance	*items[3];
	struct cim_method_result mr;
	struct wsman_fault	 wf;
	struct buf		 b;
	const struct cim_property *p;
	size_t			 i;

	enum_start(&o, &st, &b, "Win32_Process");

	items[0] = proc("4", "System", 1);
	items[1] = proc("812", "svc<&>.exe", 0);
	items[2] = proc("900", "last.exe", 0);
	memset(&bt, 0, sizeof(bt));
	bt.msg = WSMAN_MSG_ENUMERATE;
	bt.msgid = REPLY;
	bt.relates_to = MSGID;
	bt.context = "uuid:ctx";
	bt.n = 2;
	bt.items = items;
	buf_reset(&b);
	ok(wsman_encode_batch(&bt, &b) == 0, "batch: encodes");
	ok(strstr(b.data, "<w:Items><p:Win32_Process xml:lang=\"en-US\" "
	    "xmlns:p=\"" WMI "Win32_Process\" "
	    "xsi:type=\"p:Win32_Process_Type\">") != NULL,
	    "batch: p:Class items");
	ok(strstr(b.data, "<p:CommandLine xsi:nil=\"true\"/>") != NULL,
	    "batch: NULL as xsi:nil");
	ok(strstr(b.data, "<cim:Datetime>2013-04-15T16:28:47.73517+02:00"
	    "</cim:Datetime>") != NULL, "batch: datetime as xs:dateTime");
	ok(wsman_decode_response(&st, &o, 200, b.data, b.len, MSGID, &res,
	    &err) == 0, "batch: the client decodes it");
	ok(!st.done && st.context != NULL &&
	    strcmp(st.context, "uuid:ctx") == 0, "batch: context to Pull");
	is_int(res != NULL ? res->ninst : 0, 2, "batch: 2 items");
	for (i = 0, p = NULL; res != NULL && res->ninst > 1 &&
	    i < res->inst[1]->nprops; i++)
		if (strcmp(res->inst[1]->props[i].name, "Name") == 0)
			p = &res->inst[1]->props[i];
	is_str(p != NULL ? p->v.vals[0] : "", "svc<&>.exe",
	    "batch: escaped text round-trips");

	bt.epr = WSMAN_EPR_AND_OBJECT;
	buf_reset(&b);
	wsman_encode_batch(&bt, &b);
	ok(strstr(b.data, "<w:Items><w:Item><p:Win32_Process ") != NULL &&
	    strstr(b.data, "</p:Win32_Process><a:EndpointReference>") != NULL &&
	    strstr(b.data, "<w:Selector Name=\"Handle\">812</w:Selector>"
	    "</w:SelectorSet></a:ReferenceParameters></a:EndpointReference>"
	    "</w:Item></w:Items>") != NULL,
	    "batch ObjectAndEPR: w:Item, the object then its EPR");
	bt.epr = WSMAN_EPR_ONLY;
	buf_reset(&b);
	wsman_encode_batch(&bt, &b);
	ok(strstr(b.data, "<w:Items><a:EndpointReference>") != NULL &&
	    strstr(b.data, "<w:Item>") == NULL &&
	    strstr(b.data, "<p:Win32_Process") == NULL,
	    "batch EPR: bare EndpointReferences");
	bt.epr = WSMAN_EPR_NONE;

	bt.msg = WSMAN_MSG_PULL;
	bt.context = NULL;
	bt.n = 1;
	bt.items = items + 2;
	bt.fragment = 1;
	buf_reset(&b);
	wsman_encode_pull(&o, &st, MSGID, &b, &err);
	buf_reset(&b);
	wsman_encode_batch(&bt, &b);
	ok(strstr(b.data, "<n:Items><w:XmlFragment><CreationDate>") != NULL,
	    "pull: fragments with unqualified children");
	ok(strstr(b.data, "<n:EndOfSequence/>") != NULL,
	    "pull: n:EndOfSequence at the end");
	ok(wsman_decode_response(&st, &o, 200, b.data, b.len, MSGID, &res,
	    &err) == 0 && st.done, "pull: decoded, done");
	is_int(res != NULL ? res->ninst : 0, 3, "pull: 3 items in all");
	wbem_result_free(res);
	res = NULL;

	memset(&mr, 0, sizeof(mr));
	cim_value_init(&mr.ret, CIM_T_UINT32);
	cim_value_add(&mr.ret, "0");
	buf_reset(&b);
	wsman_encode_invoke_response(REPLY, MSGID, WMI "Win32_Process",
	    "Create", &mr, &b);
	ok(strstr(b.data, "<a:Action>" WMI "Win32_Process/CreateResponse"
	    "</a:Action>") != NULL, "invoke: the response action");
	ok(strstr(b.data, "<p:Create_OUTPUT xmlns:p=\"" WMI "Win32_Process\">"
	    "<p:ReturnValue>0</p:ReturnValue></p:Create_OUTPUT>") != NULL,
	    "invoke: Create_OUTPUT");
	cim_value_clear(&mr.ret);

	memset(&wf, 0, sizeof(wf));
	wf.code = "s:Sender";
	wf.subcode = "w:QuotaLimit";
	wf.reason = wf.message = "over quota";
	wf.wsman_code = 2150859173UL;
	wf.machine = "node1";
	wf.cim_status = 27;
	buf_reset(&b);
	enum_sent(&o, &st, &b, "Win32_Process");
	buf_reset(&b);
	wsman_encode_fault(REPLY, MSGID, &wf, &b);
	ok(wsman_decode_response(&st, &o, 500, b.data, b.len, MSGID, &res,
	    &err) == -1 && err.kind == WBEM_E_CIM, "fault: a CIM error");
	is_str(err.name, "w:QuotaLimit", "fault: subcode");
	is_int(err.code, 27, "fault: MSFT_WmiError CIMStatusCode");
	is_str(err.wsman_code, "2150859173", "fault: error_Code");

	wf.subcode = "n:CannotProcessFilter";
	wf.wsman_code = 2150858778UL;
	wf.cim_status = 0;
	buf_reset(&b);
	wsman_encode_fault(REPLY, MSGID, &wf, &b);
	ok(strstr(b.data, "<a:Action>http://schemas.xmlsoap.org/ws/2004/09/"
	    "enumeration/fault</a:Action>") != NULL, "fault: n: action");
	wsman_decode_response(&st, &o, 500, b.data, b.len, MSGID, &res, &err);
	is_str(err.name, "n:CannotProcessFilter", "fault: filter subcode");
	is_str(err.wsman_code, "2150858778", "fault: WSManFault Code");
	ok(strstr(b.data, "Machine=\"node1\"") != NULL, "fault: Machine");

	for (i = 0; i < 3; i++)
		cim_instance_free(items[i]);
	wbem_result_free(res);
	buf_release(&b);
	wsman_state_clear(&st);
}

/*
 * A datetime known only in part goes out as WinRM writes it, cim:Date or
 * cim:Time, and the client half reads the same CIM text back.
 */
static void
test_partial_datetimes(void)
{
	static const char *const dt[] = {
		"20130311******.******-300", "********212804.500000+000",
		"20130311212804.000000+000",
	};
	static const char *const names[] = { "Day", "At", "Full" };
	struct wsman_opts	 o;
	struct wsman_state	 st;
	struct wsman_batch	 bt;
	struct wbem_result	*res = NULL;
	struct wbem_error	 err;
	struct cim_instance	*ci;
	struct cim_property	*p;
	struct buf		 b;
	size_t			 i;

	enum_start(&o, &st, &b, "Win32_OperatingSystem");
	ci = cim_instance_new("Win32_OperatingSystem");
	for (i = 0; i < nitems(dt); i++) {
		p = cim_instance_add(ci, names[i], CIM_T_DATETIME, NULL);
		cim_value_add(&p->v, dt[i]);
	}
	memset(&bt, 0, sizeof(bt));
	bt.msg = WSMAN_MSG_ENUMERATE;
	bt.msgid = REPLY;
	bt.relates_to = MSGID;
	bt.n = 1;
	bt.items = &ci;
	buf_reset(&b);
	ok(wsman_encode_batch(&bt, &b) == 0, "partial datetimes: encode");
	ok(strstr(b.data, "<p:Day><cim:Date>2013-03-11-05:00</cim:Date>"
	    "</p:Day>") != NULL, "the date alone as cim:Date");
	ok(strstr(b.data, "<p:At><cim:Time>21:28:04.5Z</cim:Time>"
	    "</p:At>") != NULL, "the time alone as cim:Time");
	ok(strstr(b.data, "<cim:Datetime>2013-03-11T21:28:04Z"
	    "</cim:Datetime>") != NULL, "a whole one as cim:Datetime");
	ok(wsman_decode_response(&st, &o, 200, b.data, b.len, MSGID, &res,
	    &err) == 0 && res != NULL && res->ninst == 1,
	    "partial datetimes: the client decodes them");
	for (i = 0; res != NULL && res->ninst == 1 && i < nitems(dt); i++)
		is_str(cim_instance_text(res->inst[0], names[i]), dt[i],
		    "%s: the same CIM text back", names[i]);
	cim_instance_free(ci);
	wbem_result_free(res);
	buf_release(&b);
	wsman_state_clear(&st);
}

int
main(void)
{
	xml_global_init();
	test_decode_requests();
	test_encode_replies();
	test_partial_datetimes();
	return (tap_done());
}
