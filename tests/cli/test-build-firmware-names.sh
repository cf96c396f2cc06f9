#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# MODULE_FIRMWARE names are text from the module's source, as hostile as any
# (issue 14, item 5): '..', absolute paths, '*', spaces, '%' and rpm
# macros. A name no package can ship fails the build with the fix named,
# nothing published and nothing left behind; names a package can ship stay
# literal text when they are declared external, and nothing runs.
source "$(dirname "$0")/lib.sh"
debian_target "$TMP/target.ini"
M=$TMP/pwned
OUT=$TMP/outdir
cp -r "$EXAMPLE" "$TMP/drv"
# No blank in it (firmware_external is a list of words): the shell's ${IFS}.
LUA="helloworld/100%{lua:os.execute('touch\${IFS}$M.lua')}%(touch\${IFS}$M.sh).fw"
cat >>"$TMP/drv/src/helloworld.c" <<EOF
MODULE_FIRMWARE("../../../etc/kmodpack-fw-test");
MODULE_FIRMWARE("/lib/firmware/helloworld/abs.fw");
MODULE_FIRMWARE("helloworld/*.fw");
MODULE_FIRMWARE("helloworld/with space.fw");
MODULE_FIRMWARE("$LUA");
EOF

run 1 "$KMODPACK" build -q -t "$TMP/target.ini" -o "$OUT" "$TMP/drv"
for name in ../../../etc/kmodpack-fw-test /lib/firmware/helloworld/abs.fw; do
	assert_contains "$TMP/err" "firmware '$name' wanted by module 'helloworld' is not a file under /lib/firmware/: no package can ship it; fix MODULE_FIRMWARE"
done
for name in 'helloworld/*.fw' 'helloworld/with space.fw' "$LUA"; do
	assert_contains "$TMP/err" "firmware '$name' wanted by module 'helloworld' is not shipped"
done
assert_contains "$TMP/err" "build failed: the output dir '$OUT' is as it was"
[ -z "$(snapshot "$OUT")" ] || fail "a failed build published: $(snapshot "$OUT")"
[ -z "$(ls "$OUT/.kmodpack" | grep stage- || true)" ] || fail "staging dir left behind"
[ ! -e /etc/kmodpack-fw-test ] || fail "a file was written into /etc"
[ -z "$(ls "$TMP" | grep pwned || true)" ] || fail "a firmware name ran"

# firmware_external refuses names outside /lib/firmware too.
sed -i "s|^firmware = data/firmware|&\nfirmware_external = ../../../etc/kmodpack-fw-test|" "$TMP/drv/kmodpack.ini"
run 2 "$KMODPACK" build -q -t "$TMP/target.ini" -o "$OUT" "$TMP/drv"
assert_contains "$TMP/err" "'../../../etc/kmodpack-fw-test' is not a firmware name"

# The names a package could ship, declared external: built, kept as text.
sed -i '/kmodpack-fw-test\|abs.fw\|with space/d' "$TMP/drv/src/helloworld.c" "$TMP/drv/kmodpack.ini"
sed -i "s|^firmware = data/firmware|&\nfirmware_external = helloworld/*.fw $LUA|" "$TMP/drv/kmodpack.ini"
run 0 "$KMODPACK" build -q -t "$TMP/target.ini" -o "$OUT" "$TMP/drv"
[ -z "$(ls "$TMP" | grep pwned || true)" ] || fail "a firmware name ran"
python3 - "$OUT/build-report.json" "$LUA" <<'PY'
import json, sys
rep = json.load(open(sys.argv[1]))
want = {"helloworld/*.fw", sys.argv[2]}
for f in rep["flavours"]:
    for m in f["modules"]:
        got = set(m["firmware"])
        assert want <= got, (want, got)
assert want <= set(rep["firmware_external"]), rep["firmware_external"]
PY
rpm=$(ls "$OUT"/RPMS/x86_64/helloworld-modules-amd64-*.rpm | grep -v -- -debuginfo-)
rpm -qpl "$rpm" >"$TMP/files"
assert_not_contains "$TMP/files" "lua"
echo ok
