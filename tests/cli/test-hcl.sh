#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# kmodpack hcl as a user runs it: on a module built with real Kbuild, on a
# driver dir, on --device and --lspci input, with modules.alias, a pcimap
# and --json; and the exit statuses scripts rely on. Exit 77 (skip) when no
# kernel tree is installed to build the test module.
set -euo pipefail

: "${KMODPACK:?set KMODPACK to the kmodpack binary}"
src=${KMODPACK_TEST_SRCDIR:-$(cd "$(dirname "$0")/../.." && pwd)}
fx=$src/tests/fixtures/hcl
pciids=/usr/share/misc/pci.ids

kdir=
for d in /lib/modules/*/build; do
	[ -f "$d/Makefile" ] && { kdir=$d; break; }
done
if [ -z "$kdir" ]; then
	echo "SKIP: no kernel tree under /lib/modules/*/build to build the test module"
	exit 77
fi
[ -f "$pciids" ] || { echo "SKIP: no $pciids"; exit 77; }

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }
expect_status() { # want cmd...
	local want=$1 got=0
	shift
	"$@" >"$tmp/out" 2>"$tmp/err" || got=$?
	[ "$got" = "$want" ] || { cat "$tmp/out" "$tmp/err" >&2; fail "'$*' exited $got, want $want"; }
}

cp -r "$fx/pcidrv" "$tmp/drv"
make -s -C "$kdir" M="$tmp/drv" modules >"$tmp/build.log" 2>&1 || { cat "$tmp/build.log"; fail "Kbuild of the test module"; }
ko=$tmp/drv/hcltest.ko

# The module: four IDs, each verdict, with names from pci.ids.
expect_status 1 "$KMODPACK" hcl --modules-alias "$fx/modules.alias" "$ko"
grep -q '^hcltest 8086:10fb  supported  Intel Corporation 82599ES' "$tmp/out" || fail "8086:10fb not supported: $(cat "$tmp/out")"
grep -A1 '^hcltest 8086:10fb' "$tmp/out" | grep -q 'claimed by: ixgbe' || fail "8086:10fb not claimed by ixgbe"
grep -q '^hcltest 14e4:1644  overlap  Broadcom' "$tmp/out" || fail "14e4:1644 not overlap"
grep -q '^hcltest \*:\* class 010802  supported' "$tmp/out" || fail "class entry not claimed by nvme"
grep -q '^hcltest 1b36:0005  new  Red Hat, Inc. QEMU PCI Test Device' "$tmp/out" || fail "1b36:0005 not new"
grep -q '^4 IDs: 1 new, 2 supported, 1 overlap' "$tmp/out" || fail "summary line"

# --fail-on decides the exit status.
expect_status 0 "$KMODPACK" hcl --modules-alias "$fx/modules.alias" --fail-on=none "$ko"
expect_status 1 "$KMODPACK" hcl --modules-alias "$fx/modules.alias" --fail-on=supported "$ko"
expect_status 0 "$KMODPACK" hcl --modules-alias "$fx/modules.alias" --fail-on=supported --device 14e4:1644
expect_status 1 "$KMODPACK" hcl --modules-alias "$fx/modules.alias" --device 14e4:1644
expect_status 0 "$KMODPACK" hcl --modules-alias "$fx/modules.alias" --device 1b36:0005

# A driver dir after a build finds the same module.
expect_status 1 "$KMODPACK" hcl --modules-alias "$fx/modules.alias" "$tmp/drv"
grep -q '^4 IDs: 1 new, 2 supported, 1 overlap' "$tmp/out" || fail "driver dir summary"

# --json: the contract's fields.
expect_status 1 "$KMODPACK" hcl --modules-alias "$fx/modules.alias" --json "$ko"
python3 - "$tmp/out" <<'PY' || fail "--json content"
import json, sys
d = json.load(open(sys.argv[1]))
ids = {(e["vendor"], e["device"], e["class"]): e for e in d["ids"]}
e = ids[("8086", "10fb", None)]
assert e["verdict"] == "supported" and e["claimed_by"] == ["ixgbe"], e
assert e["module"] == "hcltest" and e["subvendor"] is None and e["subdevice"] is None
assert e["vendor_name"] == "Intel Corporation" and "82599ES" in e["device_name"]
assert e["alias"] == "pci:v00008086d000010FBsv*sd*bc*sc*i*"
assert ids[("14e4", "1644", None)]["verdict"] == "overlap"
assert ids[("14e4", "1644", None)]["claimed_by"] == ["tg3"]
assert ids[(None, None, "010802")]["claimed_by"] == ["nvme"]
assert ids[("1b36", "0005", None)]["verdict"] == "new"
assert d["summary"] == {"new": 1, "supported": 2, "overlap": 1}, d["summary"]
PY

