#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# DKMS drivers as their repositories ship them, with no kmodpack.ini and
# group-writable files: build and spec derive the manifest from dkms.conf
# (or debian/<pkg>.dkms) in memory and say so in one line; init writes the
# same manifest for review; a dkms.conf that needs a shell is refused with
# file:line and nothing is written. Real Debian kernel trees, real rpm.
source "$(dirname "$0")/lib.sh"
debian_target "$TMP/target.ini"
FIX=$SRCDIR/tests/fixtures/dkms
for d in pci-debian nproc-pre needs-shell kver-ksrc; do
	cp -r "$FIX/$d" "$TMP/$d"
done
# as git leaves them with umask 002
chmod -R g+w "$TMP"/pci-debian "$TMP"/nproc-pre "$TMP"/needs-shell "$TMP"/kver-ksrc

# 1. debian/<pkg>.dkms with #MODULE_VERSION#: version and release from
# debian/changelog, the Kbuild dir from MAKE's M=, summary and license from
# the sources, url and vendor from debian/control, the changelog converted.
run 0 "$KMODPACK" build -t "$TMP/target.ini" -o "$TMP/out-pci" "$TMP/pci-debian"
assert_contains "$TMP/err" "no kmodpack.ini in $TMP/pci-debian: using the one derived from debian/acmepci-dkms.dkms"
assert_eq "$(grep -c 'derived' "$TMP/err")" 1 "lines about the derived manifest"
[ ! -e "$TMP/pci-debian/kmodpack.ini" ] || fail "build wrote a kmodpack.ini"
rpm=$TMP/out-pci/RPMS/x86_64/acmepci-modules-amd64-$KVER-1.4.2-3.x86_64.rpm
[ -f "$rpm" ] || fail "no $rpm: $(ls -R "$TMP/out-pci")"
[ -f "$TMP/out-pci/SRPMS/acmepci-1.4.2-3.src.rpm" ] || fail "no SRPM acmepci-1.4.2-3"
assert_eq "$(rpm -qp --qf '%{LICENSE}|%{SUMMARY}|%{URL}|%{VENDOR}' "$rpm")" \
	"GPL-2.0-or-later|ACME PCI test card driver (kernel $AMD64_REL)|https://acme.example/drivers/acmepci|ACME Drivers Team" \
	"tags from MODULE_LICENSE + SPDX, MODULE_DESCRIPTION, debian/control"
rpm -qp --changelog "$rpm" >"$TMP/changelog"
assert_contains "$TMP/changelog" "* Thu Sep 03 2020 ACME Drivers Team <drivers@acme.example> - 1.4.2-3"
assert_contains "$TMP/changelog" "- Support the 0x10fc device"
assert_contains "$TMP/changelog" "* Sun Mar 01 2020 ACME Drivers Team <drivers@acme.example> - 1.4.1-1"
rpm -qlp "$rpm" | grep -qx "/lib/modules/$AMD64_REL/extra/acmepci.ko" || fail "acmepci.ko not packaged"
[ -f "$TMP/out-pci/RPMS/x86_64/acmepci-modules-cloud-amd64-$KVER-1.4.2-3.x86_64.rpm" ] ||
	fail "no cloud-amd64 RPM"

# 2. PACKAGE_VERSION 2.10.1-pre becomes 2.10.1~pre, reported in the one
# line; -j$(nproc) gives way to kmodpack's jobs; MAKE's KCFLAGS reaches make
# (the module does not compile without it).
export SOURCE_DATE_EPOCH=1700000000
run 0 "$KMODPACK" build -t "$TMP/target.ini" -o "$TMP/out-pre" "$TMP/nproc-pre"
assert_contains "$TMP/err" "using the one derived from dkms.conf, with version '2.10.1-pre' as '2.10.1~pre'"
[ -f "$TMP/out-pre/RPMS/x86_64/nproc-pre-modules-amd64-$KVER-2.10.1~pre-1.x86_64.rpm" ] ||
	fail "no 2.10.1~pre RPM: $(ls -R "$TMP/out-pre")"
assert_eq "$(rpm -qp --qf '%{LICENSE}' "$TMP/out-pre/SRPMS/nproc-pre-2.10.1~pre-1.src.rpm")" \
	"GPL-2.0-only OR BSD-3-Clause" "Dual BSD/GPL as SPDX"

