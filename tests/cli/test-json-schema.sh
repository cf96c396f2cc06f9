#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Every --json document, made by the real commands on the example driver
# and the real kernel trees, checked against docs/json.md's tables by
# tests/cli/json-schema.py: a field added, renamed or dropped without the
# docs changing fails here. Failures print the error document on stdout
# with the exit status they have without --json.
. "$(dirname "$0")/lib.sh"
debian_target "$TMP/target.ini"
DOCS=$SRCDIR/docs/json.md
CHECK="python3 $SRCDIR/tests/cli/json-schema.py $DOCS"
ndocs=0

valid() { # FILE [--file]: the document matches docs/json.md
	$CHECK "$@" || fail "$1 does not match docs/json.md"
	ndocs=$((ndocs + 1))
}
field() { # FILE PYTHON-EXPR: print the expression of the document d
	python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print(eval(sys.argv[2]))' "$1" "$2"
}

# The checker itself fails on an undocumented field and on a missing one.
printf '{"schema":"kmodpack.spec/1","path":"/x","spec":"s","colour":1}\n' >"$TMP/extra.json"
$CHECK "$TMP/extra.json" >"$TMP/o" && fail "an undocumented field passed"
assert_contains "$TMP/o" "colour: not documented"
printf '{"schema":"kmodpack.spec/1","path":"/x"}\n' >"$TMP/missing.json"
$CHECK "$TMP/missing.json" >"$TMP/o" && fail "a missing field passed"
assert_contains "$TMP/o" "spec: documented, but missing"
printf '{"schema":"kmodpack.spec/9","path":"/x","spec":"s"}\n' >"$TMP/version.json"
$CHECK "$TMP/version.json" >/dev/null && fail "an undocumented schema version passed"

# build: fresh, the file, then up to date.
run 0 "$KMODPACK" build -q --json -t "$TMP/target.ini" -o "$TMP/bo" "$EXAMPLE"
cp "$TMP/out" "$TMP/build.json"
valid "$TMP/build.json"
valid "$TMP/bo/build-report.json" --file
assert_eq "$(field "$TMP/build.json" 'd["up_to_date"]')" False "a fresh build's up_to_date"
assert_eq "$(field "$TMP/build.json" 'd["artifacts"][0]["path"][0]')" / "an artifact path on stdout"
run 0 "$KMODPACK" build -q --json -t "$TMP/target.ini" -o "$TMP/bo" "$EXAMPLE"
cp "$TMP/out" "$TMP/build2.json"
valid "$TMP/build2.json"
assert_eq "$(field "$TMP/build2.json" 'd["up_to_date"]')" True "a no-op build's up_to_date"
# A build with signed modules: each module's signature object.
"$SRCDIR/tests/cli/make-sign-key.sh" "$TMP/sk.pem" "$TMP/sc.pem" || fail "openssl req"
run 0 "$KMODPACK" build -q --json -t "$TMP/target.ini" -o "$TMP/bs" --sign-key "$TMP/sk.pem" \
	--sign-cert "$TMP/sc.pem" "$EXAMPLE"
cp "$TMP/out" "$TMP/build-signed.json"
valid "$TMP/build-signed.json"
valid "$TMP/bs/build-report.json" --file
assert_eq "$(field "$TMP/build-signed.json" 'd["flavours"][0]["modules"][0]["signature"]["sig_hashalgo"]')" sha256 "a signed module's sig_hashalgo"
assert_eq "$(field "$TMP/build.json" 'd["flavours"][0]["modules"][0]["signature"]')" None "an unsigned module's signature"
# Seconds are rounded to milliseconds as written.
grep -E '"seconds":[0-9]+\.[0-9]{3},' "$TMP/build.json" >/dev/null || fail "seconds not as 0.000"
! grep -E '"seconds":[0-9]+\.[0-9]{4,}' "$TMP/build.json" || fail "seconds not rounded"

# build failing: the compile error, its flavour and log in the error document.
cp -r "$EXAMPLE" "$TMP/bad"
echo "int broken = ;" >>"$TMP/bad/src/helloworld.c"
run 1 "$KMODPACK" build -q --json -t "$TMP/target.ini" -o "$TMP/bad-out" "$TMP/bad"
cp "$TMP/out" "$TMP/fail.json"
valid "$TMP/fail.json"
assert_eq "$(field "$TMP/fail.json" 'd["kind"], d["exit_status"], d["flavour"]')" "('failed', 1, 'amd64')" "compile failure"
log=$(field "$TMP/fail.json" 'd["log"]')
[ -f "$log" ] || fail "the error's log '$log' does not exist"

# spec: the spec, and a bad manifest's errors with file and line.
run 0 "$KMODPACK" spec --json -t "$TMP/target.ini" "$EXAMPLE"
cp "$TMP/out" "$TMP/spec.json"
valid "$TMP/spec.json"
mkdir "$TMP/typo"
sed 's/^\[driver\]/[drivers]/' "$EXAMPLE/kmodpack.ini" >"$TMP/typo/kmodpack.ini"
run 2 "$KMODPACK" spec --json -t "$TMP/target.ini" "$TMP/typo"
cp "$TMP/out" "$TMP/spec-err.json"
valid "$TMP/spec-err.json"
hdr=$(grep -n '^\[drivers\]' "$TMP/typo/kmodpack.ini" | cut -d: -f1)
assert_eq "$(field "$TMP/spec-err.json" 'd["kind"], d["line"], len(d["errors"])')" "('input', $hdr, 1)" "a misspelt section"
assert_eq "$(field "$TMP/spec-err.json" 'd["file"]')" "$TMP/typo/kmodpack.ini" "the error's file"

