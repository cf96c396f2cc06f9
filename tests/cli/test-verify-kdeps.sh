#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# verify with in-kernel dependencies (issue 12 item 5): a module using
# exports of crc-itu-t and async_memcpy (which needs async_tx) loads in both
# Debian flavours because verify puts their dependency closure, from the
# kernel's own modules.dep, into the initramfs and loads it first; a USB
# driver loads on amd64 with usbcore. Without the kernel's modules the same
# modules fail with the kernel's "Unknown symbol", naming it.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/verify-lib.sh"
verify_target "$TMP/target.ini"
OUT=$TMP/build

t0=$(date +%s%N)
run 0 "$KMODPACK" build --verify -t "$TMP/target.ini" -o "$OUT" "$SRCDIR/tests/fixtures/verify/kdeps"
echo "build --verify of kdeps: $(( ($(date +%s%N) - t0) / 1000000 )) ms" >&2
assert_contains "$TMP/err" "in-kernel deps     crc_itu_t async_tx async_memcpy (loaded first)"
assert_contains "$TMP/err" "kdeps              install passed, symbols resolved, load loaded"
python3 - "$OUT/build-report.json" <<'PY' || fail "kernel_modules in the verdict"
import json, sys
v = json.load(open(sys.argv[1]))["verify"]
assert v["passed"] is True, v
assert [f["name"] for f in v["flavours"]] == ["amd64", "cloud-amd64"], v
for f in v["flavours"]:
    assert f["load"]["status"] == "passed", f
    # Dependencies first: async_tx before async_memcpy.
    assert f["load"]["kernel_modules"] == ["crc_itu_t", "async_tx", "async_memcpy"], f["load"]
    m = f["modules"][0]
    assert any("kdeps: crc-itu-t 0x" in l for l in m["load"]["kernel"]), m
PY
for f in amd64 cloud-amd64; do
	grep -q 'KMODPACK-KERNEL async_tx loaded' "$OUT/logs/verify-$f-console.log" ||
		fail "$f: the console does not show the in-kernel module loading"
done

# Without the kernel's modules (an empty cache, no modules_dir): the symbols
# resolve against Module.symvers, but the VM lacks the modules and the kernel
# names the symbol.
KMODPACK_CACHE=$TMP/empty-cache run 1 "$KMODPACK" verify --json -t "$TMP/target.ini" "$OUT"
python3 - "$TMP/out" <<'PY' || fail "verify without the kernel's modules"
import json, sys
v = json.load(open(sys.argv[1]))
for f in v["flavours"]:
    assert f["load"]["status"] == "failed" and f["load"]["kernel_modules"] == [], f["load"]
    m = f["modules"][0]
    assert any("Unknown symbol crc_itu_t" in l for l in m["load"]["kernel"]), m
PY

# Soft dependencies, loaded first as modprobe loads them: the module's own
# "pre: crc-itu-t", and libcrc32c's "pre: crc32c" (an alias: crc32c_generic,
# a module on amd64 and built in on cloud, and crc32c-intel, which a CPU
# without SSE 4.2 refuses: modprobe goes on, and so does verify).
run 0 "$KMODPACK" build --verify -t "$TMP/target.ini" -o "$TMP/sdout" "$SRCDIR/tests/fixtures/verify/softdep"
python3 - "$TMP/sdout/build-report.json" <<'PY' || fail "soft dependencies"
import json, sys
v = json.load(open(sys.argv[1]))["verify"]
assert v["passed"] is True, v
for f in v["flavours"]:
    k = f["load"]["kernel_modules"]
    assert f["load"]["status"] == "passed", f
    # the module's own soft dependency, then libcrc32c after its soft dependency
    assert k[0] == "crc_itu_t" and k[-1] == "libcrc32c", (f["name"], k)
    if f["name"] == "amd64":
        assert "crc32c_generic" in k, k
PY
for f in amd64 cloud-amd64; do
	grep -q 'KMODPACK-KERNEL crc32c_intel ' "$TMP/sdout/logs/verify-$f-console.log" ||
		fail "$f: libcrc32c's soft dependency crc32c-intel was not tried"
done
grep "soft dependency" "$TMP/err" | grep -v "soft dependency crc32c_intel did not load" &&
	fail "another soft dependency did not load"

# A USB driver (the hcl test's usb_driver) loads on amd64 with usbcore and
# usb-common from the kernel; cloud-amd64 has no USB, so it is not a flavour here.
mkdir -p "$TMP/usb/src"
cp "$SRCDIR/tests/fixtures/hcl/usbdrv/hclusb.c" "$TMP/usb/src/"
echo 'obj-m := hclusb.o' >"$TMP/usb/src/Makefile"
sed -e 's/^name = kdeps/name = hclusb/' "$SRCDIR/tests/fixtures/verify/kdeps/kmodpack.ini" >"$TMP/usb/kmodpack.ini"
sed -e '/^\[flavour cloud-amd64\]/,$d' "$TMP/target.ini" >"$TMP/amd64.ini"
run 0 "$KMODPACK" build --verify -t "$TMP/amd64.ini" -o "$TMP/usbout" "$TMP/usb"
python3 - "$TMP/usbout/build-report.json" <<'PY' || fail "USB driver with usbcore"
import json, sys
f = json.load(open(sys.argv[1]))["verify"]["flavours"][0]
assert f["load"]["status"] == "passed", f
assert f["load"]["kernel_modules"][-1] == "usbcore" and "usb_common" in f["load"]["kernel_modules"], f["load"]
PY
KMODPACK_CACHE=$TMP/empty-cache run 1 "$KMODPACK" verify -t "$TMP/amd64.ini" "$TMP/usbout"
assert_contains "$TMP/out" "hclusb: Unknown symbol usb_register_driver"
echo ok
