/*
 * fuzz_wsman.c: the WS-Management reply decoder (wsman_decode_response)
 * as wbem.c drives it, for each message an operation sends.
 *
 * Input: two control bytes, then NUL-separated fields
 *	body \0 MessageID the reply must relate to
 * byte 0 picks the operation (% 5: enumerate instances, names, get,
 * query, invoke), bit 3 says the message was a Pull of a context, bit 4
 * picks Win32_Service for get/invoke; byte 1 picks the HTTP status.
 * An enumeration that asks for a Pull is fed the same body again, as a
 * server that repeats itself would.
 */
#include "config.h"

#include <stdio.h>

#include "cimhead.h"
#include "fuzz.h"

#define ENDPOINT	"https://node1.example.net:5986/wsman"
#define MSGID		"uuid:00000000-0000-4000-8000-000000000001"

static const long statuses[8] = { 200, 200, 200, 400, 401, 413, 500, 503 };

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
	static const enum wbem_op ops[5] = { WBEM_OP_ENUM, WBEM_OP_ENUM_NAMES,
	    WBEM_OP_GET, WBEM_OP_QUERY, WBEM_OP_INVOKE };
	struct wsman_opts	 o;
	struct wsman_state	 st;
	struct wbem_request	 req;
	struct wbem_error	 err;
	struct wbem_result	*res = NULL;
	struct cim_path		*path;
	struct fuzz_fields	 ff;
	struct buf		 b;
	const char		*msgid;
	int			 svc, rc, round;

	if (size < 2)
		return (0);
	fuzz_split(data + 2, size - 2, &ff);
	msgid = fuzz_field(&ff, 1) != NULL ? fuzz_field(&ff, 1) : MSGID;
	svc = (data[0] >> 4) & 1;
	path = cim_path_new("root/cimv2", svc ? "Win32_Service" :
	    "Win32_Process");
	cim_path_add_key(path, svc ? "Name" : "Handle", CIM_T_STRING,
	    svc ? "vodstream" : "4");

	memset(&o, 0, sizeof(o));
	o.endpoint = ENDPOINT;
	/* the table wbem.c passes, so the typed paths are exercised */
	o.ptypes = wsman_win32_ptypes;
	o.nptypes = wsman_win32_nptypes;
	memset(&req, 0, sizeof(req));
	req.op = ops[(data[0] & 7) % 5];
	req.ns = "root/cimv2";
	req.classname = "Win32_Process";
	req.path = path;
	req.query = "SELECT * FROM Win32_Process";
	req.method = svc ? "StartService" : "Create";
	req.deep = 1;

	wsman_state_init(&st);
	buf_init(&b, 0);
	memset(&err, 0, sizeof(err));
	/* A MessageID the encoder refuses never reaches a server. */
	rc = wsman_encode_request(&req, &o, msgid, &st, &b, &err);
	if (rc == 0 && (data[0] & 8)) {
		st.context = xstrdup("uuid:6F4D2B8A-3C11-4E5F-9A0B-C1D2E3F40001");
		buf_reset(&b);
		rc = wsman_encode_pull(&o, &st, msgid, &b, &err);
	}
	for (round = 0; rc == 0 && round < 2; round++) {
		memset(&err, 0, sizeof(err));
		rc = wsman_decode_response(&st, &o, statuses[data[1] & 7],
		    ff.f[0], ff.len, msgid, &res, &err);
		if (rc == -1 && err.kind == WBEM_E_NONE)
			abort();	/* failed without saying why */
		if (rc != 0 || st.done || st.context == NULL)
			break;
		buf_reset(&b);
		rc = wsman_encode_pull(&o, &st, msgid, &b, &err);
	}
	if (st.context != NULL) {
		buf_reset(&b);
		wsman_encode_release(&o, &st, msgid, &b, &err);
	}
	wbem_result_free(res);
	buf_release(&b);
	wsman_state_clear(&st);
	cim_path_free(path);
	free(ff.copy);
	return (0);
}
