#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# A manifest and a target file saved by a Windows editor (UTF-8 byte order
# mark, CRLF line endings) read exactly as the Unix originals
# (docs/manifest.md, "Syntax").
source "$(dirname "$0")/lib.sh"
debian_target "$TMP/target.ini"
export SOURCE_DATE_EPOCH=1700000000
cp -r "$EXAMPLE" "$TMP/drv"
run 0 "$KMODPACK" spec -t "$TMP/target.ini" "$TMP/drv"
cp "$TMP/out" "$TMP/spec.unix"
run 0 "$KMODPACK" targets -t "$TMP/target.ini"
cp "$TMP/out" "$TMP/targets.unix"

{ printf '\xef\xbb\xbf'; sed 's/$/\r/' "$EXAMPLE/kmodpack.ini"; } >"$TMP/drv/kmodpack.ini"
{ printf '\xef\xbb\xbf'; sed 's/$/\r/' "$TMP/target.ini"; } >"$TMP/target-win.ini"
head -c 3 "$TMP/drv/kmodpack.ini" | od -An -tx1 | grep -q 'ef bb bf' || fail "no BOM written"
grep -q $'\r$' "$TMP/drv/kmodpack.ini" || fail "no CRLF written"
run 0 "$KMODPACK" spec -t "$TMP/target-win.ini" "$TMP/drv"
diff "$TMP/spec.unix" "$TMP/out" || fail "a BOM/CRLF manifest gives another spec"
assert_not_contains "$TMP/out" $'\r'
run 0 "$KMODPACK" targets -t "$TMP/target-win.ini"
sed "s#$TMP/target-win.ini#$TMP/target.ini#" "$TMP/out" | diff "$TMP/targets.unix" - ||
	fail "a BOM/CRLF target file gives other flavours"
echo ok
