#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# A second build with nothing changed does nothing and writes nothing; a
# changed source, manifest or missing artifact builds again, recompiling
# only what Kbuild says changed.
source "$(dirname "$0")/lib.sh"
debian_target "$TMP/target.ini"
OUT=$TMP/outdir
cp -r "$EXAMPLE" "$TMP/drv"
run 0 "$KMODPACK" build -q -t "$TMP/target.ini" -o "$OUT" "$TMP/drv"
state() { (cd "$OUT" && find . -printf '%p %s %T@\n' | sort); }
state >"$TMP/s1"
run 0 "$KMODPACK" build -t "$TMP/target.ini" -o "$OUT" "$TMP/drv"
assert_contains "$TMP/err" "up to date"
assert_contains "$TMP/out" "helloworld-modules-amd64-$KVER-1.0-1.x86_64.rpm"
state >"$TMP/s2"
diff "$TMP/s1" "$TMP/s2" || fail "a no-op build wrote to the output dir"

# A changed source: built again, and only that file's objects are compiled.
echo '/* a comment */' >>"$TMP/drv/src/helloworld.c"
run 0 "$KMODPACK" build -t "$TMP/target.ini" -o "$OUT" "$TMP/drv"
assert_not_contains "$TMP/err" "up to date"
assert_eq "$(grep -c 'CC \[M\].*/helloworld\.o$' "$OUT/logs/amd64.log")" 1 "helloworld.o recompiled"
# Unchanged manifest and sources but a deleted artifact: built again.
rm "$OUT"/RPMS/x86_64/helloworld-modules-cloud-amd64-*.rpm
run 0 "$KMODPACK" build -q -t "$TMP/target.ini" -o "$OUT" "$TMP/drv"
[ -f "$OUT"/RPMS/x86_64/helloworld-modules-cloud-amd64-$KVER-1.0-1.x86_64.rpm ] || fail "not rebuilt"
# The manifest changed: built again with the new release.
sed -i 's/^release = 1/release = 7/' "$TMP/drv/kmodpack.ini"
run 0 "$KMODPACK" build -q -t "$TMP/target.ini" -o "$OUT" "$TMP/drv"
[ -f "$OUT"/RPMS/x86_64/helloworld-modules-amd64-$KVER-1.0-7.x86_64.rpm ] || fail "release 7 missing"
# --force builds although nothing changed.
run 0 "$KMODPACK" build --force -t "$TMP/target.ini" -o "$OUT" "$TMP/drv"
assert_not_contains "$TMP/err" "up to date"
echo ok
