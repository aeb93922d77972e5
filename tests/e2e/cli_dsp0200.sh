#!/bin/sh
# cli_dsp0200.sh: the DSP0200 operations of issue 15 (classes, associations,
# instance create/modify/delete, properties, qualifiers, namespaces, pull
# enumerations) against tests/replay.py with replies shaped as DSP0201 and
# OpenPegasus write them: what each request carries, what each prints, in
# every format; then WS-Man's DMTF resource URIs and EnumerateObjectAndEPR.
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/e2e/replay-lib.sh"
OUT="$TEST_TMP/out"
ERR="$TEST_TMP/err"

# req N PATTERN: the Nth request of the last server holds PATTERN
req() {
	grep -q -- "$2" "$REQ/req-$1"
}

# getclass: OpenPegasus's own reply; JSON parsed, MOF, table
start_replay gc-process.response
"$CIMHEAD" getclass "$URL" Win32_Process >"$OUT" 2>"$ERR"
is "$?" 0 "getclass: exit 0"
is "$(json_get "$OUT" '[j["name"], j["superclass"], j["properties"]["Handle"]["qualifiers"]]')" \
    '["Win32_Process", null, {"Key": true}]' "getclass: name, superclass, Key"
is "$(json_get "$OUT" 'j["methods"]["Create"]["parameters"]["ProcessId"]["qualifiers"]')" \
    '{"IN": false, "OUT": true}' "getclass: method parameters and their qualifiers"
is "$(json_get "$OUT" 'j["class"][:26]')" '<CLASS NAME="Win32_Process' \
    "getclass: the XML still there"
req 1 '^CIMMethod: GetClass' && req 1 'NAME="LocalOnly"><VALUE>FALSE' && \
    ! req 1 IncludeQualifiers
ok $? "getclass: GetClass, LocalOnly FALSE, IncludeQualifiers left to the server"
"$CIMHEAD" getclass --format mof --no-qualifiers --class-origin \
    --properties Handle,Caption "$URL" Win32_Process >"$OUT" 2>"$ERR"
is "$?" 0 "getclass mof: exit 0"
req 2 'NAME="IncludeQualifiers"><VALUE>FALSE' && \
    req 2 'NAME="IncludeClassOrigin"><VALUE>TRUE' && \
    req 2 '<VALUE>Handle</VALUE><VALUE>Caption</VALUE>'
ok $? "getclass: --no-qualifiers, --class-origin, --properties sent"
grep -q '^class Win32_Process$' "$OUT" && grep -q '^      \[Key\]$' "$OUT" && \
    grep -q '^   uint32 Create($' "$OUT" && \
    grep -q '^         \[IN (false), OUT\]$' "$OUT" && \
    grep -q '^      uint32 ProcessId);$' "$OUT" && \
    grep -q '^\[Description ("Mirror of Windows Win32_Process")\]$' "$OUT" && \
    [ "$(tail -1 "$OUT")" = "};" ]
ok $? "getclass: MOF with qualifiers, properties and the method"
"$CIMHEAD" getclass --format table "$URL" Win32_Process >"$OUT" 2>"$ERR"
is "$(sed -n 1,2p "$OUT" | tr -s ' ')" "$(printf 'PROPERTY TYPE QUALIFIERS\nHandle string Key')" \
    "getclass table: one row per property"

# classes, classnames
start_replay ec-classes.response
"$CIMHEAD" classes --deep "$URL" >"$OUT" 2>"$ERR"
is "$?" 0 "classes: exit 0"
is "$(json_get "$OUT" '[c["name"] for c in j]')" '["CIM_ManagedElement", "CIM_Process"]' \
    "classes: both"
is "$(json_get "$OUT" '[j[1]["superclass"], j[1]["properties"]["Names"]["default"], j[1]["properties"]["Owner"]["reference_class"], j[1]["properties"]["Handle"]["class_origin"]]')" \
    '["CIM_ManagedElement", ["a", "b \"c\""], "CIM_Account", "CIM_Process"]' \
    "classes: superclass, array default, reference class, class origin"
