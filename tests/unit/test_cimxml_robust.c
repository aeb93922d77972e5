/*
 * test_cimxml_robust.c: damaged input never crashes the codec and never
 * passes silently.  Every reply and request fixture is cut at many lengths,
 * has each attribute removed in turn, each line removed in turn and its
 * elements renamed; each result must be a value or an error with a
 * message.  Run under valgrind or the sanitizers to catch memory errors.
 */
#include "config.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cimhead_server.h"
#include "tap.h"
#include "fixture.h"

struct target {
	const char	*name;		/* tests/fixtures/openpegasus/NAME.* */
	enum wbem_op	 op;
	const char	*method;
};

static const struct target targets[] = {
	{ "ei-process", WBEM_OP_ENUM, NULL },
	{ "gi-process", WBEM_OP_GET, NULL },
	{ "eq-process-caption-dq", WBEM_OP_QUERY, NULL },
	{ "ein-process", WBEM_OP_ENUM_NAMES, NULL },
	{ "im-create-ok", WBEM_OP_INVOKE, "Create" },
	{ "ei-unknown-class", WBEM_OP_ENUM, NULL },
	{ "gc-process", WBEM_OP_GET_CLASS, NULL },
	{ "im-create-on-instance", WBEM_OP_INVOKE, "Create" },
};

/* 1: a sane outcome (result, or error with kind and message). */
static int
reply_once(const struct target *t, const char *body, size_t len)
{
	struct wbem_request	 req;
	struct cimxml_reply	 rep;
	struct wbem_error	 err;
	struct wbem_result	*r;
	int			 sane;

	memset(&req, 0, sizeof(req));
	req.op = t->op;
	req.ns = "root/cimv2";
	req.classname = "Win32_Process";
	req.method = t->method;
	memset(&rep, 0, sizeof(rep));
	rep.status = 200;
	rep.body = body;
	rep.body_len = len;
	r = cimxml_decode_response(&req, &rep, &err);
	sane = r != NULL ? err.kind == WBEM_E_NONE :
	    err.kind != WBEM_E_NONE && err.description[0] != '\0';
	if (!sane && getenv("ROBUST_DEBUG") != NULL)
		printf("# kind %d desc '%s' body:\n%.*s\n", err.kind,
		    err.description, (int)len, body);
	wbem_result_free(r);
	return (sane);
}

/* The server path: decode, check headers, answer; nothing may crash. */
static int
request_once(const char *body, size_t len)
{
	struct cimxml_call	 c;
	struct wbem_error	 err;
	struct wbem_result	*r;
	struct buf		 b;
	int			 sane;

	buf_init(&b, 0);
	if (cimxml_decode_request(body, len, &c, &err) == 0) {
		(void)cimxml_check_headers(&c, c.method, "root%2Fcimv2", NULL,
		    &err);
		r = wbem_result_new(WBEM_R_INSTANCES);
		wbem_result_add_instance(r, cim_instance_new("X"));
		sane = cimxml_encode_response(&c, r, &b) == 0 &&
		    cimxml_encode_error(&c, 1, "x", &b) == 0;
		wbem_result_free(r);
	} else
		sane = err.description[0] != '\0' && (err.kind == WBEM_E_CIM ||
		    (err.kind == WBEM_E_PROTOCOL && err.name[0] != '\0' &&
		    (err.http_status == 400 || err.http_status == 501)));
	if (err.kind == WBEM_E_CIM)
		sane = sane && cimxml_encode_error(&c, err.code,
		    err.description, &b) == 0;
	cimxml_call_clear(&c);
	buf_release(&b);
	return (sane);
}

typedef int (*once_fn)(const struct target *, const char *, size_t);

static int
request_adapter(const struct target *t, const char *body, size_t len)
{
	return (request_once(body, len));
}

