#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Same inputs, different directories: byte-identical binary RPMs and .ko
# files. A malformed SOURCE_DATE_EPOCH is refused, not taken as 0.
source "$(dirname "$0")/lib.sh"
debian_target "$TMP/target.ini"

for i in 1 2; do
	mkdir -p "$TMP/w$i/some/deeper/dir$i"
	cp -r "$EXAMPLE" "$TMP/w$i/some/deeper/dir$i/drv"
	run 0 "$KMODPACK" build -q -t "$TMP/target.ini" -o "$TMP/w$i/out" "$TMP/w$i/some/deeper/dir$i/drv"
	sleep 1 # a build time taken from the clock would now differ
done
(cd "$TMP/w1/out" && sha256sum RPMS/*/*.rpm SRPMS/*.rpm) >"$TMP/a"
(cd "$TMP/w2/out" && sha256sum RPMS/*/*.rpm SRPMS/*.rpm) >"$TMP/b"
diff "$TMP/a" "$TMP/b" || fail "RPMs differ between two builds of the same sources"
assert_eq "$(wc -l <"$TMP/a")" 6 "RPMs compared (2 flavours, their debuginfo, data, SRPM)"
# The packaged modules themselves are byte-identical too (build paths mapped out).
for d in w1 w2; do
	rpm2cpio "$TMP"/$d/out/RPMS/x86_64/helloworld-modules-amd64-*.rpm | cpio -i --quiet --to-stdout '*.ko' | sha256sum
done | uniq | wc -l | grep -qx 1 || fail "the .ko files differ"
assert_eq "$(rpm -qp --qf '%{BUILDTIME}' "$TMP"/w1/out/RPMS/x86_64/*amd64-*.rpm | head -c 10)" \
	"$(date -u -d 2026-11-25 +%s)" "build time from the changelog date"

# SOURCE_DATE_EPOCH from the environment wins.
SOURCE_DATE_EPOCH=1700000000 run 0 "$KMODPACK" build -q -t "$TMP/target.ini" -o "$TMP/w3" "$EXAMPLE"
assert_eq "$(rpm -qp --qf '%{BUILDTIME}' "$TMP"/w3/RPMS/x86_64/helloworld-modules-cloud-amd64-$KVER-1.0-1.x86_64.rpm)" 1700000000 "build time"

for bad in "" "12abc" "-5" "1e9"; do
	SOURCE_DATE_EPOCH=$bad run 2 "$KMODPACK" build -q -t "$TMP/target.ini" -o "$TMP/w4" "$EXAMPLE"
	assert_contains "$TMP/err" "SOURCE_DATE_EPOCH='$bad' is not a number"
done
[ ! -e "$TMP/w4/RPMS" ] || fail "a refused SOURCE_DATE_EPOCH still produced RPMs"
echo ok