req 1 '^CIMMethod: EnumerateClasses' && ! req 1 'NAME="ClassName"' && \
    req 1 'NAME="DeepInheritance"><VALUE>TRUE'
ok $? "classes: no ClassName, --deep sent"
"$CIMHEAD" classes --format mof "$URL" CIM_ManagedElement >"$OUT" 2>"$ERR"
req 2 '<IPARAMVALUE NAME="ClassName"><CLASSNAME NAME="CIM_ManagedElement"/>' && \
    ! req 2 'DeepInheritance' && ! req 2 LocalOnly && ! req 2 IncludeQualifiers
ok $? "classes CLASS: only ClassName by default, as pywbem sends it"
grep -q '^class CIM_Process : CIM_ManagedElement$' "$OUT" && \
    grep -q '^   string Names\[\] = {"a", "b \\"c\\""};$' "$OUT" && \
    grep -q '^   CIM_Account REF Owner;$' "$OUT" && \
    grep -q '^   uint32 Priority = 8;$' "$OUT" && \
    grep -q '^      \[MaxLen (64)\]$' "$OUT" && grep -q '^\[Abstract\]$' "$OUT"
ok $? "classes: MOF of both, arrays, references, defaults, qualifier values"
"$CIMHEAD" classes --no-local-only --qualifiers "$URL" >"$OUT" 2>"$ERR"
req 3 'NAME="LocalOnly"><VALUE>FALSE' && req 3 'NAME="IncludeQualifiers"><VALUE>TRUE'
ok $? "classes: --no-local-only, --qualifiers"
"$CIMHEAD" classes --format table "$URL" >"$OUT" 2>"$ERR"
is "$(tr -s ' ' <"$OUT")" "$(printf 'CLASS SUPERCLASS\nCIM_ManagedElement\nCIM_Process CIM_ManagedElement')" \
    "classes table: class and superclass"
start_replay ecn-classnames.response
"$CIMHEAD" classnames --format text "$URL" CIM_ManagedElement >"$OUT" 2>"$ERR"
is "$?" 0 "classnames: exit 0"
is "$(cat "$OUT")" "$(printf 'root/cimv2:CIM_ManagedElement\nroot/cimv2:CIM_Process\nroot/cimv2:Win32_Process')" \
    "classnames: the names"
req 1 '^CIMMethod: EnumerateClassNames' && ! req 1 LocalOnly && \
    ! req 1 DeepInheritance
ok $? "classnames: EnumerateClassNames, ClassName only"

# associators, associatornames, references, referencenames
start_replay as-process.response an-process.response rf-process.response \
    rn-process.response
"$CIMHEAD" associators --assoc-class Win32_SystemProcesses \
    --result-class Win32_ComputerSystem --role PartComponent \
    --result-role GroupComponent "$URL" 'Win32_Process.Handle="2345"' \
    >"$OUT" 2>"$ERR"
is "$?" 0 "associators: exit 0"
is "$(json_get "$OUT" '[j[0]["classname"], j[0]["path"], j[0]["properties"]["NumberOfProcessors"]["value"]]')" \
    '["Win32_ComputerSystem", {"Name": "NODE1"}, 4]' "associators: the instance and its path"
req 1 '^CIMMethod: Associators' && \
    req 1 '<IPARAMVALUE NAME="ObjectName"><INSTANCENAME CLASSNAME="Win32_Process"><KEYBINDING NAME="Handle"><KEYVALUE VALUETYPE="string" TYPE="string">2345<' && \
    req 1 '<IPARAMVALUE NAME="AssocClass"><CLASSNAME NAME="Win32_SystemProcesses"/>' && \
    req 1 '<IPARAMVALUE NAME="ResultClass"><CLASSNAME NAME="Win32_ComputerSystem"/>' && \
    req 1 '<IPARAMVALUE NAME="Role"><VALUE>PartComponent<' && \
    req 1 '<IPARAMVALUE NAME="ResultRole"><VALUE>GroupComponent<'
ok $? "associators: ObjectName, AssocClass, ResultClass, Role, ResultRole"
"$CIMHEAD" associatornames --format text "$URL" 'Win32_Process.Handle="2345"' \
    >"$OUT" 2>"$ERR"
