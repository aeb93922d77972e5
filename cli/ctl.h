/* ctl.h: cimhead's control commands (status, drain ...) against cimheadd. */
#ifndef CTL_H
#define CTL_H

#include "cli.h"

/*
 * What the one option parser of cimhead.c hands the control commands.
 * The strings point into argv.
 */
struct ctl_opts {
	const char	*admin;		/* host:port; NULL: $CIMHEAD_ADMIN or default */
	const char	*token_file;	/* bearer token file; NULL: none */
	enum cli_format	 format;
	int		 format_set;	/* 0: the command's own default */
	unsigned	 timeout_ms;	/* deadline for the whole exchange */
	int		 verbose;	/* the request and status on stderr */
};

int	ctl_is_command(const char *);
/* argv[0] is the command; returns the exit status (0, 1, 2, 3). */
int	ctl_main(const struct ctl_opts *, int argc, char *argv[]);

#endif /* CTL_H */
