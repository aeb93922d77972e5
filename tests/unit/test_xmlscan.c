/*
 * test_xmlscan.c: xml_sax_parse's own scanner (lib/xmlscan.c) against
 * libxml2 (saxdiff.h): over every fixture under tests/fixtures (the
 * bodies of recorded HTTP messages, the XML files whole), where it must
 * give libxml2's events or leave the document to libxml2, and over
 * hand-written documents, where it must take the ones it is for and leave
 * every one libxml2 refuses or that it cannot be certain of.
 */
#include "config.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cimhead.h"
#include "codec_int.h"
#include "fixture.h"
#include "saxdiff.h"
#include "tap.h"

#define TAKE	0	/* the scanner reads it, with libxml2's events */
#define DEFER	1	/* the scanner leaves it to libxml2 */

struct edge {
	const char	*doc;
	size_t		 len;		/* 0: strlen */
	int		 want;
	const char	*what;
};

static const struct edge edges[] = {
	{ "<a/>", 0, TAKE, "the smallest document" },
	{ "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<a b='1' "
	    "c=\"x&amp;y&lt;&gt;&apos;&quot;&#65;&#x42;&#x10FFFF;\"/>", 0,
	    TAKE, "predefined and character references in a value" },
	{ "\xef\xbb\xbf<a>t</a>", 0, TAKE, "a UTF-8 byte order mark" },
	{ "<a b=\"x\ty\r\nz\rw\n\" c='\r\n'/>", 0, TAKE,
	    "tab, LF, CR and CR LF in a value read as one space each" },
	{ "<a b=\"&#9;&#10;&#13;&#32;\"/>", 0, TAKE,
	    "characters written as references are not normalised" },
	{ "<a b='&#38;' c='&amp;#38;' d='&#x26;amp;'/>", 0, TAKE,
	    "an ampersand in a value, and the text \"&#38;\"" },
	{ "<a><![CDATA[x\r\ny\rz&<]]]></a>", 0, TAKE,
	    "CDATA with CR LF and CR read as LF" },
	{ "<a><![CDATA[]]></a>", 0, TAKE, "an empty CDATA section" },
	{ "<a>x\r\ny\rz\n\n</a>", 0, TAKE, "line ends in text" },
	{ "<a>&#13;&#xD;\r</a>", 0, TAKE, "a CR written as a reference" },
	{ "<!--c-->\n<a><!-- x - y -->t<!---->u<!---x-->v</a><!--e-->\n", 0,
	    TAKE, "comments before, in and after the root" },
	{ "<s:E xmlns:s=\"urn:s\" xmlns=\"urn:d\"><B s:x=\"1\" y=\"2\"/>"
	    "<s:C xmlns:s=\"urn:t\" s:y='3'>t</s:C><D xmlns='urn:e'/></s:E>",
	    0, TAKE, "namespaces declared, used, redeclared inside" },
	{ "<a xmlns:p='not a URI at all' p:b='1'/>", 0, TAKE,
	    "a namespace name libxml2 only warns about" },
	{ "<a xml:lang=\"en-US\"/>", 0, TAKE, "the xml prefix bound to "
	    "its namespace without a declaration" },
	{ "<a\n\nb='1'\n>\n<b\n/>\n<c\n>x\n</c\n></a\n>", 0, TAKE,
	    "line numbers: where the start tag ends" },
	{ "<a b=\"\xc3\xa9\">\xe6\x97\xa5\xe6\x9c\xac \xf0\x9f\x98\x80</a>",
	    0, TAKE, "UTF-8 text and values" },
	{ "<?xml version='1.0' encoding='US-ASCII'?><a>x</a>", 0, TAKE,
	    "US-ASCII declared, ASCII only" },
	{ "<?xml version=\"1.0\" standalone='yes' ?><a/>", 0, TAKE,
	    "a standalone declaration" },
	{ "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"no\"?>"
	    "\r\n<a/>\r\n", 0, TAKE, "the whole declaration" },
	{ "<a>]] ]&gt; ]]&gt;</a>", 0, TAKE, "brackets in text" },
	{ "<a b=\"]]>\" c=\"'\" d='\"'>></a>", 0, TAKE,
	    "'>', ']]>' and the other quote in values" },
	{ "<a  b = '1'\tc\n=\n\"2\" ></a >", 0, TAKE,
	    "blanks around '=' and before '>'" },
	{ "<A.b-c_d:e-1 xmlns:A.b-c_d='urn:x'/>", 0, TAKE,
	    "name characters" },

	{ "<!DOCTYPE a><a/>", 0, DEFER, "a DOCTYPE" },
	{ "<?xml version=\"1.0\"?><!DOCTYPE l [<!ENTITY a \"aaaa\">"
	    "<!ENTITY b \"&a;&a;&a;&a;\">]><l>&b;</l>", 0, DEFER,
	    "entities declared (the attack)" },
	{ "<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?><a>\xe9</a>", 0,
	    DEFER, "another encoding declared" },
	{ "<?xml version=\"1.0\" encoding=\"UTF8\"?><a/>", 0, DEFER,
	    "an encoding name not UTF-8 or US-ASCII" },
	{ "<?xml version='1.0' encoding='US-ASCII'?><a>\xc3\xa9</a>", 0,
	    DEFER, "US-ASCII declared, a byte past 0x7f" },
	{ "\xff\xfe<\0a\0/\0>\0", 8, DEFER, "a UTF-16 byte order mark" },
	{ "<a>\xc3\x28</a>", 0, DEFER, "bad UTF-8" },
	{ "<a>\xc0\xaf</a>", 0, DEFER, "overlong UTF-8" },
	{ "<a>\xed\xa0\x80</a>", 0, DEFER, "a surrogate" },
	{ "<a>\xef\xbf\xbe</a>", 0, DEFER, "U+FFFE" },
	{ "<a b='\xf4\x90\x80\x80'/>", 0, DEFER, "past U+10FFFF" },
	{ "<a>\x01</a>", 0, DEFER, "a control character" },
	{ "<a>x\0y</a>", 10, DEFER, "a NUL" },
	{ "<a>&foo;</a>", 0, DEFER, "an undeclared entity" },
	{ "<a>&lt</a>", 0, DEFER, "a reference without ';'" },
	{ "<a>&#0;</a>", 0, DEFER, "a reference to U+0000" },
	{ "<a>&#xD800;</a>", 0, DEFER, "a reference to a surrogate" },
	{ "<a>&#X41;</a>", 0, DEFER, "&#X (capital)" },
	{ "<a b='&#1114112;'/>", 0, DEFER, "a reference past U+10FFFF" },
	{ "<a></b>", 0, DEFER, "mismatched end tag" },
	{ "<p:a xmlns:p='u'></a>", 0, DEFER, "end tag without the prefix" },
	{ "<a x='1' x='2'/>", 0, DEFER, "a duplicate attribute" },
	{ "<a xmlns:p='u' xmlns:q='u' p:x='1' q:x='2'/>", 0, DEFER,
	    "a duplicate attribute after namespace expansion" },
	{ "<a xmlns:p='u' xmlns:p='v'/>", 0, DEFER, "a prefix declared twice" },
	{ "<a x='<'/>", 0, DEFER, "'<' in a value" },
	{ "<a x='&'/>", 0, DEFER, "'&' alone in a value" },
	{ "<a x=1/>", 0, DEFER, "a value without quotes" },
	{ "<a x='1'y='2'/>", 0, DEFER, "no blank between attributes" },
	{ "<a>x]]>y</a>", 0, DEFER, "']]>' in text" },
	{ "<a><!-- a -- b --></a>", 0, DEFER, "'--' in a comment" },
	{ "<a><!-- a ---></a>", 0, DEFER, "a comment ending \"--->\"" },
	{ "<a><?pi x?></a>", 0, DEFER, "a processing instruction" },
	{ "<?xml version='1.1'?><a/>", 0, DEFER, "version 1.1" },
	{ "<?xml encoding='UTF-8'?><a/>", 0, DEFER, "no version" },
	{ "<?xml version='1.0'encoding='UTF-8'?><a/>", 0, DEFER,
	    "no blank in the declaration" },
	{ "<?xml version='1.0' standalone='maybe'?><a/>", 0, DEFER,
	    "a bad standalone" },
	{ " <?xml version='1.0'?><a/>", 0, DEFER,
	    "the declaration not at the start" },
	{ "<a/><b/>", 0, DEFER, "two roots" },
	{ "<a/>x", 0, DEFER, "text after the root" },
	{ "x<a/>", 0, DEFER, "text before the root" },
	{ "   \n", 0, DEFER, "no root" },
	{ "<a>", 0, DEFER, "an unclosed element" },
	{ "<a><b></a>", 0, DEFER, "an unclosed child" },
	{ "<p:a/>", 0, DEFER, "an undeclared element prefix" },
	{ "<a p:x='1'/>", 0, DEFER, "an undeclared attribute prefix" },
	{ "<xml:a/>", 0, DEFER, "an element in the xml prefix" },
	{ "<a xml:space='keep'/>", 0, DEFER, "xml:space (libxml2 checks it)" },
	{ "<a xmlns:xml='http://www.w3.org/XML/1998/namespace'/>", 0, DEFER,
	    "the xml prefix declared" },
	{ "<a xmlns:p=''/>", 0, DEFER, "a prefix bound to nothing" },
	{ "<a xmlns=''/>", 0, DEFER, "the default namespace undone" },
	{ "<a xmlns='http://www.w3.org/2000/xmlns/'/>", 0, DEFER,
	    "the xmlns namespace bound" },
	{ "<a xmlns='u&amp;v'/>", 0, DEFER, "a reference in a namespace name" },
	{ "<a:b:c xmlns:a='u'/>", 0, DEFER, "two colons in a name" },
	{ "<\xc3\xa9/>", 0, DEFER, "a non-ASCII name" },
	{ "<a b='1' />x", 0, DEFER, "text after an empty root" },
	{ "<a/", 0, DEFER, "a start tag cut short" },
};

