/*
 * test_profile.c: the load formulas on known counter sequences (including
 * counter wrap, timestamps going backwards, zero bandwidth, values past
 * 2^53 and deltas near 2^64), the WQL the daemon sends, and how replies
 * fold into a reading (a process instance without Caption included).
 */
#include "config.h"

#include <math.h>
#include <stdint.h>
#include <string.h>

#include "cimheadd.h"
#include "tap.h"

static int
close_to(double a, double b)
{
	return (fabs(a - b) < 1e-6);
}

static struct cim_instance *
inst(const char *cls, const char *k1, const char *v1, const char *k2,
    const char *v2, const char *k3, const char *v3)
{
	struct cim_instance	*in = cim_instance_new(cls);

	if (k1 != NULL)
		cim_instance_add(in, k1, CIM_T_STRING, v1);
	if (k2 != NULL)
		cim_instance_add(in, k2, CIM_T_UINT64, v2);
	if (k3 != NULL)
		cim_instance_add(in, k3, CIM_T_UINT64, v3);
	return (in);
}

int
main(void)
{
	struct profile_cpu_raw	 a, b;
	struct profile_net_raw	 na, nb;
	struct profile_reading	 rd;
	struct wbem_result	*r;
	struct cim_instance	*in;
	char			 wql[512];
	char			 longname[1024];
	double			 v = -1;

	/* CPU: 100 * (1 - didle / dtime) */
	a = (struct profile_cpu_raw){ .ppt = 1000000, .ts = 2000000,
	    .at_ms = 1000 };
	b = (struct profile_cpu_raw){ .ppt = 1750000, .ts = 3000000,
	    .at_ms = 2000 };
	ok(profile_cpu(&a, &b, 60000, 0, 0, &v) == 0 && close_to(v, 25),
	    "cpu 25%% from idle 0.75 of the interval (%g)", v);
	b.ppt = 1000000;
	ok(profile_cpu(&a, &b, 60000, 0, 0, &v) == 0 && close_to(v, 100),
	    "no idle time: 100%%");
	b.ppt = 2050000;
	ok(profile_cpu(&a, &b, 60000, 0, 0, &v) == 0 && close_to(v, 0),
	    "idle a little beyond the interval clamps to 0");
	b.ppt = 3000000;
	ok(profile_cpu(&a, &b, 60000, 0, 0, &v) == -1,
	    "idle twice the interval: a counter jump, no delta");
	ok(profile_cpu(&a, &b, 60000, 1, 12, &v) == 0 && close_to(v, 12),
	    "idle twice the interval: formatted fallback");
	/* The node's clock steps an hour forward between two readings. */
	b.ppt = 1750000;
	b.ts = a.ts + 36000000000ull;
	ok(profile_cpu(&a, &b, 60000, 0, 0, &v) == -1,
	    "clock stepped an hour forward: no delta, not 100%% busy");
	/* Its clock ran 10 s while ours ran 1 s: a step too. */
	b.ts = a.ts + 100000000ull;
	b.ppt = a.ppt + 90000000ull;
	ok(profile_cpu(&a, &b, 60000, 0, 0, &v) == -1,
	    "10 s of node time in 1 s of ours: no delta");
	/* Its clock ran 1.5 s while ours ran 1 s: query latency, kept. */
	b.ts = a.ts + 15000000ull;
	b.ppt = a.ppt + 7500000ull;
	ok(profile_cpu(&a, &b, 60000, 0, 0, &v) == 0 && close_to(v, 50),
	    "1.5 s of node time in 1 s of ours: a delta (%g)", v);
	/* Values past 2^53 keep their precision in the delta. */
	a = (struct profile_cpu_raw){ .ppt = 18000000000000000000ull,
	    .ts = 18000000000000001000ull, .at_ms = 1 };
	b = (struct profile_cpu_raw){ .ppt = 18000000000000000100ull,
	    .ts = 18000000000000001400ull, .at_ms = 2 };
	ok(profile_cpu(&a, &b, 60000, 0, 0, &v) == 0 && close_to(v, 75),
	    "uint64 counters past 2^53: 75%% (%g)", v);
	/* Counter wrap: fall back to the formatted figure. */
	b.ppt = 5;
	ok(profile_cpu(&a, &b, 60000, 1, 42, &v) == 0 && close_to(v, 42),
	    "counter went down: formatted fallback");
	ok(profile_cpu(&a, &b, 60000, 0, 0, &v) == -1,
	    "counter went down, no fallback: unknown, not garbage");
	b.ppt = a.ppt + 10;
	b.ts = a.ts - 10;
	ok(profile_cpu(&a, &b, 60000, 1, 7, &v) == 0 && close_to(v, 7),
	    "timestamp went backwards: fallback");
	b.ts = a.ts;
	ok(profile_cpu(&a, &b, 60000, 0, 0, &v) == -1,
	    "timestamp unchanged: no division by zero");
	b.ts = a.ts + 1000;
	b.at_ms = a.at_ms + 61000;
	ok(profile_cpu(&a, &b, 60000, 1, 33, &v) == 0 && close_to(v, 33),
	    "previous sample older than the window: fallback");
	ok(profile_cpu(NULL, &b, 60000, 1, 150, &v) == 0 && close_to(v, 100),
	    "first contact: formatted, clamped to 100");
	ok(profile_cpu(NULL, NULL, 60000, 0, 0, &v) == -1, "nothing: unknown");

	ok(profile_mem(8000, 2000, &v) == 0 && close_to(v, 75), "memory 75%%");
	ok(profile_mem(0, 0, &v) == -1, "total 0: unknown");
	ok(profile_mem(1000, 5000, &v) == 0 && close_to(v, 0),
	    "available > total: 0, not negative");

	ok(profile_net_rate(1250000, 100000000, &v) == 0 && close_to(v, 10),
	    "10 MB/s... 1.25 MB/s on 100 Mbit/s = 10%%");
	ok(profile_net_rate(1250000, 0, &v) == -1, "zero bandwidth: unknown");
	na = (struct profile_net_raw){ .bytes = 1000000, .perftime = 10000000,
	    .freq = 10000000, .bandwidth = 80000000, .nifs = 1, .at_ms = 0 };
	nb = na;
	nb.bytes += 5000000;
	nb.perftime += 20000000;	/* two seconds */
	nb.at_ms = 2000;
	ok(profile_net(&na, &nb, 60000, &v) == 0 && close_to(v, 25),
	    "raw net: 2.5 MB/s on 80 Mbit/s = 25%% (%g)", v);
	nb.bytes = 10;
	ok(profile_net(&na, &nb, 60000, &v) == -1, "byte counter wrapped");
	nb.bytes = na.bytes + 10;
	nb.perftime = na.perftime - 1;
	ok(profile_net(&na, &nb, 60000, &v) == -1, "perf time backwards");
	nb.perftime = na.perftime + 10;
	nb.bandwidth = 0;
	ok(profile_net(&na, &nb, 60000, &v) == -1, "raw, zero bandwidth");
	nb.bandwidth = na.bandwidth;
	nb.nifs = 2;
	ok(profile_net(&na, &nb, 60000, &v) == -1, "interface set changed");
	nb.nifs = 1;
	nb.bytes = na.bytes + 5000000;
	nb.perftime = na.perftime + 20000000 + 36000000000ull;
	ok(profile_net(&na, &nb, 60000, &v) == -1,
	    "perf time stepped an hour forward: no delta, not idle");
	nb.perftime = na.perftime + 20000000;
	nb.bytes = na.bytes + 40000000;
	ok(profile_net(&na, &nb, 60000, &v) == -1,
	    "twice the link's speed: a counter jump, no delta");

	/*
	 * Counters near 2^64 (issue 17, item 12): 2^64 - 2 ticks at 1 Hz is
	 * no time that passed in one second, a clock step; computed as a
	 * double past 2^64 cast to uint64_t it was undefined (0 on x86-64,
	 * which read as an idle node).
	 */
	na = (struct profile_net_raw){ .bytes = 1000, .perftime = 1,
	    .freq = 1, .bandwidth = 80000000, .nifs = 1, .at_ms = 0 };
	nb = na;
	nb.bytes = 2000;
	nb.perftime = UINT64_MAX;
	nb.at_ms = 1000;
	ok(profile_net(&na, &nb, 60000, &v) == -1,
	    "perf time 2^64 - 2 ticks at 1 Hz in a second: a step, no delta");
	nb.freq = UINT64_MAX;
	nb.perftime = na.perftime + UINT64_MAX / 2;
	nb.bytes = na.bytes + 1000;
	nb.at_ms = 500;
	v = -1;
	ok(profile_net(&na, &nb, 60000, &v) == 0 && fabs(v - 0.02) < 1e-3,
	    "frequency 2^64 - 1, half of it in half a second: 2000 B/s on "
	    "80 Mbit/s, 0.02%%");
	/* dn <= dd * 1.1 with dd near 2^64: dd + dd / 10 wrapped */
	a = (struct profile_cpu_raw){ .ppt = 0, .ts = 0, .at_ms = 0 };
	b = (struct profile_cpu_raw){ .ppt = 9000000000000000000ull,
	    .ts = 18000000000000000000ull, .at_ms = 1800000000000000ull };
	v = -1;
	ok(profile_cpu(&a, &b, 0, 0, 0, &v) == 0 && close_to(v, 50),
	    "cpu: deltas near 2^64, 50%% busy");

	ok(profile_iface_is_pseudo("isatap.{1234}"), "isatap is pseudo");
	ok(profile_iface_is_pseudo("Teredo Tunneling Pseudo-Interface"),
	    "teredo is pseudo");
	ok(profile_iface_is_pseudo("Software Loopback Interface 1"),
	    "loopback is pseudo");
	ok(!profile_iface_is_pseudo("Intel[R] PRO_1000 MT Network Connection"),
	    "a NIC is real");
	ok(profile_iface_is_pseudo("Microsoft KERNEL Debug Network Adapter") &&
	    profile_iface_is_pseudo("Microsoft IP-HTTPS Platform Interface") &&
	    profile_iface_is_pseudo("Microsoft 6to4 Adapter"),
	    "kernel debug, ip-https, 6to4 are pseudo, any case");
	ok(!profile_iface_is_pseudo("Intel[R] Ethernet I219-V #2"),
	    "a NIC whose name has a '#' is real");
	/* the words at the end of a name longer than the lowered copy */
	memset(longname, 'x', sizeof(longname));
	memcpy(longname + sizeof(longname) - 16, "Teredo Tunnel", 14);
	ok(profile_iface_is_pseudo(longname), "teredo after 1000 bytes found");
	longname[sizeof(longname) - 16] = '\0';
	ok(!profile_iface_is_pseudo(longname), "a name of 1008 x's is real");
	memcpy(longname + 250, "LoopBack", 8);
	ok(profile_iface_is_pseudo(longname),
	    "loopback across the lowered copy's end found");

	ok(profile_query_wql(PQ_CPU_RAW, NULL, wql, sizeof(wql)) == 0 &&
	    strstr(wql, "Win32_PerfRawData_PerfOS_Processor WHERE Name = "
	    "\"_Total\"") != NULL, "cpu query, double quotes");
	ok(profile_query_wql(PQ_PROCESS, "vod.exe", wql, sizeof(wql)) == 0,
	    "process query");
	is_str(wql, "SELECT Handle, Caption FROM Win32_Process WHERE "
	    "Caption = \"vod.exe\"", "process query text");
	ok(profile_query_wql(PQ_PROCESS, "a\" OR \"1\"=\"1", wql,
	    sizeof(wql)) == -1, "a quote in the name cannot inject WQL");

	/* Folding replies into a reading. */
	memset(&rd, 0, sizeof(rd));
	r = wbem_result_new(WBEM_R_INSTANCES);
	wbem_result_add_instance(r, inst("Win32_PerfRawData_PerfOS_Processor",
	    "Name", "0", "PercentProcessorTime", "5", "Timestamp_Sys100NS",
	    "6"));
	wbem_result_add_instance(r, inst("Win32_PerfRawData_PerfOS_Processor",
	    "Name", "_Total", "PercentProcessorTime", "18446744073709551000",
	    "Timestamp_Sys100NS", "18446744073709551615"));
	ok(profile_absorb(PQ_CPU_RAW, r, &rd, 77) == 0 && rd.has_cpu_raw &&
	    rd.cpu_raw.ppt == 18446744073709551000ull &&
	    rd.cpu_raw.ts == 18446744073709551615ull && rd.cpu_raw.at_ms == 77,
	    "cpu raw: the _Total instance, exact uint64");
	wbem_result_free(r);

	r = wbem_result_new(WBEM_R_INSTANCES);
	wbem_result_add_instance(r, inst("Win32_PerfRawData_PerfOS_Processor",
	    "Name", "_Total", "PercentProcessorTime", "12x", NULL, NULL));
	memset(&rd, 0, sizeof(rd));
	ok(profile_absorb(PQ_CPU_RAW, r, &rd, 0) == -1 && !rd.has_cpu_raw,
	    "garbage counter: malformed");
	wbem_result_free(r);

	/* a CIMOM with no formatted processor instance (an OpenPegasus) */
	r = wbem_result_new(WBEM_R_INSTANCES);
	memset(&rd, 0, sizeof(rd));
	ok(profile_absorb(PQ_CPU_FMT, r, &rd, 0) == 0 && !rd.has_cpu_fmt,
	    "cpu formatted, no instance: unknown, not malformed");
	wbem_result_free(r);

	r = wbem_result_new(WBEM_R_INSTANCES);
	wbem_result_add_instance(r, inst("X", "Name", "eth0",
	    "BytesTotalPersec", "1000", "CurrentBandwidth", "1000000"));
	wbem_result_add_instance(r, inst("X", "Name", "isatap.{x}",
	    "BytesTotalPersec", "999999", "CurrentBandwidth", "100000"));
	wbem_result_add_instance(r, inst("X", "Name", "eth1",
	    "BytesTotalPersec", "500", "CurrentBandwidth", "1000000"));
	ok(profile_absorb(PQ_NET_FMT, r, &rd, 0) == 0 &&
	    rd.net_fmt_bytes == 1500 && rd.net_fmt_bw == 2000000 &&
	    rd.net_fmt_nifs == 2, "net: summed over real interfaces only");
	wbem_result_free(r);

	/* full duplex: the busier direction, not the sum of both */
	r = wbem_result_new(WBEM_R_INSTANCES);
	in = inst("X", "Name", "eth0", "BytesTotalPersec", "1020",
	    "CurrentBandwidth", "1000000");
	cim_instance_add(in, "BytesSentPersec", CIM_T_UINT64, "1000");
	cim_instance_add(in, "BytesReceivedPersec", CIM_T_UINT64, "20");
	wbem_result_add_instance(r, in);
	in = inst("X", "Name", "eth1", "BytesTotalPersec", "300",
	    "CurrentBandwidth", "1000000");
	cim_instance_add(in, "BytesSentPersec", CIM_T_UINT64, "100");
	cim_instance_add(in, "BytesReceivedPersec", CIM_T_UINT64, "200");
	wbem_result_add_instance(r, in);
	memset(&rd, 0, sizeof(rd));
	v = profile_absorb(PQ_NET_FMT, r, &rd, 0);
	ok(v == 0 && rd.net_fmt_bytes == 1100, "net, both directions read: the busier "
	    "one over the interfaces (1100 sent, 220 received), not the total "
	    "(%llu)", (unsigned long long)rd.net_fmt_bytes);
	in = r->inst[0];
	cim_instance_add(in, "Timestamp_PerfTime", CIM_T_UINT64, "5");
	cim_instance_add(in, "Frequency_PerfTime", CIM_T_UINT64, "1");
	ok(profile_absorb(PQ_NET_RAW, r, &rd, 9) == 0 && rd.net_raw.duplex &&
	    rd.net_raw.sent == 1100 && rd.net_raw.recv == 220 &&
	    rd.net_raw.bytes == 1320, "net raw: both directions' counters "
	    "kept beside the total");
	wbem_result_free(r);
	r = wbem_result_new(WBEM_R_INSTANCES);
	in = inst("X", "Name", "eth0", "BytesTotalPersec", "1020",
	    "CurrentBandwidth", "1000000");
	cim_instance_add(in, "BytesSentPersec", CIM_T_UINT64, "1000");
	cim_instance_add(in, "BytesReceivedPersec", CIM_T_UINT64, "20");
	wbem_result_add_instance(r, in);
	wbem_result_add_instance(r, inst("X", "Name", "eth1",
	    "BytesTotalPersec", "300", "CurrentBandwidth", "1000000"));
	memset(&rd, 0, sizeof(rd));
	v = profile_absorb(PQ_NET_FMT, r, &rd, 0);
	ok(v == 0 && rd.net_fmt_bytes == 1320, "an interface without the directions: "
	    "the total of all (%llu)", (unsigned long long)rd.net_fmt_bytes);
	wbem_result_free(r);

	r = wbem_result_new(WBEM_R_INSTANCES);
	ok(profile_absorb(PQ_PROCESS, r, &rd, 0) == 0 && rd.has_process &&
	    !rd.process_running, "no Win32_Process instance: missing");
	in = inst("Win32_Process", "Caption", "vod.exe", NULL, NULL, NULL,
	    NULL);
	cim_instance_add(in, "Handle", CIM_T_STRING, "4242");
	wbem_result_add_instance(r, in);
	ok(profile_absorb(PQ_PROCESS, r, &rd, 0) == 0 && rd.process_running &&
	    strcmp(rd.process_handle, "4242") == 0, "process found");
	wbem_result_free(r);

	/* any instance for the query is the process, whatever its Caption */
	r = wbem_result_new(WBEM_R_INSTANCES);
	in = cim_instance_new("Win32_Process");
	wbem_result_add_instance(r, in);
	in = cim_instance_new("Win32_Process");
	cim_instance_add(in, "Handle", CIM_T_STRING, "77");
	wbem_result_add_instance(r, in);
	memset(&rd, 0, sizeof(rd));
	ok(profile_absorb(PQ_PROCESS, r, &rd, 0) == 0 && rd.has_process &&
	    rd.process_running, "instances without Caption: running");
	is_str(rd.process_handle, "77",
	    "instances without Caption: the first handle given");
	wbem_result_free(r);
	r = wbem_result_new(WBEM_R_INSTANCES);
	in = cim_instance_new("Win32_Process");
	cim_instance_add(in, "Caption", CIM_T_STRING, NULL);
	wbem_result_add_instance(r, in);
	strlcpy(rd.process_handle, "stale", sizeof(rd.process_handle));
	ok(profile_absorb(PQ_PROCESS, r, &rd, 0) == 0 && rd.process_running &&
	    rd.process_handle[0] == '\0',
	    "a NULL Caption, no Handle: running, no stale handle");
	wbem_result_free(r);

	r = wbem_result_new(WBEM_R_INSTANCES);
	wbem_result_add_instance(r, inst("Win32_Service", "State", "Stopped",
	    NULL, NULL, NULL, NULL));
	ok(profile_absorb(PQ_SERVICE, r, &rd, 0) == 0 && !rd.process_running,
	    "service stopped");
	wbem_result_free(r);

	r = wbem_result_new(WBEM_R_INSTANCES);
	wbem_result_add_instance(r, inst("Win32_ComputerSystem", "Name", "N",
	    "TotalPhysicalMemory", "0", NULL, NULL));
	ok(profile_absorb(PQ_TOTAL, r, &rd, 0) == -1, "total memory 0 refused");
	wbem_result_free(r);

	/* The session count (issue 13). */
	ok(profile_sessions_wql("Win32_PerfFormattedData_W3SVC_WebService",
	    "CurrentConnections", "_Total", wql, sizeof(wql)) == 0, "sessions");
	is_str(wql, "SELECT Name, CurrentConnections FROM "
	    "Win32_PerfFormattedData_W3SVC_WebService WHERE Name = \"_Total\"",
	    "sessions query: the _Total instance, double quotes");
	ok(profile_sessions_wql("Vod_Sessions", "Active", "", wql,
	    sizeof(wql)) == 0, "sessions over every instance");
	is_str(wql, "SELECT Name, Active FROM Vod_Sessions",
	    "no instance: no WHERE, the reply is summed");
	ok(profile_sessions_wql("A B", "Active", "", wql, sizeof(wql)) == -1 &&
	    profile_sessions_wql("A", "x,y", "", wql, sizeof(wql)) == -1 &&
	    profile_sessions_wql("A", "P", "a\" OR \"1", wql,
	    sizeof(wql)) == -1, "class, property, instance cannot inject WQL");
	is_str(profile_query_name(PQ_SESSIONS), "sessions", "query name");

	r = wbem_result_new(WBEM_R_INSTANCES);
	wbem_result_add_instance(r, inst("W", "Name", "_Total",
	    "CurrentConnections", "17", NULL, NULL));
	memset(&rd, 0, sizeof(rd));
	ok(profile_absorb_sessions(r, "CurrentConnections", &rd) == 0 &&
	    rd.has_sessions && rd.sessions == 17, "a count of 17");
	wbem_result_free(r);
	r = wbem_result_new(WBEM_R_INSTANCES);
	wbem_result_add_instance(r, inst("W", "Name", "site1",
	    "CurrentConnections", "4", NULL, NULL));
	wbem_result_add_instance(r, inst("W", "Name", "site2",
	    "CurrentConnections", "12.0", NULL, NULL));
	memset(&rd, 0, sizeof(rd));
	ok(profile_absorb_sessions(r, "CurrentConnections", &rd) == 0 &&
	    rd.sessions == 16, "summed; \"12.0\" as WS-Man may send it: 16");
	wbem_result_free(r);
	r = wbem_result_new(WBEM_R_INSTANCES);
	wbem_result_add_instance(r, inst("W", "Name", "_Total",
	    "CurrentConnections", "2.5", NULL, NULL));
	memset(&rd, 0, sizeof(rd));
	ok(profile_absorb_sessions(r, "CurrentConnections", &rd) == -1 &&
	    !rd.has_sessions, "a fraction is no count");
	wbem_result_free(r);
	r = wbem_result_new(WBEM_R_INSTANCES);
	wbem_result_add_instance(r, inst("W", "Name", "_Total", NULL, NULL,
	    NULL, NULL));
	ok(profile_absorb_sessions(r, "CurrentConnections", &rd) == -1 &&
	    !rd.has_sessions, "no such property: unknown, not 0");
	wbem_result_free(r);
	r = wbem_result_new(WBEM_R_INSTANCES);
	ok(profile_absorb_sessions(r, "CurrentConnections", &rd) == -1,
	    "no instance: unknown");
	wbem_result_free(r);
	return (tap_done());
}
