/*
 * conform_keepalive.c: what cimheadd does to a node, for
 * tests/e2e/conform_keepalive.sh: N EnumerateInstances on one http_ctx
 * with Basic credentials, one after the other, so that libcurl keeps the
 * connection alive between them.  Prints "ok" or the error per operation.
 * OpenPegasus remembers no connection: every request must carry its own
 * Authorization, and the shell test reads what replay.py received.
 *
 * usage: conform_keepalive URL N
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <event2/event.h>

#include "cimhead.h"

struct run {
	struct event_base	*base;
	int			 done;
	int			 failed;
};

static void
done_cb(struct wbem_result *res, const struct wbem_error *err, void *arg)
{
	struct run	*r = arg;

	if (res != NULL)
		printf("ok %zu instance(s)\n", res->ninst);
	else {
		printf("error %s %d: %s\n", wbem_errkind_name(err->kind),
		    err->code, err->description);
		r->failed = 1;
	}
	wbem_result_free(res);
	r->done = 1;
	event_base_loopbreak(r->base);
}

int
main(int argc, char *argv[])
{
	struct http_ctx		*ctx;
	struct wbem_target	 t;
	struct wbem_request	 req;
	struct run		 r;
	long			 n, i;

	if (argc != 3 || parse_long_range(argv[2], 1, 100, &n) == -1) {
		fprintf(stderr, "usage: conform_keepalive URL N\n");
		return (2);
	}
	log_init("conform_keepalive", LOG_LVL_WARN, 0);
	memset(&r, 0, sizeof(r));
	compat_init(0);
	r.base = event_base_new();
	ctx = http_ctx_new(r.base);
	memset(&t, 0, sizeof(t));
	t.proto = WBEM_PROTO_CIMXML;
	t.url = argv[1];
	t.ns = "root/cimv2";
	t.user = "root";
	t.password = "wbempass";
	t.auth = HTTP_AUTH_BASIC;
	/* The replay server speaks plain http, as the recording did. */
	t.allow_unencrypted = 1;
	t.timeout_ms = 5000;
	t.want_trailers = 1;
	memset(&req, 0, sizeof(req));
	req.op = WBEM_OP_ENUM;
	req.ns = "root/cimv2";
	req.classname = "Win32_Process";
	for (i = 0; i < n; i++) {
		r.done = 0;
		if (wbem_start(ctx, &t, &req, done_cb, &r) == NULL) {
			printf("error: wbem_start\n");
			r.failed = 1;
			break;
		}
		while (!r.done)
			event_base_dispatch(r.base);
	}
	http_ctx_free(ctx);
	event_base_free(r.base);
	return (r.failed ? 1 : 0);
}