# build's errors that are about a target file, a flavour or the manifest
# carry them as data: a missing tree (file, line, flavour), a flavours line
# naming an unknown flavour (file, line), no flavour left (the manifest).
sed "s|^tree = $CLOUD_TREE\$|tree = /usr/src/linux-headers-0.0.0-1-cloud-amd64|" "$TMP/target.ini" >"$TMP/gone.ini"
gline=$(grep -n '^\[flavour cloud-amd64\]' "$TMP/gone.ini" | cut -d: -f1)
run 3 "$KMODPACK" build -q --json -t "$TMP/gone.ini" -o "$TMP/go" "$EXAMPLE"
cp "$TMP/out" "$TMP/tree-err.json"
valid "$TMP/tree-err.json"
assert_eq "$(field "$TMP/tree-err.json" 'd["kind"], d["file"], d["line"], d["flavour"]')" \
	"('environment', '$TMP/gone.ini', $gline, 'cloud-amd64')" "a missing tree"
assert_contains "$TMP/tree-err.json" "flavour cloud-amd64: kernel tree '/usr/src/linux-headers-0.0.0-1-cloud-amd64' does not exist"
sed 's/^name = debian-test$/name = debian-test\nflavours = amd46/' "$TMP/target.ini" >"$TMP/sel.ini"
run 2 "$KMODPACK" build -q --json -t "$TMP/sel.ini" -o "$TMP/so" "$EXAMPLE"
cp "$TMP/out" "$TMP/sel-err.json"
valid "$TMP/sel-err.json"
assert_eq "$(field "$TMP/sel-err.json" 'd["file"], d["line"], d["flavour"]')" "('$TMP/sel.ini', 3, None)" "an unknown flavour chosen"
assert_contains "$TMP/sel-err.json" "target.flavours: no flavour 'amd46' in target debian-test"
cp -r "$EXAMPLE" "$TMP/arm"
sed -i 's/^source = src$/source = src\nkernel_arch = aarch64/' "$TMP/arm/kmodpack.ini"
run 2 "$KMODPACK" build -q --json -t "$TMP/target.ini" -o "$TMP/ao" "$TMP/arm"
cp "$TMP/out" "$TMP/left-err.json"
valid "$TMP/left-err.json"
assert_eq "$(field "$TMP/left-err.json" 'd["kind"], d["file"], d["line"]')" "('input', '$TMP/arm/kmodpack.ini', None)" "no flavour left"
assert_contains "$TMP/left-err.json" "no flavour of target debian-test left to build"

# targets, and a bad target file.
run 0 "$KMODPACK" targets --json -t "$TMP/target.ini"
cp "$TMP/out" "$TMP/targets.json"
valid "$TMP/targets.json"
sed 's/^\[flavour amd64\]/[flavor amd64]/' "$TMP/target.ini" >"$TMP/typo.ini"
run 2 "$KMODPACK" targets --json -t "$TMP/typo.ini"
cp "$TMP/out" "$TMP/targets-err.json"
valid "$TMP/targets-err.json"
assert_contains "$TMP/targets-err.json" "did you mean [flavour amd64]?"

# modinfo: a built module; no dependencies is [].
ko=$(find "$TMP/bo/.kmodpack/build" -name helloworld.ko | head -1)
run 0 "$KMODPACK" modinfo --json "$ko"
cp "$TMP/out" "$TMP/modinfo.json"
valid "$TMP/modinfo.json"
assert_eq "$(field "$TMP/modinfo.json" 'd["modules"][0]["depends"], d["modules"][0]["fields"]["depends"]')" "([], [])" "depends without dependencies"
run 2 "$KMODPACK" modinfo --json "$TMP/nothing.ko"
cp "$TMP/out" "$TMP/modinfo-err.json"
valid "$TMP/modinfo-err.json"

# hcl: a module and a PCI and a USB device against a modules.alias file.
run 0 "$KMODPACK" hcl --json --fail-on=none --modules-alias "$SRCDIR/tests/fixtures/hcl/modules.alias" \
	--device 8086:10fb --device usb:0bda:8179 "$ko"
cp "$TMP/out" "$TMP/hcl.json"
valid "$TMP/hcl.json"
assert_eq "$(field "$TMP/hcl.json" 'd["modules_dir"], d["index"][0]')" "(None, '/')" "hcl's index"

# verify: no kernel image in this target, so the load check is skipped.
run 0 "$KMODPACK" verify --json -t "$TMP/target.ini" "$TMP/bo"
cp "$TMP/out" "$TMP/verify.json"
valid "$TMP/verify.json"
run 2 "$KMODPACK" verify --json -t "$TMP/target.ini" "$TMP/nowhere"
cp "$TMP/out" "$TMP/verify-err.json"
valid "$TMP/verify-err.json"

# pack, and the pack verified.
run 0 env SOURCE_DATE_EPOCH=1795564800 "$KMODPACK" pack -q --json -o "$TMP/pk" "$TMP/bo"
cp "$TMP/out" "$TMP/pack.json"
valid "$TMP/pack.json"
iso=$(field "$TMP/pack.json" 'd["iso"]["path"]')
run 0 "$KMODPACK" verify --json -t "$TMP/target.ini" --logs "$TMP/logs" "$iso"
cp "$TMP/out" "$TMP/verify-pack.json"
valid "$TMP/verify-pack.json"

echo "$ndocs documents match docs/json.md"
