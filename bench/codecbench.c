/*
 * codecbench.c: decode speed of the codecs against libxml2's own floor,
 * in one process so the two are timed side by side on the same bytes.
 *
 *   codecbench cimxml FILE [ROUNDS]   EnumerateInstances reply (body only)
 *   codecbench wsman DIR [ROUNDS]     a Pull series: DIR/0000.xml (the
 *                                     EnumerateResponse), 0001.xml ... in order
 *   codecbench reader FILE|DIR [ROUNDS]  libxml2 xmlReader pass, nothing kept
 *                                     (what xmllint --stream --noout does)
 *
 * Each round decodes everything once; the output is one line per round
 * (MB/s) and a last line with the median, so a script can quote it.
 */
#include "config.h"

#include <sys/stat.h>

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <libxml/xmlreader.h>

#include "cimhead.h"

#define CB_MAX_FILES	4096
#define CB_MSGID	"uuid:00000000-0000-4000-8000-00000000b001"

struct cb_input {
	char	*data[CB_MAX_FILES];
	size_t	 len[CB_MAX_FILES];
	size_t	 n, total;
};

static double
cb_now(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ((double)ts.tv_sec + (double)ts.tv_nsec / 1e9);
}

static int
cb_slurp(const char *path, char **data, size_t *len)
{
	FILE	*f;
	struct stat st;
	size_t	 n;

	if ((f = fopen(path, "rb")) == NULL || fstat(fileno(f), &st) == -1) {
		perror(path);
		if (f != NULL)
			fclose(f);
		return (-1);
	}
	*data = xmalloc((size_t)st.st_size + 1);
	n = fread(*data, 1, (size_t)st.st_size, f);
	fclose(f);
	if (n != (size_t)st.st_size) {
		fprintf(stderr, "%s: short read\n", path);
		return (-1);
	}
	(*data)[n] = '\0';
	*len = n;
	return (0);
}

static int
cb_namecmp(const void *a, const void *b)
{
	return (strcmp(*(char * const *)a, *(char * const *)b));
}

/* A file, or every *.xml of a directory in name order. */
static int
cb_load(const char *path, struct cb_input *in)
{
	struct stat	 st;
	DIR		*dir;
	struct dirent	*de;
	char		*names[CB_MAX_FILES], p[4096];
	size_t		 i, nn = 0, l;
	int		 rc = 0;

	memset(in, 0, sizeof(*in));
	if (stat(path, &st) == -1) {
		perror(path);
		return (-1);
	}
	if (!S_ISDIR(st.st_mode)) {
		if (cb_slurp(path, &in->data[0], &in->len[0]) == -1)
			return (-1);
		in->n = 1;
		in->total = in->len[0];
		return (0);
	}
	if ((dir = opendir(path)) == NULL) {
		perror(path);
		return (-1);
	}
	while ((de = readdir(dir)) != NULL && nn < CB_MAX_FILES) {
		l = strlen(de->d_name);
		if (l > 4 && strcmp(de->d_name + l - 4, ".xml") == 0)
			names[nn++] = xstrdup(de->d_name);
	}
	closedir(dir);
	qsort(names, nn, sizeof(names[0]), cb_namecmp);
	for (i = 0; i < nn; i++) {
		snprintf(p, sizeof(p), "%s/%s", path, names[i]);
		if (rc == 0 && cb_slurp(p, &in->data[i], &in->len[i]) == -1)
			rc = -1;
		if (rc == 0) {
			in->total += in->len[i];
			in->n++;
		}
		free(names[i]);
	}
	return (rc);
}

/* One CIM-XML decode of the whole reply; returns the instance count. */
static long
cb_cimxml(const struct cb_input *in)
{
	struct wbem_request	 req;
	struct cimxml_reply	 rep;
	struct wbem_result	*res;
	struct wbem_error	 err;
	long			 n;

	memset(&req, 0, sizeof(req));
	req.op = WBEM_OP_ENUM;
	req.ns = "root/cimv2";
	req.classname = "Win32_Process";
	memset(&rep, 0, sizeof(rep));
	rep.status = 200;
	rep.body = in->data[0];
	rep.body_len = in->len[0];
	rep.max_bytes = 256u * 1024 * 1024;
	if ((res = cimxml_decode_response(&req, &rep, &err)) == NULL) {
		fprintf(stderr, "cimxml decode: %s\n", err.description);
		return (-1);
	}
	n = (long)res->ninst;
	wbem_result_free(res);
	return (n);
}

