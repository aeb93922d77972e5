/*
 * profile.c: what makes a load sample for a Windows node, and the paper's
 * formulas corrected for how Windows counters really behave.  Pure: WQL
 * text and instance lists in, numbers out.
 *
 * The readings feed estimate.c, which takes rates over a window of the
 * node's counters; profile_cpu and profile_net are the paper's two-reading
 * formulas with their refusals (counter wrap, timestamps going backwards,
 * a clock step), kept as the reference the estimator's rules follow.
 * Counters are uint64 on the wire and pass 2^53, so they are parsed with
 * parse_u64 and only the final ratio is a double.
 */
#include "config.h"

#include <ctype.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "cimheadd.h"

static const char *profile_query_names[] = {
	[PQ_CPU_RAW] = "cpu-raw",
	[PQ_CPU_FMT] = "cpu-formatted",
	[PQ_MEM] = "memory",
	[PQ_TOTAL] = "total-memory",
	[PQ_NET_RAW] = "net-raw",
	[PQ_NET_FMT] = "net-formatted",
	[PQ_PROCESS] = "process",
	[PQ_SERVICE] = "service",
	[PQ_SESSIONS] = "sessions",
};

const char *
profile_query_name(enum profile_query q)
{
	if ((size_t)q >= nitems(profile_query_names))
		return ("unknown");
	return (profile_query_names[q]);
}

static double
clamp_pct(double v)
{
	if (v < 0)
		return (0);
	if (v > 100)
		return (100);
	return (v);
}

/* Usable as a delta base: exists, not too old, strictly earlier. */
static int
prev_usable(uint64_t prev_at, uint64_t cur_at, uint64_t window_ms)
{
	if (cur_at < prev_at)
		return (0);
	if (window_ms != 0 && cur_at - prev_at > window_ms)
		return (0);
	return (1);
}

/*
 * Does the node's clock agree with ours over the interval?  Its stamps
 * and our receive times differ by the query latencies only, so a gap of
 * more than twice the interval plus PROFILE_CLOCK_SLACK_MS is a step of
 * its clock (NTP, an operator, a VM resumed), not time that passed: a
 * rate over it would read near 100 % busy or near idle and send every
 * viewer away from or onto the node.
 */
#define PROFILE_CLOCK_SLACK_MS	2000

/* 2x + slack, saturated: a node's counters may be anything up to 2^64. */
static uint64_t
twice_plus_slack(uint64_t x)
{
	if (x > (UINT64_MAX - PROFILE_CLOCK_SLACK_MS) / 2)
		return (UINT64_MAX);
	return (2 * x + PROFILE_CLOCK_SLACK_MS);
}

static int
clock_agrees(uint64_t node_ms, uint64_t prev_at, uint64_t cur_at)
{
	uint64_t	dt = cur_at - prev_at;

	return (node_ms <= twice_plus_slack(dt) &&
	    dt <= twice_plus_slack(node_ms));
}

/*
 * ticks at freq per second, in ms, saturated at UINT64_MAX: in integers,
 * since ticks * 1000 overflows and a double past 2^64 cast to uint64_t
 * is undefined; only the fraction below one second goes through a double,
 * and it is under 1000.
 */
static uint64_t
ticks_to_ms(uint64_t ticks, uint64_t freq)
{
	uint64_t	whole = ticks / freq, rest = ticks % freq;

	if (whole > (UINT64_MAX - 1000) / 1000)
		return (UINT64_MAX);
	return (whole * 1000 + (uint64_t)((double)rest * 1000.0 /
	    (double)freq));
}