# 3. init writes what build used: the spec from the written file is the
# spec from the derived one, byte for byte; an existing file is kept
# unless --force; nothing else is left in the dir.
run 0 "$KMODPACK" spec -t "$TMP/target.ini" "$TMP/nproc-pre"
cp "$TMP/out" "$TMP/spec-derived"
assert_contains "$TMP/spec-derived" "Version: 2.10.1~pre"
ls -A "$TMP/nproc-pre" >"$TMP/before"
run 0 "$KMODPACK" init "$TMP/nproc-pre"
assert_contains "$TMP/err" "wrote $TMP/nproc-pre/kmodpack.ini from $TMP/nproc-pre/dkms.conf"
ini=$TMP/nproc-pre/kmodpack.ini
assert_contains "$ini" "version = 2.10.1~pre"
assert_contains "$ini" "; dkms.conf:2 PACKAGE_VERSION '2.10.1-pre', in rpm's rules"
assert_contains "$ini" "; dkms.conf:5 MAKE: '-j{jobs}' dropped: kmodpack's job budget (-j) applies"
assert_contains "$ini" "make_args = KCFLAGS=-DNPROC_PRE"
assert_contains "$ini" "; GUESSED: nothing in debian/ names a maintainer"
assert_eq "$(ls -A "$TMP/nproc-pre" | sort)" "$(sort "$TMP/before" - <<<kmodpack.ini)" "files after init"
run 0 "$KMODPACK" spec -t "$TMP/target.ini" "$TMP/nproc-pre"
cmp "$TMP/out" "$TMP/spec-derived" || fail "the written kmodpack.ini gives another spec"
assert_not_contains "$TMP/err" "derived"
echo "; reviewed" >>"$ini"
cp "$ini" "$TMP/reviewed"
run 2 "$KMODPACK" init "$TMP/nproc-pre"
assert_contains "$TMP/err" "'$ini' exists: kmodpack reads it, not dkms.conf; use --force"
cmp "$ini" "$TMP/reviewed" || fail "init changed an existing kmodpack.ini"
run 0 "$KMODPACK" init --force "$TMP/nproc-pre"
assert_not_contains "$ini" "; reviewed"

# 4. a dkms.conf that needs a shell: refused with file:line, nothing written.
run 2 "$KMODPACK" build -t "$TMP/target.ini" -o "$TMP/out-shell" "$TMP/needs-shell"
assert_contains "$TMP/err" "$TMP/needs-shell/dkms.conf:11: the conditional 'if' needs a shell"
[ ! -e "$TMP/out-shell" ] || fail "a refused build left $TMP/out-shell"
run 2 "$KMODPACK" init "$TMP/needs-shell"
assert_contains "$TMP/err" "dkms.conf:11: the conditional 'if' needs a shell"
[ ! -e "$TMP/needs-shell/kmodpack.ini" ] || fail "init wrote a manifest for a refused dkms.conf"

# 5. KVER=${kernelver} KSRC=/lib/modules/${kernelver}/build and a job cap:
# mapped onto the per-flavour {release} and {tree} of make_args, so the
# Makefile that insists on both builds for both flavours.
run 0 "$KMODPACK" init "$TMP/kver-ksrc"
ini=$TMP/kver-ksrc/kmodpack.ini
assert_contains "$ini" "make_args = KVER={release} KSRC={tree}"
assert_contains "$ini" "; dkms.conf:6: '[ \$PROCS_NUM -gt 16 ] && PROCS_NUM=16' caps make's jobs"
run 0 "$KMODPACK" build -t "$TMP/target.ini" -o "$TMP/out-kver" "$TMP/kver-ksrc"
for f in amd64 cloud-amd64; do
	[ -f "$TMP/out-kver/RPMS/x86_64/kverksrc-modules-$f-$KVER-5.6.4.2~20201019-1.x86_64.rpm" ] ||
		fail "no $f RPM: $(ls -R "$TMP/out-kver")"
done

# 6. BUILD_EXCLUSIVE_CONFIG="CONFIG_USB ...": the cloud kernel has no USB, so
# that flavour is skipped with one line and the other is built.
cp -r "$FIX/exclusive-usb" "$TMP/exclusive-usb"
chmod -R g+w "$TMP/exclusive-usb"
run 0 "$KMODPACK" build -t "$TMP/target.ini" -o "$TMP/out-usb" "$TMP/exclusive-usb"
assert_contains "$TMP/err" "flavour cloud-amd64 ($CLOUD_REL) skipped: CONFIG_USB is not set (kernel_config, dkms.conf:5)"
[ -f "$TMP/out-usb/RPMS/x86_64/exclusive-usb-modules-amd64-$KVER-1.0-1.x86_64.rpm" ] ||
	fail "no amd64 RPM: $(ls -R "$TMP/out-usb")"
