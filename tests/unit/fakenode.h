/*
 * fakenode.h: a Windows node as the daemon's probes and restarts see it,
 * served in-process on testsrv (127.0.0.1:0): CIM-XML replies to the
 * profile's WQL queries and to Win32_Process.Create, from figures the
 * test sets.  test_probe and test_recovery drive the daemon's real
 * modules against it.
 */
#ifndef FAKENODE_H
#define FAKENODE_H

#include "testsrv.h"

struct fakenode {
	struct testsrv	 ts;
	char		 url[64];	/* http://127.0.0.1:PORT/cimom */
	int		 hang;		/* read requests, never answer */
	int		 running;	/* the Win32_Process query finds it */
	int		 alternate;	/* each process query flips running */
	const char	*proc_cmdline;	/* its CommandLine; NULL: none */
	char		 proc_created[32]; /* its CreationDate; "": none */
	unsigned	 create_rv;	/* Create's ReturnValue */
	uint64_t	 cpu_fmt;	/* formatted PercentProcessorTime */
	uint64_t	 avail, total;	/* memory, bytes */
	uint64_t	 net_bytes, net_bw;	/* per second, bits/s */
	/* what was asked */
	unsigned	 nreq, nquery, ncreate;
	uint64_t	 create_ms;	/* mono ms the last Create arrived */
	/* the raw counters, advanced by one second per query */
	uint64_t	 ts100ns, idle100ns, perftime, bytes;
};

void	fakenode_start(struct fakenode *, struct event_base *);
void	fakenode_stop(struct fakenode *);

#endif
