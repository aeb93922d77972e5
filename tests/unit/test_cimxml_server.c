/*
 * test_cimxml_server.c: the server side of the CIM-XML codec, the one
 * cimmockd answers with.  Real OpenPegasus request bodies must decode to
 * the right calls, requests OpenPegasus refused must be refused with the
 * same CIMError token and PGErrorDetail, and replies built here must equal
 * OpenPegasus's byte for byte.
 */
#include "config.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cimhead_server.h"
#include "tap.h"
#include "fixture.h"

static int
decode_capture_request(const char *name, struct cimxml_call *call,
    struct wbem_error *err)
{
	struct capture	c;
	int		rc;

	capture_load(&c, name, "request");
	rc = cimxml_decode_request(c.body, c.body_len, call, err);
	capture_free(&c);
	return (rc);
}

/* The reply body of a capture, for byte comparisons. */
static char *
capture_body(const char *name)
{
	struct capture	 c;
	char		*s;

	capture_load(&c, name, "response");
	s = xstrdup(c.body);
	capture_free(&c);
	return (s);
}

/* The body of a chunked capture, chunks joined; *trailers after it. */
static char *
capture_dechunked(const char *name, char **trailers)
{
	struct capture	 c;
	struct buf	 b;
	const char	*p;
	char		*end;
	unsigned long	 n;

	capture_load(&c, name, "response");
	buf_init(&b, 0);
	for (p = c.body; (n = strtoul(p, &end, 16)) > 0; p = end + 2 + n + 2)
		buf_add(&b, end + 2, n);
	*trailers = xstrdup((end != NULL && strlen(end) > 2) ? end + 2 : "");
	capture_free(&c);
	return (buf_steal(&b, NULL));
}

static void
test_decode(void)
{
	struct cimxml_call	c;
	struct wbem_error	err;

	ok(decode_capture_request("ei-process", &c, &err) == 0,
	    "ei-process request decodes");
	ok(c.intrinsic && c.op_known && c.req.op == WBEM_OP_ENUM,
	    "EnumerateInstances");
	is_str(c.msgid, "3001", "MESSAGE ID");
	is_str(c.protocol_version, "1.0", "PROTOCOLVERSION");
	is_str(c.cimversion, "2.0", "CIMVERSION");
	is_str(c.dtdversion, "2.0", "DTDVERSION");
	is_str(c.req.ns, "root/cimv2", "namespace");
	is_str(c.req.classname, "Win32_Process", "ClassName");
	ok(c.req.deep == 1 && c.req.local_only == 1 && c.req.proplist == NULL,
	    "DSP0200 defaults for absent parameters");
	cimxml_call_clear(&c);

	ok(decode_capture_request("ei-process-proplist", &c, &err) == 0 &&
	    c.req.proplist != NULL && c.req.proplist[0] != NULL &&
	    strcmp(c.req.proplist[0], "Caption") == 0 &&
	    strcmp(c.req.proplist[1], "ProcessId") == 0 &&
	    c.req.proplist[2] == NULL, "PropertyList");
	cimxml_call_clear(&c);

	ok(decode_capture_request("ein-process", &c, &err) == 0 &&
	    c.req.op == WBEM_OP_ENUM_NAMES, "EnumerateInstanceNames");
	cimxml_call_clear(&c);

	ok(decode_capture_request("gi-process", &c, &err) == 0 &&
	    c.req.op == WBEM_OP_GET && c.req.path != NULL &&
	    strcmp(c.req.path->classname, "Win32_Process") == 0 &&
	    c.req.path->nkeys == 1 &&
	    strcmp(c.req.path->keys[0].name, "Handle") == 0 &&
	    strcmp(c.req.path->keys[0].value, "2345") == 0 &&
	    c.req.path->keys[0].type == CIM_T_STRING &&
	    strcmp(c.req.path->ns, "root/cimv2") == 0,
	    "GetInstance InstanceName");
	cimxml_call_clear(&c);

	ok(decode_capture_request("eq-process-caption-dq", &c, &err) == 0 &&
	    c.req.op == WBEM_OP_QUERY, "ExecQuery");
	is_str(c.req.query_lang, "WQL", "QueryLanguage");
	is_str(c.req.query, "SELECT * FROM Win32_Process WHERE Caption = "
	    "\"vodstream.exe\"", "Query text");
	cimxml_call_clear(&c);

	ok(decode_capture_request("gc-process", &c, &err) == 0 &&
	    c.req.op == WBEM_OP_GET_CLASS, "GetClass");
	cimxml_call_clear(&c);

	ok(decode_capture_request("unknown-intrinsic", &c, &err) == 0 &&
	    c.intrinsic && !c.op_known, "unknown intrinsic decodes, op unknown");
	is_str(c.method, "NoSuchOperation", "its name is kept");
	cimxml_call_clear(&c);

	ok(decode_capture_request("im-create-ok", &c, &err) == 0 &&
	    !c.intrinsic && c.req.op == WBEM_OP_INVOKE, "InvokeMethod static");
	is_str(c.req.method, "Create", "method name");
	is_str(c.req.classname, "Win32_Process", "class of LOCALCLASSPATH");
	ok(c.req.path != NULL && c.req.path->nkeys == 0, "static: no keys");
	ok(c.req.nparams == 2 && c.req.params[0].v.type == CIM_T_STRING,
	    "two typed PARAMVALUEs");
	if (c.req.nparams == 2)
		is_str(c.req.params[0].v.vals[0], "\"C:\\Program Files\\"
		    "VodStream\\vodstream.exe\" --port 8554 --cache D:\\vod",
		    "parameter text exact");
	cimxml_call_clear(&c);

	ok(decode_capture_request("im-create-ok-no-paramtype", &c, &err) == 0 &&
	    c.req.nparams == 1 && c.req.params[0].v.type == CIM_T_NONE,
	    "PARAMVALUE without PARAMTYPE");
	cimxml_call_clear(&c);

	ok(decode_capture_request("im-create-on-instance", &c, &err) == 0 &&
	    c.req.path != NULL && c.req.path->nkeys == 1 &&
	    strcmp(c.req.path->keys[0].value, "2345") == 0,
	    "InvokeMethod on LOCALINSTANCEPATH");
	cimxml_call_clear(&c);
	cimxml_call_clear(NULL);
}

