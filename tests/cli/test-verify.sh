#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# kmodpack verify on the example: both Debian flavours install, resolve
# every symbol and load in their own kernel under qemu; build --verify
# publishes and records the verdict; the JSON matches; no image is a skip
# (or exit 3 with --require-load); a changed RPM is caught.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/verify-lib.sh"
verify_target "$TMP/target.ini"
OUT=$TMP/build

t0=$(date +%s%N)
run 0 "$KMODPACK" build --verify -t "$TMP/target.ini" -o "$OUT" "$EXAMPLE"
echo "build --verify of the example: $(( ($(date +%s%N) - t0) / 1000000 )) ms" >&2
for f in amd64 cloud-amd64; do
	assert_contains "$TMP/err" "$f ("
done
assert_contains "$TMP/err" "helloworld         install passed, symbols resolved, load loaded"
python3 - "$OUT/build-report.json" <<'PY' || fail "verdict in the build report"
import json, sys
v = json.load(open(sys.argv[1]))["verify"]
assert v["passed"] is True, v
assert [f["name"] for f in v["flavours"]] == ["amd64", "cloud-amd64"], v
for f in v["flavours"]:
    for c in ("install", "symbols", "load"):
        assert f[c]["status"] == "passed", (f["name"], c, f[c])
    m = f["modules"][0]
    assert m["name"] == "helloworld" and m["load"]["status"] == "passed", m
    # The kernel's own words about the module, copied from dmesg in the VM.
    assert any("helloworld: hello, world" in l for l in m["load"]["kernel"]), m
PY
grep -q 'KMODPACK-RESULT helloworld loaded' "$OUT/logs/verify-cloud-amd64-console.log" ||
	fail "console log of the cloud-amd64 VM"

# verify OUTDIR: the same verdict, as JSON; the install ran scripts in the scratch root.
run 0 "$KMODPACK" verify --json -t "$TMP/target.ini" "$OUT"
python3 - "$TMP/out" <<'PY' || fail "verify --json"
import json, sys
v = json.load(open(sys.argv[1]))
assert v["passed"] is True
for f in v["flavours"]:
    assert f["load"]["accel"] in ("kvm", "tcg") and f["load"]["seconds"] > 0, f
PY

# No image: the load check is skipped, not failed; --require-load makes it exit 3.
# (A target file's flavour without `image` finds the image the host target
# would, in kmodpack's cache: an empty cache here, so there is none.)
debian_target "$TMP/noimage.ini"
export KMODPACK_CACHE=$TMP/empty-cache
ls /boot/vmlinuz-"$AMD64_REL" >/dev/null 2>&1 && skip "/boot has the image: no flavour without one"
run 0 "$KMODPACK" verify -t "$TMP/noimage.ini" "$OUT"
assert_contains "$TMP/out" "loaded             skipped (no image)"
run 3 "$KMODPACK" verify --require-load -t "$TMP/noimage.ini" "$OUT"
assert_contains "$TMP/err" "flavour amd64: no kernel image to boot"

# A package that is not the one the build made is refused before anything runs.
cp -r "$OUT" "$TMP/changed"
echo junk >>"$TMP/changed/RPMS/noarch/helloworld-data-1.0-1.noarch.rpm"
run 1 "$KMODPACK" verify -t "$TMP/noimage.ini" "$TMP/changed"
assert_contains "$TMP/out" "is not the file the build made (sha256 differs from the build report)"
run 2 "$KMODPACK" verify "$TMP/nonexistent"
echo PASS
