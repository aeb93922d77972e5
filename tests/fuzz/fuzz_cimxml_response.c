/*
 * fuzz_cimxml_response.c: the client's CIM-XML reply decoder
 * (cimxml_decode_response) for every operation and so every result kind.
 *
 * Input: two control bytes, then NUL-separated fields
 *	body \0 CIMError \0 PGErrorDetail \0 CIMStatusCode \0 CIMStatusCodeDescription
 * byte 0 picks the operation (% 6) and the HTTP status (/ 6 % 8); byte 1
 * says which of the four header/trailer fields are present (bits 0-3),
 * bit 4 lowers the size cap to 512 bytes, and bits 5-7, when not 0, pick
 * an operation of the second table instead of byte 0's: the associations,
 * the pulls and their open forms, EnumerateClasses (their replies hold
 * paths beside instances, an EnumerationContext and EndOfSequence, or
 * captured CLASSes, which the first six never reach).
 */
#include "config.h"

#include <stdio.h>

#include "cimhead.h"
#include "fuzz.h"

static const long statuses[8] = { 200, 200, 400, 401, 403, 413, 500, 501 };

/* Touches every decoded string so a bad pointer shows up here. */
static size_t
walk_value(const struct cim_value *v)
{
	size_t	 i, n = 0;

	/* An array keeps its NULL members as NULL pointers. */
	for (i = 0; i < v->nvals; i++)
		if (v->vals[i] != NULL)
			n += strlen(v->vals[i]) +
			    cim_value_check(v->type, v->vals[i]);
	return (n);
}

static void
walk(const struct wbem_result *r)
{
	struct buf	 b;
	size_t		 i, j, n = 0;

	buf_init(&b, 0);
	for (i = 0; i < r->ninst; i++) {
		const struct cim_instance *in = r->inst[i];

		n += strlen(in->classname);
		if (in->path != NULL)
			cim_path_format(in->path, &b);
		for (j = 0; j < in->nprops; j++) {
			n += strlen(in->props[j].name);
			n += walk_value(&in->props[j].v);
			if (cim_instance_get(in, in->props[j].name) == NULL)
				abort();
		}
	}
	for (i = 0; i < r->npaths; i++)
		cim_path_format(r->paths[i], &b);
	if (r->kind == WBEM_R_METHOD) {
		n += walk_value(&r->method.ret);
		for (j = 0; j < r->method.nout; j++)
			n += strlen(r->method.out[j].name) +
			    walk_value(&r->method.out[j].v);
	}
	if (r->class_xml != NULL)
		n += strlen(r->class_xml);
	buf_release(&b);
	if (n == (size_t)-1)
		abort();
}

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	xml_global_init();
	log_init("fuzz", LOG_LVL_ERR, 0);
	return (0);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const enum wbem_op ops[6] = { WBEM_OP_ENUM, WBEM_OP_ENUM_NAMES,
	    WBEM_OP_GET, WBEM_OP_QUERY, WBEM_OP_INVOKE, WBEM_OP_GET_CLASS };
	static const enum wbem_op ops2[7] = { WBEM_OP_ASSOCIATORS,
	    WBEM_OP_REFERENCES, WBEM_OP_OPEN_ENUM, WBEM_OP_OPEN_QUERY,
	    WBEM_OP_PULL, WBEM_OP_PULL_PATHS, WBEM_OP_CLASSES };
	struct fuzz_fields	 ff;
	struct wbem_request	 req;
	struct cimxml_reply	 rep;
	struct wbem_error	 err;
	struct wbem_result	*res;
	struct cim_path		*path;
	uint8_t			 c0, c1;

	if (size < 2)
		return (0);
	c0 = data[0];
	c1 = data[1];
	fuzz_split(data + 2, size - 2, &ff);

	path = cim_path_new("root/cimv2", "Win32_Process");
	cim_path_add_key(path, "Handle", CIM_T_STRING, "4");
	memset(&req, 0, sizeof(req));
	req.op = (c1 >> 5) != 0 ? ops2[(c1 >> 5) - 1] : ops[c0 % 6];
	req.ns = "root/cimv2";
	req.classname = "Win32_Process";
	req.path = path;
	req.query = "SELECT * FROM Win32_Process";
	req.method = "Create";
	req.deep = 1;

	memset(&rep, 0, sizeof(rep));
	rep.status = statuses[(c0 / 6) % 8];
	rep.body = ff.f[0];
	rep.body_len = ff.len;
	rep.cimerror = (c1 & 1) ? fuzz_field(&ff, 1) : NULL;
	rep.pgdetail = (c1 & 2) ? fuzz_field(&ff, 2) : NULL;
	rep.trailer_code = (c1 & 4) ? fuzz_field(&ff, 3) : NULL;
	rep.trailer_desc = (c1 & 8) ? fuzz_field(&ff, 4) : NULL;
	rep.max_bytes = (c1 & 16) ? 512 : 0;

	memset(&err, 0, sizeof(err));
	res = cimxml_decode_response(&req, &rep, &err);
	if (res != NULL) {
		if (err.kind != WBEM_E_NONE)
			abort();	/* a result and an error at once */
		walk(res);
		wbem_result_free(res);
	} else {
		if (err.kind == WBEM_E_NONE)
			abort();	/* neither a result nor an error */
		if (memchr(err.name, '\0', sizeof(err.name)) == NULL ||
		    memchr(err.description, '\0',
		    sizeof(err.description)) == NULL)
			abort();
	}
	cim_path_free(path);
	free(ff.copy);
	return (0);
}