/*
 * The requests OpenPegasus judged: decode and check headers as the mock
 * does, and compare with what the real server answered (status, CIMError,
 * PGErrorDetail).  exact_detail 0: libxml2's wording differs from
 * OpenPegasus's own parser, the token must still match.
 */
static void
judge(const char *name, int exact_detail)
{
	struct capture		 req, rsp;
	struct cimxml_call	 c;
	struct wbem_error	 err;
	char			 m[256], o[1024], pv[64], tok[64], det[512];
	char			 want[512];
	const char		*wtok, *wdet;
	int			 rc;

	capture_load(&req, name, "request");
	capture_load(&rsp, name, "response");
	wtok = capture_header(&rsp, "CIMError", tok, sizeof(tok));
	wdet = capture_header(&rsp, "PGErrorDetail", det, sizeof(det));
	want[0] = '\0';
	if (wdet != NULL)
		uri_unescape(wdet, want, sizeof(want));

	rc = cimxml_decode_request(req.body, req.body_len, &c, &err);
	if (rc == 0)
		rc = cimxml_check_headers(&c,
		    capture_header(&req, "CIMMethod", m, sizeof(m)),
		    capture_header(&req, "CIMObject", o, sizeof(o)),
		    capture_header(&req, "CIMProtocolVersion", pv, sizeof(pv)),
		    &err);
	if (rsp.status == 200)
		ok(rc == 0, "%s: accepted as OpenPegasus did%s%s", name,
		    rc ? ": " : "", rc ? err.description : "");
	else {
		ok(rc == -1 && err.kind == WBEM_E_PROTOCOL &&
		    err.http_status == rsp.status &&
		    strcmp(err.name, wtok != NULL ? wtok : "") == 0,
		    "%s: %ld %s (got %ld %s)", name, rsp.status,
		    wtok != NULL ? wtok : "", err.http_status, err.name);
		if (exact_detail) {
			struct buf	esc;

			is_str(err.description, want, "%s: PGErrorDetail", name);
			buf_init(&esc, 0);
			cimxml_uri_escape(err.description, &esc);
			is_str(esc.data, wdet, "%s: PGErrorDetail escaped as "
			    "OpenPegasus does", name);
			buf_release(&esc);
		}
	}
	cimxml_call_clear(&c);
	capture_free(&req);
	capture_free(&rsp);
}

static void
test_judge(void)
{
	judge("ei-process", 1);
	judge("ei-process-nsslash", 1);
	judge("pv-hdr11-body11", 1);
	judge("im-cimobject-unescaped", 1);
	judge("im-create-on-instance", 1);
	judge("unknown-intrinsic", 1);
	judge("err-cimversion", 1);
	judge("err-dtdversion", 1);
	judge("err-protocolversion", 1);
	judge("err-protocolversion-1.1", 1);
	judge("pv-hdr20-body10", 1);
	judge("pv-hdr-garbage", 1);
	judge("err-cimmethod-mismatch", 1);
	judge("err-cimobject-mismatch", 1);
	judge("err-no-cimmethod", 1);
	judge("err-no-cimobject", 1);
	judge("im-cimobject-nsonly", 1);
	judge("im-cimobject-wrongclass", 1);
	judge("im-create-bad-paramtype", 1);
	judge("err-malformed-xml", 0);
	judge("err-not-xml", 0);
}

