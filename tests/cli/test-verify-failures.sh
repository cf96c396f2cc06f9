#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# What verify must catch, each in the kernel's own words where there are
# some: a module built for the other flavour, an init that returns
# -ENODEV, a package that leaves a file behind after 'rpm -e'; and what it
# must get right: two modules loaded in dependency order.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/verify-lib.sh"
verify_target "$TMP/target.ini"
FIX=$SRCDIR/tests/fixtures/verify
OUT=$TMP/build
run 0 "$KMODPACK" build -q -t "$TMP/target.ini" -o "$OUT" "$EXAMPLE"

# 1. The amd64 module packaged as the cloud-amd64 flavour's.
cloud_rel=RPMS/x86_64/helloworld-modules-cloud-amd64-$KVER-1.0-1.x86_64.rpm
amd64_rpm=$OUT/RPMS/x86_64/helloworld-modules-amd64-$KVER-1.0-1.x86_64.rpm
rpm_cat "$amd64_rpm" "/lib/modules/$AMD64_REL/extra/helloworld.ko" >"$TMP/amd64.ko"
cp -r "$OUT" "$TMP/wrong"
craft_rpm "helloworld-modules-cloud-amd64-$KVER" x86_64 "
%install
install -D -m 0644 $TMP/amd64.ko %{buildroot}/lib/modules/$CLOUD_REL/extra/helloworld.ko
%files
/lib/modules/$CLOUD_REL/extra/helloworld.ko" "$TMP/wrong/$cloud_rel"
reseal "$TMP/wrong" "$cloud_rel"
run 1 "$KMODPACK" verify -t "$TMP/target.ini" "$TMP/wrong"
assert_contains "$TMP/out" "amd64 ($AMD64_REL): passed"
assert_contains "$TMP/out" "cloud-amd64 ($CLOUD_REL): FAILED"
# Offline, from Module.symvers, and then the kernel itself says so.
assert_contains "$TMP/out" "symbols: disagrees about version of symbol module_layout"
assert_contains "$TMP/out" "helloworld: disagrees about version of symbol module_layout"
assert_contains "$TMP/out" "load: insmod: invalid module format (ENOEXEC)"

# 2. An init that returns -ENODEV: built and packaged fine, refused by the kernel.
run 1 "$KMODPACK" build --verify -t "$TMP/target.ini" -o "$TMP/nodev-out" "$FIX/nodev"
assert_contains "$TMP/err" "verify: flavour amd64: module nodev: load: insmod: No such device (ENODEV)"
assert_contains "$TMP/err" "nodev: no device here"
[ ! -e "$TMP/nodev-out/RPMS" ] || fail "a build that failed verification was published"

# 3. twomods_a needs twomods_b's export: b loads first, then a, in both kernels.
run 0 "$KMODPACK" verify --json -t "$TMP/target.ini" -o "$TMP/two-out" "$FIX/twomods"
python3 - "$TMP/out" <<'PY' || fail "twomods verdict"
import json, sys
v = json.load(open(sys.argv[1]))
assert v["passed"] is True, v
for f in v["flavours"]:
    mods = {m["name"]: m for m in f["modules"]}
    assert set(mods) == {"twomods_a", "twomods_b"}, mods
    assert any("the answer is 42" in l for l in mods["twomods_a"]["load"]["kernel"]), mods
PY
for f in amd64 cloud-amd64; do
	grep -o 'KMODPACK-RESULT [a-z_]* [a-z]*' "$TMP/two-out/logs/verify-$f-console.log" >"$TMP/order"
	printf 'KMODPACK-RESULT twomods_b loaded\nKMODPACK-RESULT twomods_a loaded\n' | diff - "$TMP/order" ||
		fail "$f: load order"
done

# 4. A data package whose %post writes a file its %postun never removes: the
# guide (7.4) wants every RPM to uninstall cleanly. Scripts only run in
# the scratch root as root (rpm chroots into it).
if [ "$(id -u)" = 0 ]; then
	data_rel=RPMS/noarch/helloworld-data-1.0-1.noarch.rpm
	cp -r "$OUT" "$TMP/leaky"
	craft_rpm helloworld-data noarch "
%install
install -D -m 0644 $EXAMPLE/data/firmware/helloworld/hello.fw %{buildroot}/lib/firmware/helloworld/hello.fw
%post
echo enabled >/etc/helloworld.state
%files
/lib/firmware/helloworld/hello.fw" "$TMP/leaky/$data_rel"
	reseal "$TMP/leaky" "$data_rel"
	debian_target "$TMP/noimage.ini"
	run 1 "$KMODPACK" verify -t "$TMP/noimage.ini" "$TMP/leaky"
	assert_contains "$TMP/out" "install: 'rpm -e' left /etc/helloworld.state behind"
else
	echo "not root: rpm cannot run scriptlets in a scratch root; leftover case not tested" >&2
fi
echo PASS
