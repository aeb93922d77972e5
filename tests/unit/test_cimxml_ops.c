/*
 * test_cimxml_ops.c: the DSP0200 operations beyond the first five (issue
 * 15) in the CIM-XML codec: what each request carries (DSP0200 section 5
 * parameter names and shapes, as pywbem sends them), and the decoding of
 * replies shaped as DSP0201 says each is (IRETURNVALUE contents, the pull
 * operations' EndOfSequence and EnumerationContext PARAMVALUEs).
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cimhead.h"
#include "tap.h"
#include "fixture.h"

static struct buf	 body;

/* Encodes req into body (reset first); -1 with err as the encoder left it. */
static int
enc(const struct wbem_request *req, struct wbem_error *err,
    struct cimxml_hdrs *h)
{
	buf_reset(&body);
	return (cimxml_encode_request(req, 7, &body, h, err));
}

static int
has(const char *s)
{
	return (body.data != NULL && strstr(body.data, s) != NULL);
}

static void
req_init(struct wbem_request *req, enum wbem_op op)
{
	memset(req, 0, sizeof(*req));
	req->op = op;
	req->ns = "root/cimv2";
}

/* A whole reply of method name whose IMETHODRESPONSE holds inner. */
static struct wbem_result *
dec(const struct wbem_request *req, const char *name, const char *inner,
    struct wbem_error *err)
{
	struct cimxml_reply	rep;
	struct wbem_result	*r;
	struct buf		b;

	buf_init(&b, 0);
	buf_printf(&b, "<?xml version=\"1.0\" encoding=\"utf-8\" ?>\n"
	    "<CIM CIMVERSION=\"2.0\" DTDVERSION=\"2.0\">\n"
	    "<MESSAGE ID=\"7\" PROTOCOLVERSION=\"1.0\">\n<SIMPLERSP>\n"
	    "<IMETHODRESPONSE NAME=\"%s\">\n%s\n</IMETHODRESPONSE>\n"
	    "</SIMPLERSP>\n</MESSAGE>\n</CIM>\n", name, inner);
	memset(&rep, 0, sizeof(rep));
	rep.status = 200;
	rep.body = b.data;
	rep.body_len = b.len;
	r = cimxml_decode_response(req, &rep, err);
	buf_release(&b);
	return (r);
}

#define INST_PATH \
	"<INSTANCEPATH><NAMESPACEPATH><HOST>srv1</HOST>" \
	"<LOCALNAMESPACEPATH><NAMESPACE NAME=\"root\"/>" \
	"<NAMESPACE NAME=\"cimv2\"/></LOCALNAMESPACEPATH></NAMESPACEPATH>" \
	"<INSTANCENAME CLASSNAME=\"Win32_Process\"><KEYBINDING NAME=\"Handle\">" \
	"<KEYVALUE VALUETYPE=\"string\">%s</KEYVALUE></KEYBINDING>" \
	"</INSTANCENAME></INSTANCEPATH>"