static void
test_refusals(void)
{
	struct cimxml_call	 c;
	struct wbem_error	 err;
	const char		*body;

	body = "<?xml version=\"1.0\"?><CIM CIMVERSION=\"2.0\" DTDVERSION=\"2.\">"
	    "<MESSAGE ID=\"1\" PROTOCOLVERSION=\"1.0\"><SIMPLEREQ/></MESSAGE>"
	    "</CIM>";
	ok(cimxml_decode_request(body, strlen(body), &c, &err) == -1 &&
	    strcmp(err.name, "unsupported-dtd-version") == 0 &&
	    err.http_status == 501, "DTDVERSION \"2.\" refused (wetest)");
	cimxml_call_clear(&c);

	body = "<?xml version=\"1.0\"?><CIM CIMVERSION=\"2.0\" DTDVERSION=\"2.0\">"
	    "<MESSAGE ID=\"1\" PROTOCOLVERSION=\"1.0\"><SIMPLEREQ>"
	    "<IMETHODCALL NAME=\"GetInstance\"><LOCALNAMESPACEPATH>"
	    "<NAMESPACE NAME=\"root\"/></LOCALNAMESPACEPATH></IMETHODCALL>"
	    "</SIMPLEREQ></MESSAGE></CIM>";
	ok(cimxml_decode_request(body, strlen(body), &c, &err) == -1 &&
	    err.kind == WBEM_E_CIM && err.code == CIM_ERR_INVALID_PARAMETER &&
	    c.msgid != NULL && c.method != NULL,
	    "missing InstanceName: a CIM error the call can answer");
	cimxml_call_clear(&c);

	body = "<?xml version=\"1.0\"?><CIM CIMVERSION=\"2.0\" DTDVERSION=\"2.0\">"
	    "<MESSAGE ID=\"1\" PROTOCOLVERSION=\"1.0\"><SIMPLEREQ>"
	    "<METHODCALL NAME=\"M\"><LOCALCLASSPATH><LOCALNAMESPACEPATH>"
	    "<NAMESPACE NAME=\"root\"/></LOCALNAMESPACEPATH><CLASSNAME NAME=\"C\"/>"
	    "</LOCALCLASSPATH><PARAMVALUE NAME=\"X\" PARAMTYPE=\"sint8\">"
	    "<VALUE.ARRAY><VALUE>1</VALUE><VALUE>-200</VALUE></VALUE.ARRAY>"
	    "</PARAMVALUE></METHODCALL></SIMPLEREQ></MESSAGE></CIM>";
	ok(cimxml_decode_request(body, strlen(body), &c, &err) == -1 &&
	    strcmp(err.name, "request-not-valid") == 0 &&
	    strstr(err.description, "Invalid signed integer value") != NULL,
	    "array member out of its PARAMTYPE range refused");
	cimxml_call_clear(&c);

	body = "<?xml version=\"1.0\"?><CIM CIMVERSION=\"2.0\" DTDVERSION=\"2.0\">"
	    "<MESSAGE ID=\"1\" PROTOCOLVERSION=\"1.0\"><MULTIREQ/></MESSAGE></CIM>";
	ok(cimxml_decode_request(body, strlen(body), &c, &err) == -1 &&
	    strcmp(err.name, "multiple-requests-unsupported") == 0,
	    "MULTIREQ refused");
	cimxml_call_clear(&c);

	ok(cimxml_decode_request("", 0, &c, &err) == -1 &&
	    strcmp(err.name, "request-not-valid") == 0, "empty body refused");
	cimxml_call_clear(&c);
}

#define REQ_HEAD "<?xml version=\"1.0\"?>\n<CIM CIMVERSION=\"2.0\" " \
	"DTDVERSION=\"2.0\">\n<MESSAGE ID=\"9\" PROTOCOLVERSION=\"1.0\">\n" \
	"<SIMPLEREQ>\n"
#define REQ_NS "<LOCALNAMESPACEPATH><NAMESPACE NAME=\"root\"/>" \
	"</LOCALNAMESPACEPATH>\n"
#define REQ_TAIL "</SIMPLEREQ>\n</MESSAGE>\n</CIM>\n"

/* The refusals OpenPegasus's wetest suite pins down, with its wording. */
static void
refused_as(const char *body, const char *token, const char *detail,
    const char *what)
{
	struct cimxml_call	c;
	struct wbem_error	err;

	ok(cimxml_decode_request(body, strlen(body), &c, &err) == -1 &&
	    strcmp(err.name, token) == 0, "%s: %s", what, token);
	is_str(err.description, detail, "%s: detail", what);
	cimxml_call_clear(&c);
}

