/*
 * ctl.c: "cimhead status|drain|enable|probe|restart|recovery" talk to a
 * running cimheadd through its admin API (GET /api/v1/nodes, POST
 * /api/v1/nodes/<name>/<action>, GET or POST /api/v1/recovery[/on|/off]).  libevent's HTTP client, so the CLI
 * needs nothing the daemon does not already link.  cimhead.c parses the
 * options, the same ones as for the WBEM operations (struct ctl_opts).
 *
 * The loop stops as soon as the reply is read: evhttp keeps the
 * connection alive afterwards, and waiting for it to close cost every
 * command the whole connection timeout (10 s, issue 15).
 *
 * The address defaults to $CIMHEAD_ADMIN or 127.0.0.1:8081.  Exit status:
 * 0 ok, 1 the daemon refused (4xx/5xx), 2 usage, 3 cannot reach it or no
 * reply within --timeout.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <event2/buffer.h>
#include <event2/event.h>
#include <event2/http.h>
#include <event2/keyvalq_struct.h>
#include <jansson.h>

#include "cimhead.h"
#include "ctl.h"

#define CTL_MAX_REPLY		(8u * 1024 * 1024)
#define CTL_ADMIN_DEFAULT	"127.0.0.1:8081"

struct ctl_reply {
	struct event_base	*base;
	int			 done;
	int			 timed_out;	/* no reply by the deadline */
	int			 status;	/* HTTP status; 0: no reply */
	struct buf		 body;
};

static void	ctl_done_cb(struct evhttp_request *, void *);
static void	ctl_error_cb(enum evhttp_request_error, void *);

static const char *ctl_commands[] = { "status", "drain", "enable", "probe",
    "restart", "recovery" };

int
ctl_is_command(const char *s)
{
	size_t	i;

	for (i = 0; i < nitems(ctl_commands); i++)
		if (strcmp(s, ctl_commands[i]) == 0)
			return (1);
	return (0);
}

static int
ctl_usage(void)
{
	fprintf(stderr, "usage: cimhead [options] status\n"
	    "       cimhead [options] drain|enable|probe|restart NODE\n"
	    "       cimhead [options] recovery on|off|status\n"
	    "  (-a HOST:PORT, -t TOKENFILE, --format json|text|table, "
	    "--timeout MS, -v)\n"
	    "Try 'cimhead --help'.\n");
	return (CLI_EXIT_USAGE);
}

/* The request is done (reply, error or timeout): stop the loop now. */
static void
ctl_done_cb(struct evhttp_request *req, void *arg)
{
	struct ctl_reply	*r = arg;
	struct evbuffer		*in;
	char			 chunk[4096];
	int			 n;

	r->done = 1;
	event_base_loopbreak(r->base);
	if (req == NULL || evhttp_request_get_response_code(req) == 0)
		return;
	r->status = evhttp_request_get_response_code(req);
	in = evhttp_request_get_input_buffer(req);
	while ((n = evbuffer_remove(in, chunk, sizeof(chunk))) > 0)
		if (buf_add(&r->body, chunk, (size_t)n) == -1)
			break;
}

/* Why a request failed: only a timeout is worth telling apart. */
static void
ctl_error_cb(enum evhttp_request_error e, void *arg)
{
	struct ctl_reply	*r = arg;

	if (e == EVREQ_HTTP_TIMEOUT)
		r->timed_out = 1;
}

/*
 * One request to the admin API at host:port; the reply lands in r.
 * Returns -1 (message on stderr) when no reply came.
 */
static int
ctl_call(const struct ctl_opts *o, const char *host, unsigned port,
    const char *token, enum evhttp_cmd_type m, const char *path,
    struct ctl_reply *r)
{
	struct evhttp_connection	*conn;
	struct evhttp_request		*req;
	struct evkeyvalq		*h;
	struct timeval			 tv;
	char				 auth[SECRET_MAX + 16];

