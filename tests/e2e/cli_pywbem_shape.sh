#!/bin/sh
# cli_pywbem_shape.sh: the request cimhead sends for each DSP0200 operation
# pywbem records (pywbem/pywbem tests/functiontest/*.yaml, read as a
# reference) has pywbem's shape: the same CIMMethod and CIMObject, the same
# IMETHODCALL/METHODCALL, the same IPARAMVALUEs encoded the same way, and
# default parameters left out as pywbem leaves them.  The expectations are
# written here in pywbem_shape.py's canonical form; the allowed differences
# (tests/PEGASUS.md, "Requests compared with pywbem's recordings") are
# ignored there or written into the expectation with their reason.
. "$top_srcdir/tests/lib.sh"

[ -n "$PYTHON3" ] && [ -x "$PYTHON3" ] || skip_all "python3 not found"

REC="$TEST_TMP/rec"
mkdir -p "$REC"
"$PYTHON3" "$top_srcdir/tests/e2e/cimxml_recorder.py" "$REC" \
    "$top_srcdir/tests/fixtures/openpegasus/gc-process.response" &
TEST_PIDS="$TEST_PIDS $!"
wait_for_file "$REC/port" 10
ok $? "recorder listens"
U="http://127.0.0.1:$(cat "$REC/port")"

# run CIMHEAD-ARGS...: runs cimhead (the recorder refuses most calls: only
# the requests matter); each expect after it compares the next request that
# run sent, from its first, with an expectation.
run() {
	N=$(ls "$REC" | grep -c '^req')
	timeout 10 "$top_builddir/cimhead" "$@" >/dev/null 2>&1
}
expect() {	# expect DESCRIPTION CIMMETHOD CIMOBJECT CANON
	f=$(printf '%s/req%03d.txt' "$REC" "$N")
	N=$((N + 1))
	if [ ! -f "$f" ]; then
		ok 1 "$1"
		echo "#   no request $f"
		return
	fi
	out=$("$PYTHON3" "$top_srcdir/tests/e2e/pywbem_shape.py" "$f" "$2" "$3" "$4")
	r=$?
	ok $r "$1"
	[ $r -eq 0 ] || echo "$out"
}

NS='LOCALNAMESPACEPATH(NAMESPACE{NAME=root} NAMESPACE{NAME=cimv2})'
FRITZ='INSTANCENAME{CLASSNAME=PyWBEM_Person}(KEYBINDING{NAME=Name}(KEYVALUE{VALUETYPE=string}"Fritz"))'
P=PyWBEM_Person
O='PyWBEM_Person.Name="Fritz"'
call() {	# call NAME PARAMS: an IMETHODCALL in root/cimv2
	printf 'IMETHODCALL{NAME=%s}(%s%s)' "$1" "$NS" "${2:+ $2}"
}
ip() {		# ip NAME CANON: one IPARAMVALUE
	printf 'IPARAMVALUE{NAME=%s}(%s)' "$1" "$2"
}
v() {		# v TEXT: a VALUE
	printf 'VALUE"%s"' "$1"
}

# getinstance.yaml (GetInstance1): InstanceName, LocalOnly FALSE
run get "$U" $P Name=Fritz
expect "GetInstance as pywbem: InstanceName, LocalOnly FALSE" GetInstance root/cimv2 \
    "$(call GetInstance "$(ip InstanceName "$FRITZ") $(ip LocalOnly "$(v FALSE)")")"

# enumerateinstances.yaml (EnumerateInstances1): ClassName, LocalOnly
# FALSE, no DeepInheritance (TRUE is DSP0200's default; cimhead sent it
# until this test)
run enum "$U" $P
expect "EnumerateInstances as pywbem: no DeepInheritance TRUE" EnumerateInstances root/cimv2 \
    "$(call EnumerateInstances "$(ip ClassName "CLASSNAME{NAME=$P}") $(ip LocalOnly "$(v FALSE)")")"

# enumerateinstancenames.yaml: ClassName only
run names "$U" $P
expect "EnumerateInstanceNames as pywbem: ClassName only" EnumerateInstanceNames root/cimv2 \
    "$(call EnumerateInstanceNames "$(ip ClassName "CLASSNAME{NAME=$P}")")"

