#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Flavours a driver cannot serve: a USB driver requires CONFIG_USB, which
# Debian's cloud kernel lacks. Without kernel_config the build fails in the
# cloud flavour (a compile failure stays a failure); with it, cloud-amd64 is
# skipped before compiling with one line, amd64 builds, exit 0, and the
# report says why. --flavour and a target's `flavours` choose by name;
# kernel_arch skips other architectures.
source "$(dirname "$0")/lib.sh"
debian_target "$TMP/target.ini"
grep -q '^CONFIG_USB=[ym]' "$AMD64_TREE/.config" || skip "the amd64 tree has no CONFIG_USB"
! grep -q '^CONFIG_USB=[ym]' "$CLOUD_TREE/.config" || skip "the cloud tree has CONFIG_USB"
export KMODPACK_PLAIN=1
D=$TMP/usbdemo
mkdir -p "$D/src"
cat >"$D/kmodpack.ini" <<'EOF'
[driver]
name = usbdemo
version = 1.0
summary = USB test driver
license = GPL-2.0-only
source = src
source_date_epoch = 1795564800
[vendor]
code = example
name = Example Organisation
EOF
echo 'obj-m := usbdemo.o' >"$D/src/Makefile"
cat >"$D/src/usbdemo.c" <<'EOF'
// SPDX-License-Identifier: GPL-2.0-only
#include <linux/module.h>
#include <linux/usb.h>
static const struct usb_device_id usbdemo_ids[] = {
	{ USB_DEVICE(0x1d6b, 0x0104) },
	{ }
};
MODULE_DEVICE_TABLE(usb, usbdemo_ids);
static int usbdemo_probe(struct usb_interface *intf, const struct usb_device_id *id) { return -ENODEV; }
static void usbdemo_disconnect(struct usb_interface *intf) { }
static struct usb_driver usbdemo_driver = {
	.name = "usbdemo",
	.id_table = usbdemo_ids,
	.probe = usbdemo_probe,
	.disconnect = usbdemo_disconnect,
};
module_usb_driver(usbdemo_driver);
MODULE_LICENSE("GPL");
EOF
report() { # python expression over the report r
	python3 -c "import json,sys; r=json.load(open('$1')); print($2)"
}

# Without kernel_config: the cloud flavour fails to build, and so does the build.
run 1 "$KMODPACK" build -q -t "$TMP/target.ini" -o "$TMP/o0" "$D"
assert_contains "$TMP/err" "flavour cloud-amd64 ($CLOUD_REL): compiling failed"

# With it: one line, before compiling; amd64 built; exit 0.
sed -i 's/^source = src$/source = src\nkernel_config = CONFIG_USB/' "$D/kmodpack.ini"
run 0 "$KMODPACK" build -t "$TMP/target.ini" -o "$TMP/o" "$D"
line="kmodpack: flavour cloud-amd64 ($CLOUD_REL) skipped: CONFIG_USB is not set (kernel_config, kmodpack.ini:7)"
assert_contains "$TMP/err" "$line"
assert_eq "$(grep -c cloud-amd64 "$TMP/err")" 1 "lines naming cloud-amd64"
[ ! -e "$TMP/o/.kmodpack/build/cloud-amd64" ] || fail "the skipped flavour was compiled"
ls "$TMP"/o/RPMS/x86_64/ | grep -v debuginfo >"$TMP/rpms"
assert_eq "$(cat "$TMP/rpms")" "usbdemo-modules-amd64-$KVER-1.0-1.x86_64.rpm" "module RPMs"
R=$TMP/o/build-report.json
assert_eq "$(report "$R" "[f['name'] for f in r['flavours']]")" "['amd64']" "built flavours"
assert_eq "$(report "$R" "[(s['name'], s['release']) for s in r['skipped']]")" \
	"[('cloud-amd64', '$CLOUD_REL')]" "skipped flavours"
assert_eq "$(report "$R" "r['skipped'][0]['reason']")" \
	"CONFIG_USB is not set (kernel_config, kmodpack.ini:7)" "why"
assert_not_contains "$TMP/o/SPECS/usbdemo.spec" "cloud"
# Nothing changed: up to date, the same one line again.
run 0 "$KMODPACK" build -t "$TMP/target.ini" -o "$TMP/o" "$D"
assert_contains "$TMP/err" "up to date"
assert_contains "$TMP/err" "$line"
# kmodpack spec skips it the same way.
run 0 "$KMODPACK" spec -t "$TMP/target.ini" "$D"
assert_contains "$TMP/err" "$line"
assert_not_contains "$TMP/out" "cloud"