	if ((r->base = event_base_new()) == NULL)
		return (-1);
	conn = evhttp_connection_base_new(r->base, NULL, host,
	    (uint16_t)port);
	if (conn == NULL) {
		event_base_free(r->base);
		return (-1);
	}
	ms_to_tv(o->timeout_ms, &tv);
	evhttp_connection_set_timeout_tv(conn, &tv);
	evhttp_connection_set_max_body_size(conn, CTL_MAX_REPLY);
	req = evhttp_request_new(ctl_done_cb, r);
	evhttp_request_set_error_cb(req, ctl_error_cb);
	h = evhttp_request_get_output_headers(req);
	evhttp_add_header(h, "Host", host);
	/* one request: the daemon need not keep the connection for us */
	evhttp_add_header(h, "Connection", "close");
	if (token != NULL) {
		snprintf(auth, sizeof(auth), "Bearer %s", token);
		evhttp_add_header(h, "Authorization", auth);
		secret_wipe(auth, sizeof(auth));
	}
	if (o->verbose)
		fprintf(stderr, "cimhead: > %s http://%s:%u%s\n",
		    m == EVHTTP_REQ_GET ? "GET" : "POST", host, port, path);
	if (evhttp_make_request(conn, req, m, path) == 0) {
		/* the deadline covers the whole exchange, connect included */
		event_base_loopexit(r->base, &tv);
		event_base_dispatch(r->base);
	}
	evhttp_connection_free(conn);
	event_base_free(r->base);
	r->base = NULL;
	if (r->status == 0) {
		if (!r->done || r->timed_out)
			fprintf(stderr, "cimhead: timeout error: no reply from "
			    "cimheadd at %s:%u within %u ms (--timeout MS)\n",
			    host, port, o->timeout_ms);
		else
			fprintf(stderr, "cimhead: transport error: cannot "
			    "reach cimheadd at %s:%u: give its admin address "
			    "with -a HOST:PORT or CIMHEAD_ADMIN\n", host, port);
		return (-1);
	}
	if (o->verbose)
		fprintf(stderr, "cimhead: < %d (%zu bytes)\n", r->status,
		    r->body.len);
	return (0);
}

/* The token: the first line of file, by the rule of every secret file. */
static char *
ctl_read_token(const char *file)
{
	char	*data, why[256];
	size_t	 len, n;

	switch (secret_read(file, SECRET_MAX, &data, &len, why, sizeof(why))) {
	case -1:
		fprintf(stderr, "cimhead: %s: %s\n", file, why);
		return (NULL);
	case 1:
		fprintf(stderr, "cimhead: warning: token file %s: %s\n", file,
		    why);
		break;
	}
	n = strcspn(data, "\r\n");
	secret_wipe(data + n, len - n);
	return (data);
}

static void
ctl_util(const json_t *v)
{
	if (json_is_number(v))
		printf(" %5.1f", json_number_value(v));
	else
		printf(" %5s", "-");
}

static void
ctl_status_table(const json_t *nodes)
{
	const json_t	*n;
	const char	*err;
	size_t		 i;

	printf("%-16s %-10s %5s %5s %5s %-10s %8s %8s %s\n", "NODE", "STATE",
	    "CPU", "MEM", "NET", "PROCESS", "STREAMS", "RESTARTS", "ERROR");
	json_array_foreach(nodes, i, n) {
		printf("%-16s %-10s",
		    json_string_value(json_object_get(n, "name")),
		    json_string_value(json_object_get(n, "state")));
		ctl_util(json_object_get(n, "cpu"));
		ctl_util(json_object_get(n, "mem"));
		ctl_util(json_object_get(n, "net"));
		err = json_string_value(json_object_get(n, "last_error"));
		printf(" %-10s %8lld %8lld %s\n",
		    json_string_value(json_object_get(n, "process")),
		    (long long)json_integer_value(json_object_get(n,
		    "streams_dispatched")),
		    (long long)json_integer_value(json_object_get(n,
		    "restarts")), err != NULL ? err : "");
	}
}

/* A scalar in JSON notation, after indent and name. */
static void
ctl_text_line(const char *indent, const char *name, const json_t *v)
{
	char	*s;

	if ((s = json_dumps(v, JSON_ENCODE_ANY)) == NULL)
		return;
	printf("%s%s = %s\n", indent, name, s);
	free(s);
}

/*
 * Text, as the WBEM operations print it: "name = value" lines, values in
 * JSON notation; an object's members as name.member, an array by its
 * length (--format json has the entries).
 */