/* An HTTP message's body, de-chunked; NULL when it has none. */
static char *
http_body(char *raw, size_t len, size_t *blen)
{
	struct buf	 b;
	char		*p, *e = raw + len, *end;
	unsigned long	 n;

	if ((p = strstr(raw, "\r\n\r\n")) == NULL)
		return (NULL);
	*p = '\0';
	p += 4;
	if (strstr(raw, "chunked") == NULL) {
		*blen = (size_t)(e - p);
		return (*blen > 0 ? xstrdup(p) : NULL);
	}
	buf_init(&b, 0);
	while (p < e && (n = strtoul(p, &end, 16)) > 0 &&
	    (p = strstr(end, "\r\n")) != NULL && (size_t)(e - p) >= n + 2) {
		buf_add(&b, p + 2, n);
		p += 2 + n + 2;
	}
	return (buf_steal(&b, blen));
}

static int	 fixtures, taken;

static void
check_file(const char *rel)
{
	char	*raw, *doc, why[1024];
	size_t	 len, dlen;
	int	 rc;

	raw = slurp(rel, &len);
	if (strncmp(raw, "HTTP/", 5) == 0 || strncmp(raw, "POST ", 5) == 0 ||
	    strncmp(raw, "M-POST ", 7) == 0)
		doc = http_body(raw, len, &dlen);
	else {
		doc = raw;
		raw = NULL;
		dlen = len;
	}
	if (doc != NULL && dlen > 0) {
		fixtures++;
		rc = saxdiff(doc, dlen, 0, 0, 0, why, sizeof(why));
		ok(rc != -1, "fixture %s: %s", rel, rc == 0 ? "the scanner's "
		    "events are libxml2's" : rc == 1 ? "left to libxml2" :
		    why);
		if (rc == 0)
			taken++;
		/* a handler that gives up part way, on the scanner too */
		rc = saxdiff(doc, dlen, 0, 0, 3, why, sizeof(why));
		if (rc == -1)
			ok(0, "fixture %s, giving up at the third element: %s",
			    rel, why);
	}
	free(doc);
	free(raw);
}

