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

# USB: a usb_driver built with real Kbuild, against an excerpt of Debian's
# modules.alias. Each USB_DEVICE_VER range is split by modpost into digit
# patterns ("d01*", "d0200"); each gets its verdict.
cp -r "$fx/usbdrv" "$tmp/usbdrv"
make -s -C "$kdir" M="$tmp/usbdrv" modules >"$tmp/build.log" 2>&1 || { cat "$tmp/build.log"; fail "Kbuild of the USB test module"; }
uko=$tmp/usbdrv/hclusb.ko
expect_status 1 "$KMODPACK" hcl --modules-alias "$fx/usb.alias" "$uko"
grep -q "no PCI or USB IDs" "$tmp/err" && fail "USB module reported without IDs"
grep -A1 '^hclusb usb:0bda:8179  supported  Realtek' "$tmp/out" | grep -q 'claimed by: r8188eu' || fail "0bda:8179 not claimed by r8188eu: $(cat "$tmp/out")"
grep -A2 '^hclusb usb:0e8d:7961  supported' "$tmp/out" | grep -q 'mt7921u: if the device.s descriptors match usb:v0E8Dp7961d\*dc\*dsc\*dp\*icFFiscFFipFFin\*' || fail "mt7921u condition"
grep -q '^hclusb usb:13fd:3940 bcd 0100-01ff  supported' "$tmp/out" || fail "bcd 01xx in uas' d0[0-2]*"
grep -q '^hclusb usb:13fd:3940 bcd 0200  supported' "$tmp/out" || fail "bcd 0200"
grep -q '^hclusb usb:13fd:3940 bcd 0300-03ff  overlap' "$tmp/out" || fail "bcd 03xx only partly in d030*"
grep -q '^hclusb usb:13fd:3940 bcd 0400  new' "$tmp/out" || fail "bcd 0400 claimed by nobody"
grep -A1 '^hclusb usb:\*:\* if 08/06/50  supported' "$tmp/out" | grep -q 'claimed by: uas usb_storage' || fail "mass storage class entry"
grep -q '^hclusb usb:1d6b:0104  new  Linux Foundation' "$tmp/out" || fail "1d6b:0104 new"
grep -q '^8 IDs: 2 new, 5 supported, 1 overlap' "$tmp/out" || fail "USB summary"
expect_status 1 "$KMODPACK" hcl --modules-alias "$fx/usb.alias" --json "$uko"
python3 - "$tmp/out" <<'PY' || fail "USB --json content"
import json, sys
d = json.load(open(sys.argv[1]))
e = [i for i in d["ids"] if i["vendor"] == "0bda"][0]
assert e["bus"] == "usb" and e["device"] == "8179" and e["verdict"] == "supported", e
assert e["claimed_by"] == ["r8188eu"] and e["alias"] == "usb:v0BDAp8179d*dc*dsc*dp*ic*isc*ip*in*", e
assert e["class"] is None and e["device_name"].startswith("RTL8188EUS"), e
PY
# A driver with both tables: PCI and USB IDs in one run.
expect_status 1 "$KMODPACK" hcl --modules-alias "$fx/usb.alias" --device usb:0BDA:8179 --device 8086:10fb
grep -q '^usb:0bda:8179  supported' "$tmp/out" && grep -q '^8086:10fb  supported' "$tmp/out" || fail "--device usb: and pci"
expect_status 0 "$KMODPACK" hcl --modules-alias "$fx/usb.alias" --device usb:1d6b:0104
expect_status 2 "$KMODPACK" hcl --modules-alias "$fx/usb.alias" --device usb:0bda
grep -q "'usb:0bda': not a USB ID" "$tmp/err" || fail "bad USB ID message"

# lsusb: vid:pid only; lsusb -v: bcdDevice, the device class and one ID per
# interface, so the Bluetooth interfaces go to btusb and the Wi-Fi one to mt7921u.
expect_status 1 "$KMODPACK" hcl --modules-alias "$fx/usb.alias" --lsusb "$fx/lsusb.txt"
grep -q '^usb:1d6b:0002  new  Linux Foundation 2.0 root hub' "$tmp/out" || fail "lsusb root hub"
grep -q '^usb:13fd:3940  overlap' "$tmp/out" || fail "lsusb without bcdDevice"
grep -q '^5 IDs: 2 new, 2 supported, 1 overlap' "$tmp/out" || fail "lsusb summary"
expect_status 1 "$KMODPACK" hcl --modules-alias "$fx/usb.alias" --lsusb - <"$fx/lsusb-v.txt"
grep -A1 '^usb:0e8d:7961 bcd 0100 dev ef/02/01 if e0/01/01 in 00  supported' "$tmp/out" | grep -q 'claimed by: btusb' || fail "lsusb -v bluetooth interface"
grep -A1 '^usb:0e8d:7961 bcd 0100 dev ef/02/01 if ff/ff/ff in 03  supported' "$tmp/out" | grep -q 'claimed by: mt7921u$' || fail "lsusb -v wifi interface"
grep -q 'in 01' "$tmp/out" && [ "$(grep -c ' in 01 ' "$tmp/out")" = 1 ] || fail "alternate setting counted as an interface"
grep -q '^usb:13fd:3940 bcd 0309 dev 00/00/00 if 08/06/50 in 00  supported' "$tmp/out" || fail "lsusb -v bcdDevice"
grep -q '^4 IDs: 0 new, 4 supported, 0 overlap' "$tmp/out" || fail "lsusb -v summary"
printf 'hello\n' >"$tmp/notlsusb"
expect_status 2 "$KMODPACK" hcl --modules-alias "$fx/usb.alias" --lsusb "$tmp/notlsusb"
grep -q "no devices found (give the output of 'lsusb'" "$tmp/err" || fail "not lsusb output message"
expect_status 3 "$KMODPACK" hcl --modules-alias "$fx/usb.alias" --usb-ids "$tmp/none" --device usb:0bda:8179

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