static void
test_encode(void)
{
	static const char * const props[] = { "Caption", NULL };
	struct wbem_request	 req;
	struct wbem_error	 err;
	struct cimxml_hdrs	 h;
	struct cim_path		*p, *cls;
	struct cim_instance	*inst;
	struct cim_value	 nv;

	p = cim_path_new("root/cimv2", NULL);
	cim_path_parse("Win32_Process.Handle=\"42\"", p);
	cls = cim_path_new("root/cimv2", "Win32_Process");

	req_init(&req, WBEM_OP_CLASSES);
	req.classname = "CIM_Process";
	req.deep = 1;
	req.qualifiers = -1;
	req.class_origin = 1;
	ok(enc(&req, &err, &h) == 0, "EnumerateClasses encodes");
	is_str(h.cimmethod, "EnumerateClasses", "EnumerateClasses: CIMMethod");
	ok(has("<IPARAMVALUE NAME=\"ClassName\"><CLASSNAME "
	    "NAME=\"CIM_Process\"/></IPARAMVALUE>"), "classes: ClassName");
	ok(has("NAME=\"DeepInheritance\"><VALUE>TRUE</VALUE>"),
	    "classes: DeepInheritance TRUE");
	ok(has("NAME=\"IncludeQualifiers\"><VALUE>FALSE</VALUE>"),
	    "classes: IncludeQualifiers FALSE");
	ok(has("NAME=\"IncludeClassOrigin\"><VALUE>TRUE</VALUE>"),
	    "classes: IncludeClassOrigin TRUE");
	req.classname = NULL;
	req.qualifiers = 0;
	req.deep = 0;
	ok(enc(&req, &err, NULL) == 0 && !has("ClassName") &&
	    !has("IncludeQualifiers") && !has("DeepInheritance") &&
	    !has("LocalOnly"),
	    "classes without a class: no ClassName; unset flags not sent");
	req.local_only = -1;
	ok(enc(&req, &err, NULL) == 0 && has("NAME=\"LocalOnly\"><VALUE>"
	    "FALSE"), "classes: LocalOnly FALSE when asked");
	req.local_only = 1;
	ok(enc(&req, &err, NULL) == 0 && has("NAME=\"LocalOnly\"><VALUE>"
	    "TRUE"), "classes: LocalOnly TRUE when asked");

	req_init(&req, WBEM_OP_CLASS_NAMES);
	req.classname = "CIM_Process";
	ok(enc(&req, &err, NULL) == 0 && !has("DeepInheritance") &&
	    !has("LocalOnly"), "EnumerateClassNames: only ClassName by "
	    "default");
	req.deep = 1;
	ok(enc(&req, &err, NULL) == 0 && has("DeepInheritance\"><VALUE>TRUE"),
	    "EnumerateClassNames: DeepInheritance when asked");

	req_init(&req, WBEM_OP_ASSOCIATORS);
	req.path = p;
	req.assoc_class = "CIM_ProcessThread";
	req.result_class = "CIM_Thread";
	req.role = "GroupComponent";
	req.result_role = "PartComponent";
	req.proplist = props;
	ok(enc(&req, &err, &h) == 0, "Associators encodes");
	ok(has("<IPARAMVALUE NAME=\"ObjectName\"><INSTANCENAME "
	    "CLASSNAME=\"Win32_Process\"><KEYBINDING NAME=\"Handle\">"),
	    "associators: ObjectName an INSTANCENAME");
	ok(has("<IPARAMVALUE NAME=\"AssocClass\"><CLASSNAME "
	    "NAME=\"CIM_ProcessThread\"/>"), "associators: AssocClass");
	ok(has("<IPARAMVALUE NAME=\"ResultClass\"><CLASSNAME "
	    "NAME=\"CIM_Thread\"/>"), "associators: ResultClass");
	ok(has("<IPARAMVALUE NAME=\"Role\"><VALUE>GroupComponent</VALUE>"),
	    "associators: Role");
	ok(has("<IPARAMVALUE NAME=\"ResultRole\"><VALUE>PartComponent"),
	    "associators: ResultRole");
	ok(has("NAME=\"PropertyList\"><VALUE.ARRAY><VALUE>Caption"),
	    "associators: PropertyList");
	is_str(h.cimobject, "root%2Fcimv2", "associators: CIMObject the ns");
	req.path = cls;
	ok(enc(&req, &err, NULL) == 0 && has("<IPARAMVALUE NAME=\"ObjectName\">"
	    "<CLASSNAME NAME=\"Win32_Process\"/>"),
	    "associators of a class: ObjectName a CLASSNAME");
	req.path = p;
	req.op = WBEM_OP_ASSOCIATOR_NAMES;
	ok(enc(&req, &err, NULL) == 0 && !has("PropertyList"),
	    "AssociatorNames: no PropertyList");
	req.op = WBEM_OP_REFERENCES;
	ok(enc(&req, &err, NULL) == -1 && err.kind == WBEM_E_USAGE,
	    "References refuses AssocClass");
	req.assoc_class = NULL;
	ok(enc(&req, &err, NULL) == -1, "References refuses ResultRole");
	req.result_role = NULL;
	ok(enc(&req, &err, NULL) == 0 && has("NAME=\"References\"") &&
	    has("NAME=\"Role\""), "References encodes");
	req.op = WBEM_OP_REFERENCE_NAMES;
	ok(enc(&req, &err, NULL) == 0 && !has("PropertyList"),
	    "ReferenceNames: no PropertyList");
	req.role = "a<b";
	ok(enc(&req, &err, NULL) == -1, "a role that is no CIM name refused");

	inst = cim_instance_new("Win32_Process");
	cim_instance_add(inst, "Handle", CIM_T_STRING, "42");
	cim_instance_add(inst, "Priority", CIM_T_UINT32, "8");
	req_init(&req, WBEM_OP_CREATE);
	req.classname = "Win32_Process";
	req.instance = inst;
	ok(enc(&req, &err, &h) == 0, "CreateInstance encodes");
	ok(has("<IPARAMVALUE NAME=\"NewInstance\"><INSTANCE "
	    "CLASSNAME=\"Win32_Process\"><PROPERTY NAME=\"Handle\" "
	    "TYPE=\"string\"><VALUE>42</VALUE></PROPERTY><PROPERTY "
	    "NAME=\"Priority\" TYPE=\"uint32\"><VALUE>8</VALUE></PROPERTY>"
	    "</INSTANCE></IPARAMVALUE>"), "create: NewInstance typed");
	cim_instance_add(inst, "Bad", CIM_T_UINT8, "300");
	ok(enc(&req, &err, NULL) == -1 && err.kind == WBEM_E_USAGE,
	    "create: a value out of its type's range refused");
	inst->nprops--;
	cim_property_clear(&inst->props[inst->nprops]);

	req_init(&req, WBEM_OP_MODIFY);
	req.path = p;
	req.instance = inst;
	req.proplist = props;
	ok(enc(&req, &err, NULL) == 0 && has("<IPARAMVALUE NAME=\"Modified"
	    "Instance\"><VALUE.NAMEDINSTANCE><INSTANCENAME CLASSNAME=\""
	    "Win32_Process\">") && has("</INSTANCE></VALUE.NAMEDINSTANCE>") &&
	    has("PropertyList"), "ModifyInstance: VALUE.NAMEDINSTANCE, "
	    "PropertyList");

	req_init(&req, WBEM_OP_DELETE);
	req.path = p;
	ok(enc(&req, &err, &h) == 0 && has("<IPARAMVALUE NAME=\"InstanceName"
	    "\"><INSTANCENAME") && !has("LocalOnly"),
	    "DeleteInstance: InstanceName only");
	is_str(h.cimmethod, "DeleteInstance", "delete: CIMMethod");

	req_init(&req, WBEM_OP_GET_PROPERTY);
	req.path = p;
	req.propname = "Caption";
	ok(enc(&req, &err, NULL) == 0 && has("<IPARAMVALUE NAME=\"PropertyName"
	    "\"><VALUE>Caption</VALUE>"), "GetProperty: PropertyName");
	req.propname = NULL;
	ok(enc(&req, &err, NULL) == -1, "GetProperty without a name refused");

	cim_value_init(&nv, CIM_T_UINT32);
	nv.is_array = 1;
	cim_value_add(&nv, "1");
	cim_value_add(&nv, "2");
	req_init(&req, WBEM_OP_SET_PROPERTY);
	req.path = p;
	req.propname = "Flags";
	req.newvalue = &nv;
	ok(enc(&req, &err, NULL) == 0 && has("<IPARAMVALUE NAME=\"NewValue\">"
	    "<VALUE.ARRAY><VALUE>1</VALUE><VALUE>2</VALUE></VALUE.ARRAY>"),
	    "SetProperty: NewValue an array");
	req.newvalue = NULL;
	ok(enc(&req, &err, NULL) == 0 && !has("NewValue"),
	    "SetProperty to NULL: no NewValue (DSP0200: NULL by default)");
	cim_value_clear(&nv);

	req_init(&req, WBEM_OP_ENUM_QUALIFIERS);
	ok(enc(&req, &err, &h) == 0 && !has("IPARAMVALUE"),
	    "EnumerateQualifiers: no parameters");
	req.op = WBEM_OP_GET_QUALIFIER;
	req.propname = "Key";
	ok(enc(&req, &err, NULL) == 0 && has("<IPARAMVALUE NAME=\"Qualifier"
	    "Name\"><VALUE>Key</VALUE>"), "GetQualifier: QualifierName");

	/* pywbem's ModifyInstanceNS1: outer slashes not in CIMObject */
	req_init(&req, WBEM_OP_ENUM_NAMES);
	req.classname = "Win32_Process";
	req.ns = "//root/mycim//";
	ok(enc(&req, &err, &h) == 0 && strcmp(h.cimobject,
	    "root%2Fmycim") == 0 && has("<LOCALNAMESPACEPATH><NAMESPACE "
	    "NAME=\"root\"/><NAMESPACE NAME=\"mycim\"/></LOCALNAMESPACEPATH>"),
	    "CIMObject: the namespace without its outer slashes");

	/* pywbem's recorded EnumerateInstances: ClassName and LocalOnly only */
	req_init(&req, WBEM_OP_ENUM);
	req.classname = "Win32_Process";
	req.deep = 1;
	ok(enc(&req, &err, NULL) == 0 && !has("DeepInheritance") &&
	    has("<IPARAMVALUE NAME=\"LocalOnly\"><VALUE>FALSE</VALUE>"),
	    "EnumerateInstances: DeepInheritance TRUE (the default) not sent");
	req.deep = 0;
	ok(enc(&req, &err, NULL) == 0 && has("NAME=\"DeepInheritance\">"
	    "<VALUE>FALSE"), "EnumerateInstances: DeepInheritance FALSE sent");

	req_init(&req, WBEM_OP_OPEN_ENUM);
	req.classname = "Win32_Process";
	req.deep = 1;
	req.max_object_count = 100;
	ok(enc(&req, &err, &h) == 0, "OpenEnumerateInstances encodes");
	ok(has("NAME=\"MaxObjectCount\"><VALUE>100</VALUE>") &&
	    !has("LocalOnly") && !has("IncludeQualifiers") &&
	    !has("DeepInheritance"), "open: MaxObjectCount; no LocalOnly, "
	    "IncludeQualifiers, nor DeepInheritance TRUE (the default)");
	req.deep = 0;
	ok(enc(&req, &err, NULL) == 0 && has("NAME=\"DeepInheritance\">"
	    "<VALUE>FALSE"), "open: DeepInheritance FALSE sent");
	is_str(h.cimmethod, "OpenEnumerateInstances", "open: CIMMethod");
	req.op = WBEM_OP_OPEN_ENUM_PATHS;
	ok(enc(&req, &err, NULL) == 0 && !has("DeepInheritance"),
	    "OpenEnumerateInstancePaths: no DeepInheritance");
	req_init(&req, WBEM_OP_OPEN_QUERY);
	req.query = "SELECT * FROM Win32_Process";
	ok(enc(&req, &err, NULL) == 0 && has("<IPARAMVALUE NAME=\"FilterQuery"
	    "\"><VALUE>SELECT") && has("NAME=\"FilterQueryLanguage\"><VALUE>"
	    "WQL"), "OpenQueryInstances: FilterQuery, FilterQueryLanguage");
	req_init(&req, WBEM_OP_OPEN_ASSOCIATORS);
	req.path = cls;
	ok(enc(&req, &err, NULL) == -1,
	    "OpenAssociatorInstances on a class refused");
	req.path = p;
	ok(enc(&req, &err, NULL) == 0 && has("<IPARAMVALUE NAME=\"InstanceName"
	    "\"><INSTANCENAME"), "OpenAssociatorInstances: InstanceName");

	req_init(&req, WBEM_OP_PULL);
	req.max_object_count = 5;
	ok(enc(&req, &err, NULL) == -1, "a Pull without a context refused");
	req.context = "ctx<1>";
	ok(enc(&req, &err, &h) == 0 && has("<IPARAMVALUE NAME=\"Enumeration"
	    "Context\"><VALUE>ctx&lt;1&gt;</VALUE>") &&
	    has("MaxObjectCount\"><VALUE>5<"), "PullInstancesWithPath: context "
	    "escaped, MaxObjectCount");
	is_str(h.cimmethod, "PullInstancesWithPath", "pull: CIMMethod");
	req.op = WBEM_OP_CLOSE;
	ok(enc(&req, &err, &h) == 0 && has("EnumerationContext") &&
	    !has("MaxObjectCount"), "CloseEnumeration: the context only");

	cim_instance_free(inst);
	cim_path_free(p);
	cim_path_free(cls);
}