static void
ctl_text_fields(const json_t *obj, const char *indent, const char *prefix)
{
	const char	*k;
	json_t		*v;
	char		 name[256];

	json_object_foreach((json_t *)obj, k, v) {
		if (snprintf(name, sizeof(name), "%s%s", prefix, k) >=
		    (int)sizeof(name))
			continue;
		if (json_is_object(v)) {
			if (strlcat(name, ".", sizeof(name)) <
			    sizeof(name))
				ctl_text_fields(v, indent, name);
		} else if (json_is_array(v))
			printf("%s%s = [%zu entries]\n", indent, name,
			    json_array_size(v));
		else
			ctl_text_line(indent, name, v);
	}
}

static void
ctl_status_text(const json_t *root, const json_t *nodes)
{
	const char	*k;
	json_t		*v, *n;
	size_t		 i;

	json_object_foreach((json_t *)root, k, v)
		if (!json_is_object(v) && !json_is_array(v) &&
		    strcmp(k, "version") != 0)
			ctl_text_line("", k, v);
	json_array_foreach(nodes, i, n) {
		printf("\n%s\n", json_string_value(json_object_get(n, "name")));
		ctl_text_fields(n, "  ", "");
	}
}

static int
ctl_status_print(const struct ctl_opts *o, const char *body)
{
	json_t		*root, *nodes;
	json_error_t	 e;

	if (o->format == CLI_FMT_JSON) {
		printf("%s\n", body);
		return (CLI_EXIT_OK);
	}
	if ((root = json_loads(body, 0, &e)) == NULL ||
	    (nodes = json_object_get(root, "nodes")) == NULL ||
	    !json_is_array(nodes)) {
		fprintf(stderr, "cimhead: bad reply from cimheadd\n");
		json_decref(root);
		return (CLI_EXIT_TRANSPORT);
	}
	if (o->format == CLI_FMT_TEXT)
		ctl_status_text(root, nodes);
	else
		ctl_status_table(nodes);
	json_decref(root);
	return (CLI_EXIT_OK);
}

/* An action's reply {"node", "result", "state"} in the asked format. */
static int
ctl_action_print(const struct ctl_opts *o, const char *body)
{
	json_t		*root;
	json_error_t	 e;
	const char	*node, *result, *state;

	if (o->format == CLI_FMT_JSON) {
		printf("%s\n", body);
		return (CLI_EXIT_OK);
	}
	if ((root = json_loads(body, 0, &e)) == NULL ||
	    (node = json_string_value(json_object_get(root, "node"))) == NULL ||
	    (result = json_string_value(json_object_get(root,
	    "result"))) == NULL ||
	    (state = json_string_value(json_object_get(root,
	    "state"))) == NULL) {
		fprintf(stderr, "cimhead: bad reply from cimheadd\n");
		json_decref(root);
		return (CLI_EXIT_TRANSPORT);
	}
	if (o->format == CLI_FMT_TABLE)
		printf("%-16s %-12s %s\n%-16s %-12s %s\n", "NODE", "RESULT",
		    "STATE", node, result, state);
	else
		printf("%s: %s (state %s)\n", node, result, state);
	json_decref(root);
	return (CLI_EXIT_OK);
}

/* recovery's reply {"recovery", "source", "config", "result"}. */
static int
ctl_recovery_print(const struct ctl_opts *o, const char *body)
{
	json_t		*root;
	json_error_t	 e;
	const char	*rec, *src, *cf;

	if (o->format == CLI_FMT_JSON) {
		printf("%s\n", body);
		return (CLI_EXIT_OK);
	}
	if ((root = json_loads(body, 0, &e)) == NULL ||
	    (rec = json_string_value(json_object_get(root,
	    "recovery"))) == NULL ||
	    (src = json_string_value(json_object_get(root, "source"))) == NULL ||
	    (cf = json_string_value(json_object_get(root, "config"))) == NULL) {
		fprintf(stderr, "cimhead: bad reply from cimheadd\n");
		json_decref(root);
		return (CLI_EXIT_TRANSPORT);
	}
	if (o->format == CLI_FMT_TABLE)
		printf("%-9s %-7s %s\n%-9s %-7s %s\n", "RECOVERY", "SOURCE",
		    "CONFIG", rec, src, cf);
	else
		printf("recovery %s (set by the %s; the config says %s)\n", rec,
		    src, cf);
	json_decref(root);
	return (CLI_EXIT_OK);
}

