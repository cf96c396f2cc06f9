#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# kmodpack modinfo agrees with kmod's modinfo on modules built with real
# Kbuild: the project's example driver and the hcl test module, plain and
# compressed. Signature fields are left out of the comparison (kmodpack
# reads .modinfo only; these modules are unsigned anyway). Exit 77 when no
# kernel tree or no modinfo is installed.
set -euo pipefail

: "${KMODPACK:?set KMODPACK to the kmodpack binary}"
src=${KMODPACK_TEST_SRCDIR:-$(cd "$(dirname "$0")/../.." && pwd)}
PATH=$PATH:/usr/sbin:/sbin
command -v modinfo >/dev/null || { echo "SKIP: kmod's modinfo not installed"; exit 77; }
kdir=
for d in /lib/modules/*/build; do
	[ -f "$d/Makefile" ] && { kdir=$d; break; }
done
[ -n "$kdir" ] || { echo "SKIP: no kernel tree under /lib/modules/*/build"; exit 77; }

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }
strip_sig() { awk '/^(sig_id|signer|sig_key|sig_hashalgo|signature):/ {s=1; next} s && /^\t/ {next} {s=0; print}'; }

cp -r "$src/drivers/example-helloworld/src" "$tmp/hello"
cp -r "$src/tests/fixtures/hcl/pcidrv" "$tmp/pcidrv"
for m in hello pcidrv; do
	make -s -C "$kdir" M="$tmp/$m" modules >"$tmp/$m.log" 2>&1 || { cat "$tmp/$m.log"; fail "Kbuild of $m"; }
done
mods=("$tmp"/hello/*.ko "$tmp"/pcidrv/*.ko)
# kmod here reads .xz and .zst; gzip only when built with zlib.
for ko in "${mods[@]}"; do
	xz -k "$ko" && mods+=("$ko.xz")
	zstd -q -k "$ko" && mods+=("$ko.zst")
done

for ko in "${mods[@]}"; do
	diff -u <(modinfo "$ko" | strip_sig) <("$KMODPACK" modinfo "$ko") || fail "'$ko' differs from modinfo"
	# Every field kmod knows, one at a time, with -F.
	for f in $(modinfo "$ko" | strip_sig | sed -n 's/^\([a-z_]*\):.*/\1/p' | sort -u) parmtype nosuchfield; do
		diff -u <(modinfo -F "$f" "$ko") <("$KMODPACK" modinfo -F "$f" "$ko") || fail "'$ko' -F $f differs"
	done
done
# Relative paths print as absolute, like kmod.
(cd "$tmp/pcidrv" && diff <(modinfo -F filename hcltest.ko) <("$KMODPACK" modinfo -F filename hcltest.ko)) || fail "relative filename"

# --json carries the same values.
"$KMODPACK" modinfo --json "$tmp/pcidrv/hcltest.ko" >"$tmp/j"
python3 - "$tmp/j" <<'PY' || fail "--json"
import json, sys
m = json.load(open(sys.argv[1]))["modules"][0]
assert m["name"] == "hcltest", m["name"]
f = m["fields"]
assert f["version"] == ["1.2.3"] and f["firmware"] == ["hcltest/fw.bin"], f
assert len(f["alias"]) == 4 and "pci:v00008086d000010FBsv*sd*bc*sc*i*" in f["alias"]
PY

# Bad input: exit 2 and a message naming the file; other files still printed.
rc=0; "$KMODPACK" modinfo "$src/tests/fixtures/hcl/modules.alias" "$tmp/pcidrv/hcltest.ko" >"$tmp/o" 2>"$tmp/e" || rc=$?
[ "$rc" = 2 ] || fail "non-module exit $rc, want 2"
grep -q "modules.alias': not an ELF file" "$tmp/e" || fail "non-module message"
grep -q '^name: *hcltest' "$tmp/o" || fail "good module after a bad one"
echo PASS