is "$(cat "$OUT")" '//pegasus1/root/cimv2:Win32_ComputerSystem.Name="NODE1"' \
    "associatornames: the path"
req 2 '^CIMMethod: AssociatorNames'
ok $? "associatornames: AssociatorNames"
"$CIMHEAD" references --role PartComponent "$URL" 'Win32_Process.Handle="2345"' \
    >"$OUT" 2>"$ERR"
is "$(json_get "$OUT" 'j[0]["properties"]["GroupComponent"]')" \
    '{"type": "reference", "value": "Win32_ComputerSystem.Name=\"NODE1\""}' \
    "references: the association instance"
req 3 '^CIMMethod: References' && req 3 'NAME="Role"><VALUE>PartComponent'
ok $? "references: References with Role"
"$CIMHEAD" referencenames --format table "$URL" 'Win32_Process.Handle="2345"' \
    >"$OUT" 2>"$ERR"
is "$(tr -s ' ' <"$OUT")" "$(printf 'CLASS PartComponent\nWin32_SystemProcesses x')" \
    "referencenames: table"
"$CIMHEAD" references --assoc-class X "$URL" 'Win32_Process.Handle="1"' \
    >"$OUT" 2>"$ERR"
is "$?" 2 "references --assoc-class: usage error"

# references of a class: the association classes
start_replay rf-class.response
"$CIMHEAD" references --format mof "$URL" Win32_Process >"$OUT" 2>"$ERR"
is "$?" 0 "references of a class: exit 0"
grep -q '^\[Association\]$' "$OUT" && grep -q '^class Win32_SystemProcesses$' "$OUT" && \
    grep -q '^   Win32_Process REF PartComponent;$' "$OUT"
ok $? "references of a class: the association class as MOF"
req 1 '<IPARAMVALUE NAME="ObjectName"><CLASSNAME NAME="Win32_Process"/>'
ok $? "references of a class: ObjectName a CLASSNAME"

# create, modify, delete, getprop, setprop
start_replay ci-process.response mi-ok.response di-ok.response \
    gp-caption.response sp-ok.response
"$CIMHEAD" create "$URL" Win32_Process 'CommandLine=vod.exe -q' \
    Priority:uint32=8 'Flags:uint16[]=1,2' >"$OUT" 2>"$ERR"
is "$?" 0 "create: exit 0"
is "$(json_get "$OUT" 'j')" '[{"classname": "Win32_Process", "path": {"Handle": "777"}}]' \
    "create: the new instance's path"
req 1 '^CIMMethod: CreateInstance' && \
    req 1 '<IPARAMVALUE NAME="NewInstance"><INSTANCE CLASSNAME="Win32_Process"><PROPERTY NAME="CommandLine" TYPE="string"><VALUE>vod.exe -q</VALUE></PROPERTY><PROPERTY NAME="Priority" TYPE="uint32"><VALUE>8</VALUE></PROPERTY><PROPERTY.ARRAY NAME="Flags" TYPE="uint16"><VALUE.ARRAY><VALUE>1</VALUE><VALUE>2</VALUE></VALUE.ARRAY></PROPERTY.ARRAY></INSTANCE>'
ok $? "create: NewInstance with typed properties and an array"
"$CIMHEAD" modify "$URL" 'Win32_Process.Handle="777"' Priority:uint32=4 \
    >"$OUT" 2>"$ERR"
is "$?" 0 "modify: exit 0"
is "$(cat "$OUT")" '{}' "modify: nothing to print"
req 2 '^CIMMethod: ModifyInstance' && \
    req 2 '<IPARAMVALUE NAME="ModifiedInstance"><VALUE.NAMEDINSTANCE><INSTANCENAME CLASSNAME="Win32_Process">' && \
    req 2 '<IPARAMVALUE NAME="PropertyList"><VALUE.ARRAY><VALUE>Priority</VALUE></VALUE.ARRAY>'
ok $? "modify: VALUE.NAMEDINSTANCE, PropertyList of the properties given"
"$CIMHEAD" delete --format text "$URL" 'Win32_Process.Handle="777"' \
    >"$OUT" 2>"$ERR"