# Devices: a subsystem ID the kernel claims exactly is supported.
expect_status 1 "$KMODPACK" hcl --modules-alias "$fx/modules.alias" --device 14e4:1644:10b7:1000 --device 1af4:1041
grep -q '^14e4:1644:10b7:1000  supported' "$tmp/out" || fail "subsystem device"
grep -q '^1af4:1041  supported' "$tmp/out" || fail "vendor-wide claim"

# A class claim without a known class is a possible match, not a claim.
expect_status 0 "$KMODPACK" hcl --modules-alias "$fx/modules.alias" --json --device 144d:a808
python3 -c 'import json,sys; e=json.load(open(sys.argv[1]))["ids"][0]; assert e["verdict"]=="new" and e["claimed_by"]==[] and "nvme" in e["possible_class_match"], e' "$tmp/out" || fail "class claim without class"

# lspci -nn: the class from lspci makes xhci_pci's class claim count.
expect_status 1 "$KMODPACK" hcl --modules-alias "$fx/modules.alias" --lspci "$fx/lspci-nn.txt"
grep -q '^8086:a36d class 0c0330  supported' "$tmp/out" || fail "lspci xhci"
grep -q '^8086:10fb class 0200??  supported' "$tmp/out" || fail "lspci ixgbe"
grep -q '^1b36:0005 class 00ff??  new' "$tmp/out" || fail "lspci new"
expect_status 1 "$KMODPACK" hcl --modules-alias "$fx/modules.alias" --lspci - <"$fx/lspci-nn.txt"

# The guide's legacy modules.pcimap.
expect_status 1 "$KMODPACK" hcl --pcimap "$fx/modules.pcimap" --device 8086:10fb
grep -q '^8086:10fb  supported' "$tmp/out" || fail "pcimap"

# --kernel with a modules dir.
mkdir -p "$tmp/lib/modules/9.9.9"
cp "$fx/modules.alias" "$tmp/lib/modules/9.9.9/"
expect_status 1 "$KMODPACK" hcl --kernel "$tmp/lib/modules/9.9.9" --device 8086:10fb

# Bad input: 2; missing environment: 3.
expect_status 2 "$KMODPACK" hcl --modules-alias "$fx/modules.alias" --device 8086
grep -q "'8086': not a PCI ID" "$tmp/err" || fail "bad device message"
expect_status 2 "$KMODPACK" hcl --modules-alias "$fx/modules.alias" --fail-on=sometimes --device 8086:10fb
expect_status 2 "$KMODPACK" hcl --modules-alias "$fx/modules.alias"
expect_status 2 "$KMODPACK" hcl --modules-alias "$fx/modules.alias" "$fx/modules.pcimap"
grep -q "not an ELF file" "$tmp/err" || fail "non-ELF module message"
expect_status 2 "$KMODPACK" hcl --modules-alias "$fx/modules.alias" "$tmp/lib"
grep -q "no built modules" "$tmp/err" || fail "empty driver dir message"
expect_status 2 "$KMODPACK" hcl --kernel /x --pcimap "$fx/modules.pcimap" --device 8086:10fb
expect_status 3 "$KMODPACK" hcl --kernel "$tmp/nonexistent" --device 8086:10fb
expect_status 3 "$KMODPACK" hcl --kernel "$tmp/drv" --device 8086:10fb
grep -q "no modules.alias" "$tmp/err" || fail "missing index message"
expect_status 3 "$KMODPACK" hcl --modules-alias "$fx/modules.alias" --pci-ids "$tmp/none" --device 8086:10fb
expect_status 0 "$KMODPACK" hcl --help
grep -q -- '--fail-on' "$tmp/out" || fail "--help"

echo "PASS"
