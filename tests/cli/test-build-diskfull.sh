#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# A write that fails (the output dir's file system fills up while the new
# packages are written) fails the build with the reason and leaves the
# published packages exactly as they were. Needs root for a small tmpfs.
source "$(dirname "$0")/lib.sh"
[ "$(id -u)" = 0 ] || skip "needs root to mount a small tmpfs"
debian_target "$TMP/target.ini"
OUT=$TMP/outdir
mkdir -p "$OUT"
mount -t tmpfs -o size=6m kmodpack-test "$OUT" || skip "cannot mount tmpfs here"
trap 'umount "$OUT" 2>/dev/null; rm -rf "$TMP"' EXIT
cp -r "$EXAMPLE" "$TMP/drv"
run 0 "$KMODPACK" build -q -t "$TMP/target.ini" -o "$OUT" "$TMP/drv"
snapshot "$OUT" >"$TMP/before"

# Leave a little room: enough to compile into the kept build dirs, not to
# package version 1.1 as well.
free_kb=$(df -k --output=avail "$OUT" | tail -1)
dd if=/dev/zero of="$OUT/.kmodpack/filler" bs=1k count=$((free_kb - 200)) status=none || true
sed -i 's/^version = 1.0/version = 1.1/' "$TMP/drv/kmodpack.ini"
st=0
"$KMODPACK" build -q -t "$TMP/target.ini" -o "$OUT" "$TMP/drv" >"$TMP/out" 2>"$TMP/err" || st=$?
[ "$st" != 0 ] || fail "a build on a full file system succeeded"
assert_contains "$TMP/err" "No space left on device"
rm -f "$OUT/.kmodpack/filler"
snapshot "$OUT" >"$TMP/after"
diff "$TMP/before" "$TMP/after" || fail "a failed write changed the published packages"
[ -z "$(ls "$OUT/.kmodpack" | grep stage- || true)" ] || fail "staging dir left behind"
echo ok