# getclass.yaml (GetClass1): ClassName, LocalOnly FALSE, a PropertyList;
# IncludeQualifiers and IncludeClassOrigin not given, not sent
run getclass --properties PowerManagementCapabilities "$U" CIM_ComputerSystem
expect "GetClass as pywbem: LocalOnly FALSE, PropertyList, no Include*" GetClass root/cimv2 \
    "$(call GetClass "$(ip ClassName 'CLASSNAME{NAME=CIM_ComputerSystem}') $(ip LocalOnly "$(v FALSE)") $(ip PropertyList "VALUE.ARRAY($(v PowerManagementCapabilities))")")"

# enumerateclasses.yaml, enumerateclassnames.yaml: only what was given
run classes "$U" CIM_ManagedElement
expect "EnumerateClasses as pywbem: ClassName alone" EnumerateClasses root/cimv2 \
    "$(call EnumerateClasses "$(ip ClassName 'CLASSNAME{NAME=CIM_ManagedElement}')")"
run classnames --deep "$U"
expect "EnumerateClassNames as pywbem: DeepInheritance TRUE when asked" EnumerateClassNames root/cimv2 \
    "$(call EnumerateClassNames "$(ip DeepInheritance "$(v TRUE)")")"

# associators_instances.yaml, associatornames_instances.yaml,
# references_instances.yaml, referencenames_instances.yaml: ObjectName an
# INSTANCENAME; the filters as given, nothing else
run associators "$U" "$O"
expect "Associators as pywbem: ObjectName only" Associators root/cimv2 \
    "$(call Associators "$(ip ObjectName "$FRITZ")")"
run associatornames --assoc-class PyWBEM_MemberOfPersonCollection \
    --role member "$U" "$O"
expect "AssociatorNames as pywbem: AssocClass a CLASSNAME, Role a VALUE" AssociatorNames root/cimv2 \
    "$(call AssociatorNames "$(ip AssocClass 'CLASSNAME{NAME=PyWBEM_MemberOfPersonCollection}') $(ip ObjectName "$FRITZ") $(ip Role "$(v member)")")"
run references --result-class PyWBEM_MemberOfPersonCollection "$U" "$O"
expect "References as pywbem: ResultClass a CLASSNAME" References root/cimv2 \
    "$(call References "$(ip ObjectName "$FRITZ") $(ip ResultClass 'CLASSNAME{NAME=PyWBEM_MemberOfPersonCollection}')")"
run referencenames "$U" "$O"
expect "ReferenceNames as pywbem: ObjectName only" ReferenceNames root/cimv2 \
    "$(call ReferenceNames "$(ip ObjectName "$FRITZ")")"

# createinstance.yaml: NewInstance an INSTANCE with typed PROPERTYs
run create "$U" $P Name=Fritz 'Address=Fritz Town'
expect "CreateInstance as pywbem: NewInstance" CreateInstance root/cimv2 \
    "$(call CreateInstance "$(ip NewInstance "INSTANCE{CLASSNAME=$P}(PROPERTY{NAME=Name,TYPE=string}($(v Fritz)) PROPERTY{NAME=Address,TYPE=string}($(v 'Fritz Town')))")")"

# modifyinstance.yaml: ModifiedInstance a VALUE.NAMEDINSTANCE; cimhead
# adds a PropertyList of the properties it names (an allowed difference:
# without it DSP0200 sets every other property)
run modify "$U" "$O" Title=Sir
expect "ModifyInstance as pywbem: VALUE.NAMEDINSTANCE (and cimhead's PropertyList)" ModifyInstance root/cimv2 \
    "$(call ModifyInstance "$(ip ModifiedInstance "VALUE.NAMEDINSTANCE($FRITZ INSTANCE{CLASSNAME=$P}(PROPERTY{NAME=Title,TYPE=string}($(v Sir))))") $(ip PropertyList "VALUE.ARRAY($(v Title))")")"

# deleteinstance.yaml: InstanceName only
run delete "$U" "$O"
expect "DeleteInstance as pywbem: InstanceName only" DeleteInstance root/cimv2 \
    "$(call DeleteInstance "$(ip InstanceName "$FRITZ")")"