/*
 * The daemon said no: its {"error": ...} on stderr, with the fix when
 * there is one; in JSON the body also goes to stdout, as the WBEM
 * operations print their error object.
 */
static int
ctl_refused(const struct ctl_opts *o, const struct ctl_reply *r)
{
	json_t		*root;
	json_error_t	 e;
	const char	*body, *msg;

	body = r->body.data != NULL ? r->body.data : "";
	if (o->format == CLI_FMT_JSON)
		printf("%s\n", body);
	root = json_loads(body, 0, &e);
	msg = json_string_value(json_object_get(root, "error"));
	fprintf(stderr, "cimhead: cimheadd says %d: %s\n", r->status,
	    msg != NULL ? msg : body);
	if (r->status == 401 || r->status == 403)
		fprintf(stderr, "cimhead: the admin API wants its bearer "
		    "token: give the file holding it with -t TOKENFILE "
		    "(--token-file)\n");
	json_decref(root);
	return (CLI_EXIT_CIM);
}

int
ctl_main(const struct ctl_opts *opts, int argc, char *argv[])
{
	struct ctl_opts		 eff = *opts, *o = &eff;
	struct ctl_reply	 r;
	const char		*cmd = argv[0], *addr = o->admin, *node;
	char			*token = NULL, path[256], host[256];
	unsigned		 port;
	int			 status = CLI_EXIT_USAGE, get;

	/* unasked, status prints its table and the actions their JSON */
	if (!o->format_set)
		o->format = strcmp(cmd, "status") == 0 ? CLI_FMT_TABLE :
		    CLI_FMT_JSON;
	memset(&r, 0, sizeof(r));
	buf_init(&r.body, CTL_MAX_REPLY);
	if (addr == NULL && (addr = getenv("CIMHEAD_ADMIN")) == NULL)
		addr = CTL_ADMIN_DEFAULT;
	if (o->token_file != NULL &&
	    (token = ctl_read_token(o->token_file)) == NULL)
		goto out;
	if (hostport_split(addr, host, sizeof(host), 1, &port) == -1) {
		fprintf(stderr, "cimhead: bad admin address %s (want host:port "
		    "or [v6]:port)\n", addr);
		goto out;
	}
	get = strcmp(cmd, "status") == 0;
	if (strcmp(cmd, "status") == 0) {
		if (argc != 1) {
			status = ctl_usage();
			goto out;
		}
		snprintf(path, sizeof(path), "/api/v1/nodes");
	} else if (strcmp(cmd, "recovery") == 0) {
		if (argc != 2 || (strcmp(argv[1], "on") != 0 &&
		    strcmp(argv[1], "off") != 0 &&
		    strcmp(argv[1], "status") != 0)) {
			status = ctl_usage();
			goto out;
		}
		get = strcmp(argv[1], "status") == 0;
		snprintf(path, sizeof(path), "/api/v1/recovery%s%s",
		    get ? "" : "/", get ? "" : argv[1]);
	} else {
		if (argc != 2 || *(node = argv[1]) == '\0' ||
		    strcspn(node, "/?#% ") != strlen(node) ||
		    snprintf(path, sizeof(path), "/api/v1/nodes/%s/%s", node,
		    cmd) >= (int)sizeof(path)) {
			status = ctl_usage();
			goto out;
		}
	}
	if (ctl_call(o, host, port, token, get ? EVHTTP_REQ_GET :
	    EVHTTP_REQ_POST, path, &r) == -1)
		status = CLI_EXIT_TRANSPORT;
	else if (r.status != 200)
		status = ctl_refused(o, &r);
	else if (strcmp(cmd, "recovery") == 0)
		status = ctl_recovery_print(o, r.body.data != NULL ?
		    r.body.data : "");
	else if (strcmp(cmd, "status") == 0)
		status = ctl_status_print(o, r.body.data != NULL ?
		    r.body.data : "");
	else
		status = ctl_action_print(o, r.body.data != NULL ?
		    r.body.data : "");
	if (fflush(stdout) == EOF && status == CLI_EXIT_OK)
		status = CLI_EXIT_TRANSPORT;
out:
	buf_release(&r.body);
	secret_free(token);
	return (status);
}
