#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# `kmodpack targets` shows what a build will use; `kmodpack spec` prints the
# spec a build writes (less the aliases, which only the built modules know);
# usage errors exit 2.
source "$(dirname "$0")/lib.sh"
debian_target "$TMP/target.ini"
run 0 "$KMODPACK" targets -t "$TMP/target.ini" --json
python3 - "$TMP/out" "$AMD64_REL" "$CLOUD_REL" "$KVER" <<'PY'
import json, sys
t = json.load(open(sys.argv[1]))
assert t["name"] == "debian-test" and t["arch"] == "x86_64" and t["module_dir"] == "extra", t
got = [(f["name"], f["release"], f["kver"]) for f in t["flavours"]]
assert got == [("amd64", sys.argv[2], sys.argv[4]), ("cloud-amd64", sys.argv[3], sys.argv[4])], got
PY
run 0 "$KMODPACK" targets
assert_contains "$TMP/out" "target host"
assert_contains "$TMP/out" "$AMD64_REL"

run 0 "$KMODPACK" spec -t "$TMP/target.ini" "$EXAMPLE"
cp "$TMP/out" "$TMP/printed.spec"
run 0 "$KMODPACK" build -q -t "$TMP/target.ini" -o "$TMP/outdir" "$EXAMPLE"
grep -v '^Provides: modalias(' "$TMP/outdir/SPECS/helloworld.spec" >"$TMP/built.spec"
diff "$TMP/printed.spec" "$TMP/built.spec" || fail "kmodpack spec differs from the built spec"
assert_contains "$TMP/printed.spec" "%package -n helloworld-data"

run 2 "$KMODPACK" build
assert_contains "$TMP/err" "DRIVER_DIR is missing"
run 2 "$KMODPACK" build -j zero "$EXAMPLE"
assert_contains "$TMP/err" "-j needs a number"
run 2 "$KMODPACK" frobnicate
run 0 "$KMODPACK" --version
assert_contains "$TMP/out" "kmodpack "
run 0 "$KMODPACK" help build
assert_contains "$TMP/out" "usage: kmodpack build"
run 2 "$KMODPACK" build -q -o "$TMP/x" "$TMP/no-such-driver"
assert_contains "$TMP/err" "no such driver directory"
echo ok