/* Runs fn over every mutation of body; returns how many were not sane. */
static int
mutate(const struct target *t, const char *body, size_t len, once_fn fn,
    size_t *count)
{
	struct buf	 m;
	const char	*p, *q, *e;
	size_t		 cut, step;
	int		 bad = 0;

	buf_init(&m, 0);
	/* truncations: every byte for small bodies, ~600 cuts otherwise */
	step = len / 600 + 1;
	for (cut = 0; cut < len; cut += step, (*count)++)
		bad += !fn(t, body, cut);
	/* each attribute removed in turn */
	for (p = body; (p = strstr(p, "=\"")) != NULL; p += 2) {
		for (q = p; q > body && q[-1] != ' ' && q[-1] != '<'; q--)
			;
		if ((e = strchr(p + 2, '"')) == NULL)
			break;
		buf_reset(&m);
		buf_add(&m, body, (size_t)(q - body));
		buf_puts(&m, e + 1);
		bad += !fn(t, m.data, m.len);
		(*count)++;
	}
	/* each line removed in turn (wrong nesting, missing children) */
	for (p = body; (e = strchr(p, '\n')) != NULL; p = e + 1) {
		buf_reset(&m);
		buf_add(&m, body, (size_t)(p - body));
		buf_puts(&m, e + 1);
		bad += !fn(t, m.data, m.len);
		(*count)++;
	}
	/* each element renamed, open and close alike (unexpected shapes) */
	for (p = body; (p = strchr(p, '<')) != NULL; p++) {
		char	 name[64], from[72], to[72];
		size_t	 n;

		if (p[1] == '/' || p[1] == '?' || p[1] == '!')
			continue;
		n = strcspn(p + 1, " />\n");
		if (n == 0 || n >= sizeof(name))
			continue;
		snprintf(name, sizeof(name), "%.*s", (int)n, p + 1);
		snprintf(from, sizeof(from), "%s", name);
		snprintf(to, sizeof(to), "%s", strcmp(name, "INSTANCE") == 0 ?
		    "CLASS" : "VALUE.OBJECT");
		buf_reset(&m);
		for (q = body; (e = strstr(q, from)) != NULL; q = e + n) {
			if (e > body && (e[-1] == '<' || e[-1] == '/') &&
			    strchr(" />\n", e[n]) != NULL) {
				buf_add(&m, q, (size_t)(e - q));
				buf_puts(&m, to);
			} else
				buf_add(&m, q, (size_t)(e - q) + n);
		}
		buf_puts(&m, q);
		bad += !fn(t, m.data, m.len);
		(*count)++;
	}
	buf_release(&m);
	return (bad);
}

/* The project's own fixtures carry the rarer shapes (arrays, references). */
static const struct {
	const char	*file;
	struct target	 t;
} own[] = {
	{ "cimxml/ei-values.xml", { "ei-values", WBEM_OP_ENUM, NULL } },
	{ "cimxml/eq-host.xml", { "eq-host", WBEM_OP_QUERY, NULL } },
	{ "cimxml/ein-keys.xml", { "ein-keys", WBEM_OP_ENUM_NAMES, NULL } },
	{ "cimxml/im-out.xml", { "im-out", WBEM_OP_INVOKE, "Create" } },
	{ "cimxml/im-ref.xml", { "im-ref", WBEM_OP_INVOKE, "Spawn" } },
};

int
main(void)
{
	struct capture	c;
	size_t		i, count, len;
	char		*body;
	int		bad;

	xml_global_init();
	for (i = 0; i < nitems(targets); i++) {
		capture_load(&c, targets[i].name, "response");
		count = 0;
		bad = mutate(&targets[i], c.body, c.body_len, reply_once,
		    &count);
		ok(bad == 0 && count > 50, "%s reply: %zu damaged copies, "
		    "%d without a clean outcome", targets[i].name, count, bad);
		capture_free(&c);

		capture_load(&c, targets[i].name, "request");
		count = 0;
		bad = mutate(&targets[i], c.body, c.body_len, request_adapter,
		    &count);
		ok(bad == 0 && count > 50, "%s request: %zu damaged copies, "
		    "%d without a clean outcome", targets[i].name, count, bad);
		capture_free(&c);
	}
	for (i = 0; i < nitems(own); i++) {
		body = slurp(own[i].file, &len);
		count = 0;
		bad = mutate(&own[i].t, body, len, reply_once, &count);
		ok(bad == 0 && count > 50, "%s: %zu damaged copies, %d without "
		    "a clean outcome", own[i].file, count, bad);
		free(body);
	}
	return (tap_done());
}
