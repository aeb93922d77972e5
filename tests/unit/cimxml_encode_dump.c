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
	struct cim_path		*inst, *multi;
	struct cim_property	 params[4];
	int			 rc = 0;

	if (argc != 2) {
		fprintf(stderr, "usage: cimxml_encode_dump DIR\n");
		return (2);
	}
	inst = cim_path_new("root/cimv2", NULL);
	cim_path_parse("Win32_Process.Handle=\"2345\"", inst);
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

	for (size_t i = 0; i < nitems(params); i++)
		cim_value_clear(&params[i].v);
	cim_path_free(inst);
	cim_path_free(multi);
	return (rc == 0 ? 0 : 1);
}
