#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# kmodpack modinfo agrees with kmod's modinfo on modules built with real
# Kbuild: the project's example driver and the hcl test module, plain and
# compressed, unsigned and signed by the kernel's own sign-file (so the
# signature fields sig_id, signer, sig_key, sig_hashalgo and signature are
# compared too: certificates in PEM and DER, two hashes). Exit 77 when no
# kernel tree, no modinfo or no sign-file is installed.
set -euo pipefail

: "${KMODPACK:?set KMODPACK to the kmodpack binary}"
src=${KMODPACK_TEST_SRCDIR:-$(cd "$(dirname "$0")/../.." && pwd)}
PATH=$PATH:/usr/sbin:/sbin
command -v modinfo >/dev/null || { echo "SKIP: kmod's modinfo not installed"; exit 77; }
signfile=$(ls /usr/lib/linux-kbuild-*/scripts/sign-file 2>/dev/null | sort -V | tail -1)
[ -n "$signfile" ] || { echo "SKIP: no sign-file (Debian package linux-kbuild-6.1)"; exit 77; }
kdir=
for d in /lib/modules/*/build; do
	[ -f "$d/Makefile" ] && { kdir=$d; break; }
done
[ -n "$kdir" ] || { echo "SKIP: no kernel tree under /lib/modules/*/build"; exit 77; }

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

cp -r "$src/drivers/example-helloworld/src" "$tmp/hello"
cp -r "$src/tests/fixtures/hcl/pcidrv" "$tmp/pcidrv"
for m in hello pcidrv; do
	make -s -C "$kdir" M="$tmp/$m" modules >"$tmp/$m.log" 2>&1 || { cat "$tmp/$m.log"; fail "Kbuild of $m"; }
done

# A signing key made as the kernel's certs/x509.genkey makes one.
"$src/tests/cli/make-sign-key.sh" "$tmp/key.pem" "$tmp/cert.pem" || fail "making a signing key"
openssl x509 -in "$tmp/cert.pem" -outform DER -out "$tmp/cert.der"
mods=("$tmp"/hello/*.ko "$tmp"/pcidrv/*.ko)
for m in hello/helloworld pcidrv/hcltest; do
	cp "$tmp/$m.ko" "$tmp/$m-s256.ko"
	"$signfile" sha256 "$tmp/key.pem" "$tmp/cert.pem" "$tmp/$m-s256.ko"
	cp "$tmp/$m.ko" "$tmp/$m-s512.ko"
	"$signfile" sha512 "$tmp/key.pem" "$tmp/cert.der" "$tmp/$m-s512.ko"
	mods+=("$tmp/$m-s256.ko" "$tmp/$m-s512.ko")
done
# kmod here reads .xz and .zst; gzip only when built with zlib.
for ko in "${mods[@]}"; do
	xz -k "$ko" && mods+=("$ko.xz")
	zstd -q -k "$ko" && mods+=("$ko.zst")
done

for ko in "${mods[@]}"; do
	diff -u <(modinfo "$ko") <("$KMODPACK" modinfo "$ko") || fail "'$ko' differs from modinfo"
	# Every field kmod knows, one at a time, with -F.
	for f in $(modinfo "$ko" | sed -n 's/^\([a-z_]*\):.*/\1/p' | sort -u) parmtype nosuchfield; do
		diff -u <(modinfo -F "$f" "$ko") <("$KMODPACK" modinfo -F "$f" "$ko") || fail "'$ko' -F $f differs"
	done
done
# The signed ones do show a signature (the diffs above would pass on none).
[ "$("$KMODPACK" modinfo -F signer "$tmp/hello/helloworld-s512.ko.xz")" = "Example Vendor module signing key" ] ||
	fail "signer of a signed module"
[ "$("$KMODPACK" modinfo -F sig_hashalgo "$tmp/hello/helloworld-s512.ko")" = sha512 ] || fail "sig_hashalgo"
[ "$("$KMODPACK" modinfo -F sig_key "$tmp/hello/helloworld-s256.ko")" = \
	"$(openssl x509 -in "$tmp/cert.pem" -noout -serial | cut -d= -f2 | sed 's/../&:/g; s/:$//')" ] ||
	fail "sig_key is not the certificate's serial"
# Relative paths print as absolute, like kmod.
(cd "$tmp/pcidrv" && diff <(modinfo -F filename hcltest.ko) <("$KMODPACK" modinfo -F filename hcltest.ko)) || fail "relative filename"

# A signature trailer whose length lies, whose PKCS#7 is garbage, or a
# magic cut short: no signature fields (as kmod), the .modinfo ones shown.
python3 - "$tmp/hello/helloworld.ko" "$tmp" <<'PY'
import struct, sys
d = open(sys.argv[1], "rb").read()
magic = b"~Module signature appended~\n"
def put(name, tail): open(sys.argv[2] + "/" + name, "wb").write(d + tail)
put("badlen.ko", struct.pack(">BBBBBxxxI", 0, 0, 2, 0, 0, 0x7fffffff) + magic)
put("garbage.ko", b"garbage!" + struct.pack(">BBBBBxxxI", 0, 0, 2, 0, 0, 8) + magic)
put("short.ko", magic[4:])
PY
for b in badlen garbage short; do
	diff -u <(modinfo "$tmp/$b.ko") <("$KMODPACK" modinfo "$tmp/$b.ko") || fail "$b.ko differs from modinfo"
	"$KMODPACK" modinfo "$tmp/$b.ko" | grep -q '^vermagic:' || fail "$b.ko: fields lost"
done

# --json carries the same values.
"$KMODPACK" modinfo --json "$tmp/pcidrv/hcltest.ko" >"$tmp/j"
python3 - "$tmp/j" <<'PY' || fail "--json"
import json, sys
m = json.load(open(sys.argv[1]))["modules"][0]
assert m["name"] == "hcltest", m["name"]
f = m["fields"]
assert f["version"] == ["1.2.3"] and f["firmware"] == ["hcltest/fw.bin"], f
assert len(f["alias"]) == 4 and "pci:v00008086d000010FBsv*sd*bc*sc*i*" in f["alias"]
assert "signer" not in f, f
PY
"$KMODPACK" modinfo --json "$tmp/pcidrv/hcltest-s256.ko" >"$tmp/j"
python3 - "$tmp/j" <<'PY' || fail "--json of a signed module"
import json, sys
f = json.load(open(sys.argv[1]))["modules"][0]["fields"]
assert f["sig_id"] == ["PKCS#7"] and f["signer"] == ["Example Vendor module signing key"], f
assert f["sig_hashalgo"] == ["sha256"] and ":" in f["sig_key"][0] and len(f["signature"][0]) > 700, f
PY

# Bad input: exit 2 and a message naming the file; other files still printed.
rc=0; "$KMODPACK" modinfo "$src/tests/fixtures/hcl/modules.alias" "$tmp/pcidrv/hcltest.ko" >"$tmp/o" 2>"$tmp/e" || rc=$?
[ "$rc" = 2 ] || fail "non-module exit $rc, want 2"
grep -q "modules.alias': not an ELF file" "$tmp/e" || fail "non-module message"
grep -q '^name: *hcltest' "$tmp/o" || fail "good module after a bad one"
echo PASS