/* Every file under tests/fixtures/dir, in sorted order. */
static void
walk(const char *dir)
{
	const char	*top = getenv("top_srcdir");
	struct dirent	**names;
	struct stat	 st;
	char		 path[4096], rel[1024];
	int		 i, n;

	snprintf(path, sizeof(path), "%s/tests/fixtures/%s",
	    top != NULL ? top : ".", dir);
	if ((n = scandir(path, &names, NULL, alphasort)) < 0) {
		ok(0, "read %s", path);
		return;
	}
	for (i = 0; i < n; i++) {
		if (names[i]->d_name[0] != '.') {
			snprintf(rel, sizeof(rel), "%s%s%s", dir,
			    *dir != '\0' ? "/" : "", names[i]->d_name);
			snprintf(path, sizeof(path), "%s/tests/fixtures/%s",
			    top != NULL ? top : ".", rel);
			if (stat(path, &st) == 0 && S_ISDIR(st.st_mode))
				walk(rel);
			else if (strstr(rel, ".md") == NULL &&
			    strstr(rel, ".json") == NULL &&
			    strstr(rel, "README") == NULL)
				check_file(rel);
		}
		free(names[i]);
	}
	free(names);
}

int
main(void)
{
	struct wbem_error	 err;
	struct saxrec		 r;
	struct buf		 deep;
	char			 why[1024];
	size_t			 i;
	int			 rc, d;

	xml_global_init();
	walk("");
	printf("# %d fixture documents, %d read by the scanner\n", fixtures,
	    taken);
	ok(taken * 10 >= fixtures * 9, "the scanner reads at least 9 in 10 "
	    "fixtures (%d of %d)", taken, fixtures);

	for (i = 0; i < nitems(edges); i++) {
		rc = saxdiff(edges[i].doc, edges[i].len != 0 ? edges[i].len :
		    strlen(edges[i].doc), 0, 0, 0, why, sizeof(why));
		if (rc == -1)
			ok(0, "%s: %s", edges[i].what, why);
		else
			ok(rc == edges[i].want, "%s: %s", edges[i].what,
			    edges[i].want == TAKE ? "the scanner's, as "
			    "libxml2's" : "left to libxml2");
		rc = saxdiff(edges[i].doc, edges[i].len != 0 ? edges[i].len :
		    strlen(edges[i].doc), 0, 0, 1, why, sizeof(why));
		if (rc == -1)
			ok(0, "%s, the first start handler giving up: %s",
			    edges[i].what, why);
	}

	/* the guard's caps, the same refusals whichever reader */
	buf_init(&deep, 0);
	for (d = 0; d < 9; d++)
		buf_puts(&deep, "<a>");
	for (d = 0; d < 9; d++)
		buf_puts(&deep, "</a>");
	ok(saxdiff(deep.data, deep.len, 0, 8, 0, why, sizeof(why)) == 1,
	    "one level past the depth cap is left to libxml2");
	rc = saxrec_run(&r, XML_SAX_ANY, deep.data, deep.len, 0, 8, 0, &err);
	saxrec_free(&r);
	is_int(rc, -1, "... which refuses it");
	is_str(err.description, "elements nested deeper than 8 (line 1)",
	    "... with the guard's words");
	ok(saxdiff(deep.data, deep.len, 0, 9, 0, why, sizeof(why)) == 0,
	    "at the depth cap the scanner reads it");
	ok(saxdiff(deep.data, deep.len, 10, 0, 0, why, sizeof(why)) == 1,
	    "over the size cap: refused before either reader");
	rc = saxrec_run(&r, XML_SAX_ANY, deep.data, deep.len, 10, 0, 0, &err);
	saxrec_free(&r);
	is_int(rc, -1, "... which refuses it");
	is_str(err.description, "XML document of 63 bytes is over the "
	    "10-byte cap", "... with the guard's words");
	buf_release(&deep);

	/*
	 * Past libxml2's 10 MB lookup limit xml.c gives libxml2 the whole
	 * document in a memory context, not the push parser: the scanner's
	 * events must be that parser's too (line numbers past 65,535 among
	 * them).
	 */
	buf_init(&deep, 0);
	buf_puts(&deep, "<?xml version=\"1.0\"?>\r\n<R xmlns:p=\"urn:p\">\r\n");
	while (deep.len <= 10500000)
		buf_puts(&deep, "<p:V N=\"a&amp;b\tc\" p:T='x'>t &lt; u"
		    "<![CDATA[c\r\nd]]>&#x20AC;</p:V>\r\n");
	buf_puts(&deep, "</R>\r\n");
	rc = saxdiff(deep.data, deep.len, 0, 0, 0, why, sizeof(why));
	ok(rc == 0, "a document of %zu bytes, past the lookup limit: %s",
	    deep.len, rc == 0 ? "the scanner's, as libxml2's" : rc == 1 ?
	    "left to libxml2" : why);
	buf_release(&deep);
	return (tap_done());
}