static void
test_decode(void)
{
	struct wbem_request	 req;
	struct wbem_error	 err;
	struct wbem_result	*r;
	struct buf		 b;

	req_init(&req, WBEM_OP_CLASSES);
	r = dec(&req, "EnumerateClasses", "<IRETURNVALUE>"
	    "<CLASS NAME=\"A\"><PROPERTY NAME=\"x\" TYPE=\"uint8\"/></CLASS>"
	    "<CLASS NAME=\"B\" SUPERCLASS=\"A\"></CLASS></IRETURNVALUE>", &err);
	ok(r != NULL && r->kind == WBEM_R_CLASSES && r->nclasses == 2,
	    "EnumerateClasses: two CLASSes");
	ok(r != NULL && r->nclasses == 2 &&
	    strcmp(r->classes[1], "<CLASS NAME=\"B\" SUPERCLASS=\"A\"/>") == 0,
	    "classes: kept as XML");
	wbem_result_free(r);
	r = dec(&req, "EnumerateClasses", "<IRETURNVALUE><INSTANCE "
	    "CLASSNAME=\"A\"/></IRETURNVALUE>", &err);
	ok(r == NULL && err.kind == WBEM_E_PROTOCOL,
	    "classes: an INSTANCE instead is refused");

	req_init(&req, WBEM_OP_CLASS_NAMES);
	r = dec(&req, "EnumerateClassNames", "<IRETURNVALUE><CLASSNAME "
	    "NAME=\"A\"/><CLASSNAME NAME=\"B\"/></IRETURNVALUE>", &err);
	ok(r != NULL && r->kind == WBEM_R_PATHS && r->npaths == 2 &&
	    strcmp(r->paths[1]->classname, "B") == 0 &&
	    r->paths[1]->nkeys == 0, "EnumerateClassNames: class names");
	wbem_result_free(r);

	buf_init(&b, 0);
	req_init(&req, WBEM_OP_ASSOCIATORS);
	buf_printf(&b, "<IRETURNVALUE><VALUE.OBJECTWITHPATH>" INST_PATH
	    "<INSTANCE CLASSNAME=\"Win32_Process\"><PROPERTY NAME=\"Handle\" "
	    "TYPE=\"string\"><VALUE>7</VALUE></PROPERTY></INSTANCE>"
	    "</VALUE.OBJECTWITHPATH></IRETURNVALUE>", "7");
	r = dec(&req, "Associators", b.data, &err);
	ok(r != NULL && r->kind == WBEM_R_INSTANCES && r->ninst == 1 &&
	    r->inst[0]->path != NULL &&
	    strcmp(r->inst[0]->path->host, "srv1") == 0 &&
	    strcmp(r->inst[0]->path->keys[0].value, "7") == 0,
	    "Associators: VALUE.OBJECTWITHPATH, instance with its path");
	wbem_result_free(r);
	req.op = WBEM_OP_REFERENCES;
	r = dec(&req, "Associators", b.data, &err);
	ok(r == NULL && err.kind == WBEM_E_PROTOCOL,
	    "References: a reply for another method refused");
	r = dec(&req, "References", b.data, &err);
	ok(r != NULL && r->ninst == 1, "References: decoded");
	wbem_result_free(r);

	r = dec(&req, "References", "<IRETURNVALUE><VALUE.OBJECTWITHPATH>"
	    "<CLASSPATH><NAMESPACEPATH><HOST>h</HOST><LOCALNAMESPACEPATH>"
	    "<NAMESPACE NAME=\"root\"/></LOCALNAMESPACEPATH></NAMESPACEPATH>"
	    "<CLASSNAME NAME=\"CIM_Assoc\"/></CLASSPATH><CLASS NAME=\"CIM_Assoc"
	    "\"><PROPERTY.REFERENCE NAME=\"A\" REFERENCECLASS=\"X\"/></CLASS>"
	    "</VALUE.OBJECTWITHPATH></IRETURNVALUE>", &err);
	ok(r != NULL && r->ninst == 0 && r->nclasses == 1 &&
	    strncmp(r->classes[0], "<CLASS NAME=\"CIM_Assoc\">", 23) == 0,
	    "References of a class: the CLASS kept as XML");
	wbem_result_free(r);
	buf_reset(&b);
	buf_printf(&b, "<IRETURNVALUE><OBJECTPATH>" INST_PATH "</OBJECTPATH>"
	    "<OBJECTPATH>" INST_PATH "</OBJECTPATH></IRETURNVALUE>", "1", "2");
	req.op = WBEM_OP_ASSOCIATOR_NAMES;
	r = dec(&req, "AssociatorNames", b.data, &err);
	ok(r != NULL && r->kind == WBEM_R_PATHS && r->npaths == 2 &&
	    strcmp(r->paths[1]->keys[0].value, "2") == 0 &&
	    strcmp(r->paths[1]->ns, "root/cimv2") == 0,
	    "AssociatorNames: OBJECTPATHs");
	wbem_result_free(r);
	req.op = WBEM_OP_REFERENCE_NAMES;
	r = dec(&req, "ReferenceNames", b.data, &err);
	ok(r != NULL && r->npaths == 2, "ReferenceNames: OBJECTPATHs");
	wbem_result_free(r);

	req_init(&req, WBEM_OP_CREATE);
	r = dec(&req, "CreateInstance", "<IRETURNVALUE><INSTANCENAME "
	    "CLASSNAME=\"Win32_Process\"><KEYBINDING NAME=\"Handle\"><KEYVALUE "
	    "VALUETYPE=\"string\">99</KEYVALUE></KEYBINDING></INSTANCENAME>"
	    "</IRETURNVALUE>", &err);
	ok(r != NULL && r->npaths == 1 &&
	    strcmp(r->paths[0]->keys[0].value, "99") == 0,
	    "CreateInstance: the new INSTANCENAME");
	wbem_result_free(r);
	r = dec(&req, "CreateInstance", "", &err);
	ok(r == NULL && err.kind == WBEM_E_PROTOCOL,
	    "CreateInstance without INSTANCENAME refused");
	r = dec(&req, "CreateInstance", "<ERROR CODE=\"11\" DESCRIPTION="
	    "\"exists\"/>", &err);
	ok(r == NULL && err.kind == WBEM_E_CIM && err.code == 11,
	    "CreateInstance: CIM_ERR_ALREADY_EXISTS");

	req_init(&req, WBEM_OP_MODIFY);
	r = dec(&req, "ModifyInstance", "", &err);
	ok(r != NULL && r->kind == WBEM_R_NONE, "ModifyInstance: no value");
	wbem_result_free(r);
	req.op = WBEM_OP_DELETE;
	r = dec(&req, "DeleteInstance", "<IRETURNVALUE></IRETURNVALUE>", &err);
	ok(r != NULL && r->kind == WBEM_R_NONE, "DeleteInstance: no value");
	wbem_result_free(r);
	r = dec(&req, "DeleteInstance", "<ERROR CODE=\"6\"/>", &err);
	ok(r == NULL && err.code == 6, "DeleteInstance: CIM_ERR_NOT_FOUND");

	req_init(&req, WBEM_OP_GET_PROPERTY);
	r = dec(&req, "GetProperty", "<IRETURNVALUE><VALUE>vod.exe</VALUE>"
	    "</IRETURNVALUE>", &err);
	ok(r != NULL && !r->method.ret.is_null && r->method.ret.nvals == 1 &&
	    strcmp(r->method.ret.vals[0], "vod.exe") == 0,
	    "GetProperty: the VALUE");
	wbem_result_free(r);
	r = dec(&req, "GetProperty", "<IRETURNVALUE><VALUE.ARRAY><VALUE>1"
	    "</VALUE><VALUE.NULL/></VALUE.ARRAY></IRETURNVALUE>", &err);
	ok(r != NULL && r->method.ret.is_array && r->method.ret.nvals == 2 &&
	    r->method.ret.vals[1] == NULL, "GetProperty: a VALUE.ARRAY");
	wbem_result_free(r);
	r = dec(&req, "GetProperty", "", &err);
	ok(r != NULL && r->method.ret.is_null,
	    "GetProperty without IRETURNVALUE: NULL");
	wbem_result_free(r);
	req.op = WBEM_OP_SET_PROPERTY;
	r = dec(&req, "SetProperty", "", &err);
	ok(r != NULL && r->kind == WBEM_R_NONE, "SetProperty: no value");
	wbem_result_free(r);

	req_init(&req, WBEM_OP_ENUM_QUALIFIERS);
	r = dec(&req, "EnumerateQualifiers", "<IRETURNVALUE>"
	    "<QUALIFIER.DECLARATION NAME=\"Key\" TYPE=\"boolean\" "
	    "OVERRIDABLE=\"false\"><SCOPE PROPERTY=\"true\" REFERENCE=\"true\"/>"
	    "<VALUE>FALSE</VALUE></QUALIFIER.DECLARATION>"
	    "<QUALIFIER.DECLARATION NAME=\"Description\" TYPE=\"string\"/>"
	    "</IRETURNVALUE>", &err);
	ok(r != NULL && r->kind == WBEM_R_CLASSES && r->nclasses == 2 &&
	    strncmp(r->classes[0], "<QUALIFIER.DECLARATION NAME=\"Key\"", 33)
	    == 0, "EnumerateQualifiers: declarations kept as XML");
	wbem_result_free(r);
	req.op = WBEM_OP_GET_QUALIFIER;
	r = dec(&req, "GetQualifier", "", &err);
	ok(r == NULL && err.kind == WBEM_E_PROTOCOL,
	    "GetQualifier without its declaration refused");
	r = dec(&req, "GetQualifier", "<IRETURNVALUE><QUALIFIER.DECLARATION "
	    "NAME=\"Key\" TYPE=\"boolean\"><VALUE>FALSE</VALUE>"
	    "</QUALIFIER.DECLARATION></IRETURNVALUE>", &err);
	ok(r != NULL && r->kind == WBEM_R_CLASSES && r->nclasses == 1,
	    "GetQualifier: the one declaration");
	wbem_result_free(r);

	buf_reset(&b);
	buf_printf(&b, "<IRETURNVALUE><VALUE.INSTANCEWITHPATH>" INST_PATH
	    "<INSTANCE CLASSNAME=\"Win32_Process\"/></VALUE.INSTANCEWITHPATH>"
	    "</IRETURNVALUE><PARAMVALUE NAME=\"EndOfSequence\"><VALUE>FALSE"
	    "</VALUE></PARAMVALUE><PARAMVALUE NAME=\"EnumerationContext\">"
	    "<VALUE>ctx-1</VALUE></PARAMVALUE>", "3");
	req_init(&req, WBEM_OP_OPEN_ENUM);
	r = dec(&req, "OpenEnumerateInstances", b.data, &err);
	ok(r != NULL && r->ninst == 1 && !r->end_of_sequence &&
	    r->enum_context != NULL && strcmp(r->enum_context, "ctx-1") == 0,
	    "OpenEnumerateInstances: items, more to come, the context");
	ok(r != NULL && r->ninst == 1 && r->inst[0]->path != NULL,
	    "open: VALUE.INSTANCEWITHPATH gives the path");
	wbem_result_free(r);
	req.op = WBEM_OP_PULL;
	r = dec(&req, "PullInstancesWithPath", "<IRETURNVALUE></IRETURNVALUE>"
	    "<PARAMVALUE NAME=\"EndOfSequence\"><VALUE>TRUE</VALUE>"
	    "</PARAMVALUE><PARAMVALUE NAME=\"EnumerationContext\"/>", &err);
	ok(r != NULL && r->end_of_sequence && r->enum_context == NULL,
	    "PullInstancesWithPath: the end, no context");
	wbem_result_free(r);
	r = dec(&req, "PullInstancesWithPath", "<IRETURNVALUE/>", &err);
	ok(r == NULL && err.kind == WBEM_E_PROTOCOL,
	    "a pull reply without EndOfSequence refused");
	r = dec(&req, "PullInstancesWithPath", "<PARAMVALUE NAME=\"EndOf"
	    "Sequence\"><VALUE>FALSE</VALUE></PARAMVALUE>", &err);
	ok(r == NULL && err.kind == WBEM_E_PROTOCOL,
	    "more to come without a context refused");
	r = dec(&req, "PullInstancesWithPath", "<PARAMVALUE NAME=\"EndOf"
	    "Sequence\"><VALUE>maybe</VALUE></PARAMVALUE>", &err);
	ok(r == NULL, "EndOfSequence not a boolean refused");
	req.op = WBEM_OP_PULL_PATHS;
	buf_reset(&b);
	buf_printf(&b, "<IRETURNVALUE>" INST_PATH INST_PATH "</IRETURNVALUE>"
	    "<PARAMVALUE NAME=\"EndOfSequence\"><VALUE>TRUE</VALUE>"
	    "</PARAMVALUE>", "a", "b");
	r = dec(&req, "PullInstancePaths", b.data, &err);
	ok(r != NULL && r->kind == WBEM_R_PATHS && r->npaths == 2 &&
	    r->end_of_sequence, "PullInstancePaths: INSTANCEPATHs, the end");
	wbem_result_free(r);
	req.op = WBEM_OP_OPEN_QUERY;
	r = dec(&req, "OpenQueryInstances", "<IRETURNVALUE><INSTANCE "
	    "CLASSNAME=\"Win32_Process\"/><INSTANCE CLASSNAME=\"Win32_Process\"/>"
	    "</IRETURNVALUE><PARAMVALUE NAME=\"EndOfSequence\"><VALUE>TRUE"
	    "</VALUE></PARAMVALUE>", &err);
	ok(r != NULL && r->ninst == 2, "OpenQueryInstances: bare INSTANCEs");
	wbem_result_free(r);
	req.op = WBEM_OP_CLOSE;
	r = dec(&req, "CloseEnumeration", "", &err);
	ok(r != NULL && r->kind == WBEM_R_NONE, "CloseEnumeration: no value");
	wbem_result_free(r);
	buf_release(&b);
}