# --flavour chooses by name; the others are recorded as not selected.
run 0 "$KMODPACK" build -q -t "$TMP/target.ini" --flavour amd64 -o "$TMP/o2" "$EXAMPLE"
assert_eq "$(report "$TMP/o2/build-report.json" "[s['name']+': '+s['reason'] for s in r['skipped']]")" \
	"['cloud-amd64: not selected (--flavour)']" "skipped by --flavour"
ls "$TMP"/o2/RPMS/x86_64/ | grep -v debuginfo >"$TMP/rpms"
assert_eq "$(cat "$TMP/rpms")" "helloworld-modules-amd64-$KVER-1.0-1.x86_64.rpm" "--flavour amd64"
run 2 "$KMODPACK" build -q -t "$TMP/target.ini" --flavour amd46 -o "$TMP/o3" "$EXAMPLE"
assert_contains "$TMP/err" "--flavour: no flavour 'amd46' in target debian-test (its flavours: amd64, cloud-amd64)"
[ ! -e "$TMP/o3" ] || fail "a refused --flavour created the output dir"
# Only the flavour the driver cannot serve: nothing to build.
run 2 "$KMODPACK" build -q -t "$TMP/target.ini" --flavour cloud-amd64 -o "$TMP/o4" "$D"
assert_contains "$TMP/err" "no flavour of target debian-test left to build"

# A target file can choose too.
{ cat "$TMP/target.ini"; } | sed 's/^name = debian-test$/name = debian-test\nflavours = cloud-amd64/' >"$TMP/cloud.ini"
run 0 "$KMODPACK" spec -t "$TMP/cloud.ini" "$EXAMPLE"
assert_contains "$TMP/out" "%package -n helloworld-modules-cloud-amd64-$KVER"
assert_not_contains "$TMP/out" "%package -n helloworld-modules-amd64-"

# kernel_arch: a driver for other architectures builds nothing here.
sed -i 's/^kernel_config = CONFIG_USB$/kernel_arch = aarch64 ppc64*/' "$D/kmodpack.ini"
run 2 "$KMODPACK" build -t "$TMP/target.ini" -o "$TMP/o5" "$D"
assert_contains "$TMP/err" "flavour amd64 ($AMD64_REL) skipped: its arch x86_64 is not in kernel_arch (kmodpack.ini:7)"

# kernel_release, kernel_min, kernel_max (DKMS's BUILD_EXCLUSIVE_KERNEL, _MIN,
# _MAX): a flavour whose release is outside is skipped with one line; a bad
# regular expression or version is refused at its line.
sed -i 's/^kernel_arch = .*$/kernel_release = ^[0-9.]+-[0-9]+-amd64$/' "$D/kmodpack.ini"
run 0 "$KMODPACK" spec -t "$TMP/target.ini" "$D"
assert_contains "$TMP/err" "kmodpack: flavour cloud-amd64 ($CLOUD_REL) skipped: its release $CLOUD_REL does not match kernel_release '^[0-9.]+-[0-9]+-amd64\$' (kmodpack.ini:7)"
assert_eq "$(grep -c skipped "$TMP/err")" 1 "skip lines"
sed -i 's/^kernel_release = .*$/kernel_max = 4.19/' "$D/kmodpack.ini"
run 2 "$KMODPACK" spec -t "$TMP/target.ini" "$D"
assert_contains "$TMP/err" "flavour amd64 ($AMD64_REL) skipped: its release $AMD64_REL is newer than kernel_max 4.19 (kmodpack.ini:7)"
sed -i 's/^kernel_max = .*$/kernel_min = 4.19\nkernel_max = 99/' "$D/kmodpack.ini"
run 0 "$KMODPACK" spec -t "$TMP/target.ini" "$D"
assert_not_contains "$TMP/err" "skipped"
sed -i 's/^kernel_min = .*$/kernel_release = ^(6/; s/^kernel_max = .*$/kernel_min = v5/' "$D/kmodpack.ini"
run 2 "$KMODPACK" spec -t "$TMP/target.ini" "$D"
assert_contains "$TMP/err" "$D/kmodpack.ini:7: kernel_release: '^(6' is not a POSIX extended regular expression: "
assert_contains "$TMP/err" "$D/kmodpack.ini:8: kernel_min: 'v5' is not a kernel version such as 5.10"
sed -i 's/^kernel_release = .*$/kernel_relase = 6/; /^kernel_min/d' "$D/kmodpack.ini"
run 2 "$KMODPACK" spec -t "$TMP/target.ini" "$D"
assert_contains "$TMP/err" "did you mean 'kernel_release'?"
echo ok