is "$?" 0 "delete: exit 0"
req 3 '^CIMMethod: DeleteInstance' && \
    req 3 '<IPARAMVALUE NAME="InstanceName"><INSTANCENAME CLASSNAME="Win32_Process">'
ok $? "delete: DeleteInstance of the path"
"$CIMHEAD" getprop "$URL" 'Win32_Process.Handle="777"' Caption >"$OUT" 2>"$ERR"
is "$(json_get "$OUT" '[j[0]["path"], j[0]["properties"]["Caption"]["value"]]')" \
    '[{"Handle": "777"}, "vodstream.exe"]' "getprop: the value, with the path"
req 4 '<IPARAMVALUE NAME="PropertyName"><VALUE>Caption</VALUE>'
ok $? "getprop: PropertyName"
"$CIMHEAD" setprop "$URL" 'Win32_Process.Handle="777"' Priority:uint32=2 \
    >"$OUT" 2>"$ERR"
is "$?" 0 "setprop: exit 0"
req 5 '^CIMMethod: SetProperty' && \
    req 5 '<IPARAMVALUE NAME="PropertyName"><VALUE>Priority</VALUE></IPARAMVALUE>' && \
    req 5 '<IPARAMVALUE NAME="NewValue"><VALUE>2</VALUE></IPARAMVALUE>'
ok $? "setprop: PropertyName and NewValue"
"$CIMHEAD" delete "$URL" Win32_Process >"$OUT" 2>"$ERR"
is "$?" 2 "delete of a class: usage error"
"$CIMHEAD" setprop "$URL" 'Win32_Process.Handle="1"' P:uint8=300 >"$OUT" 2>"$ERR"
is "$?" 2 "setprop: a value out of its type refused"

# createclass, modifyclass, deleteclass, setqualifier, deletequalifier
start_replay cc-ok.response mc-ok.response dc-ok.response sq-ok.response \
    dq-ok.response dc-children.response im-create-ok.response
"$CIMHEAD" createclass "$URL" VOD_Title:CIM_ManagedElement Name:string \
    'Bitrate:uint32=4000' 'Tags:string[]=a,b' >"$OUT" 2>"$ERR"
is "$?" 0 "createclass: exit 0"
is "$(cat "$OUT")" '{}' "createclass: nothing to print"
req 1 '^CIMMethod: CreateClass' && req 1 '^CIMObject: root%2Fcimv2' && \
    req 1 '<IPARAMVALUE NAME="NewClass"><CLASS NAME="VOD_Title" SUPERCLASS="CIM_ManagedElement"><PROPERTY NAME="Name" TYPE="string"></PROPERTY><PROPERTY NAME="Bitrate" TYPE="uint32"><VALUE>4000</VALUE></PROPERTY><PROPERTY.ARRAY NAME="Tags" TYPE="string"><VALUE.ARRAY><VALUE>a</VALUE><VALUE>b</VALUE></VALUE.ARRAY></PROPERTY.ARRAY></CLASS></IPARAMVALUE>'
ok $? "createclass: NewClass, superclass, property without and with defaults"
"$CIMHEAD" modifyclass "$URL" VOD_Title Name:string Rating:uint8=3 \
    >"$OUT" 2>"$ERR"
is "$?" 0 "modifyclass: exit 0"
req 2 '^CIMMethod: ModifyClass' && \
    req 2 '<IPARAMVALUE NAME="ModifiedClass"><CLASS NAME="VOD_Title"><PROPERTY NAME="Name" TYPE="string"></PROPERTY><PROPERTY NAME="Rating" TYPE="uint8"><VALUE>3</VALUE></PROPERTY></CLASS></IPARAMVALUE>'
ok $? "modifyclass: ModifiedClass without a superclass"
"$CIMHEAD" deleteclass --format text "$URL" VOD_Title >"$OUT" 2>"$ERR"
is "$?" 0 "deleteclass: exit 0"
req 3 '^CIMMethod: DeleteClass' && \
    req 3 '<IPARAMVALUE NAME="ClassName"><CLASSNAME NAME="VOD_Title"/></IPARAMVALUE>'