# enumeratequalifiers.yaml, getqualifier.yaml
run qualifiers "$U"
expect "EnumerateQualifiers as pywbem: no parameter" EnumerateQualifiers root/cimv2 \
    "$(call EnumerateQualifiers)"
run qualifiers "$U" Abstract
expect "GetQualifier as pywbem: QualifierName a VALUE" GetQualifier root/cimv2 \
    "$(call GetQualifier "$(ip QualifierName "$(v Abstract)")")"

# createclass.yaml (CreateClass1): NewClass a CLASS, a property without a
# default an empty PROPERTY; modifyclass.yaml: ModifiedClass; deleteclass
# .yaml: ClassName a CLASSNAME.  cimhead gives no class qualifiers or
# methods (the CLI declares properties only).
run createclass "$U" PyWbem_Run_CIM_Operations0 InstanceID:string MyUint8:uint8=99
expect "CreateClass as pywbem: NewClass, NULL and set defaults" CreateClass root/cimv2 \
    "$(call CreateClass "$(ip NewClass "CLASS{NAME=PyWbem_Run_CIM_Operations0}(PROPERTY{NAME=InstanceID,TYPE=string} PROPERTY{NAME=MyUint8,TYPE=uint8}($(v 99)))")")"
run createclass "$U" PyWbem_Sub:PyWbem_Run_CIM_Operations0 'Uint32Array:uint32[]'
expect "CreateClass: SUPERCLASS, a NULL array an empty PROPERTY.ARRAY" CreateClass root/cimv2 \
    "$(call CreateClass "$(ip NewClass "CLASS{NAME=PyWbem_Sub,SUPERCLASS=PyWbem_Run_CIM_Operations0}(PROPERTY.ARRAY{NAME=Uint32Array,TYPE=uint32})")")"
run modifyclass "$U" PyWbem_Run_CIM_Operations0 InstanceID:string 'MyStr:string=a <b>'
expect "ModifyClass as pywbem: ModifiedClass a CLASS" ModifyClass root/cimv2 \
    "$(call ModifyClass "$(ip ModifiedClass "CLASS{NAME=PyWbem_Run_CIM_Operations0}(PROPERTY{NAME=InstanceID,TYPE=string} PROPERTY{NAME=MyStr,TYPE=string}($(v 'a <b>')))")")"
run deleteclass "$U" PyWbem_Run_CIM_Operations1
expect "DeleteClass as pywbem: ClassName a CLASSNAME" DeleteClass root/cimv2 \
    "$(call DeleteClass "$(ip ClassName 'CLASSNAME{NAME=PyWbem_Run_CIM_Operations1}')")"

# setqualifier.yaml (SetQualifier1): QualifierDeclaration a
# QUALIFIER.DECLARATION with ISARRAY, its default a VALUE; cimhead's SCOPE
# is every element and it sends no flavor (DSP0004's defaults), where
# pywbem sends the scopes and flavors its caller gave (tests/PEGASUS.md);
# deletequalifier.yaml: QualifierName a VALUE
ANY='SCOPE{ASSOCIATION=true,CLASS=true,INDICATION=true,METHOD=true,PARAMETER=true,PROPERTY=true,REFERENCE=true}'
run setqualifier "$U" 'FooQualDecl:string=Some string'
expect "SetQualifier as pywbem: QUALIFIER.DECLARATION, ISARRAY, VALUE" SetQualifier root/cimv2 \
    "$(call SetQualifier "$(ip QualifierDeclaration "QUALIFIER.DECLARATION{ISARRAY=false,NAME=FooQualDecl,TYPE=string}($ANY $(v 'Some string'))")")"
run setqualifier "$U" 'Abstract:boolean'
expect "SetQualifier: no default, no VALUE" SetQualifier root/cimv2 \
    "$(call SetQualifier "$(ip QualifierDeclaration "QUALIFIER.DECLARATION{ISARRAY=false,NAME=Abstract,TYPE=boolean}($ANY)")")"
run deletequalifier "$U" FooQualDecl
expect "DeleteQualifier as pywbem: QualifierName a VALUE" DeleteQualifier root/cimv2 \
    "$(call DeleteQualifier "$(ip QualifierName "$(v FooQualDecl)")")"

