#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# The example driver against both Debian flavours: names, layout, headers,
# provides, scriptlets and the vermagic of the packaged modules.
source "$(dirname "$0")/lib.sh"
debian_target "$TMP/target.ini"
OUT=$TMP/out-dir

run 0 "$KMODPACK" build -t "$TMP/target.ini" -o "$OUT" "$EXAMPLE"
for f in amd64:$AMD64_REL cloud-amd64:$CLOUD_REL; do
	flav=${f%%:*} rel=${f#*:}
	rpm=$OUT/RPMS/x86_64/helloworld-modules-$flav-$KVER-1.0-1.x86_64.rpm
	[ -f "$rpm" ] || fail "missing $rpm"
	assert_contains "$TMP/out" "$rpm"
	assert_eq "$(rpm -qp --qf '%{NAME}|%{VERSION}|%{RELEASE}|%{ARCH}|%{GROUP}' "$rpm")" \
		"helloworld-modules-$flav-$KVER|1.0|1|x86_64|System Environment/Kernel" "header of $flav"
	assert_eq "$(rpm -qpl "$rpm" | tr '\n' ' ')" \
		"/lib/modules/$rel/extra /lib/modules/$rel/extra/helloworld.ko " "files of $flav"
	rpm -qp --provides "$rpm" >"$TMP/prov"
	assert_contains "$TMP/prov" "kmod(helloworld.ko)"
	assert_contains "$TMP/prov" "modalias(pci:v00001B36d00000005sv*sd*bc*sc*i*)"
	assert_contains "$TMP/prov" "helloworld-modules-$flav-$KVER = 1.0-1"
	rpm -qpR "$rpm" >"$TMP/req"
	assert_contains "$TMP/req" "helloworld-data >= 1.0"
	assert_not_contains "$TMP/req" "ShortCircuited"
	rpm -qp --scripts "$rpm" >"$TMP/scripts"
	assert_contains "$TMP/scripts" "depmod -a $rel"
	assert_not_contains "$TMP/scripts" "uname"
	rpm_cat "$rpm" "/lib/modules/$rel/extra/helloworld.ko" >"$TMP/$flav.ko"
	assert_eq "$(modinfo -F vermagic "$TMP/$flav.ko" | cut -d' ' -f1)" "$rel" "vermagic in $flav RPM"
	assert_eq "$(rpm -qp --qf '[%{FILENAMES} %{FILEUSERNAME}:%{FILEGROUPNAME}:%{FILEMODES:octal}\n]' \
		"$rpm" | grep '\.ko ' | cut -d' ' -f2)" "root:root:100644" "owner and mode of the module"
done

srpm=$OUT/SRPMS/helloworld-1.0-1.src.rpm
[ -f "$srpm" ] || fail "missing $srpm"
assert_eq "$(rpm -qpl "$srpm" | tr '\n' ' ')" "helloworld-1.0.tar.gz helloworld-data-1.0.tar.gz helloworld.spec " "SRPM contents"
(cd "$TMP" && rpm2cpio "$srpm" | cpio -i --quiet helloworld-1.0.tar.gz)
tar tzf "$TMP/helloworld-1.0.tar.gz" >"$TMP/tarlist"
assert_contains "$TMP/tarlist" "helloworld-1.0/helloworld.c"
assert_contains "$TMP/tarlist" "helloworld-1.0/Makefile"
[ -f "$OUT/SPECS/helloworld.spec" ] || fail "no spec in SPECS/"
[ -f "$OUT/logs/amd64.log" ] && [ -f "$OUT/logs/cloud-amd64.log" ] || fail "logs missing"

# The report lists every artifact with the sha256 of the published file.
report=$OUT/build-report.json
n=$(python3 -c 'import json,sys; print(len(json.load(open(sys.argv[1]))["artifacts"]))' "$report")
assert_eq "$n" 7 "artifacts in the report" # 2 module RPMs, data, SRPM, spec, 2 debuginfo RPMs
python3 - "$report" "$OUT" <<'PY'
import hashlib, json, sys
rep = json.load(open(sys.argv[1]))
for a in rep["artifacts"]:
    data = open(sys.argv[2] + "/" + a["path"], "rb").read()
    assert hashlib.sha256(data).hexdigest() == a["sha256"], a["path"]
    assert len(data) == a["size"], a["path"]
mods = {f["name"]: f["modules"] for f in rep["flavours"]}
assert mods["amd64"][0]["firmware"] == ["helloworld/hello.fw"], mods
PY

# --json prints the same report on stdout.
run 0 "$KMODPACK" build --json -t "$TMP/target.ini" -o "$OUT" "$EXAMPLE"
python3 -c 'import json,sys; r=json.load(open(sys.argv[1])); assert r["driver"]["name"]=="helloworld"' "$TMP/out"
echo "ok"