ok $? "deleteclass: ClassName"
"$CIMHEAD" setqualifier "$URL" 'Rated:string=PG' >"$OUT" 2>"$ERR"
is "$?" 0 "setqualifier: exit 0"
req 4 '^CIMMethod: SetQualifier' && \
    req 4 '<IPARAMVALUE NAME="QualifierDeclaration"><QUALIFIER.DECLARATION NAME="Rated" TYPE="string" ISARRAY="false"><SCOPE CLASS="true" ASSOCIATION="true" REFERENCE="true" PROPERTY="true" METHOD="true" PARAMETER="true" INDICATION="true"/><VALUE>PG</VALUE></QUALIFIER.DECLARATION></IPARAMVALUE>'
ok $? "setqualifier: QualifierDeclaration of any scope with its default"
"$CIMHEAD" deletequalifier "$URL" Rated >"$OUT" 2>"$ERR"
is "$?" 0 "deletequalifier: exit 0"
req 5 '^CIMMethod: DeleteQualifier' && \
    req 5 '<IPARAMVALUE NAME="QualifierName"><VALUE>Rated</VALUE></IPARAMVALUE>'
ok $? "deletequalifier: QualifierName"
"$CIMHEAD" deleteclass "$URL" VOD_Base >"$OUT" 2>"$ERR"
is "$?" 1 "deleteclass with subclasses: exit 1"
is "$(json_get "$OUT" 'j["error"]["code"]')" 8 "deleteclass: CIM_ERR_CLASS_HAS_CHILDREN"
"$CIMHEAD" invoke "$URL" Win32_Process Create CommandLine=x \
    CurrentDirectory 'ProcessStartupInformation:uint32' >"$OUT" 2>"$ERR"
is "$?" 0 "invoke with NULL parameters: exit 0"
req 7 '<PARAMVALUE NAME="CurrentDirectory"/>' && \
    req 7 '<PARAMVALUE NAME="ProcessStartupInformation" PARAMTYPE="uint32"/>' && \
    req 7 '<PARAMVALUE NAME="CommandLine" PARAMTYPE="string"><VALUE>x</VALUE>'
ok $? "invoke: NAME[:TYPE] without = is a NULL PARAMVALUE"
"$CIMHEAD" createclass "$URL" VOD_X Name=x >"$OUT" 2>"$ERR"
is "$?" 2 "createclass: a property without a type refused"
"$CIMHEAD" setqualifier "$URL" Rated >"$OUT" 2>"$ERR"
is "$?" 2 "setqualifier: a qualifier without a type refused"
"$CIMHEAD" setqualifier "$URL" Max:uint8=300 >"$OUT" 2>"$ERR"
is "$?" 2 "setqualifier: a default out of its type refused"
"$CIMHEAD" deleteclass "$URL" >"$OUT" 2>"$ERR"
is "$?" 2 "deleteclass: the class is needed"

# qualifiers
start_replay eqd-qualifiers.response
"$CIMHEAD" qualifiers "$URL" >"$OUT" 2>"$ERR"
is "$?" 0 "qualifiers: exit 0"
is "$(json_get "$OUT" '[j[0]["name"], j[0]["type"], j[0]["value"], j[0]["scopes"], j[0]["flavors"]]')" \
    '["Key", "boolean", false, ["PROPERTY", "REFERENCE"], {"OVERRIDABLE": false, "TOSUBCLASS": true}]' \
    "qualifiers: a declaration"
req 1 '^CIMMethod: EnumerateQualifiers'
ok $? "qualifiers: EnumerateQualifiers"
"$CIMHEAD" qualifiers --format mof "$URL" >"$OUT" 2>"$ERR"
grep -q '^Qualifier Key : boolean = false,$' "$OUT" && \
    grep -q '^    Scope(reference, property),$' "$OUT" && \
    grep -q '^    Flavor(DisableOverride, ToSubclass);$' "$OUT" && \
    grep -q '^    Flavor(EnableOverride, ToSubclass, Translatable);$' "$OUT"
ok $? "qualifiers: MOF declarations"

