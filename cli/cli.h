/*
 * cli.h: what cli/cimhead.c (options, targets, exit status), cli/print.c
 * (JSON and text output) and cli/ctl.c (control commands) share.  Private
 * to the cimhead program.
 */
#ifndef CLI_H
#define CLI_H

#include <stdio.h>

#include "cimhead.h"

/* exit statuses: the contract in cimhead(1) */
#define CLI_EXIT_OK		0
#define CLI_EXIT_CIM		1	/* the server said no (CIM status, CIMError) */
#define CLI_EXIT_USAGE		2
#define CLI_EXIT_TRANSPORT	3	/* transport, auth, timeout, HTTP, bad reply */

/* --format: one set of values for every command (cimhead(1)) */
enum cli_format {
	CLI_FMT_JSON = 0,
	CLI_FMT_TEXT,
	CLI_FMT_TABLE,
	CLI_FMT_MOF,		/* classes, qualifiers and instances */
};

/*
 * Prints a result.  req_path, when not NULL, is the path the user asked for
 * (GetInstance replies carry none).  Returns 0, or -1 when the output could
 * not be produced (message on stderr).
 */
int	print_result(FILE *, enum cli_format, const struct wbem_result *,
	    const struct cim_path *req_path);
/*
 * Prints an error on out (JSON only; text prints nothing there), with the
 * fix when hint is not NULL.
 */
int	print_error(FILE *, enum cli_format, const struct wbem_error *,
	    const char *hint);

/* A list of names (namespaces): a JSON array, lines, or a table. */
int	print_names(FILE *, enum cli_format, const char *header,
	    char * const *names, size_t n);

/* ---- class.c: CLASS and QUALIFIER.DECLARATION XML as MOF and JSON ---- */
struct json_t;
int	 class_mof(struct buf *, const char *xml);	/* -1: not XML */
void	 qualdecl_mof_node(struct buf *, const void *xmlnode);
void	 instance_mof(struct buf *, const struct cim_instance *);
struct json_t *class_json(const char *xml);	/* NULL: not XML */
int	 class_names(const char *xml, char **name, char **super);

#endif /* CLI_H */