static void
test_pegasus_rules(void)
{
	struct cimxml_call	 c;
	struct wbem_error	 err;
	const char		*body;

	/* pretty-printed: booleans and keys are trimmed, as Pegasus does */
	body = REQ_HEAD "<IMETHODCALL NAME=\"GetInstance\">\n" REQ_NS
	    "<IPARAMVALUE NAME=\"LocalOnly\">\n <VALUE>\n  FALSE\n </VALUE>\n"
	    "</IPARAMVALUE>\n<IPARAMVALUE NAME=\"InstanceName\">\n"
	    "<INSTANCENAME CLASSNAME=\"C\">\n<KEYBINDING NAME=\"S\">\n"
	    "<KEYVALUE VALUETYPE=\"string\">\n  abc\n</KEYVALUE>\n"
	    "</KEYBINDING>\n<KEYBINDING NAME=\"N\">\n<KEYVALUE "
	    "VALUETYPE=\"numeric\">\n &#56;\n</KEYVALUE>\n</KEYBINDING>\n"
	    "</INSTANCENAME>\n</IPARAMVALUE>\n</IMETHODCALL>\n" REQ_TAIL;
	ok(cimxml_decode_request(body, strlen(body), &c, &err) == 0 &&
	    c.req.local_only == 0 && c.req.path != NULL &&
	    c.req.path->nkeys == 2 && strcmp(c.req.path->keys[0].value,
	    "abc") == 0 && strcmp(c.req.path->keys[1].value, "8") == 0 &&
	    c.req.path->keys[1].type == CIM_T_UINT64,
	    "whitespace around booleans and key values trimmed");
	cimxml_call_clear(&c);

	refused_as(REQ_HEAD "<IMETHODCALL NAME=\"EnumerateInstances\">\n"
	    REQ_NS "<IPARAMVALUE NAME=\"DeepInheritance\">\n<VALUE>\n"
	    "junk\n</VALUE>\n</IPARAMVALUE>\n</IMETHODCALL>\n" REQ_TAIL,
	    "request-not-valid", "Semantic error: on line 10: Invalid value "
	    "for VALUE element: must be \"TRUE\" or \"FALSE\"",
	    "bad boolean, reported on the line its content ends");
	refused_as(REQ_HEAD "<IMETHODCALL NAME=\"EnumerateInstances\">\n"
	    REQ_NS "<IPARAMVALUE NAME=\"DeepInheritance\">\n</IPARAMVALUE>\n"
	    "</IMETHODCALL>\n" REQ_TAIL, "request-not-valid",
	    "Validation error: on line 8: Expected VALUE element",
	    "boolean parameter without VALUE");
	refused_as(REQ_HEAD "<IMETHODCALL NAME=\"EnumerateInstances\">\n"
	    REQ_NS "<IPARAMVALUE NAME=\"ClassName\"><CLASSNAME NAME=\" \"/>"
	    "</IPARAMVALUE>\n</IMETHODCALL>\n" REQ_TAIL, "request-not-valid",
	    "Semantic error: on line 7: Illegal value for CLASSNAME.NAME "
	    "attribute", "class name that is no CIM name");
	refused_as(REQ_HEAD "<IMETHODCALL NAME=\"EnumerateInstances\">\n"
	    REQ_NS "<IPARAMVALUE NAME=\"ClassName\"><CLASSNAME/>"
	    "</IPARAMVALUE>\n</IMETHODCALL>\n" REQ_TAIL, "request-not-valid",
	    "Validation error: on line 7: missing CLASSNAME.NAME attribute",
	    "CLASSNAME without NAME");
	refused_as(REQ_HEAD "<METHODCALL NAME=\"M\">\n<LOCALCLASSPATH>"
	    REQ_NS "<CLASSNAME NAME=\"C\"/></LOCALCLASSPATH>\n<PARAMVALUE>"
	    "<VALUE>1</VALUE></PARAMVALUE>\n</METHODCALL>\n" REQ_TAIL,
	    "request-not-valid", "Validation error: on line 8: Missing "
	    "PARAMVALUE.NAME attribute", "PARAMVALUE without NAME");
	refused_as(REQ_HEAD "<IMETHODCALL NAME=\"EnumerateInstances\">\n"
	    REQ_NS "<IPARAMVALUE NAME=\"ClassName\"><CLASSNAME NAME=\"A&#0;\"/>"
	    "</IPARAMVALUE>\n</IMETHODCALL>\n" REQ_TAIL,
	    "request-not-well-formed", "Malformed reference: on line 7",
	    "bad character reference");
	refused_as(REQ_HEAD "<IMETHODCALL NAME=\"EnumerateInstances\">\n"
	    REQ_NS "<IPARAMVALUE NAME=\"ClassName\"><CLASSNAME NAME=\"&bogus;\"/>"
	    "</IPARAMVALUE>\n</IMETHODCALL>\n" REQ_TAIL,
	    "request-not-well-formed", "Malformed reference: on line 7",
	    "undefined entity");
	refused_as(REQ_HEAD "<IMETHODCALL NAME=\"EnumerateInstances\">\n"
	    REQ_NS "<IPARAMVALUE 1NAME=\"ClassName\"/>\n</IMETHODCALL>\n"
	    REQ_TAIL, "request-not-well-formed",
	    "Bad attribute name: on line 7", "bad attribute name");
}

static void
test_key_cap(void)
{
	struct buf	b;
	int		i;

	buf_init(&b, 0);
	buf_puts(&b, REQ_HEAD "<IMETHODCALL NAME=\"GetInstance\">\n" REQ_NS
	    "<IPARAMVALUE NAME=\"InstanceName\">\n<INSTANCENAME "
	    "CLASSNAME=\"C\">\n");
	for (i = 0; i < 1001; i++)
		buf_printf(&b, "<KEYBINDING NAME=\"K%d\"><KEYVALUE>v"
		    "</KEYVALUE></KEYBINDING>\n", i);
	buf_puts(&b, "</INSTANCENAME>\n</IPARAMVALUE>\n</IMETHODCALL>\n"
	    REQ_TAIL);
	refused_as(b.data, "request-not-valid", "Validation error: on line "
	    "1009: More than 1000 key-value pairs per object path are not "
	    "supported.", "1001 keys refused");
	buf_release(&b);
}

/* Encodes with the call of a real request and compares with the reply. */
static void
same_as(const char *name, const struct wbem_result *r, const char *what)
{
	struct cimxml_call	 c;
	struct wbem_error	 err;
	struct buf		 b;
	char			*want;
	size_t			 i;

	buf_init(&b, 0);
	want = capture_body(name);
	if (decode_capture_request(name, &c, &err) == -1) {
		ok(0, "%s: request decodes: %s", name, err.description);
		goto out;
	}
	cimxml_encode_response(&c, r, &b);
	ok(b.data != NULL && strcmp(b.data, want) == 0,
	    "%s: %s byte for byte", name, what);
	if (b.data != NULL && strcmp(b.data, want) != 0) {
		for (i = 0; b.data[i] == want[i]; i++)
			;
		printf("# differs at %zu: got '%.40s' want '%.40s'\n", i,
		    b.data + i, want + i);
	}
	cimxml_call_clear(&c);
out:
	free(want);
	buf_release(&b);
}