# namespaces: the Interop namespace found as pywbem finds it
start_replay err-invalid-namespace.response ns-interop.response
"$CIMHEAD" namespaces "$URL" >"$OUT" 2>"$ERR"
is "$?" 0 "namespaces: exit 0"
is "$(json_get "$OUT" 'j')" '["root/cimv2", "root/PG_InterOp", "interop"]' \
    "namespaces: the Name keys"
req 1 '<NAMESPACE NAME="interop"/></LOCALNAMESPACEPATH>' && \
    req 1 '<CLASSNAME NAME="CIM_Namespace"/>' && \
    req 2 '<NAMESPACE NAME="root"/><NAMESPACE NAME="interop"/></LOCALNAMESPACEPATH>'
ok $? "namespaces: interop, then root/interop"
start_replay err-invalid-namespace.response
"$CIMHEAD" namespaces --format text "$URL" >"$OUT" 2>"$ERR"
is "$?" 1 "namespaces nowhere: the CIM error"
[ -e "$REQ/req-4" ] && req 4 '<CLASSNAME NAME="__Namespace"/>' && \
    req 4 '<LOCALNAMESPACEPATH><NAMESPACE NAME="root"/></LOCALNAMESPACEPATH>'
ok $? "namespaces: __Namespace in root last"

# pull: three pages to the end, no Close
start_replay oei-page1.response,pi-page2.response,pi-page3.response
"$CIMHEAD" enum --pull --max-object-count 2 "$URL" Win32_Process >"$OUT" 2>"$ERR"
is "$?" 0 "pull: exit 0"
is "$(json_get "$OUT" '[i["path"]["Handle"] for i in j]')" '["1", "2", "3", "4", "5"]' \
    "pull: the items of the three pages, in order"
req 1 '^CIMMethod: OpenEnumerateInstances' && \
    req 1 'NAME="MaxObjectCount"><VALUE>2</VALUE>' && \
    req 2 '^CIMMethod: PullInstancesWithPath' && \
    req 2 '<IPARAMVALUE NAME="EnumerationContext"><VALUE>ctx-A</VALUE>' && \
    req 2 'NAME="MaxObjectCount"><VALUE>2</VALUE>' && \
    req 3 '<IPARAMVALUE NAME="EnumerationContext"><VALUE>ctx-B</VALUE>'
ok $? "pull: Open, then Pulls carrying each reply's context"
[ ! -e "$REQ/req-4" ]
ok $? "pull: no CloseEnumeration after EndOfSequence"

# pull: --max-items stops early, and CloseEnumeration is sent
start_replay oei-page1.response,pi-page2.response,ce-ok.response
"$CIMHEAD" enum --pull --max-object-count 2 --max-items 3 "$URL" Win32_Process \
    >"$OUT" 2>"$ERR"
is "$?" 0 "pull --max-items: exit 0"
is "$(json_get "$OUT" '[i["path"]["Handle"] for i in j]')" '["1", "2", "3"]' \
    "pull --max-items: three items"
req 3 '^CIMMethod: CloseEnumeration' && \
    req 3 '<IPARAMVALUE NAME="EnumerationContext"><VALUE>ctx-B</VALUE>'
ok $? "pull --max-items: CloseEnumeration of the context held"
grep -q 'closed' "$ERR"
ok $? "pull --max-items: stderr says the enumeration was cut"

# pull: an error on a Pull closes the enumeration, and is reported
start_replay oei-page1.response,pi-error.response,ce-ok.response
"$CIMHEAD" enum --pull "$URL" Win32_Process >"$OUT" 2>"$ERR"
is "$?" 1 "pull error: exit 1"
is "$(json_get "$OUT" 'j["error"]["code"]')" 1 "pull error: the Pull's CIM error"
req 3 '^CIMMethod: CloseEnumeration' && \
    req 3 '<VALUE>ctx-A</VALUE>'
ok $? "pull error: CloseEnumeration sent"
req 1 'NAME="MaxObjectCount"><VALUE>1000</VALUE>'
ok $? "pull: MaxObjectCount 1000 by default"

