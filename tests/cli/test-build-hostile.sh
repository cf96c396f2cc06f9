#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# User text never becomes rpm macros or shell: macros in the manifest end
# up as literal text in the packages and run nothing; text that would
# start a spec section or tag is refused with the field named.
source "$(dirname "$0")/lib.sh"
debian_target "$TMP/target.ini"
M=$TMP/pwned
cp -r "$EXAMPLE" "$TMP/drv"
python3 - "$TMP/drv/kmodpack.ini" "$M" <<'PY'
import re, sys
path, marker = sys.argv[1], sys.argv[2]
s = open(path).read()
s = re.sub(r"(?m)^summary = .*$", "summary = 100%% fast %(touch " + marker + ".summary) %{lua: os.execute('touch " + marker + ".lua')}", s)
s = re.sub(r"(?m)^description = (.|\n  )*", "description = Uses %(touch " + marker + ".desc) and %{expand:%%(touch " + marker + ".expand)}\n  and %{?_topdir} %define x 1 and $(touch " + marker + ".shell) `id`\n", s, count=1)
s = re.sub(r"(?m)^name = Example Organisation$", "name = Example %(touch " + marker + ".vendor) Org", s)
s = re.sub(r"(?m)^url = .*$", "\\g<0>\npackager = Build $(touch " + marker + ".packager) %(touch " + marker + ".packager2) %{?_topdir}", s)
open(path, "w").write(s)
PY
OUT=$TMP/outdir
run 0 "$KMODPACK" build -q -t "$TMP/target.ini" -o "$OUT" "$TMP/drv"
ls "$TMP" | grep -q pwned && fail "user text ran: $(ls "$TMP" | grep pwned)"
rpm=$(ls "$OUT"/RPMS/x86_64/helloworld-modules-amd64-*.rpm | grep -v -- -debuginfo-)
# Longer than rpmlint's 79 columns with the kernel named: no suffix (docs/manifest.md).
assert_eq "$(rpm -qp --qf '%{SUMMARY}' "$rpm")" \
	"100%% fast %(touch $M.summary) %{lua: os.execute('touch $M.lua')}" "summary"
assert_eq "$(rpm -qp --qf '%{VENDOR}' "$rpm")" "Example %(touch $M.vendor) Org" "vendor"
assert_eq "$(rpm -qp --qf '%{PACKAGER}' "$rpm")" \
	"Build \$(touch $M.packager) %(touch $M.packager2) %{?_topdir}" "packager"
rpm -qp --qf '%{DESCRIPTION}' "$rpm" >"$TMP/desc"
assert_contains "$TMP/desc" "Uses %(touch $M.desc) and %{expand:%%(touch $M.expand)}"
assert_contains "$TMP/desc" 'and %{?_topdir} %define x 1 and $(touch '"$M"'.shell) `id`'
# rpmspec parses the published spec without running anything either, and
# reads the user text back as the literal text it is.
rpmspec -P "$OUT/SPECS/helloworld.spec" >"$TMP/parsed" 2>"$TMP/rpmspec.err" ||
	fail "rpmspec -P cannot parse the published spec: $(cat "$TMP/rpmspec.err")"
assert_contains "$TMP/parsed" "Summary: 100%% fast %(touch $M.summary)"
ls "$TMP" | grep -q pwned && fail "the published spec runs user text"

# Text that would start a section or a new tag is refused, field named.
snapshot "$OUT" >"$TMP/before"
cp -r "$EXAMPLE" "$TMP/sect"
sed -i 's/^  It registers/  %files\n  It registers/' "$TMP/sect/kmodpack.ini"
run 2 "$KMODPACK" build -q -t "$TMP/target.ini" -o "$OUT" "$TMP/sect"
assert_contains "$TMP/err" "description"
cp -r "$EXAMPLE" "$TMP/post"
sed -i 's/^  - Initial release/  %post\n  - Initial release/' "$TMP/post/kmodpack.ini"
run 2 "$KMODPACK" build -q -t "$TMP/target.ini" -o "$OUT" "$TMP/post"
assert_contains "$TMP/err" "changelog"
cp -r "$EXAMPLE" "$TMP/nl"
sed -i 's/^summary = .*/summary = one\n  Requires: evil/' "$TMP/nl/kmodpack.ini"
run 2 "$KMODPACK" build -q -t "$TMP/target.ini" -o "$OUT" "$TMP/nl"
assert_contains "$TMP/err" "kmodpack.ini:"
assert_contains "$TMP/err" "summary: must be one line"
snapshot "$OUT" >"$TMP/after"
diff "$TMP/before" "$TMP/after" || fail "a refused build changed the output dir"
echo ok
