#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# kmodpack pack --bundle (guide 5.6): <label>.zip holds the ISO, both md5
# files and the GPL sources (the builds' SRPMs), byte for byte as
# published, read back with bsdtar; the same input gives the same zip; a
# driver RPM whose source is unknown is refused and nothing is written.
source "$(dirname "$0")/lib.sh"
debian_target "$TMP/target.ini"
command -v bsdtar >/dev/null || skip "bsdtar is not installed (run scripts/setup.sh)"
B=$TMP/build
run 0 "$KMODPACK" build -q -t "$TMP/target.ini" -o "$B" "$EXAMPLE"
run 0 "$KMODPACK" pack -q --bundle -o "$TMP/p1" "$B"
assert_contains "$TMP/out" "$TMP/p1/helloworld.zip"
bsdtar -tf "$TMP/p1/helloworld.zip" >"$TMP/list"
assert_eq "$(cat "$TMP/list")" "$(printf '%s\n' helloworld.iso helloworld.metadata.md5 \
	helloworld.iso.md5 sources/helloworld-1.0-1.src.rpm)" "the bundle's members, in order"
mkdir "$TMP/x"
bsdtar -x -C "$TMP/x" -f "$TMP/p1/helloworld.zip"
for f in helloworld.iso helloworld.metadata.md5 helloworld.iso.md5; do
	cmp "$TMP/p1/$f" "$TMP/x/$f" || fail "$f in the bundle is not the published one"
done
cmp "$B/SRPMS/helloworld-1.0-1.src.rpm" "$TMP/x/sources/helloworld-1.0-1.src.rpm" ||
	fail "the bundle's SRPM is not the build's"
(cd "$TMP/x" && md5sum -c --quiet helloworld.iso.md5) || fail "the bundled ISO fails its md5"

# Reproducible, from another output dir.
run 0 "$KMODPACK" pack -q --bundle -o "$TMP/p2" "$B"
cmp "$TMP/p1/helloworld.zip" "$TMP/p2/helloworld.zip" || fail "the same input gave another zip"

# Without --bundle, no zip.
run 0 "$KMODPACK" pack -q -o "$TMP/p3" "$B"
[ ! -e "$TMP/p3/helloworld.zip" ] || fail "a zip without --bundle"

# Driver RPMs as plain files: their source is unknown, so no bundle.
mkdir "$TMP/p4"
run 2 "$KMODPACK" pack -q --bundle -o "$TMP/p4" -m "$EXAMPLE" "$B"/RPMS/*/*.rpm
assert_contains "$TMP/err" "--bundle: no source for the driver RPM '$B/RPMS/x86_64/helloworld-modules-amd64-$KVER-1.0-1.x86_64.rpm'"
[ -z "$(ls "$TMP/p4")" ] || fail "a refused bundle wrote into the output dir: $(ls "$TMP/p4")"
echo ok
