/*
 * fuzz_cimxml_request.c: the server side of the CIM-XML codec as cimmockd
 * runs it on a POST: cimxml_decode_request, the header checks, the implied
 * CIMObject, and the error or empty reply it writes back.
 *
 * Input: NUL-separated fields
 *	body \0 CIMMethod \0 CIMObject \0 CIMProtocolVersion
 * (a header is absent when its field is).
 */
#include "config.h"

#include <stdio.h>

#include "cimhead_server.h"
#include "fuzz.h"

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
	struct fuzz_fields	 ff;
	struct cimxml_call	 call;
	struct wbem_error	 err;
	struct buf		 out;
	int			 rc;

	fuzz_split(data, size, &ff);
	memset(&call, 0, sizeof(call));
	memset(&err, 0, sizeof(err));
	buf_init(&out, 0);
	rc = cimxml_decode_request(ff.f[0], ff.len, &call, &err);
	if (rc == 0 || err.kind == WBEM_E_CIM) {
		/* What cimmockd does next with a call it could read. */
		if (rc == 0) {
			struct wbem_error herr;

			memset(&herr, 0, sizeof(herr));
			cimxml_check_headers(&call, fuzz_field(&ff, 1),
			    fuzz_field(&ff, 2), fuzz_field(&ff, 3), &herr);
			cimxml_call_object(&call, &out);
			buf_reset(&out);
			cimxml_encode_response(&call, NULL, &out);
			buf_reset(&out);
		}
		cimxml_encode_error(&call, CIM_ERR_NOT_FOUND,
		    err.description[0] != '\0' ? err.description : "x", &out);
	} else if (err.kind == WBEM_E_NONE)
		abort();	/* failed without saying why */
	buf_release(&out);
	cimxml_call_clear(&call);
	free(ff.copy);
	return (0);
}