int
profile_cpu(const struct profile_cpu_raw *prev,
    const struct profile_cpu_raw *cur, uint64_t window_ms, int has_fmt,
    double fmt, double *out)
{
	uint64_t	dn, dd;

	/*
	 * PERF_100NSEC_TIMER_INV counts idle time: busy = 1 - didle/dtime.
	 * A counter that went down (wrap, reboot), a clock that did not
	 * advance or stepped, or more idle time than time (a counter that
	 * jumped; _Total averages the CPUs, so idle <= time) gives no delta.
	 */
	if (prev != NULL && cur != NULL &&
	    prev_usable(prev->at_ms, cur->at_ms, window_ms) &&
	    cur->ts > prev->ts && cur->ppt >= prev->ppt) {
		dn = cur->ppt - prev->ppt;
		dd = cur->ts - prev->ts;
		/* dn <= dd * 1.1, without dd + dd / 10 wrapping near 2^64 */
		if ((dn <= dd || dn - dd <= dd / 10) &&
		    clock_agrees(dd / 10000, prev->at_ms, cur->at_ms)) {
			*out = clamp_pct(100.0 * (1.0 - (double)dn /
			    (double)dd));
			return (0);
		}
	}
	if (has_fmt) {
		*out = clamp_pct(fmt);
		return (0);
	}
	return (-1);
}

int
profile_mem(uint64_t total, uint64_t avail, double *out)
{
	if (total == 0)
		return (-1);
	if (avail > total)
		avail = total;
	*out = clamp_pct(100.0 * (double)(total - avail) / (double)total);
	return (0);
}

int
profile_net_rate(uint64_t bytes_per_s, uint64_t bandwidth, double *out)
{
	/* A link that reports no bandwidth has unknown load, not infinite. */
	if (bandwidth == 0)
		return (-1);
	*out = clamp_pct(100.0 * 8.0 * (double)bytes_per_s / (double)bandwidth);
	return (0);
}

int
profile_net(const struct profile_net_raw *prev,
    const struct profile_net_raw *cur, uint64_t window_ms, double *out)
{
	uint64_t	db, dt;
	double		rate;

	if (prev == NULL || cur == NULL || cur->bandwidth == 0 ||
	    cur->freq == 0 || prev->nifs != cur->nifs ||
	    !prev_usable(prev->at_ms, cur->at_ms, window_ms) ||
	    cur->perftime <= prev->perftime || cur->bytes < prev->bytes)
		return (-1);
	db = cur->bytes - prev->bytes;
	dt = cur->perftime - prev->perftime;
	if (!clock_agrees(ticks_to_ms(dt, cur->freq), prev->at_ms,
	    cur->at_ms))
		return (-1);
	rate = (double)db * (double)cur->freq / (double)dt;
	/* Half again the link's speed is a counter that jumped, not load. */
	if (8.0 * rate > 1.5 * (double)cur->bandwidth)
		return (-1);
	*out = clamp_pct(100.0 * 8.0 * rate / (double)cur->bandwidth);
	return (0);
}

static int
contains_ci(const char *hay, const char *needle)
{
	size_t	i, n = strlen(needle);

	for (; *hay != '\0'; hay++) {
		for (i = 0; i < n; i++)
			if (hay[i] == '\0' || tolower((unsigned char)hay[i]) !=
			    tolower((unsigned char)needle[i]))
				break;
		if (i == n)
			return (1);
	}
	return (0);
}

/*
 * Loopback and tunnel adapters carry no stream traffic of their own.  The
 * name is lowered once (ASCII: the words are), then strstr: a tolower()
 * match of each word at each byte was 3,400 instructions a name, for every
 * interface of every network probe (issue 14's profile).
 */
int
profile_iface_is_pseudo(const char *name)
{
	static const char *pseudo[] = { "loopback", "isatap", "teredo",
	    "pseudo", "6to4", "ip-https", "kernel debug" };
	char	low[256];
	size_t	i, n;

	if (name == NULL || *name == '\0')
		return (1);
	for (n = 0; name[n] != '\0' && n < sizeof(low) - 1; n++)
		low[n] = name[n] >= 'A' && name[n] <= 'Z' ?
		    name[n] - 'A' + 'a' : name[n];
	low[n] = '\0';
	for (i = 0; i < nitems(pseudo); i++)
		if (strstr(low, pseudo[i]) != NULL)
			return (1);
	if (name[n] == '\0')
		return (0);
	/* longer than any adapter name seen: the slow way, all of it */
	for (i = 0; i < nitems(pseudo); i++)
		if (contains_ci(name, pseudo[i]))
			return (1);
	return (0);
}

