#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Seed corpora for the harnesses of tests/fuzz, from real data: the tests'
# fixtures, packages made by rpmbuild, the example driver (its manifest, and
# its module built against the installed kernel headers, plain and
# compressed), the shipped template, the kernel tree's Module.symvers and
# slices of the system's pci.ids.
# Not committed: usage: [KMODPACK=build/kmodpack] scripts/fuzz-corpus.sh OUTDIR
# (one dir per harness; with KMODPACK, packs it makes seed verifypack).
set -euo pipefail
cd "$(dirname "$0")/.."
out=${1:?usage: scripts/fuzz-corpus.sh OUTDIR}
rm -rf "$out"
for h in tests/fuzz/fuzz-*.c; do
	h=${h##*/fuzz-}
	mkdir -p "$out/${h%.c}"
done
# Inputs above the harnesses' cap (FZ_MAX_INPUT) would only be skipped.
put() { # HARNESS FILE...
	local h=$1 f
	shift
	for f in "$@"; do
		[ -f "$f" ] && [ "$(stat -c %s "$f")" -le 262144 ] || continue
		cp "$f" "$out/$h/$(sha1sum <"$f" | cut -c1-16)"
	done
}
shopt -s nullglob globstar
put ini drivers/*/kmodpack.ini
put manifest drivers/*/kmodpack.ini
put render templates/*.spec.in
put bugtool tests/fixtures/firmware/*.xml drivers/**/*.xml
put xml tests/fixtures/firmware/*.xml drivers/**/*.xml
put lspci tests/fixtures/hcl/lspci* tests/fixtures/hcl/lsusb*
put alias tests/fixtures/hcl/modules.* tests/fixtures/hcl/usb.alias
put report tests/fixtures/report/*.json
put dkms tests/fuzz/regressions/dkms/* tests/fixtures/dkms/*/dkms.conf tests/fixtures/dkms/*/debian/*.dkms
put updatexml tests/fixtures/pack/update/update.xml tests/fixtures/pack/update/comps-*.xml
# dkmsfacts: the first byte picks the dkms.conf, then debian/changelog,
# debian/control, debian/copyright, the Makefile, a .c and a header, split
# at NUL: the fixture's Debian driver, and this system's own Debian
# changelogs, copyright files and package stanzas with the example driver.
facts() { # OUT SELECTOR FILE...
	local o=$1 f
	printf "\\$2" >"$o"
	shift 2
	for f in "$@"; do
		head -c 1300 "$f" >>"$o" 2>/dev/null || true # the harness takes 8 KiB
		printf '\0' >>"$o"
	done
}
tmpf=$(mktemp -d)
fx=tests/fixtures/dkms/pci-debian
facts "$tmpf/f0" 1 $fx/debian/changelog $fx/debian/control $fx/debian/copyright \
	$fx/src/Kbuild $fx/src/acmepci.c && put dkmsfacts "$tmpf/f0"
for pkg in kmod libkmod2 libarchive13 dkms; do
	[ -f "/usr/share/doc/$pkg/changelog.Debian.gz" ] || continue
	zcat "/usr/share/doc/$pkg/changelog.Debian.gz" | head -c 8000 >"$tmpf/cl" || true
	dpkg-query -s "$pkg" >"$tmpf/ctl" 2>/dev/null || true
	facts "$tmpf/f-$pkg" 1 "$tmpf/cl" "$tmpf/ctl" "/usr/share/doc/$pkg/copyright" \
		drivers/example-helloworld/src/Makefile drivers/example-helloworld/src/*.c &&
		put dkmsfacts "$tmpf/f-$pkg"
done
rm -rf "$tmpf"
tmpr=$(mktemp -d)
{ printf '\0'; cat tests/fixtures/pack/update/primary.xml; } >"$tmpr/r0" && put repo "$tmpr/r0"
{ printf '\1'; cat tests/fixtures/pack/update/repomd.xml; } >"$tmpr/r1" && put repo "$tmpr/r1"
rm -rf "$tmpr"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# Pack ISOs as kmodpack pack writes them (its XS-REPOSITORY and XS-PACKAGES
# with one package), one alone and two combined under XS-REPOSITORY-LIST;
# small (no padding) to stay under the harnesses' cap.
if command -v xorriso >/dev/null; then
	mkpack() { # DIR NAME
		mkdir -p "$1"
		printf 'rpm\n' >"$1/$2-1.0-1.noarch.rpm"
		cat >"$1/XS-REPOSITORY" <<XML
<repository originator="example" name="$2" product="XenServer" version="1.0">
  <description>Example $2</description>
  <requires originator="example" name="base" test="ge" version="1.0"/>
</repository>
XML
		cat >"$1/XS-PACKAGES" <<XML
<packages>
  <package label="$2" type="rpm" size="4" md5="$(md5sum <"$1/$2-1.0-1.noarch.rpm" | cut -c1-32)">$2-1.0-1.noarch.rpm</package>
</packages>
XML
	}
	mkpack "$tmp/iso1" hello
	mkpack "$tmp/iso2/hello" hello
	mkpack "$tmp/iso2/base" base
	printf 'base\nhello\n' >"$tmp/iso2/XS-REPOSITORY-LIST"
	for i in 1 2; do
		xorriso -as mkisofs -quiet -no-pad -V PACK -o "$tmp/pack$i.iso" "$tmp/iso$i" 2>/dev/null &&
			put packset "$tmp/pack$i.iso" && put verifypack "$tmp/pack$i.iso"
	done
fi

# Real packages as rpmbuild writes them (as a vendor's own build would hand
# them to kmodpack pack): a driver RPM with its dependencies and a data RPM
# with a scriptlet and several files.
if command -v rpmbuild >/dev/null; then
	mk=tests/fixtures/pack/mkrpm.sh
	for r in "$("$mk" "$tmp/rpm" foo -v 2.10.1 -a x86_64 -g 'System Environment/Kernel' \
		-r 'foo-data >= 2.0' -r /usr/bin/foo-tool -p 'foo-kmod = 2.10.1' \
		-f /lib/modules/6.1.0-9-test/extra/foo.ko=module 2>/dev/null)" \
		"$("$mk" "$tmp/rpm" foo-data -s 'echo post' -f /lib/firmware/foo.bin=fw \
			-f /etc/modprobe.d/foo.conf='options foo x=1' 2>/dev/null)"; do
		put rpmhdr "$r"
		put rpmcontent "$r"
		foo=${foo:-$r}
	done
	# verify reads what kmodpack pack writes: a pack of each format made of
	# these packages (KMODPACK: the binary to make them with, when built).
	if [ -n "${KMODPACK:-}" ] && [ -x "$KMODPACK" ] && [ -n "${foo:-}" ]; then
		for fmt in legacy update driver-disk; do
			"$KMODPACK" pack -q -o "$tmp/pk-$fmt" --format "$fmt" --vendor-code example \
				--vendor-name Example --label foo --text "Foo drivers" --version 1.0 \
				"$foo" "$r" 2>/dev/null && put verifypack "$tmp/pk-$fmt/foo.iso"
		done
	fi
fi

tree=$(ls -d /usr/src/linux-headers-*[0-9]-amd64 2>/dev/null | sort -V | tail -1 || true)
cat >"$tmp/target.ini" <<INI
[target]
name = debian
arch = x86_64
[flavour amd64]
tree = ${tree:-/usr/src/linux}
release = 6.1.0-57-amd64
INI
put target "$tmp/target.ini"
put ini "$tmp/target.ini"
if [ -n "$tree" ]; then
	head -n 80 "$tree/Module.symvers" >"$tmp/symvers" && put symvers "$tmp/symvers"
	# The example driver's module: the first byte picks plain/xz/gz/zst.
	cp -r drivers/example-helloworld/src "$tmp/src"
	if make -s -C "$tree" M="$tmp/src" modules >/dev/null 2>&1; then
		for ko in "$tmp"/src/*.ko; do
			# Without its debug sections (which no reader looks at) a
			# module is a few KiB: small inputs keep executions fast.
			strip --strip-debug "$ko"
			{ printf '\0'; cat "$ko"; } >"$tmp/k0" && put ko "$tmp/k0"
			{ printf '\1'; xz -c "$ko"; } >"$tmp/k1" && put ko "$tmp/k1"
			{ printf '\2'; gzip -c "$ko"; } >"$tmp/k2" && put ko "$tmp/k2"
			{ printf '\3'; zstd -q -c "$ko"; } >"$tmp/k3" && put ko "$tmp/k3"
		done
	fi
fi
if [ -f /usr/share/misc/pci.ids ]; then
	# Small slices (vendors, devices, subsystems, the class list at the end):
	# the parser is linear, a big input only makes an execution slower.
	for from in +1 +3000 +12000 +25000 400; do
		# head closes the pipe early: tail's SIGPIPE is expected.
		tail -n $from /usr/share/misc/pci.ids | head -c 8000 >"$tmp/pci.$from" || true
		put pciids "$tmp/pci.$from"
	done
fi
# The regression inputs seed their harness too.
for d in tests/fuzz/regressions/*/; do
	h=$(basename "$d")
	[ -d "$out/$h" ] && put "$h" "$d"*
done
for d in "$out"/*/; do
	echo "fuzz-corpus: $(basename "$d"): $(ls "$d" | wc -l) inputs" >&2
done
