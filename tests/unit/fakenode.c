/*
 * fakenode.c: the replies of fakenode.h.  Each request is answered on its
 * own from the figures in struct fakenode at that moment, so a test can
 * change them between probes.  Raw counters advance by one second of
 * their own clock per query, so consecutive raw readings difference to
 * the formatted figures.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <event2/buffer.h>

#include "cimhead.h"
#include "fakenode.h"

static void	fakenode_read_cb(struct bufferevent *, void *);

static void
prop(struct buf *b, const char *name, const char *type, const char *fmt, ...)
    PRINTFLIKE(4, 5);

static void
prop(struct buf *b, const char *name, const char *type, const char *fmt, ...)
{
	char	v[64];
	va_list	ap;

	va_start(ap, fmt);
	vsnprintf(v, sizeof(v), fmt, ap);
	va_end(ap);
	buf_printf(b, "<PROPERTY NAME=\"%s\" TYPE=\"%s\"><VALUE>%s</VALUE>"
	    "</PROPERTY>", name, type, v);
}

/* The instances answering one ExecQuery, by the class it selects from. */
static void
fakenode_instances(struct fakenode *fn, const char *req, struct buf *b)
{
	const uint64_t	freq = 10000000;

	if (strstr(req, "FROM Win32_PerfRawData_PerfOS_Processor") != NULL) {
		fn->ts100ns += 10000000;
		fn->idle100ns += 10000000 - (fn->cpu_fmt > 100 ? 100 :
		    fn->cpu_fmt) * 100000;
		buf_puts(b, "<INSTANCE CLASSNAME=\"Win32_PerfRawData_PerfOS_"
		    "Processor\">");
		prop(b, "Name", "string", "_Total");
		prop(b, "PercentProcessorTime", "uint64", "%llu",
		    (unsigned long long)fn->idle100ns);
		prop(b, "Timestamp_Sys100NS", "uint64", "%llu",
		    (unsigned long long)fn->ts100ns);
		buf_puts(b, "</INSTANCE>");
	} else if (strstr(req, "FROM Win32_PerfFormattedData_PerfOS_Processor")
	    != NULL) {
		buf_puts(b, "<INSTANCE CLASSNAME=\"Win32_PerfFormattedData_"
		    "PerfOS_Processor\">");
		prop(b, "Name", "string", "_Total");
		prop(b, "PercentProcessorTime", "uint64", "%llu",
		    (unsigned long long)fn->cpu_fmt);
		buf_puts(b, "</INSTANCE>");
	} else if (strstr(req, "FROM Win32_PerfFormattedData_PerfOS_Memory") !=
	    NULL) {
		buf_puts(b, "<INSTANCE CLASSNAME=\"Win32_PerfFormattedData_"
		    "PerfOS_Memory\">");
		prop(b, "AvailableBytes", "uint64", "%llu",
		    (unsigned long long)fn->avail);
		buf_puts(b, "</INSTANCE>");
	} else if (strstr(req, "FROM Win32_ComputerSystem") != NULL) {
		buf_puts(b, "<INSTANCE CLASSNAME=\"Win32_ComputerSystem\">");
		prop(b, "Name", "string", "FAKE");
		prop(b, "TotalPhysicalMemory", "uint64", "%llu",
		    (unsigned long long)fn->total);
		buf_puts(b, "</INSTANCE>");
	} else if (strstr(req, "FROM Win32_PerfRawData_Tcpip_NetworkInterface")
	    != NULL) {
		fn->perftime += freq;
		fn->bytes += fn->net_bytes;
		buf_puts(b, "<INSTANCE CLASSNAME=\"Win32_PerfRawData_Tcpip_"
		    "NetworkInterface\">");
		prop(b, "Name", "string", "eth0");
		prop(b, "BytesTotalPersec", "uint64", "%llu",
		    (unsigned long long)fn->bytes);
		prop(b, "CurrentBandwidth", "uint64", "%llu",
		    (unsigned long long)fn->net_bw);
		prop(b, "Timestamp_PerfTime", "uint64", "%llu",
		    (unsigned long long)fn->perftime);
		prop(b, "Frequency_PerfTime", "uint64", "%llu",
		    (unsigned long long)freq);
		buf_puts(b, "</INSTANCE>");
	} else if (strstr(req,
	    "FROM Win32_PerfFormattedData_Tcpip_NetworkInterface") != NULL) {
		buf_puts(b, "<INSTANCE CLASSNAME=\"Win32_PerfFormattedData_"
		    "Tcpip_NetworkInterface\">");
		prop(b, "Name", "string", "eth0");
		prop(b, "BytesTotalPersec", "uint64", "%llu",
		    (unsigned long long)fn->net_bytes);
		prop(b, "CurrentBandwidth", "uint64", "%llu",
		    (unsigned long long)fn->net_bw);
		buf_puts(b, "</INSTANCE>");
	} else if (strstr(req, "FROM Win32_Process") != NULL) {
		if (fn->running) {
			buf_puts(b, "<INSTANCE CLASSNAME=\"Win32_Process\">");
			prop(b, "Handle", "string", "4242");
			prop(b, "Caption", "string", "vodstream.exe");
			if (fn->proc_cmdline != NULL)
				buf_printf(b, "<PROPERTY NAME=\"CommandLine\" "
				    "TYPE=\"string\"><VALUE>%s</VALUE>"
				    "</PROPERTY>", fn->proc_cmdline);
			if (fn->proc_created[0] != '\0')
				prop(b, "CreationDate", "datetime", "%s",
				    fn->proc_created);
			buf_puts(b, "</INSTANCE>");
		}
		if (fn->alternate)
			fn->running = !fn->running;
	}
}