/* OpenPegasus's wetest replies to OpenEnumerateInstances (pretty-printed). */
static void
test_wetest(void)
{
	struct wbem_request	 req;
	struct wbem_error	 err;
	struct wbem_result	*r;
	struct cimxml_reply	 rep;
	char			*b;
	size_t			 len;

	req_init(&req, WBEM_OP_OPEN_ENUM);
	req.ns = "test/static";
	b = slurp("wetest/OpenEnumerateInstances/"
	    "OpenEnumerateInstances61000rspgood.xml", &len);
	memset(&rep, 0, sizeof(rep));
	rep.status = 200;
	rep.body = b;
	rep.body_len = len;
	r = cimxml_decode_response(&req, &rep, &err);
	ok(r != NULL && r->ninst == 0 && r->end_of_sequence &&
	    r->enum_context == NULL, "wetest 61000: no IRETURNVALUE, "
	    "EndOfSequence TRUE in white space, a blank context");
	wbem_result_free(r);
	free(b);
	b = slurp("wetest/OpenEnumerateInstances/"
	    "OpenEnumerateInstances61005rspgood.xml", &len);
	rep.body = b;
	rep.body_len = len;
	r = cimxml_decode_response(&req, &rep, &err);
	ok(r == NULL && err.kind == WBEM_E_CIM && err.code == 7,
	    "wetest 61005: CIM_ERR_NOT_SUPPORTED");
	free(b);
}

