/*
 * test_nofd.c: a probe that finds no file descriptor for its socket
 * failed at the head-end, not at the node (issue 17, item 11).  With the
 * soft descriptor limit at the lowest free descriptor, socket() fails
 * with EMFILE: the WBEM call ends with WBEM_E_RESOURCE, the node keeps
 * its state and its failure count, the probe is counted in
 * METRIC_PROBE_NOFD, and a suspect node is still re-checked, coming up
 * once descriptors are back.  POSIX only (setrlimit).
 */
#include "config.h"

#include <sys/resource.h>

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <event2/event.h>

#include "cimheadd.h"
#include "fakenode.h"
#include "tap.h"

static struct event_base	*base;
static struct rlimit		 saved;

#define WAIT_FOR(cond, ms) do {						\
	uint64_t wf_start = mono_ms();					\
	while (!(cond) && mono_ms() - wf_start < tap_slow(ms))		\
		testsrv_run_for(base, 5);				\
} while (0)

/* No new descriptor from now on: the limit at the lowest free one. */
static int
fds_exhaust(void)
{
	struct rlimit	rl;
	int		fd;

	if ((fd = dup(0)) == -1)
		return (-1);
	close(fd);
	rl = saved;
	rl.rlim_cur = (rlim_t)fd;
	return (setrlimit(RLIMIT_NOFILE, &rl));
}

static void
fds_restore(void)
{
	(void)setrlimit(RLIMIT_NOFILE, &saved);
}

/* The one-node daemon of main.c for fn, suspect-after 1. */
static int
daemon_up(struct daemon *d, const struct fakenode *fn)
{
	char	text[512];

	snprintf(text, sizeof(text), "[cimheadd]\nsuspect-after = 1\n"
	    "recheck = 50ms\nrecheck-max = 100ms\n[node a]\nurl = %s\n"
	    "stream-url = http://{host}/vod/{title}\n", fn->url);
	memset(d, 0, sizeof(*d));
	if ((d->conf = conf_parse(text, "test", NULL, NULL)) == NULL)
		return (-1);
	d->base = base;
	d->http = http_ctx_new(base);
	d->nnodes = 1;
	d->nodes = xcalloc(1, sizeof(*d->nodes));
	d->nodes[0] = node_new(d, &d->conf->nodes[0]);
	return (0);
}

static void
daemon_down(struct daemon *d)
{
	probe_shutdown(d);
	node_free(d->nodes[0]);
	free(d->nodes);
	http_ctx_free(d->http);
	conf_free(d->conf);
}

int
main(void)
{
	struct fakenode	 fa;
	struct daemon	 d;
	struct node	*n;
	unsigned	 nreq;

	log_init("test_nofd", LOG_LVL_ERR, 0);
	xml_global_init();
	compat_init(0);
	base = event_base_new();
	memset(&fa, 0, sizeof(fa));
	fa.cpu_fmt = 40;
	fa.total = 1000;
	fa.avail = 750;
	fa.net_bytes = 1250000;
	fa.net_bw = 100000000;
	fakenode_start(&fa, base);
	if (getrlimit(RLIMIT_NOFILE, &saved) == -1 || daemon_up(&d, &fa) == -1)
		return (1);
	n = d.nodes[0];

	/* An up node: out of descriptors, it stays up. */
	nreq = fa.nreq;
	ok(fds_exhaust() == 0, "the soft limit at the lowest free descriptor");
	probe_node(n);
	WAIT_FOR(n->probe == NULL, 3000);
	fds_restore();
	ok(n->probe == NULL, "the probe ended");
	is_str(node_state_name(n->state), "up", "the node is still up");
	is_int(n->fails, 0, "no failure counted against it");
	is_int(fa.nreq, nreq, "nothing reached the node");
	ok(metrics_get(&d, METRIC_PROBE_NOFD) == 1,
	    "one probe counted as out of descriptors");
	ok(strstr(n->last_error, "no file descriptor") != NULL,
	    "last_error says so: %s", n->last_error);
	ok(n->m_probe_err[WBEM_E_TRANSPORT] == 0,
	    "not a transport error of the node's");

	/* A suspect node out of descriptors is re-checked all the same. */
	node_set_state(n, NODE_SUSPECT, "test");
	ok(fds_exhaust() == 0, "no descriptors again");
	probe_node(n);
	WAIT_FOR(n->probe == NULL, 3000);
	fds_restore();
	is_str(node_state_name(n->state), "suspect",
	    "a suspect node stays suspect, not down (suspect-after = 1)");
	ok(metrics_get(&d, METRIC_PROBE_NOFD) == 2, "counted");
	WAIT_FOR(n->state == NODE_UP, 3000);
	is_str(node_state_name(n->state), "up",
	    "descriptors back: its re-check brings it up");
	ok(fa.nreq > nreq, "the re-check reached the node");

	daemon_down(&d);
	fakenode_stop(&fa);
	testsrv_run_for(base, 50);
	event_base_free(base);
	return (tap_done());
}
