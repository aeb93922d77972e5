/*
 * test_wbem_pull.c: wbem.c's CIM-XML pull enumerations against an
 * in-process server: Open, then a Pull per reply with the context the last
 * reply gave, until EndOfSequence; at max_items the result is cut and a
 * CloseEnumeration sent, the callback firing once after it is answered; a
 * failed Pull is closed too and its error reported; a cancel ends the
 * operation at once, with one callback and nothing more sent.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <event2/buffer.h>

#include "cimhead.h"
#include "tap.h"
#include "testsrv.h"

#define HANG	((const char *)1)

struct srv {
	struct testsrv		 ls;
	const char		**script;
	int			 next;
	int			 nreq;
	char			*body[8];
};

struct res {
	int			 calls;
	int			 in_start;
	int			 called_in_start;
	enum wbem_errkind	 kind;
	int			 code;
	size_t			 ninst;
	int			 truncated;
	int			 eos;
};

static struct event_base	*base;

static void
srv_read_cb(struct bufferevent *bev, void *arg)
{
	struct srv		*s = arg;
	struct evbuffer		*in = bufferevent_get_input(bev);
	size_t			 hlen;
	char			*req;
	const char		*step;

	while ((req = testsrv_request(in, &hlen)) != NULL) {
		if (s->nreq < 8)
			s->body[s->nreq] = xstrdup(req + hlen);
		s->nreq++;
		free(req);
		if ((step = s->script[s->next]) == NULL)
			continue;
		s->next++;
		if (step != HANG)
			bufferevent_write(bev, step, strlen(step));
	}
}

static void
srv_reset(struct srv *s, const char **script)
{
	int	i;

	for (i = 0; i < 8 && i < s->nreq; i++)
		free(s->body[i]);
	if (s->ls.lst != NULL)
		testsrv_close(&s->ls);
	memset(s, 0, sizeof(*s));
	s->script = script;
	if (script != NULL)
		testsrv_listen(&s->ls, base, srv_read_cb, s);
}

static void
done_cb(struct wbem_result *res, const struct wbem_error *err, void *arg)
{
	struct res	*r = arg;

	r->calls++;
	if (r->in_start)
		r->called_in_start = 1;
	r->kind = err->kind;
	r->code = err->code;
	if (res != NULL) {
		r->ninst = res->ninst;
		r->truncated = res->truncated;
		r->eos = res->end_of_sequence;
	}
	wbem_result_free(res);
}

/* An HTTP reply of method name holding inner in its IMETHODRESPONSE. */
static char *
reply(const char *name, const char *inner)
{
	struct buf	b, body;

	buf_init(&body, 0);
	buf_printf(&body, "<?xml version=\"1.0\" encoding=\"utf-8\" ?>\n"
	    "<CIM CIMVERSION=\"2.0\" DTDVERSION=\"2.0\"><MESSAGE ID=\"1\" "
	    "PROTOCOLVERSION=\"1.0\"><SIMPLERSP><IMETHODRESPONSE NAME=\"%s\">"
	    "%s</IMETHODRESPONSE></SIMPLERSP></MESSAGE></CIM>\n", name, inner);
	buf_init(&b, 0);
	buf_printf(&b, "HTTP/1.1 200 OK\r\nContent-Type: application/xml; "
	    "charset=utf-8\r\ncontent-length: %010zu\r\nCIMOperation: "
	    "MethodResponse\r\n\r\n%s", body.len, body.data);
	buf_release(&body);
	return (buf_steal(&b, NULL));
}

/* n instances with paths, then EndOfSequence and the context (or none). */
static char *
page(const char *name, int first, int n, const char *ctx)
{
	struct buf	 b;
	char		*r;
	int		 i;

	buf_init(&b, 0);
	buf_puts(&b, "<IRETURNVALUE>");
	for (i = first; i < first + n; i++)
		buf_printf(&b, "<VALUE.INSTANCEWITHPATH><INSTANCEPATH>"
		    "<NAMESPACEPATH><HOST>h</HOST><LOCALNAMESPACEPATH>"
		    "<NAMESPACE NAME=\"root\"/></LOCALNAMESPACEPATH>"
		    "</NAMESPACEPATH><INSTANCENAME CLASSNAME=\"X\"><KEYBINDING "
		    "NAME=\"K\"><KEYVALUE>%d</KEYVALUE></KEYBINDING>"
		    "</INSTANCENAME></INSTANCEPATH><INSTANCE CLASSNAME=\"X\"/>"
		    "</VALUE.INSTANCEWITHPATH>", i);
	buf_printf(&b, "</IRETURNVALUE><PARAMVALUE NAME=\"EndOfSequence\">"
	    "<VALUE>%s</VALUE></PARAMVALUE>", ctx == NULL ? "TRUE" : "FALSE");
	if (ctx != NULL)
		buf_printf(&b, "<PARAMVALUE NAME=\"EnumerationContext\"><VALUE>"
		    "%s</VALUE></PARAMVALUE>", ctx);
	r = reply(name, b.data);
	buf_release(&b);
	return (r);
}