/* CreateClass, ModifyClass, DeleteClass, SetQualifier, DeleteQualifier. */
static void
test_class_ops(void)
{
	struct wbem_request	 req;
	struct wbem_error	 err;
	struct cimxml_hdrs	 h;
	struct cim_instance	*cls;
	struct cim_value	 v;
	struct wbem_result	*r;

	cls = cim_instance_new("VOD_Title");
	cim_instance_add(cls, "Name", CIM_T_STRING, NULL);
	cim_instance_add(cls, "Bitrate", CIM_T_UINT32, "4000");
	req_init(&req, WBEM_OP_CREATE_CLASS);
	req.instance = cls;
	req.superclass = "CIM_ManagedElement";
	ok(enc(&req, &err, &h) == 0 &&
	    strcmp(h.cimmethod, "CreateClass") == 0 &&
	    strcmp(h.cimobject, "root%2Fcimv2") == 0 &&
	    has("<IMETHODCALL NAME=\"CreateClass\">") &&
	    has("<IPARAMVALUE NAME=\"NewClass\"><CLASS NAME=\"VOD_Title\" "
	    "SUPERCLASS=\"CIM_ManagedElement\"><PROPERTY NAME=\"Name\" "
	    "TYPE=\"string\"></PROPERTY><PROPERTY NAME=\"Bitrate\" "
	    "TYPE=\"uint32\"><VALUE>4000</VALUE></PROPERTY></CLASS>"
	    "</IPARAMVALUE>"), "CreateClass: NewClass, a NULL default and "
	    "a default");
	req.op = WBEM_OP_MODIFY_CLASS;
	req.superclass = NULL;
	ok(enc(&req, &err, &h) == 0 &&
	    strcmp(h.cimmethod, "ModifyClass") == 0 &&
	    has("<IPARAMVALUE NAME=\"ModifiedClass\"><CLASS "
	    "NAME=\"VOD_Title\"><PROPERTY") && !has("SUPERCLASS"),
	    "ModifyClass: ModifiedClass, no superclass");
	req.superclass = "bad name";
	ok(enc(&req, &err, &h) == -1 && err.kind == WBEM_E_USAGE,
	    "ModifyClass: a bad superclass name refused");
	req.superclass = NULL;
	cim_instance_add(cls, "Rating", CIM_T_UINT8, "300");
	ok(enc(&req, &err, &h) == -1 && err.kind == WBEM_E_USAGE,
	    "ModifyClass: a default out of its type refused");
	req.instance = NULL;
	ok(enc(&req, &err, &h) == -1 && err.kind == WBEM_E_USAGE,
	    "ModifyClass: no class refused");
	cim_instance_free(cls);

	req_init(&req, WBEM_OP_DELETE_CLASS);
	req.classname = "VOD_Title";
	ok(enc(&req, &err, &h) == 0 &&
	    strcmp(h.cimmethod, "DeleteClass") == 0 &&
	    has("<IPARAMVALUE NAME=\"ClassName\"><CLASSNAME "
	    "NAME=\"VOD_Title\"/></IPARAMVALUE>"), "DeleteClass: ClassName");
	req.classname = "a<b";
	ok(enc(&req, &err, &h) == -1, "DeleteClass: a bad name refused");

	req_init(&req, WBEM_OP_SET_QUALIFIER);
	req.propname = "Rated";
	cim_value_init(&v, CIM_T_STRING);
	cim_value_add(&v, "P&G");
	req.newvalue = &v;
	ok(enc(&req, &err, &h) == 0 &&
	    strcmp(h.cimmethod, "SetQualifier") == 0 &&
	    has("<IPARAMVALUE NAME=\"QualifierDeclaration\">"
	    "<QUALIFIER.DECLARATION NAME=\"Rated\" TYPE=\"string\" "
	    "ISARRAY=\"false\">"
	    "<SCOPE CLASS=\"true\" ASSOCIATION=\"true\" "
	    "REFERENCE=\"true\" PROPERTY=\"true\" METHOD=\"true\" "
	    "PARAMETER=\"true\" INDICATION=\"true\"/>"
	    "<VALUE>P&amp;G</VALUE></QUALIFIER.DECLARATION></IPARAMVALUE>"),
	    "SetQualifier: the declaration, any scope, its default escaped");
	cim_value_clear(&v);
	cim_value_init(&v, CIM_T_UINT16);
	v.is_array = 1;
	v.is_null = 1;
	ok(enc(&req, &err, &h) == 0 &&
	    has("<QUALIFIER.DECLARATION NAME=\"Rated\" TYPE=\"uint16\" "
	    "ISARRAY=\"true\"><SCOPE") && !has("<VALUE"),
	    "SetQualifier: an array without a default");
	cim_value_clear(&v);
	cim_value_init(&v, CIM_T_UINT8);
	cim_value_add(&v, "300");
	ok(enc(&req, &err, &h) == -1 && err.kind == WBEM_E_USAGE,
	    "SetQualifier: a default out of its type refused");
	cim_value_clear(&v);
	req.newvalue = NULL;
	ok(enc(&req, &err, &h) == -1, "SetQualifier: a type is needed");

	req_init(&req, WBEM_OP_DELETE_QUALIFIER);
	req.propname = "Rated";
	ok(enc(&req, &err, &h) == 0 &&
	    strcmp(h.cimmethod, "DeleteQualifier") == 0 &&
	    has("<IPARAMVALUE NAME=\"QualifierName\"><VALUE>Rated</VALUE>"
	    "</IPARAMVALUE>"), "DeleteQualifier: QualifierName");
	req.propname = NULL;
	ok(enc(&req, &err, &h) == -1, "DeleteQualifier: a name is needed");

	/* replies: an empty IMETHODRESPONSE, or an ERROR */
	req_init(&req, WBEM_OP_DELETE_CLASS);
	req.classname = "VOD_Title";
	r = dec(&req, "DeleteClass", "", &err);
	ok(r != NULL && r->kind == WBEM_R_NONE, "DeleteClass: empty reply");
	wbem_result_free(r);
	r = dec(&req, "DeleteClass", "<ERROR CODE=\"9\" "
	    "DESCRIPTION=\"has instances\"/>", &err);
	ok(r == NULL && err.kind == WBEM_E_CIM &&
	    err.code == CIM_ERR_CLASS_HAS_INSTANCES,
	    "DeleteClass: CIM_ERR_CLASS_HAS_INSTANCES");
	req_init(&req, WBEM_OP_SET_QUALIFIER);
	r = dec(&req, "SetQualifier", "<IRETURNVALUE/>", &err);
	ok(r != NULL && r->kind == WBEM_R_NONE,
	    "SetQualifier: an empty IRETURNVALUE");
	wbem_result_free(r);
}

