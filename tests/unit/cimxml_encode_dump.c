/*
 * cimxml_encode_dump: writes one encoded request body of every operation
 * kind into a directory (NAME.xml) and the CIMMethod/CIMObject headers
 * next to it (NAME.hdr), so tests/e2e/dtd_requests.sh can validate each
 * against the DMTF DTD with xmllint.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cimhead.h"

static int
dump(const char *dir, const char *name, const struct wbem_request *req)
{
	struct cimxml_hdrs	 h;
	struct wbem_error	 err;
	struct buf		 b;
	char			 path[4096];
	FILE			*f;
	int			 rc = -1;

	buf_init(&b, 0);
	if (cimxml_encode_request(req, 42, &b, &h, &err) == -1) {
		fprintf(stderr, "%s: %s\n", name, err.description);
		goto out;
	}
	snprintf(path, sizeof(path), "%s/%s.xml", dir, name);
	if ((f = fopen(path, "w")) == NULL)
		goto out;
	fwrite(b.data, 1, b.len, f);
	fclose(f);
	snprintf(path, sizeof(path), "%s/%s.hdr", dir, name);
	if ((f = fopen(path, "w")) == NULL)
		goto out;
	fprintf(f, "CIMMethod: %s\nCIMObject: %s\n", h.cimmethod,
	    h.cimobject);
	fclose(f);
	rc = 0;
out:
	buf_release(&b);
	return (rc);
}

int
main(int argc, char *argv[])
{
	static const char * const props[] = { "Caption", "ProcessId", NULL };
	struct wbem_request	 req;
	struct cim_path		*inst, *multi, *cls;
	struct cim_instance	*newinst;
	struct cim_property	*arr;
	struct cim_property	 params[4];
	int			 rc = 0;

	if (argc != 2) {
		fprintf(stderr, "usage: cimxml_encode_dump DIR\n");
		return (2);
	}
	inst = cim_path_new("root/cimv2", NULL);
	cim_path_parse("Win32_Process.Handle=\"2345\"", inst);
	cls = cim_path_new("root/cimv2", "CIM_Thing");
	multi = cim_path_new("root/cimv2", NULL);
	cim_path_parse("CIM_Thing.Name=\"a \\\"q\\\" b,c=d\",Id=7,On=TRUE",
	    multi);

	memset(&req, 0, sizeof(req));
	req.op = WBEM_OP_ENUM;
	req.ns = "root/cimv2";
	req.classname = "Win32_Process";
	req.deep = 1;
	rc |= dump(argv[1], "enum", &req);
	req.proplist = props;
	rc |= dump(argv[1], "enum-proplist", &req);
	req.proplist = NULL;

	req.op = WBEM_OP_ENUM_NAMES;
	rc |= dump(argv[1], "enum-names", &req);

	req.op = WBEM_OP_GET_CLASS;
	rc |= dump(argv[1], "get-class", &req);

	memset(&req, 0, sizeof(req));
	req.op = WBEM_OP_GET;
	req.ns = "root/cimv2";
	req.path = inst;
	rc |= dump(argv[1], "get", &req);
	req.path = multi;
	rc |= dump(argv[1], "get-multikey", &req);

	memset(&req, 0, sizeof(req));
	req.op = WBEM_OP_QUERY;
	req.ns = "root/cimv2";
	req.query = "SELECT * FROM Win32_Process WHERE Caption = \"a<b&c'\"";
	rc |= dump(argv[1], "query", &req);

	memset(&req, 0, sizeof(req));
	memset(params, 0, sizeof(params));
	params[0].name = "CommandLine";
	cim_value_init(&params[0].v, CIM_T_STRING);
	cim_value_add(&params[0].v,
	    "\"C:\\Program Files\\VodStream\\vodstream.exe\" --port 8554");
	params[1].name = "CurrentDirectory";
	cim_value_init(&params[1].v, CIM_T_NONE);
	cim_value_add(&params[1].v, "C:\\Program Files\\VodStream");
	params[2].name = "Flags";
	cim_value_init(&params[2].v, CIM_T_UINT32);
	params[2].v.is_array = 1;
	cim_value_add(&params[2].v, "1");
	cim_value_add(&params[2].v, NULL);
	params[3].name = "Startup";
	cim_value_init(&params[3].v, CIM_T_STRING);
	req.op = WBEM_OP_INVOKE;
	req.ns = "root/cimv2";
	req.classname = "Win32_Process";
	req.method = "Create";
	req.params = params;
	req.nparams = 4;
	rc |= dump(argv[1], "invoke-static", &req);

	memset(&req, 0, sizeof(req));
	req.op = WBEM_OP_INVOKE;
	req.ns = "root/cimv2";
	req.path = inst;
	req.method = "Terminate";
	params[0].name = "Target";
	cim_value_clear(&params[0].v);
	cim_value_init(&params[0].v, CIM_T_REFERENCE);
	cim_value_add(&params[0].v, "Win32_Process.Handle=\"4\"");
	req.params = params;
	req.nparams = 1;
	rc |= dump(argv[1], "invoke-instance", &req);
	req.path = multi;
	req.nparams = 0;
	rc |= dump(argv[1], "invoke-multikey", &req);

	/* issue 15: the rest of DSP0200 */
	memset(&req, 0, sizeof(req));
	req.ns = "root/cimv2";
	req.op = WBEM_OP_CLASSES;
	req.deep = 1;
	rc |= dump(argv[1], "classes-all", &req);
	req.classname = "CIM_Process";
	req.qualifiers = 1;
	req.class_origin = 1;
	rc |= dump(argv[1], "classes", &req);
	req.op = WBEM_OP_CLASS_NAMES;
	rc |= dump(argv[1], "classnames", &req);
	req.op = WBEM_OP_GET_CLASS;
	req.proplist = props;
	rc |= dump(argv[1], "get-class-flags", &req);

	memset(&req, 0, sizeof(req));
	req.ns = "root/cimv2";
	req.path = multi;
	req.assoc_class = "CIM_Assoc";
	req.result_class = "CIM_Other";
	req.role = "Antecedent";
	req.result_role = "Dependent";
	req.qualifiers = -1;
	req.class_origin = 1;
	req.proplist = props;
	req.op = WBEM_OP_ASSOCIATORS;
	rc |= dump(argv[1], "associators", &req);
	req.op = WBEM_OP_ASSOCIATOR_NAMES;
	rc |= dump(argv[1], "associator-names", &req);
	req.max_object_count = 10;
	req.op = WBEM_OP_OPEN_ASSOCIATORS;
	rc |= dump(argv[1], "open-associators", &req);
	req.op = WBEM_OP_OPEN_ASSOCIATOR_PATHS;
	rc |= dump(argv[1], "open-associator-paths", &req);
	req.assoc_class = NULL;
	req.result_role = NULL;
	req.op = WBEM_OP_REFERENCES;
	rc |= dump(argv[1], "references", &req);
	req.op = WBEM_OP_REFERENCE_NAMES;
	rc |= dump(argv[1], "reference-names", &req);
	req.op = WBEM_OP_OPEN_REFERENCES;
	rc |= dump(argv[1], "open-references", &req);
	req.op = WBEM_OP_OPEN_REFERENCE_PATHS;
	rc |= dump(argv[1], "open-reference-paths", &req);
	req.path = cls;
	req.op = WBEM_OP_REFERENCES;
	rc |= dump(argv[1], "references-class", &req);

	newinst = cim_instance_new("Win32_Process");
	cim_instance_add(newinst, "Handle", CIM_T_STRING, "42");
	cim_instance_add(newinst, "Priority", CIM_T_UINT32, "8");
	cim_instance_add(newinst, "Caption", CIM_T_STRING, NULL);
	cim_instance_add(newinst, "Owner", CIM_T_REFERENCE,
	    "Win32_Account.Name=\"x\"");
	arr = cim_instance_add(newinst, "Flags", CIM_T_UINT16, NULL);
	arr->v.is_array = 1;
	cim_value_add(&arr->v, "1");
	cim_value_add(&arr->v, NULL);
	memset(&req, 0, sizeof(req));
	req.ns = "root/cimv2";
	req.op = WBEM_OP_CREATE;
	req.classname = "Win32_Process";
	req.instance = newinst;
	rc |= dump(argv[1], "create", &req);
	req.op = WBEM_OP_MODIFY;
	req.path = inst;
	req.proplist = props;
	req.qualifiers = -1;
	rc |= dump(argv[1], "modify", &req);

	memset(&req, 0, sizeof(req));
	req.ns = "root/cimv2";
	req.path = multi;
	req.op = WBEM_OP_DELETE;
	rc |= dump(argv[1], "delete", &req);
	req.op = WBEM_OP_GET_PROPERTY;
	req.propname = "Caption";
	rc |= dump(argv[1], "getprop", &req);
	req.op = WBEM_OP_SET_PROPERTY;
	rc |= dump(argv[1], "setprop-null", &req);
	req.newvalue = &arr->v;
	rc |= dump(argv[1], "setprop-array", &req);
	req.newvalue = &newinst->props[3].v;
	rc |= dump(argv[1], "setprop-ref", &req);

	memset(&req, 0, sizeof(req));
	req.ns = "root/cimv2";
	req.op = WBEM_OP_ENUM_QUALIFIERS;
	rc |= dump(argv[1], "qualifiers", &req);
	req.op = WBEM_OP_GET_QUALIFIER;
	req.propname = "Key";
	rc |= dump(argv[1], "get-qualifier", &req);

	memset(&req, 0, sizeof(req));
	req.ns = "root/cimv2";
	req.classname = "Win32_Process";
	req.deep = 1;
	req.class_origin = 1;
	req.proplist = props;
	req.max_object_count = 100;
	req.op = WBEM_OP_OPEN_ENUM;
	rc |= dump(argv[1], "open-enum", &req);
	req.op = WBEM_OP_OPEN_ENUM_PATHS;
	rc |= dump(argv[1], "open-enum-paths", &req);
	req.op = WBEM_OP_OPEN_QUERY;
	req.query = "SELECT * FROM Win32_Process";
	rc |= dump(argv[1], "open-query", &req);
	req.context = "500001:0x7f&1";
	req.op = WBEM_OP_PULL;
	rc |= dump(argv[1], "pull", &req);
	req.op = WBEM_OP_PULL_PATHS;
	rc |= dump(argv[1], "pull-paths", &req);
	req.op = WBEM_OP_PULL_INSTANCES;
	rc |= dump(argv[1], "pull-instances", &req);
	req.op = WBEM_OP_CLOSE;
	rc |= dump(argv[1], "close", &req);
	cim_instance_free(newinst);
	cim_path_free(cls);

	for (size_t i = 0; i < nitems(params); i++)
		cim_value_clear(&params[i].v);
	cim_path_free(inst);
	cim_path_free(multi);
	return (rc == 0 ? 0 : 1);
}
