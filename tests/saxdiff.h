/*
 * saxdiff.h: xml_sax_parse's two readers, lib/xmlscan.c's scanner and
 * libxml2, run on one document with handlers that write every event down
 * (text pieces joined, as the contract lets them come in any pieces); the
 * fuzz target fuzz_xmlscan and the unit test test_xmlscan compare the two
 * records.  Include cimhead.h and codec_int.h first.
 */
#ifndef SAXDIFF_H
#define SAXDIFF_H

#include <stdio.h>
#include <string.h>

struct saxrec {
	struct buf		 ev;	/* the events, one a line */
	const char		*names[512];	/* distinct name pointers */
	size_t			 nnames;
	struct buf		 text;	/* text not yet written to ev */
	struct xml_sax_ctx	*sc;
	int			 stop_at;	/* the start handler that gives up */
	int			 starts;
	int			 calls;		/* handler calls of any kind */
};

static void
saxrec_str(struct saxrec *r, const char *s)
{
	if (s == NULL)
		buf_puts(&r->ev, "(null)");
	else {
		buf_printf(&r->ev, "[%zu]", strlen(s));
		buf_puts(&r->ev, s);
	}
}

/*
 * A name: as saxrec_str, and marked when a name equal to it came before
 * at another address (libxml2's dictionary gives one pointer a name
 * within a parse, and wsman.c relies on it).
 */
static void
saxrec_name(struct saxrec *r, const char *s)
{
	size_t	i;

	saxrec_str(r, s);
	if (s == NULL)
		return;
	for (i = 0; i < r->nnames; i++) {
		if (r->names[i] == s)
			return;
		if (strcmp(r->names[i], s) == 0) {
			buf_puts(&r->ev, "(another copy)");
			return;
		}
	}
	if (r->nnames < sizeof(r->names) / sizeof(r->names[0]))
		r->names[r->nnames++] = s;
}

static void
saxrec_flush(struct saxrec *r)
{
	if (r->text.len == 0)
		return;
	buf_printf(&r->ev, "T[%zu]", r->text.len);
	buf_add(&r->ev, r->text.data, r->text.len);
	buf_puts(&r->ev, "\n");
	buf_reset(&r->text);
}

static int
saxrec_start(void *arg, const struct xml_elem *el)
{
	struct saxrec	*r = arg;
	size_t		 i;

	r->calls++;
	saxrec_flush(r);
	buf_printf(&r->ev, "S line %ld ", el->line);
	saxrec_name(r, el->name);
	saxrec_name(r, el->prefix);
	saxrec_name(r, el->uri);
	for (i = 0; i < el->nnsdecl; i++) {
		buf_puts(&r->ev, " ns ");
		saxrec_name(r, el->nsdecl[i * 2]);
		saxrec_name(r, el->nsdecl[i * 2 + 1]);
	}
	for (i = 0; i < el->nattrs; i++) {
		buf_puts(&r->ev, " at ");
		saxrec_name(r, el->attrs[i].name);
		saxrec_name(r, el->attrs[i].prefix);
		saxrec_name(r, el->attrs[i].uri);
		saxrec_str(r, el->attrs[i].value);
		if (el->attrs[i].prefix != NULL) {
			buf_puts(&r->ev, " in scope ");
			saxrec_str(r, xml_sax_ns_uri(r->sc,
			    el->attrs[i].prefix));
		}
	}
	/* the look-ups a handler makes (wsman.c's fault codes) */
	buf_puts(&r->ev, " default ");
	saxrec_str(r, xml_sax_ns_uri(r->sc, NULL));
	if (el->prefix != NULL) {
		buf_puts(&r->ev, " own ");
		saxrec_str(r, xml_sax_ns_uri(r->sc, el->prefix));
	}
	buf_puts(&r->ev, "\n");
	return (++r->starts == r->stop_at ? -1 : 0);
}

static int
saxrec_end(void *arg, const char *name, const char *uri)
{
	struct saxrec	*r = arg;

	r->calls++;
	saxrec_flush(r);
	buf_puts(&r->ev, "E ");
	saxrec_name(r, name);
	saxrec_name(r, uri);
	buf_puts(&r->ev, " default ");
	saxrec_str(r, xml_sax_ns_uri(r->sc, NULL));
	buf_puts(&r->ev, "\n");
	return (0);
}

