#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# A driver that does not compile: exit 1, the flavour, the compiler's
# file:line and the log path in the message, and the output dir exactly as
# it was (a previous good build's artifacts untouched).
source "$(dirname "$0")/lib.sh"
debian_target "$TMP/target.ini"
OUT=$TMP/out-dir
cp -r "$EXAMPLE" "$TMP/drv"
run 0 "$KMODPACK" build -q -t "$TMP/target.ini" -o "$OUT" "$TMP/drv"
snapshot "$OUT" >"$TMP/before"

# Version 1.1 would publish new names; it must publish none of them.
sed -i 's/^version = 1.0/version = 1.1/' "$TMP/drv/kmodpack.ini"
printf '\nstatic int broken(void) { return undeclared_thing; }\n' >>"$TMP/drv/src/helloworld.c"
run 1 "$KMODPACK" build -t "$TMP/target.ini" -o "$OUT" "$TMP/drv"
assert_contains "$TMP/err" "flavour amd64"
assert_contains "$TMP/err" "flavour cloud-amd64"
# file:line in the user's own sources, not in kmodpack's build copy
assert_contains "$TMP/err" "$TMP/drv/src/helloworld.c:"
assert_contains "$TMP/err" "undeclared_thing"
assert_contains "$TMP/err" "$OUT/logs/amd64.failed.log"
snapshot "$OUT" >"$TMP/after"
diff "$TMP/before" "$TMP/after" || fail "a failed build changed the output dir"
# The failed run's log is added beside the published build's log, which stays.
assert_contains "$OUT/logs/amd64.failed.log" "undeclared_thing"
assert_not_contains "$OUT/logs/amd64.log" "undeclared_thing"

# Fixed and built again: the failure's log is gone, the new build's is published.
cp "$EXAMPLE/src/helloworld.c" "$TMP/drv/src/helloworld.c"
run 0 "$KMODPACK" build -q -t "$TMP/target.ini" -o "$OUT" "$TMP/drv"
[ ! -e "$OUT/logs/amd64.failed.log" ] || fail "a stale .failed.log survived a good build"
[ -f "$OUT"/RPMS/x86_64/helloworld-modules-amd64-$KVER-1.1-1.x86_64.rpm ] || fail "1.1 not built"
snapshot "$OUT" >"$TMP/before"
[ -z "$(ls "$OUT/.kmodpack" | grep stage- || true)" ] || fail "staging dir left behind"

# A broken tree is an environment problem: exit 3 and what to do.
cat >"$TMP/bad-target.ini" <<EOT
[target]
name = broken
[flavour xen]
tree = $TMP/no-such-tree
EOT
run 3 "$KMODPACK" build -t "$TMP/bad-target.ini" -o "$OUT" "$TMP/drv"
assert_contains "$TMP/err" "$TMP/no-such-tree"
assert_contains "$TMP/err" "install"
snapshot "$OUT" >"$TMP/after"
diff "$TMP/before" "$TMP/after" || fail "a failed build changed the output dir"
echo ok