static struct wbem_call *
start(struct http_ctx *ctx, struct srv *s, size_t max_items, struct res *r)
{
	struct wbem_target	 t;
	struct wbem_request	 req;
	struct wbem_call	*c;
	char			 url[128];

	snprintf(url, sizeof(url), "http://127.0.0.1:%d/cimom", s->ls.port);
	memset(&t, 0, sizeof(t));
	t.proto = WBEM_PROTO_CIMXML;
	t.url = url;
	t.ns = "root/cimv2";
	t.timeout_ms = 3000;
	t.max_items = max_items;
	memset(&req, 0, sizeof(req));
	req.op = WBEM_OP_OPEN_ENUM;
	req.classname = "X";
	req.deep = 1;
	req.max_object_count = 2;
	memset(r, 0, sizeof(*r));
	r->in_start = 1;
	c = wbem_start(ctx, &t, &req, done_cb, r);
	r->in_start = 0;
	return (c);
}

static int
has(const struct srv *s, int n, const char *what)
{
	return (n < s->nreq && n < 8 && strstr(s->body[n], what) != NULL);
}

int
main(void)
{
	struct http_ctx		*ctx;
	struct srv		 s;
	struct res		 r;
	struct wbem_call	*c;
	char			*p1 = page("OpenEnumerateInstances", 1, 2, "c-A");
	char			*p2 = page("PullInstancesWithPath", 3, 2, "c-B");
	char			*p3 = page("PullInstancesWithPath", 5, 1, NULL);
	char			*cl = reply("CloseEnumeration", "");
	char			*pe = reply("PullInstancesWithPath",
				    "<ERROR CODE=\"1\" DESCRIPTION=\"x\"/>");
	const char		*to_end[] = { p1, p2, p3, NULL };
	const char		*cut[] = { p1, p2, cl, NULL };
	const char		*fail[] = { p1, pe, cl, NULL };
	const char		*hang[] = { p1, HANG, NULL };
	char			*p0 = page("OpenEnumerateInstances", 1, 2, NULL);
	const char		*one[] = { p0, NULL };

	log_init("test_wbem_pull", LOG_LVL_ERR, 0);
	base = event_base_new();
	ctx = http_ctx_new(base);
	memset(&s, 0, sizeof(s));

	/* three replies to the end */
	srv_reset(&s, to_end);
	c = start(ctx, &s, 0, &r);
	ok(c != NULL && !r.called_in_start, "pull: started, not called back");
	testsrv_run_for(base, 1500);
	is_int(r.calls, 1, "pull: callback once");
	is_int(r.kind, WBEM_E_NONE, "pull: success");
	is_int((int)r.ninst, 5, "pull: the items of the three replies");
	ok(r.eos && !r.truncated, "pull: the end of the sequence, whole");
	is_int(s.nreq, 3, "pull: Open and two Pulls, no Close");
	ok(has(&s, 0, "NAME=\"OpenEnumerateInstances\"") &&
	    has(&s, 0, "<IPARAMVALUE NAME=\"MaxObjectCount\"><VALUE>2<"),
	    "pull: the Open with MaxObjectCount");
	ok(has(&s, 1, "NAME=\"PullInstancesWithPath\"") &&
	    has(&s, 1, "<VALUE>c-A</VALUE>") && has(&s, 2, "<VALUE>c-B<"),
	    "pull: each Pull carries the context just given");

	/* max_items: cut, closed, then called back */
	srv_reset(&s, cut);
	c = start(ctx, &s, 3, &r);
	testsrv_run_for(base, 1500);
	is_int(r.calls, 1, "max_items: callback once");
	is_int(r.kind, WBEM_E_NONE, "max_items: not an error");
	ok(r.ninst == 3 && r.truncated, "max_items: three items, cut");
	ok(s.nreq == 3 && has(&s, 2, "NAME=\"CloseEnumeration\"") &&
	    has(&s, 2, "<VALUE>c-B</VALUE>") && !has(&s, 2, "MaxObjectCount"),
	    "max_items: CloseEnumeration of the context held");

	/* max_items passed by the last reply: cut, nothing to close */
	srv_reset(&s, one);
	c = start(ctx, &s, 1, &r);
	testsrv_run_for(base, 1000);
	ok(r.calls == 1 && r.kind == WBEM_E_NONE && r.ninst == 1 &&
	    r.truncated && r.eos, "max_items at the end: one item, cut");
	is_int(s.nreq, 1, "max_items at the end: no Close after the end");

	/* a failed Pull: closed, its error reported */
	srv_reset(&s, fail);
	c = start(ctx, &s, 0, &r);
	testsrv_run_for(base, 1500);
	is_int(r.calls, 1, "failed Pull: callback once");
	ok(r.kind == WBEM_E_CIM && r.code == 1, "failed Pull: its CIM error");
	ok(s.nreq == 3 && has(&s, 2, "NAME=\"CloseEnumeration\"") &&
	    has(&s, 2, "<VALUE>c-A</VALUE>"), "failed Pull: closed");

	/* cancel while a Pull is in flight */
	srv_reset(&s, hang);
	c = start(ctx, &s, 0, &r);
	testsrv_run_for(base, 300);
	is_int(s.nreq, 2, "cancel: a Pull in flight");
	is_int(r.calls, 0, "cancel: not called back yet");
	wbem_cancel(c);
	testsrv_run_for(base, 300);
	is_int(r.calls, 1, "cancel: callback once");
	is_int(r.kind, WBEM_E_CANCELLED, "cancel: CANCELLED");
	is_int(s.nreq, 2, "cancel: nothing more sent");

	srv_reset(&s, NULL);
	http_ctx_free(ctx);
	/* The server's ends see the client's close and free themselves. */
	testsrv_run_for(base, 200);
	event_base_free(base);
	free(p0);
	free(p1);
	free(p2);
	free(p3);
	free(cl);
	free(pe);
	return (tap_done());
}
