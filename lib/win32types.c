/*
 * win32types.c: the CIM types of the Win32 classes the daemon and the CLI
 * read over WS-Management.  WinRM's items carry no types (unlike
 * CIM-XML's), so the WS-Man codec types a value from a table its caller
 * passes in (struct wsman_opts); this is the table wbem.c passes unless
 * the target names another, so uint64 counters print and compare as
 * numbers and Win32 instances get their key paths.  Data only.
 *
 * The classes are those of PROTOCOL-NOTES and of the real WinRM replies
 * replayed (Server 2003 to 2012), typed as Microsoft's class pages
 * (learn.microsoft.com, cimwin32prov and the PerfProc_Process page of
 * previous-versions) declare them: every property that is not a string,
 * for the classes whose whole declaration we read; only the counters
 * read there for the rest.  A
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
#define DISK	"Win32_LogicalDisk"
#define NIC	"Win32_NetworkAdapter"
#define RAW_PROC "Win32_PerfRawData_PerfProc_Process"
#define T_STRING	CIM_T_STRING
#define T_BOOLEAN	CIM_T_BOOLEAN
#define T_UINT8		CIM_T_UINT8
#define T_UINT16	CIM_T_UINT16
#define T_SINT16	CIM_T_SINT16
#define T_UINT32	CIM_T_UINT32
#define T_UINT64	CIM_T_UINT64
#define T_SINT64	CIM_T_SINT64
#define T_DATETIME	CIM_T_DATETIME

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
	{ CS, "AdminPasswordStatus", T_UINT16, 0 },
	{ CS, "AutomaticManagedPagefile", T_BOOLEAN, 0 },
	{ CS, "AutomaticResetBootOption", T_BOOLEAN, 0 },
	{ CS, "AutomaticResetCapability", T_BOOLEAN, 0 },
	{ CS, "BootOptionOnLimit", T_UINT16, 0 },
	{ CS, "BootOptionOnWatchDog", T_UINT16, 0 },
	{ CS, "BootROMSupported", T_BOOLEAN, 0 },
	{ CS, "ChassisBootupState", T_UINT16, 0 },
	{ CS, "CurrentTimeZone", T_SINT16, 0 },
	{ CS, "DaylightInEffect", T_BOOLEAN, 0 },
	{ CS, "DomainRole", T_UINT16, 0 },
	{ CS, "EnableDaylightSavingsTime", T_BOOLEAN, 0 },
	{ CS, "FrontPanelResetStatus", T_UINT16, 0 },
	{ CS, "HypervisorPresent", T_BOOLEAN, 0 },
	{ CS, "InfraredSupported", T_BOOLEAN, 0 },
	{ CS, "InstallDate", T_DATETIME, 0 },
	{ CS, "KeyboardPasswordStatus", T_UINT16, 0 },
	{ CS, "NetworkServerModeEnabled", T_BOOLEAN, 0 },
	{ CS, "PartOfDomain", T_BOOLEAN, 0 },
	{ CS, "PauseAfterReset", T_SINT64, 0 },
	{ CS, "PCSystemType", T_UINT16, 0 },
	{ CS, "PowerManagementSupported", T_BOOLEAN, 0 },
	{ CS, "PowerOnPasswordStatus", T_UINT16, 0 },
	{ CS, "PowerState", T_UINT16, 0 },
	{ CS, "PowerSupplyState", T_UINT16, 0 },
	{ CS, "ResetCapability", T_UINT16, 0 },
	{ CS, "ResetCount", T_SINT16, 0 },
	{ CS, "ResetLimit", T_SINT16, 0 },
	{ CS, "SystemStartupDelay", T_UINT16, 0 },
	{ CS, "SystemStartupSetting", T_UINT8, 0 },
	{ CS, "ThermalState", T_UINT16, 0 },
	{ CS, "WakeUpType", T_UINT16, 0 },
	{ OS, "Name", T_STRING, 1 },
	{ OS, "TotalVisibleMemorySize", T_UINT64, 0 },
	{ OS, "FreePhysicalMemory", T_UINT64, 0 },
	{ OS, "TotalVirtualMemorySize", T_UINT64, 0 },
	{ OS, "FreeVirtualMemory", T_UINT64, 0 },
	{ OS, "NumberOfProcesses", T_UINT32, 0 },
	{ OS, "CurrentTimeZone", T_SINT16, 0 },
	{ OS, "DataExecutionPrevention_32BitApplications", T_BOOLEAN, 0 },
	{ OS, "DataExecutionPrevention_Available", T_BOOLEAN, 0 },
	{ OS, "DataExecutionPrevention_Drivers", T_BOOLEAN, 0 },
	{ OS, "DataExecutionPrevention_SupportPolicy", T_UINT8, 0 },
	{ OS, "Debug", T_BOOLEAN, 0 },
	{ OS, "Distributed", T_BOOLEAN, 0 },
	{ OS, "EncryptionLevel", T_UINT32, 0 },
	{ OS, "ForegroundApplicationBoost", T_UINT8, 0 },
	{ OS, "FreeSpaceInPagingFiles", T_UINT64, 0 },
	{ OS, "InstallDate", T_DATETIME, 0 },
	{ OS, "LargeSystemCache", T_UINT32, 0 },
	{ OS, "LastBootUpTime", T_DATETIME, 0 },
	{ OS, "LocalDateTime", T_DATETIME, 0 },
	{ OS, "MaxNumberOfProcesses", T_UINT32, 0 },
	{ OS, "MaxProcessMemorySize", T_UINT64, 0 },
	{ OS, "NumberOfLicensedUsers", T_UINT32, 0 },
	{ OS, "NumberOfUsers", T_UINT32, 0 },
	{ OS, "OperatingSystemSKU", T_UINT32, 0 },
	{ OS, "OSLanguage", T_UINT32, 0 },
	{ OS, "OSProductSuite", T_UINT32, 0 },
	{ OS, "OSType", T_UINT16, 0 },
	{ OS, "PAEEnabled", T_BOOLEAN, 0 },
	{ OS, "PortableOperatingSystem", T_BOOLEAN, 0 },
	{ OS, "Primary", T_BOOLEAN, 0 },
	{ OS, "ProductType", T_UINT32, 0 },
	{ OS, "QuantumLength", T_UINT8, 0 },
	{ OS, "QuantumType", T_UINT8, 0 },
	{ OS, "ServicePackMajorVersion", T_UINT16, 0 },
	{ OS, "ServicePackMinorVersion", T_UINT16, 0 },
	{ OS, "SizeStoredInPagingFiles", T_UINT64, 0 },
	{ OS, "SuiteMask", T_UINT32, 0 },
	{ OS, "TotalSwapSpaceSize", T_UINT64, 0 },
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
	{ PROC, "CreationDate", T_DATETIME, 0 },
	{ PROC, "ExecutionState", T_UINT16, 0 },
	{ PROC, "InstallDate", T_DATETIME, 0 },
	{ PROC, "MaximumWorkingSetSize", T_UINT32, 0 },
	{ PROC, "MinimumWorkingSetSize", T_UINT32, 0 },
	{ PROC, "OtherOperationCount", T_UINT64, 0 },
	{ PROC, "OtherTransferCount", T_UINT64, 0 },
	{ PROC, "PageFaults", T_UINT32, 0 },
	{ PROC, "PageFileUsage", T_UINT32, 0 },
	{ PROC, "PeakPageFileUsage", T_UINT32, 0 },
	{ PROC, "PeakVirtualSize", T_UINT64, 0 },
	{ PROC, "QuotaNonPagedPoolUsage", T_UINT32, 0 },
	{ PROC, "QuotaPagedPoolUsage", T_UINT32, 0 },
	{ PROC, "QuotaPeakNonPagedPoolUsage", T_UINT32, 0 },
	{ PROC, "QuotaPeakPagedPoolUsage", T_UINT32, 0 },
	{ PROC, "ReadOperationCount", T_UINT64, 0 },
	{ PROC, "ReadTransferCount", T_UINT64, 0 },
	{ PROC, "TerminationDate", T_DATETIME, 0 },
	{ PROC, "WriteOperationCount", T_UINT64, 0 },
	{ PROC, "WriteTransferCount", T_UINT64, 0 },
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
	{ SVC, "InstallDate", T_DATETIME, 0 },
	{ DISK, "DeviceID", T_STRING, 1 },
	{ DISK, "Access", T_UINT16, 0 },
	{ DISK, "Availability", T_UINT16, 0 },
	{ DISK, "BlockSize", T_UINT64, 0 },
	{ DISK, "Compressed", T_BOOLEAN, 0 },
	{ DISK, "ConfigManagerErrorCode", T_UINT32, 0 },
	{ DISK, "ConfigManagerUserConfig", T_BOOLEAN, 0 },
	{ DISK, "DriveType", T_UINT32, 0 },
	{ DISK, "ErrorCleared", T_BOOLEAN, 0 },
	{ DISK, "FreeSpace", T_UINT64, 0 },
	{ DISK, "InstallDate", T_DATETIME, 0 },
	{ DISK, "LastErrorCode", T_UINT32, 0 },
	{ DISK, "MaximumComponentLength", T_UINT32, 0 },
	{ DISK, "MediaType", T_UINT32, 0 },
	{ DISK, "NumberOfBlocks", T_UINT64, 0 },
	{ DISK, "PowerManagementCapabilities", T_UINT16, 0 },
	{ DISK, "PowerManagementSupported", T_BOOLEAN, 0 },
	{ DISK, "QuotasDisabled", T_BOOLEAN, 0 },
	{ DISK, "QuotasIncomplete", T_BOOLEAN, 0 },
	{ DISK, "QuotasRebuilding", T_BOOLEAN, 0 },
	{ DISK, "Size", T_UINT64, 0 },
	{ DISK, "StatusInfo", T_UINT16, 0 },
	{ DISK, "SupportsDiskQuotas", T_BOOLEAN, 0 },
	{ DISK, "SupportsFileBasedCompression", T_BOOLEAN, 0 },
	{ DISK, "VolumeDirty", T_BOOLEAN, 0 },
	{ NIC, "DeviceID", T_STRING, 1 },
	{ NIC, "AdapterTypeID", T_UINT16, 0 },
	{ NIC, "AutoSense", T_BOOLEAN, 0 },
	{ NIC, "Availability", T_UINT16, 0 },
	{ NIC, "ConfigManagerErrorCode", T_UINT32, 0 },
	{ NIC, "ConfigManagerUserConfig", T_BOOLEAN, 0 },
	{ NIC, "ErrorCleared", T_BOOLEAN, 0 },
	{ NIC, "Index", T_UINT32, 0 },
	{ NIC, "InstallDate", T_DATETIME, 0 },
	{ NIC, "Installed", T_BOOLEAN, 0 },
	{ NIC, "InterfaceIndex", T_UINT32, 0 },
	{ NIC, "LastErrorCode", T_UINT32, 0 },
	{ NIC, "MaxNumberControlled", T_UINT32, 0 },
	{ NIC, "MaxSpeed", T_UINT64, 0 },
	{ NIC, "NetConnectionStatus", T_UINT16, 0 },
	{ NIC, "NetEnabled", T_BOOLEAN, 0 },
	{ NIC, "PhysicalAdapter", T_BOOLEAN, 0 },
	{ NIC, "PowerManagementCapabilities", T_UINT16, 0 },
	{ NIC, "PowerManagementSupported", T_BOOLEAN, 0 },
	{ NIC, "Speed", T_UINT64, 0 },
	{ NIC, "StatusInfo", T_UINT16, 0 },
	{ NIC, "TimeOfLastReset", T_DATETIME, 0 },
	{ RAW_PROC, "CreatingProcessID", T_UINT32, 0 },
	{ RAW_PROC, "ElapsedTime", T_UINT64, 0 },
	{ RAW_PROC, "HandleCount", T_UINT32, 0 },
	{ RAW_PROC, "IDProcess", T_UINT32, 0 },
	{ RAW_PROC, "IODataOperationsPerSec", T_UINT64, 0 },
	{ RAW_PROC, "IOOtherOperationsPerSec", T_UINT64, 0 },
	{ RAW_PROC, "IOReadBytesPerSec", T_UINT64, 0 },
	{ RAW_PROC, "IOReadOperationsPerSec", T_UINT64, 0 },
};

const size_t wsman_win32_nptypes = nitems(wsman_win32_ptypes);

/*
 * The classes WinRM serves under its WMI resource URIs, by prefix; any
 * other class is addressed by its DMTF cim-schema URI (wsman.c).
 */
const char *const wsman_win32_wmi_prefixes[] = {
	"Win32_", "MSFT_", "__", NULL
};
