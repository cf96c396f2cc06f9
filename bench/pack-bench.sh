#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# What packing costs, against the ISO writer the DDK relied on: kmodpack pack
# on 208 MB of RPMs against `xorriso -as mkisofs -r -J -joliet-long` writing
# the same tree (the pack's own files, extracted), best of RUNS runs each.
# Not a timed test: run it by hand; the figures go to docs/PERFORMANCE.md.
#   bench/pack-bench.sh [KMODPACK] [RUNS]
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
KMODPACK=${1:-$here/build/kmodpack}
RUNS=${2:-5}
work=${BENCH_WORK:-$here/bench/work/pack}
mkdir -p "$work"

# 8 packages of 26 MiB of incompressible data each, built once by rpmbuild
# (kept in bench/work/pack, which git ignores).
if [ ! -f "$work/rpms/.done" ]; then
	rm -rf "$work/rpms" "$work/top"
	mkdir -p "$work/rpms" "$work/top/SOURCES" "$work/top/SPECS"
	for i in 1 2 3 4 5 6 7 8; do
		head -c 27262976 /dev/urandom >"$work/top/SOURCES/blob$i"
		cat >"$work/top/SPECS/bench$i.spec" <<SPEC
Name: bench$i
Version: 1.0
Release: 1
Summary: benchmark payload $i
License: GPL-2.0-only
BuildArch: noarch
%description
Benchmark payload.
%install
mkdir -p %{buildroot}/usr/share/bench
cp %{_sourcedir}/blob$i %{buildroot}/usr/share/bench/blob$i
%files
/usr/share/bench/blob$i
SPEC
		SOURCE_DATE_EPOCH=1420070400 rpmbuild -bb --quiet --define "_topdir $work/top" \
			--define "_rpmdir $work/rpms" --define "_rpmfilename %%{NAME}-%%{VERSION}-%%{RELEASE}.%%{ARCH}.rpm" \
			--define "__os_install_post %{nil}" --define "_binary_payload w1.gzdio" \
			"$work/top/SPECS/bench$i.spec" >/dev/null 2>&1
	done
	rm -rf "$work/top"
	touch "$work/rpms/.done"
fi
total=$(du -cb "$work"/rpms/*.rpm | tail -1 | cut -f1)

# best TIMES_FILE CMD...: run CMD RUNS times, print the best wall time.
best() {
	local b="" t0 t1 t
	for _ in $(seq "$RUNS"); do
		sync
		t0=$(date +%s.%N)
		"$@" >/dev/null 2>&1
		t1=$(date +%s.%N)
		t=$(echo "$t1 - $t0" | bc)
		if [ -z "$b" ] || [ "$(echo "$t < $b" | bc)" = 1 ]; then b=$t; fi
	done
	echo "$b"
}

pack() {
	rm -rf "$work/out"
	SOURCE_DATE_EPOCH=1420070400 "$KMODPACK" pack -q -o "$work/out" --vendor-code bench \
		--vendor-name Bench --label bench --text "Benchmark pack" --version 1.0 \
		"$work"/rpms/*.rpm
}
pack >/dev/null 2>&1
rm -rf "$work/tree"
mkdir "$work/tree"
bsdtar -x -C "$work/tree" -f "$work/out/bench.iso"
mkisofs() {
	rm -f "$work/x.iso"
	xorriso -as mkisofs -quiet -r -J -joliet-long -V "Benchmark pack" -A Bench \
		-o "$work/x.iso" "$work/tree"
}

# What the DDK's builder did besides mkisofs: md5 every RPM (XS-PACKAGES) and
# the ISO (<label>.iso.md5); and what kmodpack does besides: fsync before publishing.
ddk() {
	md5sum "$work"/rpms/*.rpm
	mkisofs
	md5sum "$work/x.iso"
	sync
}

t_pack=$(best pack)
t_xorriso=$(best mkisofs)
t_ddk=$(best ddk)
ratio=$(echo "scale=2; $t_pack / $t_xorriso" | bc)
ratio_ddk=$(echo "scale=2; $t_pack / $t_ddk" | bc)
printf 'RPMs: %d MB in %d packages; best of %d runs on %d CPUs\n' $((total / 1000000)) \
	"$(ls "$work"/rpms/*.rpm | wc -l)" "$RUNS" "$(nproc)"
printf 'load average at the end: %s\n' "$(cut -d' ' -f1-3 /proc/loadavg)"
printf '%-52s %8.2f s\n' "kmodpack pack" "$t_pack" \
	"xorriso -as mkisofs (same tree)" "$t_xorriso" \
	"md5sum RPMs + xorriso + md5sum ISO + sync (DDK's work)" "$t_ddk"
printf '%-52s %8s\n' "ratio to xorriso alone (target <= 1.2)" "$ratio" \
	"ratio to the DDK's work" "$ratio_ddk"
