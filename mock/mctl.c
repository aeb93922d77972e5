/*
 * mctl.c: the control API of cimmockd, HTTP + JSON on its own port, shared
 * by every virtual node: read a node's counters, set its load, kill and
 * start its streaming server, inject and clear faults.  The endpoints are
 * documented in cimmockd(8).  Tests and benchmarks drive the mock here.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "mock.h"

struct mctl {
	struct httpd	*srv;
	struct mnode	**nodes;
	size_t		 nnodes;
};

static void	mctl_request_cb(struct httpd_req *, void *);

struct mctl *
mctl_new(struct event_base *base, const char *addr, int port,
    struct mnode **nodes, size_t nnodes)
{
	struct mctl	*c;

	c = xcalloc(1, sizeof(*c));
	c->nodes = nodes;
	c->nnodes = nnodes;
	if ((c->srv = httpd_new(base, addr, port, mctl_request_cb, c)) == NULL) {
		free(c);
		return (NULL);
	}
	return (c);
}

void
mctl_free(struct mctl *c)
{
	if (c == NULL)
		return;
	httpd_free(c->srv);
	free(c);
}

int
mctl_port(const struct mctl *c)
{
	return (httpd_port(c->srv));
}

static void
mctl_reply(struct httpd_req *req, int status, json_t *j)
{
	char		*text;
	const char	*reason;

	switch (status) {
	case 200: reason = "OK"; break;
	case 400: reason = "Bad Request"; break;
	case 404: reason = "Not Found"; break;
	case 405: reason = "Method Not Allowed"; break;
	default: reason = "Conflict"; break;
	}
	text = json_dumps(j, JSON_COMPACT);
	json_decref(j);
	httpd_sendf(req, "HTTP/1.1 %d %s\r\nContent-Type: application/json\r\n"
	    "Content-Length: %zu\r\n%s\r\n%s\n", status, reason,
	    strlen(text) + 1, req->keepalive ? "" : "Connection: close\r\n",
	    text);
	free(text);
	httpd_done(req, req->keepalive);
}

static void
mctl_error(struct httpd_req *req, int status, const char *msg)
{
	mctl_reply(req, status, json_pack("{s:s}", "error", msg));
}

static json_t *
mctl_fault_json(const struct fault *f)
{
	return (json_pack("{s:s,s:I,s:I,s:I,s:I,s:I,s:I,s:I}", "kind",
	    fault_kind_name(f->kind), "latency_ms", (json_int_t)f->latency_ms,
	    "code", (json_int_t)f->code, "mbytes", (json_int_t)f->mbytes,
	    "drip_bytes", (json_int_t)f->drip_bytes, "drip_ms",
	    (json_int_t)f->drip_ms, "lifetime_ms", (json_int_t)f->lifetime_ms,
	    "jump_ms", (json_int_t)f->jump_ms));
}

static json_t *
mctl_node_json(struct mnode *n)
{
	struct mnode_stats	 st;
	const struct mnode_conf	*nc = mnode_conf(n);

	mnode_stats(n, &st);
	return (json_pack("{s:s,s:i,s:s,s:I,s:i,s:i,s:I,s:I,s:f,s:f,s:I,s:I,"
	    "s:I,s:I,s:I,s:I,s:I,s:o}",
	    "name", nc->name, "port", mnode_port(n),
	    "process", proc_state_name(mnode_proc_state(n)),
	    "pid", (json_int_t)(mnode_proc_state(n) == PROC_STOPPED ? 0 :
	    mnode_proc_pid(n)),
	    "streams", (int)st.streams, "sessions", (int)st.sessions,
	    "bytes_sent", (json_int_t)st.bytes_sent,
	    "stream_bytes", (json_int_t)st.stream_bytes,
	    "bytes_per_sec", st.sent_ps, "cpu_pct", st.cpu_pct,
	    "available_bytes", (json_int_t)st.avail_bytes,
	    "idle_100ns", (json_int_t)st.idle_100ns,
	    "timestamp_sys100ns", (json_int_t)st.sys100ns,
	    "requests", (json_int_t)st.requests,
	    "bandwidth", (json_int_t)nc->load.bandwidth,
	    "background_bps", (json_int_t)nc->load.background_bps,
	    "creates", (json_int_t)mnode_creates(n),
	    "fault", mctl_fault_json(mnode_fault(n))));
}

static int
mctl_uint(json_t *o, const char *key, unsigned *out, char *err, size_t errlen)
{
	json_t	*v = json_object_get(o, key);

	if (v == NULL)
		return (0);
	if (!json_is_integer(v) || json_integer_value(v) < 0 ||
	    json_integer_value(v) > 0x7fffffff) {
		snprintf(err, errlen, "%s: expected a non-negative integer",
		    key);
		return (-1);
	}
	*out = (unsigned)json_integer_value(v);
	return (0);
}

int
mctl_fault_from_json(json_t *o, struct fault *f, char *err, size_t errlen)
{
	json_t		*k;

	memset(f, 0, sizeof(*f));
	if (!json_is_object(o)) {
		snprintf(err, errlen, "fault: expected an object");
		return (-1);
	}
	if ((k = json_object_get(o, "kind")) != NULL) {
		if (!json_is_string(k) ||
		    fault_kind_parse(json_string_value(k), &f->kind) == -1) {
			snprintf(err, errlen, "fault: unknown kind");
			return (-1);
		}
	}
	f->drip_bytes = 16;
	f->drip_ms = 100;
	f->mbytes = 32;
	f->lifetime_ms = 1000;
	/* Create's "unknown failure"; a CIM error's CIM_ERR_FAILED */
	f->code = f->kind == FAULT_CREATEFAIL ? 8 : CIM_ERR_FAILED;
	if (mctl_uint(o, "latency_ms", &f->latency_ms, err, errlen) == -1 ||
	    mctl_uint(o, "code", &f->code, err, errlen) == -1 ||
	    mctl_uint(o, "mbytes", &f->mbytes, err, errlen) == -1 ||
	    mctl_uint(o, "drip_bytes", &f->drip_bytes, err, errlen) == -1 ||
	    mctl_uint(o, "drip_ms", &f->drip_ms, err, errlen) == -1 ||
	    mctl_uint(o, "lifetime_ms", &f->lifetime_ms, err, errlen) == -1)
		return (-1);
	if ((k = json_object_get(o, "jump_ms")) != NULL) {
		/* ten years either way is far enough for any clock step */
		if (!json_is_integer(k) || json_integer_value(k) >
		    315360000000LL || json_integer_value(k) < -315360000000LL) {
			snprintf(err, errlen, "jump_ms: expected an integer "
			    "within ten years");
			return (-1);
		}
		f->jump_ms = (int64_t)json_integer_value(k);
	}
	if ((k = json_object_get(o, "text")) != NULL) {
		if (!json_is_string(k) || strlcpy(f->text, json_string_value(k),
		    sizeof(f->text)) >= sizeof(f->text)) {
			snprintf(err, errlen, "text: expected a string of at "
			    "most %zu bytes", sizeof(f->text) - 1);
			return (-1);
		}
	}
	/* code 0 only for createfail: Create says 0, nothing ever starts */
	if (f->drip_bytes == 0 || f->mbytes > 1024 ||
	    (f->code == 0 && f->kind != FAULT_CREATEFAIL)) {
		snprintf(err, errlen, "fault: drip_bytes must be > 0, mbytes "
		    "<= 1024, code > 0");
		return (-1);
	}
	return (0);
}