# execquery.yaml: QueryLanguage, Query; markup in the query escaped
run query "$U" 'Select * from CIM_ComputerSystem where Name <> "a&b"'
expect "ExecQuery as pywbem: QueryLanguage, Query" ExecQuery root/cimv2 \
    "$(call ExecQuery "$(ip Query "$(v 'Select * from CIM_ComputerSystem where Name <> "a&b"')") $(ip QueryLanguage "$(v WQL)")")"

# invokemethod.yaml: a static method: METHODCALL on a LOCALCLASSPATH,
# CIMObject ns:Class, typed PARAMVALUEs in the order given; an instance
# method on a LOCALINSTANCEPATH, CIMObject ns:Class.key="value"
run invoke "$U" Test_IndicationProviderClass SendTestIndicationsCount \
    indicationSendCount:uint32=0 indicationDropCount:uint32=42
expect "InvokeMethod (class) as pywbem: LOCALCLASSPATH, PARAMTYPE" SendTestIndicationsCount \
    root/cimv2:Test_IndicationProviderClass \
    "METHODCALL{NAME=SendTestIndicationsCount}(LOCALCLASSPATH($NS CLASSNAME{NAME=Test_IndicationProviderClass}) PARAMVALUE{NAME=indicationSendCount,PARAMTYPE=uint32}($(v 0)) PARAMVALUE{NAME=indicationDropCount,PARAMTYPE=uint32}($(v 42)))"
run invoke "$U" "$O" UpdateExpiredPassword UserPassword=foo
expect "InvokeMethod (instance): LOCALINSTANCEPATH, CIMObject the model path" UpdateExpiredPassword \
    'root/cimv2:PyWBEM_Person.Name="Fritz"' \
    "METHODCALL{NAME=UpdateExpiredPassword}(LOCALINSTANCEPATH($NS $FRITZ) PARAMVALUE{NAME=UserPassword,PARAMTYPE=string}($(v foo)))"

# a NULL parameter (NAME, or NAME:TYPE, without '='): a PARAMVALUE with no
# value, with PARAMTYPE when typed (invokemethod.yaml InvokeMethod2's
# optionalP1) and without when not (InvokeMethod1's)
run invoke "$U" Test_IndicationProviderClass SendTestIndicationsCount \
    indicationSendCount:uint32 indicationDropCount
expect "InvokeMethod: NULL parameters, typed and untyped" SendTestIndicationsCount \
    root/cimv2:Test_IndicationProviderClass \
    "METHODCALL{NAME=SendTestIndicationsCount}(LOCALCLASSPATH($NS CLASSNAME{NAME=Test_IndicationProviderClass}) PARAMVALUE{NAME=indicationSendCount,PARAMTYPE=uint32} PARAMVALUE{NAME=indicationDropCount})"

# openenumerateinstances.yaml, pullinstanceswithpath.yaml: ClassName and
# (cimhead's allowed difference) MaxObjectCount; the Pull: the context and
# MaxObjectCount; closeenumeration.yaml: the context only
run enum --pull --max-object-count 1 "$U" $P
expect "OpenEnumerateInstances as pywbem: ClassName, MaxObjectCount" OpenEnumerateInstances root/cimv2 \
    "$(call OpenEnumerateInstances "$(ip ClassName "CLASSNAME{NAME=$P}") $(ip MaxObjectCount "$(v 1)")")"
expect "PullInstancesWithPath as pywbem: EnumerationContext, MaxObjectCount" PullInstancesWithPath root/cimv2 \
    "$(call PullInstancesWithPath "$(ip EnumerationContext "$(v 500001)") $(ip MaxObjectCount "$(v 1)")")"
run enum --pull --max-items 1 "$U" $P
expect "OpenEnumerateInstances: then stopped early" OpenEnumerateInstances root/cimv2 \
    "$(call OpenEnumerateInstances "$(ip ClassName "CLASSNAME{NAME=$P}") $(ip MaxObjectCount "$(v 1000)")")"
expect "CloseEnumeration as pywbem: EnumerationContext only" CloseEnumeration root/cimv2 \
    "$(call CloseEnumeration "$(ip EnumerationContext "$(v 500001)")")"

