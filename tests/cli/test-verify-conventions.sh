#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Today's products' packaging conventions (docs/targets.md) through verify:
# a <vendor>-<name> package with its modules under updates/ and the dracut
# %post lines installs into a scratch root (scripts run), depmod finds the
# module there, and the flavour's own kernel loads it under qemu. (The
# kernel_requires convention cannot name Debian's releases: rpm refuses a
# version with two '-'; test-build-conventions covers it on XCP-ng's.)
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/verify-lib.sh"
verify_target "$TMP/target.ini"
sed -i 's/^arch = x86_64$/arch = x86_64\nmodule_dir = updates\nnaming = vendor\ninitrd = dracut/' "$TMP/target.ini"
# A driver needed at boot: with initrd = dracut its packages remake the initrd.
cp -r "$EXAMPLE" "$TMP/d"
sed -i 's/^\[driver\]$/[driver]\ninitrd = yes/' "$TMP/d/kmodpack.ini"
run 0 "$KMODPACK" build --verify --json -t "$TMP/target.ini" --flavour amd64 -o "$TMP/o" "$TMP/d"
PKG=$TMP/o/RPMS/x86_64/example-helloworld-1.0-1.x86_64.rpm
[ -f "$PKG" ] || fail "no vendor-named package: $(ls "$TMP/o/RPMS/x86_64")"
rpm -qp --qf '[%{FILENAMES}\n]' "$PKG" 2>/dev/null >"$TMP/files"
assert_contains "$TMP/files" "/lib/modules/$AMD64_REL/updates/helloworld.ko"
rpm -qp --scripts "$PKG" 2>/dev/null >"$TMP/scripts"
assert_contains "$TMP/scripts" "dracut -f '/boot/initrd-$AMD64_REL.img' '$AMD64_REL'"
python3 - "$TMP/out" <<'PY'
import json, sys
v = json.load(open(sys.argv[1]))["verify"]
assert v["passed"] is True, v
f, = v["flavours"]
assert f["name"] == "amd64", f
# the scripts ran (dracut's lines skip a missing /boot/initrd-*), and the kernel loaded it
assert [f[c]["status"] for c in ("install", "symbols", "load")] == ["passed"] * 3, f
assert f["install"]["scripts"] is True and f["load"]["reason"] is None, f
PY
echo ok