static void
mctl_load(struct httpd_req *req, struct mnode *n, json_t *body)
{
	json_t		*v;
	uint64_t	 bg, *pbg = NULL;
	double		 cpu, *pcpu = NULL;
	unsigned	 extra, *pextra = NULL;

	if ((v = json_object_get(body, "background_bps")) != NULL) {
		if (!json_is_integer(v) || json_integer_value(v) < 0) {
			mctl_error(req, 400, "background_bps: integer >= 0");
			return;
		}
		bg = (uint64_t)json_integer_value(v);
		pbg = &bg;
	}
	if ((v = json_object_get(body, "base_cpu")) != NULL) {
		if (!json_is_number(v) || json_number_value(v) < 0 ||
		    json_number_value(v) > 100) {
			mctl_error(req, 400, "base_cpu: number 0..100");
			return;
		}
		cpu = json_number_value(v);
		pcpu = &cpu;
	}
	if ((v = json_object_get(body, "extra_streams")) != NULL) {
		if (!json_is_integer(v) || json_integer_value(v) < 0 ||
		    json_integer_value(v) > 1000000) {
			mctl_error(req, 400, "extra_streams: integer >= 0");
			return;
		}
		extra = (unsigned)json_integer_value(v);
		pextra = &extra;
	}
	mnode_set_load(n, pbg, pcpu, pextra);
	mctl_reply(req, 200, mctl_node_json(n));
}