# pull: paths and queries use their own Pull
start_replay oeip-page1.response,pip-page2.response oqi-page1.response,pin-page2.response
"$CIMHEAD" names --pull "$URL" Win32_Process >"$OUT" 2>"$ERR"
is "$(json_get "$OUT" '[i["path"]["Handle"] for i in j]')" '["1", "2"]' \
    "pull names: both pages"
req 1 '^CIMMethod: OpenEnumerateInstancePaths' && \
    req 2 '^CIMMethod: PullInstancePaths' && req 2 '<VALUE>ctx-P</VALUE>'
ok $? "pull names: OpenEnumerateInstancePaths, PullInstancePaths"
"$CIMHEAD" query --pull "$URL" 'SELECT * FROM Win32_Process' >"$OUT" 2>"$ERR"
is "$(json_get "$OUT" '[i["properties"]["Caption"]["value"] for i in j]')" \
    '["a.exe", "b.exe"]' "pull query: both pages"
req 3 '^CIMMethod: OpenQueryInstances' && \
    req 3 '<IPARAMVALUE NAME="FilterQuery"><VALUE>SELECT \* FROM Win32_Process<' && \
    req 4 '^CIMMethod: PullInstances.$' && req 4 '<VALUE>ctx-Q</VALUE>'
ok $? "pull query: OpenQueryInstances, PullInstances"
"$CIMHEAD" getclass --pull "$URL" Win32_Process >"$OUT" 2>"$ERR"
is "$?" 2 "--pull on getclass: usage error"
"$CIMHEAD" enum --max-object-count 5 "$URL" Win32_Process >"$OUT" 2>"$ERR"
is "$?" 2 "--max-object-count without --pull: usage error"

"$CIMHEAD" --format mof status >"$OUT" 2>"$ERR"
is "$?" 2 "--format mof on a control command: usage error"

# instances as MOF
start_replay ei-process.response
"$CIMHEAD" enum --format mof "$URL" Win32_Process >"$OUT" 2>"$ERR"
is "$?" 0 "enum mof: exit 0"
grep -q '^instance of Win32_Process$' "$OUT" && \
    grep -q '^   ProcessId = 2345;$' "$OUT" && \
    grep -q '^   CommandLine = NULL;$' "$OUT"
ok $? "enum mof: instance of, numbers bare, NULL"

# WS-Man: DMTF resource URIs, --resource-uri, EnumerateObjectAndEPR
WSFIX="$top_srcdir/tests/fixtures/wsman"
N=0
ws_start() {
	N=$((N + 1))
	REQ="$TEST_TMP/wsreq$N"
	mkdir -p "$REQ"
	"$PYTHON3" "$top_srcdir/tests/wsman_replay.py" --base "$WSFIX" \
	    "$TEST_TMP/wsport$N" "$REQ" "$@" &
	TEST_PIDS="$TEST_PIDS $!"
	wait_for_file "$TEST_TMP/wsport$N" 10 || { echo "Bail out!"; exit 1; }
	URL="http://127.0.0.1:$(cat "$TEST_TMP/wsport$N")/wsman"
}
ws_start enum-objepr-dmtf.xml
"$CIMHEAD" --protocol wsman --allow-unencrypted enum --epr "$URL" \
    CIM_ComputerSystem >"$OUT" 2>"$ERR"
is "$?" 0 "wsman EnumerateObjectAndEPR: exit 0"
is "$(json_get "$OUT" '[i["path"] for i in j]')" \
    '[{"CreationClassName": "PG_ComputerSystem", "Name": "node1.example"}, {"CreationClassName": "PG_ComputerSystem", "Name": "node2.example"}]' \
    "wsman: each item's path from its EPR"
is "$(json_get "$OUT" 'j[1]["properties"]["NumberOfProcessors"]["value"]')" 8 \
    "wsman: the object beside its EPR"
req 1 '<w:ResourceURI s:mustUnderstand="true">http://schemas.dmtf.org/wbem/wscim/1/cim-schema/2/CIM_ComputerSystem</w:ResourceURI>' && \
    req 1 '<w:EnumerationMode>EnumerateObjectAndEPR</w:EnumerationMode>' && \
    ! req 1 SelectorSet
