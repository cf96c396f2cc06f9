#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# The pack's user text (issue 14, item 5): rpm macros, Lua and shell in
# [pack] text and --text reach the update RPM that kmodpack pack builds
# (its summary and description), update.xml and the pack metadata as
# literal text, and run nothing; --version with a macro is refused.
source "$(dirname "$0")/lib.sh"
debian_target "$TMP/target.ini"
cp -r "$EXAMPLE" "$TMP/drv"
# At most 32 characters (the ISO volume id): markers relative to $TMP, where
# kmodpack runs.
cd "$TMP"
T1="%{lua:os.execute('id>pwned.l')}"
T2="%(id>pwned.s)\`id>pwned.b\`"
sed -i "s|^text = .*|text = $T2|" "$TMP/drv/kmodpack.ini"
run 0 "$KMODPACK" build -q -t "$TMP/target.ini" -o "$TMP/built" "$TMP/drv"

run 0 "$KMODPACK" pack -q -o "$TMP/legacy" -m "$TMP/drv" "$TMP/built"
run 0 "$KMODPACK" pack -q -o "$TMP/update" --format update --text "$T1" "$TMP/built"
[ -z "$(ls "$TMP" | grep pwned || true)" ] || fail "pack text ran: $(ls "$TMP" | grep pwned)"

mkdir "$TMP/x"
xorriso -osirrox on -indev "$TMP/update/helloworld.iso" -extract / "$TMP/x" >/dev/null 2>&1
rpm=$(ls "$TMP"/x/Packages/update-helloworld-*.noarch.rpm)
assert_eq "$(rpm -qp --qf '%{SUMMARY}' "$rpm")" "$T1" "the update RPM's summary"
rpm -qp --qf '%{DESCRIPTION}' "$rpm" >"$TMP/desc"
assert_contains "$TMP/desc" "$T1"
assert_contains "$TMP/x/update.xml" "<name-description>%{lua:os.execute('id&gt;pwned.l')}</name-description>"
rm -rf "$TMP/x" && mkdir "$TMP/x"
xorriso -osirrox on -indev "$TMP/legacy/helloworld.iso" -extract / "$TMP/x" >/dev/null 2>&1
grep -rqF -- "$T2" "$TMP/x" || fail "the legacy pack's metadata lost the [pack] text"
[ -z "$(ls "$TMP" | grep pwned || true)" ] || fail "pack text ran: $(ls "$TMP" | grep pwned)"

run 2 "$KMODPACK" pack -q -o "$TMP/bad" --format update --version "1.0%{lua:x}" "$TMP/built"
assert_contains "$TMP/err" "--version: '1.0%{lua:x}' must be numbers separated by dots"
[ ! -e "$TMP/bad/helloworld.iso" ] || fail "a refused pack wrote an ISO"
echo ok