static struct cim_instance *
process(const char *handle, const char *caption, const char *cmdline,
    const char *exe)
{
	struct cim_instance	*inst;

	inst = cim_instance_new("Win32_Process");
	inst->path = cim_path_new("root/cimv2", "Win32_Process");
	cim_path_add_key(inst->path, "Handle", CIM_T_STRING, handle);
	cim_instance_add(inst, "Handle", CIM_T_STRING, handle);
	cim_instance_add(inst, "Caption", CIM_T_STRING, caption);
	cim_instance_add(inst, "Name", CIM_T_STRING, caption);
	cim_instance_add(inst, "ProcessId", CIM_T_UINT32, handle);
	cim_instance_add(inst, "CommandLine", CIM_T_STRING, cmdline);
	cim_instance_add(inst, "ExecutablePath", CIM_T_STRING, exe);
	return (inst);
}

static void
add_processes(struct wbem_result *r)
{
	wbem_result_add_instance(r, process("4", "System", NULL, NULL));
	wbem_result_add_instance(r, process("2345", "vodstream.exe",
	    "\"C:\\Program Files\\VodStream\\vodstream.exe\" --port 8554 "
	    "--cache D:\\vod", "C:\\Program Files\\VodStream\\vodstream.exe"));
	wbem_result_add_instance(r, process("3120", "cmd.exe",
	    "cmd.exe /c \"echo a && echo b > C:\\tmp\\log.txt\" <nul",
	    "C:\\Windows\\system32\\cmd.exe"));
	wbem_result_add_instance(r, process("4711",
	    "Dienst_\xc3\xbc""berwachung.exe",
	    "C:\\Dienste\\Dienst_\xc3\xbc""berwachung.exe -q \xe2\x82\xac",
	    "C:\\Dienste\\Dienst_\xc3\xbc""berwachung.exe"));
}

static void
test_encode(void)
{
	struct wbem_result	*r;
	struct cim_instance	*inst;
	struct cimxml_call	 c;
	struct wbem_error	 err;
	struct buf		 b;
	char			*want;
	size_t			 i;

	r = wbem_result_new(WBEM_R_INSTANCES);
	add_processes(r);
	same_as("ei-process", r, "EnumerateInstances");
	wbem_result_free(r);

	r = wbem_result_new(WBEM_R_INSTANCES);
	inst = process("2345", "vodstream.exe",
	    "\"C:\\Program Files\\VodStream\\vodstream.exe\" --port 8554 "
	    "--cache D:\\vod", "C:\\Program Files\\VodStream\\vodstream.exe");
	wbem_result_add_instance(r, inst);
	same_as("gi-process", r, "GetInstance (bare INSTANCE)");
	free(inst->path->host);
	inst->path->host = xstrdup("vm");
	same_as("eq-process-caption-dq", r, "ExecQuery (VALUE.OBJECTWITHPATH)");
	wbem_result_free(r);

	r = wbem_result_new(WBEM_R_PATHS);
	for (i = 0; i < 4; i++) {
		static const char *h[] = { "4", "2345", "3120", "4711" };
		struct cim_path	*p = cim_path_new("root/cimv2",
		    "Win32_Process");

		cim_path_add_key(p, "Handle", CIM_T_STRING, h[i]);
		wbem_result_add_path(r, p);
	}
	same_as("ein-process", r, "EnumerateInstanceNames");
	wbem_result_free(r);

	r = wbem_result_new(WBEM_R_INSTANCES);
	same_as("ei-empty-class", r, "empty result without IRETURNVALUE");
	same_as("ein-empty-class", r, "empty names without IRETURNVALUE");
	wbem_result_free(r);

	r = wbem_result_new(WBEM_R_METHOD);
	cim_value_init(&r->method.ret, CIM_T_UINT32);
	cim_value_add(&r->method.ret, "0");
	r->method.out = xcalloc(1, sizeof(*r->method.out));
	r->method.nout = 1;
	r->method.out[0].name = xstrdup("ProcessId");
	cim_value_init(&r->method.out[0].v, CIM_T_UINT32);
	cim_value_add(&r->method.out[0].v, "5000");
	same_as("im-create-ok", r, "METHODRESPONSE RETURNVALUE + out");
	cim_method_result_clear(&r->method);
	cim_value_init(&r->method.ret, CIM_T_UINT32);
	cim_value_add(&r->method.ret, "9");
	same_as("im-create-rc9", r, "METHODRESPONSE without out params");
	wbem_result_free(r);

	/* GetClass: the class XML is passed through */
	r = wbem_result_new(WBEM_R_CLASS);
	want = capture_body("gc-process");
	{
		char	*s = strstr(want, "<CLASS "), *e = strstr(want,
		    "</CLASS>\n");

		if (s != NULL && e != NULL)
			r->class_xml = xstrndup(s, (size_t)(e + 9 - s));
	}
	free(want);
	same_as("gc-process", r, "GetClass");
	wbem_result_free(r);

	/* errors */
	buf_init(&b, 0);
	decode_capture_request("ei-unknown-class", &c, &err);
	cimxml_encode_error(&c, 5, "CIM_ERR_INVALID_CLASS: NoSuchClass", &b);
	want = capture_body("ei-unknown-class");
	is_str(b.data, want, "ERROR in IMETHODRESPONSE byte for byte");
	free(want);
	cimxml_call_clear(&c);
	buf_reset(&b);
	decode_capture_request("im-create-on-instance", &c, &err);
	cimxml_encode_error(&c, 16, "CIM_ERR_METHOD_NOT_AVAILABLE: Create", &b);
	want = capture_body("im-create-on-instance");
	is_str(b.data, want, "ERROR in METHODRESPONSE byte for byte");
	free(want);
	buf_reset(&b);
	cimxml_encode_error(&c, 16, NULL, &b);
	ok(strstr(b.data, "<ERROR CODE=\"16\"/></METHODRESPONSE>") != NULL,
	    "no DESCRIPTION attribute when there is none");
	cimxml_call_clear(&c);
	buf_release(&b);
}