/* Safe inside a double-quoted WQL literal: no quote, backslash, control. */
int
profile_name_ok(const char *s)
{
	size_t	n = 0;

	if (s == NULL || *s == '\0')
		return (0);
	for (; *s != '\0'; s++, n++)
		if (*s == '"' || *s == '\\' || (unsigned char)*s < 0x20 ||
		    *s == 0x7f)
			return (0);
	return (n <= 256);
}

int
profile_query_wql(enum profile_query q, const char *name, char *out,
    size_t outlen)
{
	int	n;

	switch (q) {
	case PQ_CPU_RAW:
		/* OpenPegasus accepts only double-quoted literals. */
		n = snprintf(out, outlen, "SELECT Name, PercentProcessorTime, "
		    "Timestamp_Sys100NS FROM Win32_PerfRawData_PerfOS_Processor "
		    "WHERE Name = \"_Total\"");
		break;
	case PQ_CPU_FMT:
		n = snprintf(out, outlen, "SELECT Name, PercentProcessorTime "
		    "FROM Win32_PerfFormattedData_PerfOS_Processor "
		    "WHERE Name = \"_Total\"");
		break;
	case PQ_MEM:
		n = snprintf(out, outlen, "SELECT AvailableBytes FROM "
		    "Win32_PerfFormattedData_PerfOS_Memory");
		break;
	case PQ_TOTAL:
		n = snprintf(out, outlen, "SELECT Name, TotalPhysicalMemory "
		    "FROM Win32_ComputerSystem");
		break;
	case PQ_NET_RAW:
		n = snprintf(out, outlen, "SELECT Name, BytesTotalPersec, "
		    "BytesSentPersec, BytesReceivedPersec, "
		    "CurrentBandwidth, Timestamp_PerfTime, Frequency_PerfTime "
		    "FROM Win32_PerfRawData_Tcpip_NetworkInterface");
		break;
	case PQ_NET_FMT:
		n = snprintf(out, outlen, "SELECT Name, BytesTotalPersec, "
		    "BytesSentPersec, BytesReceivedPersec, CurrentBandwidth "
		    "FROM Win32_PerfFormattedData_Tcpip_NetworkInterface");
		break;
	case PQ_PROCESS:
		if (!profile_name_ok(name))
			return (-1);
		n = snprintf(out, outlen, "SELECT Handle, Caption FROM "
		    "Win32_Process WHERE Caption = \"%s\"", name);
		break;
	case PQ_SERVICE:
		if (!profile_name_ok(name))
			return (-1);
		n = snprintf(out, outlen, "SELECT Name, State, Started FROM "
		    "Win32_Service WHERE Name = \"%s\"", name);
		break;
	default:
		return (-1);
	}
	if (n < 0 || (size_t)n >= outlen)
		return (-1);
	return (0);
}

static int
inst_u64(const struct cim_instance *in, const char *prop, uint64_t *out)
{
	const char	*t;

	if ((t = cim_instance_text(in, prop)) == NULL)
		return (-1);
	return (parse_u64(t, out));
}

/* The _Total instance, or the only one when the reply has one. */
static const struct cim_instance *
find_total(const struct wbem_result *r)
{
	const char	*nm;
	size_t		 i;

	for (i = 0; i < r->ninst; i++) {
		nm = cim_instance_text(r->inst[i], "Name");
		if (nm != NULL && strcmp(nm, "_Total") == 0)
			return (r->inst[i]);
	}
	return (r->ninst == 1 ? r->inst[0] : NULL);
}

