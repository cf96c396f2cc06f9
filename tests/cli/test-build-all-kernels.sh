#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Several kernel ABIs installed (e.g. Debian's 6.1.0-56 and 6.1.0-57 headers):
# the host target keeps one version and lists the others as skipped;
# --all-kernels offers every installed tree, grouped by kernel version,
# names each flavour by its release and builds them all in one run with one
# job budget, each package named with its own kver.
source "$(dirname "$0")/lib.sh"
need_trees
run 0 "$KMODPACK" targets --all-kernels --json
python3 - "$TMP/out" >"$TMP/trees" <<'PY'
import json, sys
t = json.load(open(sys.argv[1]))
for f in t["flavours"]:
    print(f["name"], f["release"], f["kver"], f["package_flavour"], f["tree"])
PY
nkver=$(cut -d' ' -f3 "$TMP/trees" | sort -u | wc -l)
[ "$nkver" -ge 2 ] ||
	skip "one kernel version installed (install a second, e.g. apt-get install linux-headers-6.1.0-56-amd64)"
ntrees=$(wc -l <"$TMP/trees")
# Names are the releases; the package flavour is the release less its kver.
while read -r name rel kver pkg tree; do
	assert_eq "$name" "$rel" "flavour name with several kernel versions"
	assert_eq "$kver-$pkg" "$rel" "kver and package flavour of $rel"
	assert_eq "$(sed -n 's/.*UTS_RELEASE "\(.*\)"/\1/p' "$tree/include/generated/utsrelease.h")" "$rel" "$tree"
done <"$TMP/trees"
# Without the option: one version, the others listed as skipped.
run 0 "$KMODPACK" targets
n_skipped=$(grep -c '^  skipped: .*kernel version' "$TMP/out")
n_used=$(grep -c '^  [a-z]' "$TMP/out")
assert_eq "$((n_used - 1 + n_skipped))" "$ntrees" "trees used + skipped without --all-kernels"

# One run, one job budget: with -j 1, one make at a time in total.
export KMODPACK_PLAIN=1
run 0 "$KMODPACK" build --all-kernels -j 1 -o "$TMP/o" "$EXAMPLE"
awk '/: compiling \(/ { if (busy) bad = 1; busy = 1 } /: (compiled|failed) \(/ { busy = 0 }
	END { exit bad }' "$TMP/err" || fail "two flavours compiled at once with -j 1: $(cat "$TMP/err")"
while read -r name rel kver pkg tree; do
	rpm=$TMP/o/RPMS/x86_64/helloworld-modules-$pkg-$kver-1.0-1.x86_64.rpm
	[ -f "$rpm" ] || fail "no package for $rel: $(ls "$TMP/o/RPMS/x86_64")"
	rpm -qp --qf '[%{FILENAMES}\n]' "$rpm" >"$TMP/files"
	assert_contains "$TMP/files" "/lib/modules/$rel/extra/helloworld.ko"
	assert_eq "$(modinfo -F vermagic "$TMP/o/.kmodpack/build/$name/helloworld.ko" | cut -d' ' -f1)" \
		"$rel" "vermagic of $rel"
	[ -f "$TMP/o/logs/$rel.log" ] || fail "no log for $rel"
done <"$TMP/trees"
assert_eq "$(ls "$TMP/o/RPMS/x86_64" | grep -vc debuginfo)" "$ntrees" "module packages"
# status asks about the same kernels the build was for: up to date, and a
# build without --all-kernels says why it rebuilds
run 0 "$KMODPACK" status "$TMP/o"
assert_contains "$TMP/out" "up to date: yes"
run 0 "$KMODPACK" build --all-kernels -o "$TMP/o" "$EXAMPLE"
assert_not_contains "$TMP/err" "compiling"
# --flavour picks among them by release.
first=$(head -1 "$TMP/trees" | cut -d' ' -f1)
run 0 "$KMODPACK" spec --all-kernels --flavour "$first" "$EXAMPLE"
assert_eq "$(grep '^%package -n helloworld-modules-' "$TMP/out" | grep -vc debuginfo)" 1 "packages in the spec"
# A target file names its trees itself.
debian_target "$TMP/target.ini"
run 2 "$KMODPACK" build --all-kernels -t "$TMP/target.ini" -o "$TMP/o2" "$EXAMPLE"
assert_contains "$TMP/err" "--all-kernels is for the host target"
echo ok