/* Chunked replies: same bodies; errors as an empty body plus trailers. */
static void
test_chunked(void)
{
	struct cimxml_call	 c;
	struct wbem_error	 err;
	struct wbem_result	*r;
	struct buf		 b, esc;
	char			*want, *trailers;

	buf_init(&b, 0);
	r = wbem_result_new(WBEM_R_INSTANCES);
	add_processes(r);
	decode_capture_request("ei-process-chunked", &c, &err);
	cimxml_encode_response(&c, r, &b);
	want = capture_dechunked("ei-process-chunked", &trailers);
	is_str(b.data, want, "ei-process-chunked: same body when chunked");
	ok(strstr(trailers, "CIMStatusCode") == NULL, "no status trailer on "
	    "success");
	free(want);
	free(trailers);
	cimxml_call_clear(&c);
	wbem_result_free(r);

	buf_reset(&b);
	decode_capture_request("eq-process-caption-chunked", &c, &err);
	cimxml_encode_response(&c, NULL, &b);
	want = capture_dechunked("eq-process-caption-chunked", &trailers);
	is_str(b.data, want, "chunked error: empty IMETHODRESPONSE");
	buf_init(&esc, 0);
	buf_puts(&esc, "CIMStatusCodeDescription: ");
	cimxml_uri_escape("CIM_ERR_INVALID_QUERY: SELECT * FROM Win32_Process "
	    "WHERE Caption = 'vodstream.exe'", &esc);
	ok(strstr(trailers, esc.data) != NULL,
	    "CIMStatusCodeDescription escaped as OpenPegasus does");
	buf_release(&esc);
	free(want);
	free(trailers);
	cimxml_call_clear(&c);

	buf_reset(&b);
	decode_capture_request("im-create-static-chunked", &c, &err);
	cimxml_encode_response(&c, NULL, &b);
	want = capture_dechunked("im-create-static-chunked", &trailers);
	is_str(b.data, want, "chunked error: empty METHODRESPONSE");
	free(want);
	free(trailers);
	cimxml_call_clear(&c);
	buf_release(&b);
}

/* What the mock writes, the client reads back unchanged. */
static void
test_round_trip(void)
{
	struct wbem_result	*r, *back;
	struct cim_instance	*inst;
	struct cim_property	*p;
	struct cimxml_call	 c;
	struct cimxml_reply	 rep;
	struct wbem_error	 err;
	struct buf		 b;

	r = wbem_result_new(WBEM_R_INSTANCES);
	inst = cim_instance_new("Test_All");
	inst->path = cim_path_new("root/cimv2", "Test_All");
	cim_path_add_key(inst->path, "Id", CIM_T_STRING, "a \"b\" <c>");
	cim_path_add_key(inst->path, "N", CIM_T_UINT64, "18446744073709551615");
	cim_instance_add(inst, "Id", CIM_T_STRING, "a \"b\" <c>");
	cim_instance_add(inst, "Big", CIM_T_UINT64, "9007199254740993");
	cim_instance_add(inst, "Null", CIM_T_STRING, NULL);
	cim_instance_add(inst, "Empty", CIM_T_STRING, "");
	cim_instance_add(inst, "Utf8", CIM_T_STRING,
	    "\xc3\x9cn\xc3\xaf""c\xc3\xb8""d\xc3\xa9 \xe6\x97\xa5\xe6\x9c\xac");
	p = cim_instance_add(inst, "Arr", CIM_T_SINT16, NULL);
	p->v.is_array = 1;
	cim_value_add(&p->v, "-1");
	cim_value_add(&p->v, NULL);
	p = cim_instance_add(inst, "Obj", CIM_T_OBJECT,
	    "<INSTANCE CLASSNAME=\"E\"/>");
	p->v.embedded = 1;
	cim_instance_add(inst, "Ref", CIM_T_REFERENCE,
	    "root/cimv2:Win32_Process.Handle=\"4\"");
	wbem_result_add_instance(r, inst);

	decode_capture_request("ei-process", &c, &err);
	buf_init(&b, 0);
	cimxml_encode_response(&c, r, &b);
	memset(&rep, 0, sizeof(rep));
	rep.status = 200;
	rep.body = b.data;
	rep.body_len = b.len;
	back = cimxml_decode_response(&c.req, &rep, &err);
	ok(back != NULL && back->ninst == 1, "round trip decodes: %s",
	    back == NULL ? err.description : "");
	if (back != NULL && back->ninst == 1) {
		inst = back->inst[0];
		is_str(cim_instance_text(inst, "Id"), "a \"b\" <c>", "escapes");
		is_str(inst->path->keys[1].value, "18446744073709551615",
		    "numeric key");
		is_str(cim_instance_text(inst, "Big"), "9007199254740993",
		    "uint64");
		ok(cim_instance_get(inst, "Null")->v.is_null, "NULL");
		is_str(cim_instance_text(inst, "Empty"), "", "empty string");
		is_str(cim_instance_text(inst, "Utf8"), "\xc3\x9cn\xc3\xaf""c"
		    "\xc3\xb8""d\xc3\xa9 \xe6\x97\xa5\xe6\x9c\xac", "UTF-8");
		ok(cim_instance_get(inst, "Arr")->v.nvals == 2 &&
		    cim_instance_get(inst, "Arr")->v.vals[1] == NULL,
		    "array with NULL member");
		ok(cim_instance_get(inst, "Obj")->v.embedded,
		    "embedded object");
		is_str(cim_instance_text(inst, "Obj"),
		    "<INSTANCE CLASSNAME=\"E\"/>", "embedded text");
		is_str(cim_instance_text(inst, "Ref"),
		    "root/cimv2:Win32_Process.Handle=\"4\"", "reference");
	}
	wbem_result_free(back);
	wbem_result_free(r);
	cimxml_call_clear(&c);
	buf_release(&b);
}