int
profile_absorb(enum profile_query q, const struct wbem_result *r,
    struct profile_reading *rd, uint64_t now_ms)
{
	const struct cim_instance	*in;
	const char			*t, *nm;
	uint64_t			 v, b, bw, pt = 0, fq = 0, bs, br;
	size_t				 i, nifs = 0;
	uint64_t			 sb = 0, sbw = 0, ss = 0, sr = 0;
	int				 duplex = 1;

	if (r == NULL || r->kind != WBEM_R_INSTANCES)
		return (-1);
	switch (q) {
	case PQ_CPU_RAW:
		if ((in = find_total(r)) == NULL ||
		    inst_u64(in, "PercentProcessorTime", &rd->cpu_raw.ppt) ||
		    inst_u64(in, "Timestamp_Sys100NS", &rd->cpu_raw.ts))
			return (-1);
		rd->cpu_raw.at_ms = now_ms;
		rd->has_cpu_raw = 1;
		return (0);
	case PQ_CPU_FMT:
		/*
		 * A CIMOM may hold no formatted processor instance at all
		 * (an OpenPegasus without it): the figure is unknown, which
		 * leaves the raw counters to make it; not a malformed reply.
		 */
		if (r->ninst == 0)
			return (0);
		if ((in = find_total(r)) == NULL ||
		    inst_u64(in, "PercentProcessorTime", &v))
			return (-1);
		rd->cpu_fmt = v > 100 ? 100 : (double)v;
		rd->has_cpu_fmt = 1;
		return (0);
	case PQ_MEM:
		if (r->ninst < 1 || inst_u64(r->inst[0], "AvailableBytes",
		    &rd->avail))
			return (-1);
		rd->has_avail = 1;
		return (0);
	case PQ_TOTAL:
		if (r->ninst < 1 || inst_u64(r->inst[0],
		    "TotalPhysicalMemory", &rd->total) || rd->total == 0)
			return (-1);
		rd->has_total = 1;
		return (0);
	case PQ_NET_RAW:
	case PQ_NET_FMT:
		/*
		 * BytesTotalPersec over CurrentBandwidth is the paper's figure,
		 * but an Ethernet link is full duplex: each direction has the
		 * whole bandwidth, so a streaming node at its link's limit
		 * reads its sent bytes plus the ACKs it received (2 % more on
		 * cimmockd, over 100 %).  Where every interface gives both
		 * directions the figure is the busier one; else the total.
		 */
		for (i = 0; i < r->ninst; i++) {
			in = r->inst[i];
			nm = cim_instance_text(in, "Name");
			if (profile_iface_is_pseudo(nm))
				continue;
			if (inst_u64(in, "BytesTotalPersec", &b) ||
			    inst_u64(in, "CurrentBandwidth", &bw))
				return (-1);
			if (inst_u64(in, "BytesSentPersec", &bs) ||
			    inst_u64(in, "BytesReceivedPersec", &br) ||
			    ss + bs < ss || sr + br < sr)
				duplex = 0;
			else {
				ss += bs;
				sr += br;
			}
			/* Sums that would wrap are not a load figure. */
			if (sb + b < sb || sbw + bw < sbw)
				return (-1);
			sb += b;
			sbw += bw;
			if (q == PQ_NET_RAW && nifs == 0 &&
			    (inst_u64(in, "Timestamp_PerfTime", &pt) ||
			    inst_u64(in, "Frequency_PerfTime", &fq)))
				return (-1);
			nifs++;
		}
		if (nifs == 0)
			duplex = 0;
		if (q == PQ_NET_RAW) {
			rd->net_raw.bytes = sb;
			rd->net_raw.sent = duplex ? ss : 0;
			rd->net_raw.recv = duplex ? sr : 0;
			rd->net_raw.duplex = duplex;
			rd->net_raw.bandwidth = sbw;
			rd->net_raw.perftime = pt;
			rd->net_raw.freq = fq;
			rd->net_raw.nifs = nifs;
			rd->net_raw.at_ms = now_ms;
			rd->has_net_raw = 1;
		} else {
			rd->net_fmt_bytes = duplex ? (ss > sr ? ss : sr) : sb;
			rd->net_fmt_bw = sbw;
			rd->net_fmt_nifs = nifs;
			rd->has_net_fmt = 1;
		}
		return (0);
	case PQ_PROCESS:
		/*
		 * The query selects by Caption, so any instance it returns is
		 * the process running, whatever Caption says: a provider may
		 * leave a selected property out or NULL, and a process taken
		 * for missing would be restarted while it runs.  The handle
		 * is the first one given.
		 */
		rd->has_process = 1;
		rd->process_running = r->ninst > 0;
		rd->process_handle[0] = '\0';
		for (i = 0; i < r->ninst; i++) {
			t = cim_instance_text(r->inst[i], "Handle");
			if (t != NULL) {
				strlcpy(rd->process_handle, t,
				    sizeof(rd->process_handle));
				break;
			}
		}
		return (0);
	case PQ_SERVICE:
		rd->has_process = 1;
		rd->process_running = 0;
		if (r->ninst < 1)
			return (0);
		t = cim_instance_text(r->inst[0], "State");
		rd->process_running = t != NULL &&
		    str_casecmp_ascii(t, "Running") == 0;
		return (0);
	default:
		return (-1);
	}
}

