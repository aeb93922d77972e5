/*
 * cimxml_judge FILE: decodes one recorded request (header lines, a blank
 * line, the body) as cimmockd would, with cimxml_decode_request and
 * cimxml_check_headers, and prints the verdict on one line (a FILE that
 * starts with '<' is a bare body: no header check):
 *   OK <method> op=<op> ns=<ns> class=<class> keys=<n> params=<n>
 *   REFUSED <CIMError token> <http status>: <detail>
 *   CIMERROR <code>: <description>   (an <ERROR> reply)
 * Exit status 0 for OK, 1 for REFUSED, 2 on usage or I/O error.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "cimhead_server.h"

/* The value of header name in head (lines "Name: value"), or NULL. */
static const char *
header(const char *head, const char *name, char *out, size_t outlen)
{
	const char	*p = head, *e;
	size_t		 n = strlen(name);

	for (; *p != '\0'; p = e + 1) {
		if ((e = strchr(p, '\n')) == NULL)
			e = p + strlen(p);
		if ((size_t)(e - p) > n && strncasecmp(p, name, n) == 0 &&
		    p[n] == ':') {
			p += n + 1;
			while (*p == ' ')
				p++;
			snprintf(out, outlen, "%.*s", (int)(e - p), p);
			return (out);
		}
		if (*e == '\0')
			break;
	}
	return (NULL);
}

int
main(int argc, char *argv[])
{
	struct cimxml_call	 c;
	struct wbem_error	 err;
	struct buf		 b;
	char			 chunk[8192], m[256], o[1024], pv[64];
	char			*data, *body;
	size_t			 n, len;
	FILE			*f;
	int			 rc;

	if (argc != 2 || (f = fopen(argv[1], "rb")) == NULL) {
		fprintf(stderr, "usage: cimxml_judge FILE\n");
		return (2);
	}
	xml_global_init();
	buf_init(&b, 0);
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		buf_add(&b, chunk, n);
	fclose(f);
	data = buf_steal(&b, &len);
	if (data[0] == '<')
		body = data;
	else if ((body = strstr(data, "\n\n")) != NULL) {
		*body = '\0';
		body += 2;
	} else {
		free(data);
		return (2);
	}

	rc = cimxml_decode_request(body, len - (size_t)(body - data), &c, &err);
	if (rc == 0 && body != data)
		rc = cimxml_check_headers(&c, header(data, "CIMMethod", m,
		    sizeof(m)), header(data, "CIMObject", o, sizeof(o)),
		    header(data, "CIMProtocolVersion", pv, sizeof(pv)), &err);
	if (rc == 0)
		printf("OK %s op=%s ns=%s class=%s keys=%zu params=%zu\n",
		    c.method, c.op_known ? wbem_op_name(c.req.op) : "unknown",
		    c.req.ns, c.req.classname != NULL ? c.req.classname :
		    (c.req.path != NULL ? c.req.path->classname : "-"),
		    c.req.path != NULL ? c.req.path->nkeys : 0, c.req.nparams);
	else if (err.kind == WBEM_E_CIM)
		printf("CIMERROR %d: %s\n", err.code, err.description);
	else
		printf("REFUSED %s %ld: %s\n", err.name, err.http_status,
		    err.description);
	cimxml_call_clear(&c);
	free(data);
	return (rc == 0 ? 0 : 1);
}