# openenumerateinstancepaths.yaml, pullinstancepaths.yaml
run names --pull --max-object-count 100 "$U" $P
expect "OpenEnumerateInstancePaths as pywbem" OpenEnumerateInstancePaths root/cimv2 \
    "$(call OpenEnumerateInstancePaths "$(ip ClassName "CLASSNAME{NAME=$P}") $(ip MaxObjectCount "$(v 100)")")"
expect "PullInstancePaths as pywbem" PullInstancePaths root/cimv2 \
    "$(call PullInstancePaths "$(ip EnumerationContext "$(v 500001)") $(ip MaxObjectCount "$(v 100)")")"

# openqueryinstances.yaml (OpenQueryInstances1): MaxObjectCount 100,
# FilterQuery, FilterQueryLanguage; pullinstances.yaml
run query --pull --max-object-count 100 "$U" 'Select * from CIM_ComputerSystem'
expect "OpenQueryInstances as pywbem: FilterQuery, FilterQueryLanguage, MaxObjectCount" OpenQueryInstances root/cimv2 \
    "$(call OpenQueryInstances "$(ip FilterQuery "$(v 'Select * from CIM_ComputerSystem')") $(ip FilterQueryLanguage "$(v WQL)") $(ip MaxObjectCount "$(v 100)")")"
expect "PullInstances as pywbem" PullInstances root/cimv2 \
    "$(call PullInstances "$(ip EnumerationContext "$(v 500001)") $(ip MaxObjectCount "$(v 100)")")"

# openassociatorinstances.yaml, openasssociatorinstancepaths.yaml,
# openreferenceinstances.yaml, openreferenceinstancepaths.yaml:
# InstanceName (not ObjectName), the filters as given, MaxObjectCount
run associators --pull --max-object-count 100 --result-role collection "$U" "$O"
expect "OpenAssociatorInstances as pywbem: InstanceName, ResultRole" OpenAssociatorInstances root/cimv2 \
    "$(call OpenAssociatorInstances "$(ip InstanceName "$FRITZ") $(ip MaxObjectCount "$(v 100)") $(ip ResultRole "$(v collection)")")"
run associatornames --pull --max-object-count 100 "$U" "$O"
expect "OpenAssociatorInstancePaths as pywbem" OpenAssociatorInstancePaths root/cimv2 \
    "$(call OpenAssociatorInstancePaths "$(ip InstanceName "$FRITZ") $(ip MaxObjectCount "$(v 100)")")"
run references --pull --max-object-count 100 --role member "$U" "$O"
expect "OpenReferenceInstances as pywbem: Role" OpenReferenceInstances root/cimv2 \
    "$(call OpenReferenceInstances "$(ip InstanceName "$FRITZ") $(ip MaxObjectCount "$(v 100)") $(ip Role "$(v member)")")"
run referencenames --pull --max-object-count 100 "$U" "$O"
expect "OpenReferenceInstancePaths as pywbem" OpenReferenceInstancePaths root/cimv2 \
    "$(call OpenReferenceInstancePaths "$(ip InstanceName "$FRITZ") $(ip MaxObjectCount "$(v 100)")")"

# modifyinstance.yaml (ModifyInstanceNS1), openqueryinstances.yaml
# (OpenQueryInstancesNS1): a namespace given with leading and trailing
# slashes is root/mycim in CIMObject as in LOCALNAMESPACEPATH (cimhead sent
# CIMObject //root/mycim// until this test, disagreeing with the body)
run --namespace //root/mycim// names "$U" $P
expect "a namespace's outer slashes left out of CIMObject, as pywbem does" \
    EnumerateInstanceNames root/mycim \
    "IMETHODCALL{NAME=EnumerateInstanceNames}(LOCALNAMESPACEPATH(NAMESPACE{NAME=root} NAMESPACE{NAME=mycim}) $(ip ClassName "CLASSNAME{NAME=$P}"))"
run --namespace /root/mycim/ invoke "$U" $P Method1
expect "... and out of an extrinsic call's CIMObject" Method1 root/mycim:$P \
    "METHODCALL{NAME=Method1}(LOCALCLASSPATH(LOCALNAMESPACEPATH(NAMESPACE{NAME=root} NAMESPACE{NAME=mycim}) CLASSNAME{NAME=$P}))"

done_testing