/* ---- the session count ------------------------------------------------ */

int
profile_ident_ok(const char *s)
{
	size_t	n = 0;

	if (s == NULL || *s == '\0')
		return (0);
	for (; *s != '\0'; s++, n++)
		if (!isalnum((unsigned char)*s) && *s != '_')
			return (0);
	return (n <= 128);
}

int
profile_sessions_wql(const char *cls, const char *prop, const char *inst,
    char *out, size_t outlen)
{
	int	n;

	if (!profile_ident_ok(cls) || !profile_ident_ok(prop) || inst == NULL)
		return (-1);
	if (*inst == '\0')
		n = snprintf(out, outlen, "SELECT Name, %s FROM %s", prop, cls);
	else if (!profile_name_ok(inst))
		return (-1);
	else
		n = snprintf(out, outlen, "SELECT Name, %s FROM %s WHERE "
		    "Name = \"%s\"", prop, cls, inst);
	if (n < 0 || (size_t)n >= outlen)
		return (-1);
	return (0);
}

/*
 * A count as a number: CIM-XML sends a uint32 as digits, WS-Management
 * may send any counter as a string, a formatted one maybe as "12.0".
 * Anything else (negative, a fraction, not a number) is no count.
 */
static int
profile_count(const char *t, uint64_t *out)
{
	const char	*dot;
	size_t		 i;

	if (t == NULL)
		return (-1);
	while (*t == ' ')
		t++;
	if (parse_u64(t, out) == 0)
		return (0);
	if ((dot = strchr(t, '.')) == NULL || dot == t)
		return (-1);
	for (i = 1; dot[i] != '\0'; i++)
		if (dot[i] != '0')
			return (-1);
	for (i = 0; t + i < dot; i++)
		if (!isdigit((unsigned char)t[i]))
			return (-1);
	if (dot - t > 19)
		return (-1);
	*out = 0;
	for (; t < dot; t++)
		*out = *out * 10 + (uint64_t)(*t - '0');
	return (0);
}

/*
 * Sums prop over the reply's instances (one when the query named it).
 * -1 when an instance lacks it or it is no count: the caller treats the
 * count as unknown, never as 0 sessions.
 */
int
profile_absorb_sessions(const struct wbem_result *r, const char *prop,
    struct profile_reading *rd)
{
	uint64_t	v, sum = 0;
	size_t		i;

	if (r == NULL || r->kind != WBEM_R_INSTANCES || prop == NULL ||
	    r->ninst == 0)
		return (-1);
	for (i = 0; i < r->ninst; i++) {
		if (profile_count(cim_instance_text(r->inst[i], prop),
		    &v) == -1 || sum + v < sum)
			return (-1);
		sum += v;
	}
	rd->sessions = sum;
	rd->has_sessions = 1;
	return (0);
}