/* InvokeMethod: a NULL parameter is a PARAMVALUE without a value. */
static void
test_null_param(void)
{
	struct wbem_request	 req;
	struct wbem_error	 err;
	struct cim_property	 p[2];

	memset(p, 0, sizeof(p));
	p[0].name = "CurrentDirectory";
	cim_value_init(&p[0].v, CIM_T_STRING);
	p[0].v.is_null = 1;
	p[1].name = "Flags";
	cim_value_init(&p[1].v, CIM_T_UINT32);
	p[1].v.is_array = 1;
	p[1].v.is_null = 1;
	req_init(&req, WBEM_OP_INVOKE);
	req.classname = "Win32_Process";
	req.method = "Create";
	req.params = p;
	req.nparams = 2;
	ok(enc(&req, &err, NULL) == 0 &&
	    has("<PARAMVALUE NAME=\"CurrentDirectory\" "
	    "PARAMTYPE=\"string\"/>") &&
	    has("<PARAMVALUE NAME=\"Flags\" PARAMTYPE=\"uint32\"/>"),
	    "InvokeMethod: NULL scalar and array parameters");
}

int
main(void)
{
	buf_init(&body, 0);
	test_encode();
	test_decode();
	test_wetest();
	test_class_ops();
	test_null_param();
	buf_release(&body);
	return (tap_done());
}