static void
mctl_request_cb(struct httpd_req *req, void *arg)
{
	struct mctl	*c = arg;
	struct mnode	*n = NULL;
	json_t		*body = NULL, *arr;
	json_error_t	 jerr;
	char		 name[128], action[64], err[256];
	const char	*p, *slash;
	size_t		 i;
	struct fault	 f;
	int		 post = strcmp(req->method, "POST") == 0;

	if (strcmp(req->uri, "/nodes") == 0 || strcmp(req->uri, "/") == 0) {
		arr = json_array();
		for (i = 0; i < c->nnodes; i++)
			json_array_append_new(arr, mctl_node_json(c->nodes[i]));
		mctl_reply(req, 200, json_pack("{s:o}", "nodes", arr));
		return;
	}
	if (strncmp(req->uri, "/nodes/", 7) != 0) {
		mctl_error(req, 404, "no such endpoint");
		return;
	}
	p = req->uri + 7;
	slash = strchr(p, '/');
	snprintf(name, sizeof(name), "%.*s", slash ? (int)(slash - p) :
	    (int)strlen(p), p);
	strlcpy(action, slash ? slash + 1 : "", sizeof(action));
	for (i = 0; i < c->nnodes; i++)
		if (str_casecmp_ascii(mnode_name(c->nodes[i]), name) == 0)
			n = c->nodes[i];
	if (n == NULL) {
		mctl_error(req, 404, "no such node");
		return;
	}
	if (req->body_len > 0 &&
	    (body = json_loadb(req->body, req->body_len, 0, &jerr)) == NULL) {
		mctl_error(req, 400, jerr.text);
		return;
	}
	if (body == NULL)
		body = json_object();
	if (action[0] == '\0' && !post)
		mctl_reply(req, 200, mctl_node_json(n));
	else if (strcmp(action, "load") == 0 && post)
		mctl_load(req, n, body);
	else if (strcmp(action, "kill") == 0 && post) {
		if (mnode_kill(n) == -1)
			mctl_error(req, 409, "process not running");
		else
			mctl_reply(req, 200, mctl_node_json(n));
	} else if (strcmp(action, "start") == 0 && post) {
		unsigned	delay = mnode_conf(n)->start_delay_ms;

		if (mctl_uint(body, "delay_ms", &delay, err, sizeof(err)) == -1)
			mctl_error(req, 400, err);
		else {
			mnode_start(n, delay);
			mctl_reply(req, 200, mctl_node_json(n));
		}
	} else if (strcmp(action, "fault") == 0 && post) {
		if (mctl_fault_from_json(body, &f, err, sizeof(err)) == -1)
			mctl_error(req, 400, err);
		else {
			mnode_set_fault(n, &f);
			mctl_reply(req, 200, mctl_node_json(n));
		}
	} else if ((strcmp(action, "fault") == 0 &&
	    strcmp(req->method, "DELETE") == 0) ||
	    (strcmp(action, "clear") == 0 && post)) {
		mnode_clear_fault(n);
		mctl_reply(req, 200, mctl_node_json(n));
	} else
		mctl_error(req, 405, "no such action for this method");
	json_decref(body);
}
