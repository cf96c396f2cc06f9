#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# [pack] requires in kmodpack.ini, and --requires on the command line,
# which wins as every option does: it replaces the manifest's list, so a
# pack never carries a stale requirement next to the one meant.
source "$(dirname "$0")/lib.sh"
debian_target "$TMP/target.ini"
cp -r "$EXAMPLE" "$TMP/drv"
printf 'requires = originator=xs name=main test=ge version=6.5.0\n  originator=acme name=base test=eq version=2.0\n' \
	>>"$TMP/drv/kmodpack.ini"
run 0 "$KMODPACK" build -q -t "$TMP/target.ini" -o "$TMP/b" "$TMP/drv"

run 0 "$KMODPACK" pack -q -o "$TMP/p1" "$TMP/b"
bsdtar -x -C "$TMP" -f "$TMP/p1/helloworld.iso" XS-REPOSITORY
assert_eq "$(grep -c '<requires ' "$TMP/XS-REPOSITORY")" 2 "the manifest's two requires"
assert_contains "$TMP/XS-REPOSITORY" '<requires originator="acme" name="base" test="eq" product="XenServer" version="2.0"/>'

run 0 "$KMODPACK" pack -q -o "$TMP/p2" --requires "originator=xs name=main test=ge version=7.0" "$TMP/b"
rm "$TMP/XS-REPOSITORY"
bsdtar -x -C "$TMP" -f "$TMP/p2/helloworld.iso" XS-REPOSITORY
assert_eq "$(grep -c '<requires ' "$TMP/XS-REPOSITORY")" 1 "only the option's requires"
assert_contains "$TMP/XS-REPOSITORY" '<requires originator="xs" name="main" test="ge" product="XenServer" version="7.0"/>'
echo ok
