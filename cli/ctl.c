/*
 * ctl.c: "cimhead status|drain|enable|probe|restart" talk to a running
 * cimheadd through its admin API (GET /api/v1/nodes, POST
 * /api/v1/nodes/<name>/<action>).  libevent's HTTP client, so the CLI
 * needs nothing the daemon does not already link.
 *
 *	cimhead status [-j] [-a HOST:PORT] [-t TOKENFILE]
 *	cimhead drain|enable|probe|restart [-a HOST:PORT] [-t TOKENFILE] NODE
 *
 * The address defaults to $CIMHEAD_ADMIN or 127.0.0.1:8081.  Exit status:
 * 0 ok, 1 the daemon refused (4xx/5xx), 2 usage, 3 cannot reach it.
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

#define CTL_MAX_REPLY	(8u * 1024 * 1024)

struct ctl_reply {
	int		 done;
	int		 status;	/* HTTP status; 0: no reply */
	struct buf	 body;
};

static void	ctl_done_cb(struct evhttp_request *, void *);

static const char *ctl_commands[] = { "status", "drain", "enable", "probe",
    "restart" };

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
	fprintf(stderr, "usage: cimhead status [-j] [-a host:port] "
	    "[-t tokenfile]\n"
	    "       cimhead drain|enable|probe|restart [-a host:port] "
	    "[-t tokenfile] node\n");
	return (2);
}

static void
ctl_done_cb(struct evhttp_request *req, void *arg)
{
	struct ctl_reply	*r = arg;
	struct evbuffer		*in;
	char			 chunk[4096];
	int			 n;

	r->done = 1;
	if (req == NULL || evhttp_request_get_response_code(req) == 0)
		return;
	r->status = evhttp_request_get_response_code(req);
	in = evhttp_request_get_input_buffer(req);
	while ((n = evbuffer_remove(in, chunk, sizeof(chunk))) > 0)
		if (buf_add(&r->body, chunk, (size_t)n) == -1)
			break;
}

/* One request to the admin API at host:port; the reply lands in r. */
static int
ctl_call(const char *host, unsigned port, const char *token,
    enum evhttp_cmd_type m, const char *path, struct ctl_reply *r)
{
	struct event_base		*base;
	struct evhttp_connection	*conn;
	struct evhttp_request		*req;
	char				 auth[SECRET_MAX + 16];

	if ((base = event_base_new()) == NULL)
		return (-1);
	conn = evhttp_connection_base_new(base, NULL, host, (uint16_t)port);
	if (conn == NULL) {
		event_base_free(base);
		return (-1);
	}
	evhttp_connection_set_timeout(conn, 10);
	req = evhttp_request_new(ctl_done_cb, r);
	evhttp_add_header(evhttp_request_get_output_headers(req), "Host", host);
	if (token != NULL) {
		snprintf(auth, sizeof(auth), "Bearer %s", token);
		evhttp_add_header(evhttp_request_get_output_headers(req),
		    "Authorization", auth);
		secret_wipe(auth, sizeof(auth));
	}
	if (evhttp_make_request(conn, req, m, path) == 0)
		event_base_dispatch(base);
	evhttp_connection_free(conn);
	event_base_free(base);
	if (r->status == 0) {
		fprintf(stderr, "cimhead: cannot reach cimheadd at %s:%u\n",
		    host, port);
		return (-1);
	}
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

static int
ctl_status_print(const char *body)
{
	json_t		*root, *nodes, *n;
	json_error_t	 e;
	size_t		 i;
	const char	*err;

	if ((root = json_loads(body, 0, &e)) == NULL ||
	    (nodes = json_object_get(root, "nodes")) == NULL ||
	    !json_is_array(nodes)) {
		fprintf(stderr, "cimhead: bad reply from cimheadd\n");
		json_decref(root);
		return (3);
	}
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
	json_decref(root);
	return (0);
}

int
ctl_main(int argc, char *argv[])
{
	struct ctl_reply	 r;
	const char		*cmd = argv[0], *addr, *node;
	char			*token = NULL, path[256], host[256];
	unsigned		 port;
	int			 ch, raw = 0, status = 2;

	memset(&r, 0, sizeof(r));
	buf_init(&r.body, CTL_MAX_REPLY);
	addr = getenv("CIMHEAD_ADMIN");
	if (addr == NULL)
		addr = "127.0.0.1:8081";
	optind = 1;
	while ((ch = getopt(argc, argv, "a:jt:")) != -1) {
		switch (ch) {
		case 'a':
			addr = optarg;
			break;
		case 'j':
			raw = 1;
			break;
		case 't':
			secret_free(token);
			if ((token = ctl_read_token(optarg)) == NULL)
				goto out;
			break;
		default:
			status = ctl_usage();
			goto out;
		}
	}
	argc -= optind;
	argv += optind;
	if (hostport_split(addr, host, sizeof(host), 1, &port) == -1) {
		fprintf(stderr, "cimhead: bad admin address %s (want host:port "
		    "or [v6]:port)\n", addr);
		goto out;
	}
	if (strcmp(cmd, "status") == 0) {
		if (argc != 0) {
			status = ctl_usage();
			goto out;
		}
		if (ctl_call(host, port, token, EVHTTP_REQ_GET,
		    "/api/v1/nodes", &r) == -1)
			status = 3;
		else if (r.status != 200) {
			fprintf(stderr, "cimhead: cimheadd says %d: %s\n",
			    r.status, r.body.data != NULL ? r.body.data : "");
			status = 1;
		} else if (raw) {
			printf("%s\n", r.body.data != NULL ? r.body.data : "");
			status = 0;
		} else
			status = ctl_status_print(r.body.data != NULL ?
			    r.body.data : "");
	} else {
		if (argc != 1 || *(node = argv[0]) == '\0' ||
		    strcspn(node, "/?#% ") != strlen(node)) {
			status = ctl_usage();
			goto out;
		}
		snprintf(path, sizeof(path), "/api/v1/nodes/%s/%s", node, cmd);
		if (ctl_call(host, port, token, EVHTTP_REQ_POST, path,
		    &r) == -1)
			status = 3;
		else {
			printf("%s\n", r.body.data != NULL ? r.body.data : "");
			status = r.status == 200 ? 0 : 1;
		}
	}
out:
	buf_release(&r.body);
	secret_free(token);
	return (status);
}