static void
fakenode_read_cb(struct bufferevent *bev, void *arg)
{
	struct fakenode	*fn = arg;
	struct buf	 body;
	const char	*id;
	char		*req, msgid[16];
	size_t		 hlen;

	while ((req = testsrv_request(bufferevent_get_input(bev), &hlen)) !=
	    NULL) {
		fn->nreq++;
		if (fn->hang) {
			free(req);
			continue;
		}
		msgid[0] = '\0';
		if ((id = strstr(req, "<MESSAGE ID=\"")) != NULL)
			sscanf(id + 13, "%15[0-9]", msgid);
		buf_init(&body, 0);
		buf_printf(&body, "<?xml version=\"1.0\" encoding=\"utf-8\" ?>\n"
		    "<CIM CIMVERSION=\"2.0\" DTDVERSION=\"2.0\">"
		    "<MESSAGE ID=\"%s\" PROTOCOLVERSION=\"1.0\"><SIMPLERSP>",
		    msgid);
		if (strstr(req, "<METHODCALL NAME=\"Create\"") != NULL) {
			fn->ncreate++;
			fn->create_ms = mono_ms();
			buf_printf(&body, "<METHODRESPONSE NAME=\"Create\">"
			    "<RETURNVALUE PARAMTYPE=\"uint32\"><VALUE>%u"
			    "</VALUE></RETURNVALUE></METHODRESPONSE>",
			    fn->create_rv);
		} else {
			fn->nquery++;
			buf_puts(&body, "<IMETHODRESPONSE NAME=\"ExecQuery\">"
			    "<IRETURNVALUE>");
			fakenode_instances(fn, req, &body);
			buf_puts(&body, "</IRETURNVALUE></IMETHODRESPONSE>");
		}
		buf_puts(&body, "</SIMPLERSP></MESSAGE></CIM>\n");
		evbuffer_add_printf(bufferevent_get_output(bev),
		    "HTTP/1.1 200 OK\r\n"
		    "Content-Type: application/xml; charset=utf-8\r\n"
		    "Content-Length: %lu\r\nCIMOperation: MethodResponse\r\n"
		    "\r\n", (unsigned long)body.len);
		evbuffer_add(bufferevent_get_output(bev), body.data, body.len);
		buf_release(&body);
		free(req);
	}
}

void
fakenode_start(struct fakenode *fn, struct event_base *base)
{
	testsrv_listen(&fn->ts, base, fakenode_read_cb, fn);
	fn->ts100ns = 1000000000ULL;
	snprintf(fn->url, sizeof(fn->url), "http://127.0.0.1:%d/cimom",
	    fn->ts.port);
}

void
fakenode_stop(struct fakenode *fn)
{
	if (fn->ts.lst != NULL)
		testsrv_close(&fn->ts);
}