ok $? "wsman: a CIM_ class by its DMTF URI, EnumerateObjectAndEPR asked"
"$CIMHEAD" --protocol wsman --allow-unencrypted --namespace root/PG_InterOp \
    enum "$URL" CIM_Namespace >"$OUT" 2>"$ERR"
req 2 'cim-schema/2/CIM_Namespace</w:ResourceURI>' && \
    req 2 '<w:Selector Name="__cimnamespace">root/PG_InterOp</w:Selector>' && \
    ! req 2 EnumerationMode
ok $? "wsman: another namespace as the __cimnamespace selector"
"$CIMHEAD" --protocol wsman --allow-unencrypted enum \
    --resource-uri 'http://example.com/wbem/wscim/1/x/Y_Thing' "$URL" \
    Y_Thing >"$OUT" 2>"$ERR"
req 3 '<w:ResourceURI s:mustUnderstand="true">http://example.com/wbem/wscim/1/x/Y_Thing</w:ResourceURI>'
ok $? "wsman: --resource-uri sent as given"
"$CIMHEAD" --protocol wsman --allow-unencrypted enum "$URL" Win32_Process \
    >"$OUT" 2>"$ERR"
req 4 'wsman/1/wmi/root/cimv2/Win32_Process</w:ResourceURI>'
ok $? "wsman: Win32_ classes keep WinRM's URI"
"$CIMHEAD" --protocol wsman --allow-unencrypted getclass "$URL" \
    CIM_Process >"$OUT" 2>"$ERR"
is "$?" 2 "wsman: getclass refused as not available"

# WS-Man: WS-Transfer Create, Put, Delete
ws_start create-dmtf.xml put-dmtf.xml delete-dmtf.xml create-dmtf.xml
W="$CIMHEAD --protocol wsman --allow-unencrypted"
$W create "$URL" CIM_Thing ElementName=x Flag:boolean=TRUE 'N:uint8[]=1,2' \
    >"$OUT" 2>"$ERR"
is "$?" 0 "wsman create: exit 0"
is "$(json_get "$OUT" 'j')" '[{"classname": "CIM_Thing", "path": {"InstanceID": "thing:7"}}]' \
    "wsman create: the path of t:ResourceCreated"
req 1 '<a:Action s:mustUnderstand="true">http://schemas.xmlsoap.org/ws/2004/09/transfer/Create</a:Action>' && \
    req 1 '<s:Body><p:CIM_Thing xmlns:p="http://schemas.dmtf.org/wbem/wscim/1/cim-schema/2/CIM_Thing"><p:ElementName>x</p:ElementName><p:Flag>true</p:Flag><p:N>1</p:N><p:N>2</p:N></p:CIM_Thing></s:Body>'
ok $? "wsman create: Create of the resource, a property per element"
$W modify "$URL" 'CIM_Thing.InstanceID="thing:7"' ElementName=renamed \
    >"$OUT" 2>"$ERR"
is "$?" 0 "wsman modify: exit 0"
req 2 'transfer/Put</a:Action>' && \
    req 2 '<w:SelectorSet><w:Selector Name="InstanceID">thing:7</w:Selector></w:SelectorSet>' && \
    req 2 '<p:ElementName>renamed</p:ElementName></p:CIM_Thing></s:Body>'
ok $? "wsman modify: Put with the selectors and the properties"
$W delete "$URL" 'CIM_Thing.InstanceID="thing:7"' >"$OUT" 2>"$ERR"
is "$?" 0 "wsman delete: exit 0"
req 3 'transfer/Delete</a:Action>' && req 3 '<s:Body></s:Body>'
ok $? "wsman delete: Delete with an empty body"
$W create --namespace root/other "$URL" CIM_Thing a=b >"$OUT" 2>"$ERR"
req 4 '<w:Selector Name="__cimnamespace">root/other</w:Selector>'
ok $? "wsman create: the namespace as a selector"
$W associators "$URL" 'CIM_Thing.InstanceID="1"' >"$OUT" 2>"$ERR"
is "$?" 2 "wsman associators: refused as not available"

done_testing
