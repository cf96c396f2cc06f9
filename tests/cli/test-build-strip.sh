#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Stripped modules and a debuginfo package per flavour (docs/building.md):
# readelf finds no debug section in the packaged .ko, the debuginfo RPM
# holds them under /usr/lib/debug with the CRC the module's debuglink
# names, modinfo (kmod's and kmodpack's) reads the same fields as from the
# unstripped module, the report lists the debuginfo RPMs, a pack leaves
# them out, and the SRPM rebuilds with plain rpmbuild into the same layout.
source "$(dirname "$0")/lib.sh"
for t in readelf objcopy rpm2cpio cpio modinfo python3; do
	command -v $t >/dev/null || skip "$t not installed"
done
debian_target "$TMP/target.ini"
OUT=$TMP/build
run 0 "$KMODPACK" build -q -t "$TMP/target.ini" -o "$OUT" "$EXAMPLE"

for f in amd64 cloud-amd64; do
	[ $f = amd64 ] && rel=$AMD64_REL || rel=$CLOUD_REL
	rpm=$OUT/RPMS/x86_64/helloworld-modules-$f-$KVER-1.0-1.x86_64.rpm
	drpm=$OUT/RPMS/x86_64/helloworld-modules-$f-$KVER-debuginfo-1.0-1.x86_64.rpm
	[ -f "$drpm" ] || fail "no debuginfo RPM for $f: $(ls "$OUT"/RPMS/x86_64)"
	rpm_cat "$rpm" "/lib/modules/$rel/extra/helloworld.ko" >"$TMP/s.ko"
	dbg=/usr/lib/debug/lib/modules/$rel/extra/helloworld.ko.debug
	assert_eq "$(rpm -qpl "$drpm")" "$dbg" "files of the $f debuginfo RPM"
	rpm_cat "$drpm" "$dbg" >"$TMP/s.ko.debug"
	full=$OUT/.kmodpack/build/$f/helloworld.ko # as Kbuild left it

	readelf -SW "$full" >"$TMP/fsec" # Kbuild's module has debug info, or this proves nothing
	assert_contains "$TMP/fsec" " .debug_info "
	readelf -SW "$TMP/s.ko" >"$TMP/sec"
	assert_not_contains "$TMP/sec" ".debug_"
	assert_contains "$TMP/sec" ".gnu_debuglink"
	assert_contains "$TMP/sec" ".modinfo"
	readelf -SW "$TMP/s.ko.debug" >"$TMP/dsec"
	for s in .debug_info .debug_line .debug_str .rela.debug_info; do
		assert_contains "$TMP/dsec" " $s "
	done
	[ "$(stat -c %s "$TMP/s.ko")" -lt "$(stat -c %s "$full")" ] || fail "$f: not smaller"

	# The debuglink: the .debug file's name and the CRC32 of its bytes.
	readelf --string-dump=.gnu_debuglink "$TMP/s.ko" >"$TMP/link"
	assert_contains "$TMP/link" "helloworld.ko.debug"
	objcopy --dump-section .gnu_debuglink="$TMP/link.bin" "$TMP/s.ko" "$TMP/scratch.ko"
	python3 - "$TMP/link.bin" "$TMP/s.ko.debug" <<'EOF' || fail "$f: debuglink CRC does not match the debuginfo file"
import struct, sys, zlib
out = open(sys.argv[1], "rb").read()
name_end = out.index(b"\0")
crc = struct.unpack("<I", out[-4:])[0]
assert out[:name_end] == b"helloworld.ko.debug", out
sys.exit(0 if crc == zlib.crc32(open(sys.argv[2], "rb").read()) else 1)
EOF

	# Stripping changes no field modinfo shows, for kmod nor for kmodpack.
	for tool in "modinfo" "$KMODPACK modinfo"; do
		$tool "$full" | grep -v '^filename:' >"$TMP/m1"
		$tool "$TMP/s.ko" | grep -v '^filename:' >"$TMP/m2"
		diff "$TMP/m1" "$TMP/m2" || fail "$f: '$tool' differs after stripping"
	done
	assert_contains "$TMP/m2" "vermagic:       $rel SMP"

	python3 - "$OUT/build-report.json" "$f" "$dbg" <<'EOF' ||
import json, sys
r = json.load(open(sys.argv[1]))
f, d = sys.argv[2], sys.argv[3]
rpms = [a for a in r["artifacts"] if a["kind"] == "debuginfo-rpm" and a["flavour"] == f]
fl = [x for x in r["flavours"] if x["name"] == f]
sys.exit(0 if len(rpms) == 1 and len(rpms[0]["sha256"]) == 64
         and fl and fl[0]["modules"][0]["debug_path"] == d else 1)
EOF
		fail "$f: the report lacks its debuginfo RPM or debug_path"
done

# The no-op cache knows the debuginfo RPMs: nothing changed, nothing built.
run 0 "$KMODPACK" build -t "$TMP/target.ini" -o "$OUT" "$EXAMPLE"
assert_contains "$TMP/err" "up to date"

# A pack holds what a host installs: the debuginfo RPMs stay out of it.
run 0 "$KMODPACK" pack -o "$TMP/pack" "$OUT"
ls -R "$TMP/pack" >"$TMP/packlist"
bsdtar tf "$TMP"/pack/*.iso >>"$TMP/packlist"
assert_contains "$TMP/packlist" "helloworld-modules-amd64-$KVER-1.0-1.x86_64.rpm"
assert_not_contains "$TMP/packlist" "debuginfo"

# The SRPM rebuilds with plain rpmbuild into the same stripped layout.
command -v rpmbuild >/dev/null || skip "rpmbuild not installed"
# --nodeps: Debian's rpm database does not know dpkg's make, gcc and binutils.
rpmbuild --rebuild --nodeps --define "_topdir $TMP/rb" "$OUT/SRPMS/helloworld-1.0-1.src.rpm" >"$TMP/rb.log" 2>&1 ||
	{ tail -30 "$TMP/rb.log"; fail "rpmbuild --rebuild failed"; }
rb=$TMP/rb/RPMS/x86_64
rpm_cat "$rb/helloworld-modules-amd64-$KVER-1.0-1.x86_64.rpm" "/lib/modules/$AMD64_REL/extra/helloworld.ko" >"$TMP/r.ko"
readelf -SW "$TMP/r.ko" >"$TMP/rsec"
assert_not_contains "$TMP/rsec" ".debug_"
assert_contains "$TMP/rsec" ".gnu_debuglink"
rpm -qpl "$rb/helloworld-modules-amd64-$KVER-debuginfo-1.0-1.x86_64.rpm" >"$TMP/rl"
assert_contains "$TMP/rl" "/usr/lib/debug/lib/modules/$AMD64_REL/extra/helloworld.ko.debug"
echo ok