static int
saxrec_text(void *arg, const char *s, size_t len)
{
	struct saxrec	*r = arg;

	r->calls++;
	buf_add(&r->text, s, len);
	return (0);
}

static const struct xml_sax saxrec_handlers = {
	saxrec_start, saxrec_end, saxrec_text
};

/* One reader (XML_SAX_*) over the document into r; its return. */
static int
saxrec_run(struct saxrec *r, int how, const char *doc, size_t len,
    size_t max_bytes, int max_depth, int stop_at, struct wbem_error *err)
{
	int	rc;

	buf_init(&r->ev, 0);
	buf_init(&r->text, 0);
	r->stop_at = stop_at;
	r->starts = r->calls = 0;
	r->nnames = 0;
	memset(err, 0, sizeof(*err));
	rc = xml_sax_parse_by(how, doc, len, max_bytes, max_depth,
	    &saxrec_handlers, r, &r->sc, err);
	saxrec_flush(r);
	return (rc);
}

static void
saxrec_free(struct saxrec *r)
{
	buf_release(&r->ev);
	buf_release(&r->text);
}

/*
 * The scanner against libxml2 on one document: 0 when the scanner read it
 * and both gave the same events and return; 1 when the scanner left it to
 * libxml2, having called no handler, and xml_sax_parse then answered as
 * libxml2 alone does (or the guard refused it before either reader); -1,
 * with why filled, on anything else.
 */
static int
saxdiff(const char *doc, size_t len, size_t max_bytes, int max_depth,
    int stop_at, char *why, size_t whylen)
{
	struct saxrec		 sr, lr, ar;
	struct wbem_error	 se, le, ae;
	int			 src, lrc, arc, out = -1;
	size_t			 i;

	src = saxrec_run(&sr, XML_SAX_SCAN, doc, len, max_bytes, max_depth,
	    stop_at, &se);
	lrc = saxrec_run(&lr, XML_SAX_LIBXML2, doc, len, max_bytes, max_depth,
	    stop_at, &le);
	arc = saxrec_run(&ar, XML_SAX_ANY, doc, len, max_bytes, max_depth,
	    stop_at, &ae);
	if (src == -1) {
		/* the size cap or an empty document: before either reader */
		if (lrc != -1 || arc != -1 || strcmp(se.description,
		    le.description) != 0 || sr.calls != 0)
			snprintf(why, whylen, "refused: scanner \"%.200s\", "
			    "libxml2 %d \"%.200s\"", se.description, lrc,
			    le.description);
		else
			out = 1;
	} else if (src == 1) {
		if (sr.calls != 0)
			snprintf(why, whylen, "the scanner deferred after %d "
			    "handler calls", sr.calls);
		else if (arc != lrc || strcmp(ae.description,
		    le.description) != 0 || ae.code != le.code)
			snprintf(why, whylen, "deferred: xml_sax_parse %d "
			    "\"%.200s\", libxml2 %d \"%.200s\"", arc, ae.description,
			    lrc, le.description);
		else
			out = 1;
	} else if (lrc == -1)
		snprintf(why, whylen, "the scanner took (%d) what libxml2 "
		    "refuses: %.200s", src, le.description);
	else if (src != lrc || arc != src)
		snprintf(why, whylen, "returns: scanner %d, libxml2 %d, "
		    "xml_sax_parse %d", src, lrc, arc);
	else if (sr.ev.len != lr.ev.len || (sr.ev.len > 0 &&
	    memcmp(sr.ev.data, lr.ev.data, sr.ev.len) != 0)) {
		for (i = 0; i < sr.ev.len && i < lr.ev.len &&
		    sr.ev.data[i] == lr.ev.data[i]; i++)
			;
		while (i > 0 && sr.ev.data[i - 1] != '\n')
			i--;
		snprintf(why, whylen, "events differ at byte %zu:\n"
		    "scanner: %.200s\nlibxml2: %.200s", i,
		    sr.ev.data != NULL ? sr.ev.data + i : "",
		    lr.ev.data != NULL ? lr.ev.data + i : "");
	} else if (ar.ev.len != sr.ev.len || (sr.ev.len > 0 &&
	    memcmp(ar.ev.data, sr.ev.data, sr.ev.len) != 0))
		snprintf(why, whylen, "xml_sax_parse gave other events");
	else
		out = 0;
	saxrec_free(&sr);
	saxrec_free(&lr);
	saxrec_free(&ar);
	return (out);
}

#endif /* SAXDIFF_H */
