/*
 * win32types.c: the CIM types of the Win32 classes the daemon and the CLI
 * read over WS-Management.  WinRM's items carry no types (unlike
 * CIM-XML's), so the WS-Man codec types a value from a table its caller
 * passes in (struct wsman_opts); this is the table wbem.c passes unless
 * the target names another, so uint64 counters print and compare as
 * numbers and Win32 instances get their key paths.  Data only.
 *
 * The classes are those of PROTOCOL-NOTES, typed as WMI declares them.  A
 * class with a '*' matches by prefix and suffix (the Win32_Perf counter
 * bookkeeping every perf class shares).  key marks the properties that
 * form the instance's path.
 */
#include "config.h"

#include "cimhead.h"

#define PERF	"Win32_Perf*"
#define RAW_CPU	"Win32_PerfRawData_PerfOS_Processor"
#define FMT_CPU	"Win32_PerfFormattedData_PerfOS_Processor"
#define RAW_MEM	"Win32_PerfRawData_PerfOS_Memory"
#define FMT_MEM	"Win32_PerfFormattedData_PerfOS_Memory"
#define ANY_NIC	"Win32_Perf*_Tcpip_NetworkInterface"
#define CS	"Win32_ComputerSystem"
#define OS	"Win32_OperatingSystem"
#define PROC	"Win32_Process"
#define SVC	"Win32_Service"
#define T_STRING	CIM_T_STRING
#define T_BOOLEAN	CIM_T_BOOLEAN
#define T_UINT32	CIM_T_UINT32
#define T_UINT64	CIM_T_UINT64

const struct wsman_ptype wsman_win32_ptypes[] = {
	{ PERF, "Name", T_STRING, 1 },
	{ PERF, "Frequency_Object", T_UINT64, 0 },
	{ PERF, "Frequency_PerfTime", T_UINT64, 0 },
	{ PERF, "Frequency_Sys100NS", T_UINT64, 0 },
	{ PERF, "Timestamp_Object", T_UINT64, 0 },
	{ PERF, "Timestamp_PerfTime", T_UINT64, 0 },
	{ PERF, "Timestamp_Sys100NS", T_UINT64, 0 },
	{ PERF, "Caption", T_STRING, 0 },
	{ PERF, "Description", T_STRING, 0 },
	{ RAW_CPU, "PercentProcessorTime", T_UINT64, 0 },
	{ RAW_CPU, "PercentIdleTime", T_UINT64, 0 },
	{ RAW_CPU, "PercentUserTime", T_UINT64, 0 },
	{ RAW_CPU, "PercentPrivilegedTime", T_UINT64, 0 },
	{ FMT_CPU, "PercentProcessorTime", T_UINT64, 0 },
	{ FMT_CPU, "PercentIdleTime", T_UINT64, 0 },
	{ FMT_MEM, "AvailableBytes", T_UINT64, 0 },
	{ FMT_MEM, "AvailableKBytes", T_UINT64, 0 },
	{ FMT_MEM, "AvailableMBytes", T_UINT64, 0 },
	{ RAW_MEM, "AvailableBytes", T_UINT64, 0 },
	{ RAW_MEM, "AvailableMBytes", T_UINT64, 0 },
	{ ANY_NIC, "CurrentBandwidth", T_UINT64, 0 },
	{ ANY_NIC, "BytesTotalPersec", T_UINT64, 0 },
	{ ANY_NIC, "BytesSentPersec", T_UINT64, 0 },
	{ ANY_NIC, "BytesReceivedPersec", T_UINT64, 0 },
	{ CS, "Name", T_STRING, 1 },
	{ CS, "TotalPhysicalMemory", T_UINT64, 0 },
	{ CS, "NumberOfProcessors", T_UINT32, 0 },
	{ CS, "NumberOfLogicalProcessors", T_UINT32, 0 },
	{ OS, "Name", T_STRING, 1 },
	{ OS, "TotalVisibleMemorySize", T_UINT64, 0 },
	{ OS, "FreePhysicalMemory", T_UINT64, 0 },
	{ OS, "TotalVirtualMemorySize", T_UINT64, 0 },
	{ OS, "FreeVirtualMemory", T_UINT64, 0 },
	{ OS, "NumberOfProcesses", T_UINT32, 0 },
	{ PROC, "Handle", T_STRING, 1 },
	{ PROC, "ProcessId", T_UINT32, 0 },
	{ PROC, "ParentProcessId", T_UINT32, 0 },
	{ PROC, "ThreadCount", T_UINT32, 0 },
	{ PROC, "HandleCount", T_UINT32, 0 },
	{ PROC, "Priority", T_UINT32, 0 },
	{ PROC, "SessionId", T_UINT32, 0 },
	{ PROC, "WorkingSetSize", T_UINT64, 0 },
	{ PROC, "PeakWorkingSetSize", T_UINT32, 0 },
	{ PROC, "VirtualSize", T_UINT64, 0 },
	{ PROC, "KernelModeTime", T_UINT64, 0 },
	{ PROC, "UserModeTime", T_UINT64, 0 },
	{ PROC, "PrivatePageCount", T_UINT64, 0 },
	{ SVC, "Name", T_STRING, 1 },
	{ SVC, "Started", T_BOOLEAN, 0 },
	{ SVC, "AcceptStop", T_BOOLEAN, 0 },
	{ SVC, "AcceptPause", T_BOOLEAN, 0 },
	{ SVC, "DesktopInteract", T_BOOLEAN, 0 },
	{ SVC, "DelayedAutoStart", T_BOOLEAN, 0 },
	{ SVC, "ProcessId", T_UINT32, 0 },
	{ SVC, "ExitCode", T_UINT32, 0 },
	{ SVC, "ServiceSpecificExitCode", T_UINT32, 0 },
	{ SVC, "CheckPoint", T_UINT32, 0 },
	{ SVC, "WaitHint", T_UINT32, 0 },
	{ SVC, "TagId", T_UINT32, 0 },
};

const size_t wsman_win32_nptypes = nitems(wsman_win32_ptypes);

/*
 * The classes WinRM serves under its WMI resource URIs, by prefix; any
 * other class is addressed by its DMTF cim-schema URI (wsman.c).
 */
const char *const wsman_win32_wmi_prefixes[] = {
	"Win32_", "MSFT_", "__", NULL
};