/* One decode of the whole Pull series, as wbem.c would drive it. */
static long
cb_wsman(const struct cb_input *in)
{
	struct wsman_opts	 o;
	struct wsman_state	 st;
	struct wbem_request	 req;
	struct wbem_result	*res = NULL;
	struct wbem_error	 err;
	struct buf		 b;
	size_t			 i;
	long			 n = -1;

	memset(&o, 0, sizeof(o));
	o.endpoint = "http://127.0.0.1:5985/wsman";
	o.ptypes = wsman_win32_ptypes;	/* as wbem.c passes it */
	o.nptypes = wsman_win32_nptypes;
	o.max_bytes = 256u * 1024 * 1024;
	memset(&req, 0, sizeof(req));
	req.op = WBEM_OP_ENUM;
	req.ns = "root/cimv2";
	req.classname = "Win32_Process";
	wsman_state_init(&st);
	buf_init(&b, 0);
	if (wsman_encode_request(&req, &o, CB_MSGID, &st, &b, &err) == -1)
		goto out;
	for (i = 0; i < in->n; i++) {
		if (i > 0) {
			buf_reset(&b);
			if (wsman_encode_pull(&o, &st, CB_MSGID, &b, &err) == -1)
				goto out;
		}
		if (wsman_decode_response(&st, &o, 200, in->data[i],
		    in->len[i], CB_MSGID, &res, &err) == -1)
			goto out;
	}
	if (!st.done) {
		fprintf(stderr, "wsman: series did not end\n");
		goto out;
	}
	n = res != NULL ? (long)res->ninst : 0;
out:
	if (n < 0)
		fprintf(stderr, "wsman decode: %s\n", err.description);
	wbem_result_free(res);
	buf_release(&b);
	wsman_state_clear(&st);
	return (n);
}

/* libxml2's streaming reader over every byte: the floor. */
static long
cb_reader(const struct cb_input *in)
{
	xmlTextReaderPtr	 r;
	size_t			 i;
	long			 nodes = 0;
	int			 rc;

	for (i = 0; i < in->n; i++) {
		r = xmlReaderForMemory(in->data[i], (int)in->len[i], NULL, NULL,
		    XML_PARSE_NONET);
		if (r == NULL)
			return (-1);
		while ((rc = xmlTextReaderRead(r)) == 1)
			nodes++;
		xmlFreeTextReader(r);
		if (rc != 0)
			return (-1);
	}
	return (nodes);
}

static int
cb_dblcmp(const void *a, const void *b)
{
	double	x = *(const double *)a, y = *(const double *)b;

	return (x < y ? -1 : x > y);
}

int
main(int argc, char **argv)
{
	struct cb_input	 in;
	long		 (*fn)(const struct cb_input *);
	double		 t0, mbs[1000];
	unsigned long long rounds = 9;
	char		*end;
	long		 items = 0;
	size_t		 i;

	if (argc < 3 || argc > 4) {
		fprintf(stderr, "usage: codecbench cimxml|wsman|reader "
		    "FILE|DIR [ROUNDS]\n");
		return (2);
	}
	if (strcmp(argv[1], "cimxml") == 0)
		fn = cb_cimxml;
	else if (strcmp(argv[1], "wsman") == 0)
		fn = cb_wsman;
	else if (strcmp(argv[1], "reader") == 0)
		fn = cb_reader;
	else {
		fprintf(stderr, "codecbench: unknown mode %s\n", argv[1]);
		return (2);
	}
	if (argc == 4) {
		rounds = strtoull(argv[3], &end, 10);
		if (*end != '\0' || rounds < 1 || rounds > 1000) {
			fprintf(stderr, "codecbench: ROUNDS 1..1000\n");
			return (2);
		}
	}
	xml_global_init();
	if (cb_load(argv[2], &in) == -1 || in.n == 0)
		return (1);
	for (i = 0; i < rounds; i++) {
		t0 = cb_now();
		if ((items = fn(&in)) < 0)
			return (1);
		mbs[i] = (double)in.total / 1e6 / (cb_now() - t0);
		printf("round %zu %.1f MB/s\n", i + 1, mbs[i]);
	}
	qsort(mbs, rounds, sizeof(mbs[0]), cb_dblcmp);
	printf("%s bytes %zu files %zu items %ld median_MBps %.1f\n",
	    argv[1], in.total, in.n, items, mbs[rounds / 2]);
	for (i = 0; i < in.n; i++)
		free(in.data[i]);
	return (0);
}
