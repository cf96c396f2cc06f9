#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# A pack of a build that skipped a flavour (a USB driver the cloud kernel
# cannot serve) records it where whoever installs it sees it: a line when
# packing, `skipped` in pack --json, SKIPPED-FLAVOURS.txt on the ISO.
# kmodpack verify reads the record back: the skipped flavour passes with a
# line saying why; the same ISO without the record fails naming the
# flavour, and so does a flavour a build only did not select (--flavour).
source "$(dirname "$0")/lib.sh"
debian_target "$TMP/target.ini"
grep -q '^CONFIG_USB=[ym]' "$AMD64_TREE/.config" || skip "the amd64 tree has no CONFIG_USB"
! grep -q '^CONFIG_USB=[ym]' "$CLOUD_TREE/.config" || skip "the cloud tree has CONFIG_USB"
command -v xorriso >/dev/null || skip "xorriso is not installed (run scripts/setup.sh)"
export SOURCE_DATE_EPOCH=1700000000
D=$TMP/usb
cp -r "$SRCDIR/tests/fixtures/dkms/exclusive-usb" "$D"
run 0 "$KMODPACK" build -q -t "$TMP/target.ini" -o "$TMP/b" "$D"
# The record names the file, not where the driver was checked out.
why="CONFIG_USB is not set (kernel_config, dkms.conf:5)"
META=(--label usb --text "USB drivers" --version 1.0 --vendor-code example --vendor-name "Example Org")

run 0 "$KMODPACK" pack -o "$TMP/p" "${META[@]}" "$TMP/b"
assert_contains "$TMP/err" "kmodpack: exclusive-usb is not built for flavour cloud-amd64 ($CLOUD_REL): $why (recorded in SKIPPED-FLAVOURS.txt on the ISO)"
ISO=$TMP/p/usb.iso
isoinfo -R -x /SKIPPED-FLAVOURS.txt -i "$ISO" >"$TMP/skipped.txt"
assert_contains "$TMP/skipped.txt" "# Kernel flavours the drivers of this pack are NOT built for"
printf 'exclusive-usb\texclusiveusb\tcloud-amd64\t%s\t%s\n' "$CLOUD_REL" "$why" >"$TMP/want"
grep -v '^#' "$TMP/skipped.txt" | cmp - "$TMP/want" || fail "SKIPPED-FLAVOURS.txt: $(cat "$TMP/skipped.txt")"
run 0 "$KMODPACK" pack --json -o "$TMP/pj" "${META[@]}" "$TMP/b"
python3 "$SRCDIR/tests/cli/json-schema.py" "$SRCDIR/docs/json.md" "$TMP/out" || fail "not as docs/json.md says"
python3 - "$TMP/out" "$CLOUD_REL" "$why" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
assert d["skipped"] == [{"driver": "exclusive-usb", "modules": "exclusiveusb", "flavour": "cloud-amd64",
                         "release": sys.argv[2], "reason": sys.argv[3]}], d["skipped"]
PY
# The same ISO bytes again: the record is part of the reproducible pack.
cmp "$ISO" "$TMP/pj/usb.iso" || fail "the pack is not reproducible"
# ...and from the same driver checked out elsewhere, built into another dir
cp -r "$D" "$TMP/elsewhere"
run 0 "$KMODPACK" build -q -t "$TMP/target.ini" -o "$TMP/b2" "$TMP/elsewhere"
run 0 "$KMODPACK" pack -q -o "$TMP/p2" "${META[@]}" "$TMP/b2"
cmp "$ISO" "$TMP/p2/usb.iso" || fail "the pack depends on where the driver was checked out"
# An update ISO carries the record too, and lists it with its files.
run 0 "$KMODPACK" pack --json --format=update -o "$TMP/up" "${META[@]}" "$TMP/b"
python3 - "$TMP/out" <<'PY'
import json, sys
u = json.load(open(sys.argv[1]))["update"]
assert "SKIPPED-FLAVOURS.txt" in u["files"], u["files"]
assert u["files"] == sorted(u["files"]), u["files"]
PY
isoinfo -R -x /SKIPPED-FLAVOURS.txt -i "$TMP/up/usb.iso" | grep -v '^#' | cmp - "$TMP/want" ||
	fail "the update ISO's SKIPPED-FLAVOURS.txt differs"
# A build that skipped nothing adds no file.
run 0 "$KMODPACK" build -q -t "$TMP/target.ini" -o "$TMP/hb" "$EXAMPLE"
run 0 "$KMODPACK" pack -q -o "$TMP/hp" "${META[@]}" "$TMP/hb"
! isoinfo -R -f -i "$TMP/hp/usb.iso" | grep -q SKIPPED || fail "a SKIPPED-FLAVOURS.txt without skipped flavours"

# verify: the flavour the build skipped passes, saying why.
V=(verify -t "$TMP/target.ini" --logs "$TMP/logs")
run 0 "$KMODPACK" "${V[@]}" "$ISO"
grep -qE "^  flavours +passed" "$TMP/out" || fail "flavours did not pass: $(cat "$TMP/out")"
assert_contains "$TMP/out" "exclusive-usb (exclusiveusb.ko) is not built for flavour cloud-amd64 ($CLOUD_REL): its build skipped it: $why (SKIPPED-FLAVOURS.txt)"

# The same pack without the record: the missing flavour fails.
rm -rf "$TMP/tree"
xorriso -osirrox on -indev "$ISO" -extract / "$TMP/tree" 2>/dev/null
chmod -R u+w "$TMP/tree"
rm "$TMP/tree/SKIPPED-FLAVOURS.txt"
mkdir "$TMP/edit"
xorriso -as mkisofs -quiet -R -J -V "USB drivers" -o "$TMP/edit/usb.iso" "$TMP/tree" 2>/dev/null
run 1 "$KMODPACK" "${V[@]}" "$TMP/edit/usb.iso"
grep -qE "^  flavours +FAILED" "$TMP/out" || fail "flavours did not fail: $(cat "$TMP/out")"
assert_contains "$TMP/out" "exclusive-usb-modules-amd64-$KVER-1.0-1.x86_64.rpm (exclusiveusb.ko) is not built for flavour cloud-amd64 ($CLOUD_REL) of target debian-test"
# A record for another release does not excuse this one.
sed "s/\t$CLOUD_REL\t/\t${CLOUD_REL}x\t/" "$TMP/skipped.txt" >"$TMP/tree/SKIPPED-FLAVOURS.txt"
rm "$TMP/edit/usb.iso"
xorriso -as mkisofs -quiet -R -J -V "USB drivers" -o "$TMP/edit/usb.iso" "$TMP/tree" 2>/dev/null
run 1 "$KMODPACK" "${V[@]}" "$TMP/edit/usb.iso"
grep -qE "^  flavours +FAILED" "$TMP/out" || fail "a record of another release excused the flavour"

# Left out by --flavour only: recorded, but the driver can serve it: fails.
run 0 "$KMODPACK" build -q -t "$TMP/target.ini" --flavour amd64 -o "$TMP/fb" "$EXAMPLE"
run 0 "$KMODPACK" pack -o "$TMP/fp" "${META[@]}" "$TMP/fb"
assert_contains "$TMP/err" "helloworld is not built for flavour cloud-amd64 ($CLOUD_REL): not selected (--flavour)"
run 1 "$KMODPACK" "${V[@]}" "$TMP/fp/usb.iso"
assert_contains "$TMP/out" "is not built for flavour cloud-amd64 ($CLOUD_REL) of target debian-test: its build left it out (not selected (--flavour)), though the driver can serve it: build that flavour too"
echo ok
