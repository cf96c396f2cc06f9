#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# Fetch Debian's linux-image package (the release of the installed
# linux-headers-*-amd64, which this machine's apt offers, as verify's kernel
# images are; KMODPACK_TEST_KERNEL_RELEASE=R for another) with
# scripts/fetch-linux-image.sh (apt-get download, dpkg-deb -x, depmod -b)
# and check hcl verdicts against its real modules.alias, and modinfo against
# kmod's on a sample of its real (signed) modules. Exit 77 (skipped) only
# when the package cannot be downloaded (no network or apt source).
set -euo pipefail

: "${KMODPACK:?set KMODPACK to the kmodpack binary}"
src=${KMODPACK_TEST_SRCDIR:-$(cd "$(dirname "$0")/../.." && pwd)}
PATH=$PATH:/usr/sbin:/sbin
fail() { echo "FAIL: $*" >&2; exit 1; }

rc=0
moddir=$("$src/scripts/fetch-linux-image.sh" ${KMODPACK_TEST_KERNEL_RELEASE:+"$KMODPACK_TEST_KERNEL_RELEASE"}) || rc=$?
[ "$rc" = 0 ] || { [ "$rc" = 3 ] && { echo "SKIP: cannot fetch the kernel package"; exit 77; }; fail "fetch-linux-image.sh exited $rc"; }

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# The issue's example: 8086:10fb is claimed by ixgbe, supported.
"$KMODPACK" hcl --kernel "$moddir" --json --device 8086:10fb >"$tmp/j" && fail "supported ID exited 0"
python3 - "$tmp/j" <<'PY' || fail "8086:10fb verdict"
import json, sys
e = json.load(open(sys.argv[1]))["ids"][0]
assert e["verdict"] == "supported" and e["claimed_by"] == ["ixgbe"], e
PY
# An ID no driver claims, and an NVMe controller known by class only through lspci.
"$KMODPACK" hcl --kernel "$moddir" --device 1234:5678 >"$tmp/o" || fail "unclaimed ID"
grep -q '^1234:5678  new' "$tmp/o" || fail "1234:5678 not new"
printf '01:00.0 0108: 144d:a808 (prog-if 02)\n' | "$KMODPACK" hcl --kernel "$moddir" --lspci - >"$tmp/o" && fail "nvme exit 0"
grep -A1 '^144d:a808 class 010802  supported' "$tmp/o" | grep -q 'claimed by: nvme' || fail "nvme by class"

# Every ixgbe alias in the real module is supported by the real index.
ixgbe=$(find "$moddir" -name 'ixgbe.ko*' | head -1)
"$KMODPACK" hcl --kernel "$moddir" --fail-on=none "$ixgbe" >"$tmp/o"
n=$(grep -c '^ixgbe ' "$tmp/o")
[ "$n" -gt 30 ] && [ "$(grep -c '^ixgbe .*  supported  ' "$tmp/o")" = "$n" ] || fail "ixgbe self-check"

# USB: each interface lsusb -v shows gets the modules libkmod resolves for its
# modalias (modprobe -R, the lookup udev does on hotplug), and the issue's
# example of an out-of-tree Wi-Fi driver's IDs the kernel claims itself.
root=${moddir%/lib/modules/*}
release=${moddir##*/}
"$KMODPACK" hcl --kernel "$moddir" --json --fail-on=none --lsusb "$src/tests/fixtures/hcl/lsusb-v.txt" >"$tmp/j"
python3 - "$tmp/j" >"$tmp/pairs" <<'PY'
import json, sys
for e in json.load(open(sys.argv[1]))["ids"]:
    print(e["alias"].rstrip("*"), " ".join(e["claimed_by"]))
PY
[ "$(wc -l <"$tmp/pairs")" = 4 ] || fail "lsusb -v interfaces: $(cat "$tmp/pairs")"
while read -r modalias ours; do
	theirs=$(modprobe -d "$root" -S "$release" -R "$modalias" 2>/dev/null | sort -u | tr '\n' ' ' | sed 's/ $//')
	[ "$ours" = "$theirs" ] || fail "$modalias: hcl says '$ours', modprobe -R says '$theirs'"
done <"$tmp/pairs"
"$KMODPACK" hcl --kernel "$moddir" --device usb:0bda:8179 --device usb:0e8d:7961 >"$tmp/o" && fail "claimed USB IDs exit 0"
grep -A1 '^usb:0bda:8179  supported' "$tmp/o" | grep -q 'claimed by: r8188eu' || fail "0bda:8179"
grep -A1 '^usb:0e8d:7961  supported' "$tmp/o" | grep -q 'claimed by: mt7921u' || fail "0e8d:7961"

# modinfo agrees with kmod on a spread of real modules, signature fields
# included (Debian signs its modules: signer, sig_key, sig_hashalgo).
find "$moddir" -name '*.ko*' | sort | awk 'NR % 20 == 1' >"$tmp/sample"
while read -r ko; do
	diff -u <(modinfo "$ko") <("$KMODPACK" modinfo "$ko") >/dev/null || fail "'$ko' differs from modinfo"
done <"$tmp/sample"
[ -n "$("$KMODPACK" modinfo -F signer "$(head -1 "$tmp/sample")")" ] || fail "Debian's modules read as unsigned"
echo "PASS ($(wc -l <"$tmp/sample") modules compared)"