/* Every IPARAMVALUE kept as sent, and raw replies as OpenPegasus's. */
static void
test_iparams(void)
{
	struct cimxml_call		 c;
	struct wbem_error		 err;
	const struct cimxml_iparam	*ip;
	struct cim_path			*p;
	struct cim_property		 o[2];
	struct buf			 irv, b;
	char				*want;
	size_t				 i;
	int				 found;

	ok(decode_capture_request("create-07-process", &c, &err) == 0,
	    "CreateInstance request decodes");
	ip = cimxml_iparam(&c, "newinstance");
	ok(ip != NULL && ip->kind == CIMXML_IP_INSTANCE &&
	    strcmp(ip->inst->classname, "Win32_Process") == 0,
	    "NewInstance: an INSTANCE, found without case");
	for (i = 0, found = 0; ip != NULL && i < ip->inst->nprops; i++)
		if (strcmp(ip->inst->props[i].name, "Handle") == 0 &&
		    ip->inst->props[i].v.nvals == 1 &&
		    strcmp(ip->inst->props[i].v.vals[0], "4") == 0)
			found = 1;
	ok(found, "NewInstance: its key property and value");
	p = cim_path_new(NULL, "Win32_Process");
	cim_path_add_key(p, "Handle", CIM_T_STRING, "4");
	buf_init(&irv, 0);
	buf_init(&b, 0);
	cimxml_encode_instancename(p, &irv);
	cimxml_encode_raw(&c, irv.data, NULL, 0, &b);
	want = capture_body("create-07-process");
	is_str(b.data, want, "CreateInstance reply: byte for byte");
	free(want);
	cim_path_free(p);
	cimxml_call_clear(&c);

	ok(decode_capture_request("di-process-vodstream", &c, &err) == 0,
	    "DeleteInstance request decodes");
	ip = cimxml_iparam(&c, "InstanceName");
	ok(ip != NULL && ip->kind == CIMXML_IP_PATH &&
	    strcmp(ip->path->classname, "Win32_Process") == 0 &&
	    ip->path->nkeys == 1, "InstanceName: a path");
	buf_reset(&b);
	cimxml_encode_raw(&c, NULL, NULL, 0, &b);
	want = capture_body("di-process-vodstream");
	is_str(b.data, want, "DeleteInstance reply: byte for byte");
	free(want);
	cimxml_call_clear(&c);

	ok(decode_capture_request("ci-duplicate", &c, &err) == 0,
	    "ci-duplicate request decodes");
	buf_reset(&b);
	cimxml_encode_error(&c, 11,
	    "CIM_ERR_ALREADY_EXISTS: Win32_Process.Handle=\"2345\"", &b);
	want = capture_body("ci-duplicate");
	is_str(b.data, want, "ALREADY_EXISTS reply: byte for byte");
	free(want);
	cimxml_call_clear(&c);

	/* kinds: NULL, VALUE, VALUE.ARRAY, CLASSNAME, VALUE.NAMEDINSTANCE */
	{
		static const char body[] =
		    "<?xml version=\"1.0\"?><CIM CIMVERSION=\"2.0\" "
		    "DTDVERSION=\"2.0\"><MESSAGE ID=\"9\" PROTOCOLVERSION="
		    "\"1.0\"><SIMPLEREQ><IMETHODCALL NAME=\"ModifyInstance\">"
		    "<LOCALNAMESPACEPATH><NAMESPACE NAME=\"root\"/><NAMESPACE "
		    "NAME=\"cimv2\"/></LOCALNAMESPACEPATH>"
		    "<IPARAMVALUE NAME=\"Nothing\"/>"
		    "<IPARAMVALUE NAME=\"Text\"><VALUE> a b </VALUE>"
		    "</IPARAMVALUE><IPARAMVALUE NAME=\"List\"><VALUE.ARRAY>"
		    "<VALUE>x</VALUE><VALUE>y</VALUE></VALUE.ARRAY>"
		    "</IPARAMVALUE><IPARAMVALUE NAME=\"Cls\"><CLASSNAME "
		    "NAME=\"CIM_Fan\"/></IPARAMVALUE>"
		    "<IPARAMVALUE NAME=\"ModifiedInstance\">"
		    "<VALUE.NAMEDINSTANCE><INSTANCENAME CLASSNAME=\"CIM_Fan\">"
		    "<KEYBINDING NAME=\"DeviceID\"><KEYVALUE>f</KEYVALUE>"
		    "</KEYBINDING></INSTANCENAME><INSTANCE CLASSNAME="
		    "\"CIM_Fan\"><PROPERTY NAME=\"DesiredSpeed\" TYPE="
		    "\"uint64\"><VALUE>12</VALUE></PROPERTY></INSTANCE>"
		    "</VALUE.NAMEDINSTANCE></IPARAMVALUE>"
		    "</IMETHODCALL></SIMPLEREQ></MESSAGE></CIM>";

		ok(cimxml_decode_request(body, sizeof(body) - 1, &c,
		    &err) == 0 && c.niparams == 5, "five IPARAMVALUEs kept");
		ok(cimxml_iparam(&c, "Nothing")->kind == CIMXML_IP_NULL,
		    "no child: NULL");
		is_str(cimxml_iparam(&c, "Text")->text, " a b ",
		    "VALUE: its text as sent");
		ip = cimxml_iparam(&c, "List");
		ok(ip->kind == CIMXML_IP_ARRAY && strcmp(ip->array[1],
		    "y") == 0 && ip->array[2] == NULL, "VALUE.ARRAY");
		ip = cimxml_iparam(&c, "Cls");
		ok(ip->kind == CIMXML_IP_CLASSNAME &&
		    strcmp(ip->text, "CIM_Fan") == 0, "CLASSNAME: its NAME");
		ip = cimxml_iparam(&c, "ModifiedInstance");
		ok(ip->kind == CIMXML_IP_INSTANCE && ip->inst->path != NULL &&
		    strcmp(ip->inst->path->keys[0].value, "f") == 0 &&
		    ip->inst->nprops == 1 &&
		    ip->inst->props[0].v.type == CIM_T_UINT64,
		    "VALUE.NAMEDINSTANCE: the instance and its path");
		ok(cimxml_iparam(&c, "Absent") == NULL, "absent: NULL");
		cimxml_call_clear(&c);
	}
	{
		static const char body[] =
		    "<?xml version=\"1.0\"?><CIM CIMVERSION=\"2.0\" "
		    "DTDVERSION=\"2.0\"><MESSAGE ID=\"9\" PROTOCOLVERSION="
		    "\"1.0\"><SIMPLEREQ><IMETHODCALL NAME=\"CreateInstance\">"
		    "<LOCALNAMESPACEPATH><NAMESPACE NAME=\"root\"/>"
		    "</LOCALNAMESPACEPATH><IPARAMVALUE NAME=\"NewInstance\">"
		    "<INSTANCE CLASSNAME=\"CIM_Fan\"><PROPERTY NAME=\"Speed\" "
		    "TYPE=\"uint64\"><VALUE>fast</VALUE></PROPERTY></INSTANCE>"
		    "</IPARAMVALUE></IMETHODCALL></SIMPLEREQ></MESSAGE></CIM>";

		ok(cimxml_decode_request(body, sizeof(body) - 1, &c,
		    &err) == -1 && err.http_status == 400 &&
		    strcmp(err.name, "request-not-valid") == 0 &&
		    strstr(err.description, "Invalid unsigned integer") != NULL,
		    "an INSTANCE value that does not fit its TYPE: 400");
		cimxml_call_clear(&c);
	}

	/* a pull reply: IRETURNVALUE, then EndOfSequence and the context */
	ok(decode_capture_request("ei-process", &c, &err) == 0, "decodes");
	free(c.method);
	c.method = xstrdup("OpenEnumerateInstances");
	memset(o, 0, sizeof(o));
	o[0].name = "EndOfSequence";
	cim_value_init(&o[0].v, CIM_T_NONE);
	cim_value_add(&o[0].v, "TRUE");
	o[1].name = "EnumerationContext";
	cim_value_init(&o[1].v, CIM_T_NONE);
	cim_value_add(&o[1].v, "");
	buf_reset(&b);
	cimxml_encode_raw(&c, NULL, o, 2, &b);
	ok(strstr(b.data, "<IMETHODRESPONSE NAME=\"OpenEnumerateInstances\">\n"
	    "<PARAMVALUE NAME=\"EndOfSequence\">\n<VALUE>TRUE</VALUE>\n"
	    "</PARAMVALUE>\n<PARAMVALUE NAME=\"EnumerationContext\">\n"
	    "<VALUE></VALUE>\n</PARAMVALUE>\n</IMETHODRESPONSE>") != NULL,
	    "pull reply: wetest 61000's shape");
	cim_value_clear(&o[0].v);
	cim_value_clear(&o[1].v);
	cimxml_call_clear(&c);
	buf_release(&irv);
	buf_release(&b);
}

int
main(void)
{
	xml_global_init();
	test_decode();
	test_judge();
	test_refusals();
	test_pegasus_rules();
	test_key_cap();
	test_encode();
	test_chunked();
	test_round_trip();
	test_iparams();
	return (tap_done());
}