[ ! -e "$TMP/out-usb/RPMS/x86_64/exclusive-usb-modules-cloud-amd64-$KVER-1.0-1.x86_64.rpm" ] ||
	fail "a package for the flavour that lacks CONFIG_USB"

# 7. BUILD_EXCLUSIVE_KERNEL (a regular expression on the release, as DKMS's
# bash =~), _MIN and _MAX (DKMS's version order) become kernel_release,
# kernel_min and kernel_max: a flavour outside is skipped with one line that
# names the dkms.conf line; a bad regular expression is refused at its line.
K=$TMP/exclusive-kernel
cp -r "$FIX/exclusive-usb" "$K"
sed -i '/^BUILD_EXCLUSIVE_CONFIG=/d' "$K/dkms.conf"
echo 'BUILD_EXCLUSIVE_KERNEL="-cloud-amd64$"' >>"$K/dkms.conf"
kline=$(grep -n '^BUILD_EXCLUSIVE_KERNEL=' "$K/dkms.conf" | cut -d: -f1)
run 0 "$KMODPACK" spec -t "$TMP/target.ini" "$K"
assert_contains "$TMP/err" "flavour amd64 ($AMD64_REL) skipped: its release $AMD64_REL does not match kernel_release '-cloud-amd64\$' (dkms.conf:$kline)"
assert_eq "$(grep -c 'skipped' "$TMP/err")" 1 "skip lines"
assert_contains "$TMP/out" "%package -n exclusive-usb-modules-cloud-amd64-$KVER"
assert_not_contains "$TMP/out" "%package -n exclusive-usb-modules-amd64-"
run 0 "$KMODPACK" init "$K"
assert_contains "$K/kmodpack.ini" "; dkms.conf:$kline BUILD_EXCLUSIVE_KERNEL: a flavour whose release does not match is skipped"
assert_contains "$K/kmodpack.ini" "kernel_release = -cloud-amd64\$"
rm "$K/kmodpack.ini"
# The minimum is past this kernel: nothing left to build, each flavour named once.
echo "BUILD_EXCLUSIVE_KERNEL_MIN=\"${AMD64_REL%%.*}.999\"" >>"$K/dkms.conf"
sed -i '/^BUILD_EXCLUSIVE_KERNEL=/d' "$K/dkms.conf"
mline=$(grep -n '^BUILD_EXCLUSIVE_KERNEL_MIN=' "$K/dkms.conf" | cut -d: -f1)
run 2 "$KMODPACK" build -t "$TMP/target.ini" -o "$TMP/out-min" "$K"
assert_contains "$TMP/err" "flavour cloud-amd64 ($CLOUD_REL) skipped: its release $CLOUD_REL is older than kernel_min ${AMD64_REL%%.*}.999 (dkms.conf:$mline)"
assert_contains "$TMP/err" "no flavour of target debian-test left to build"
[ ! -e "$TMP/out-min" ] || fail "a build with nothing to build made its output dir"
# A maximum this kernel is within, in DKMS's order: 6.1.0-57 is after 6.1, before 6.1.1.
sed -i '/^BUILD_EXCLUSIVE_KERNEL_MIN=/d' "$K/dkms.conf"
echo "BUILD_EXCLUSIVE_KERNEL_MAX=\"${KVER%%-*}\"" >>"$K/dkms.conf"
run 2 "$KMODPACK" spec -t "$TMP/target.ini" "$K"
assert_contains "$TMP/err" "is newer than kernel_max ${KVER%%-*} (dkms.conf:"
sed -i "s/^BUILD_EXCLUSIVE_KERNEL_MAX=.*/BUILD_EXCLUSIVE_KERNEL_MAX=\"${KVER%%-*}.999\"/" "$K/dkms.conf"
run 0 "$KMODPACK" spec -t "$TMP/target.ini" "$K"
assert_not_contains "$TMP/err" "skipped"
# A regular expression bash would refuse: file:line, before anything else.
echo 'BUILD_EXCLUSIVE_KERNEL="^(6\.1"' >>"$K/dkms.conf"
bline=$(grep -n '^BUILD_EXCLUSIVE_KERNEL=' "$K/dkms.conf" | cut -d: -f1)
run 2 "$KMODPACK" build -t "$TMP/target.ini" -o "$TMP/out-re" "$K"
assert_contains "$TMP/err" "$K/dkms.conf:$bline: BUILD_EXCLUSIVE_KERNEL '^(6\.1' is not a POSIX extended regular expression"
run 2 "$KMODPACK" init "$K"
[ ! -e "$K/kmodpack.ini" ] || fail "init wrote a manifest from a bad dkms.conf"
echo "ok"
