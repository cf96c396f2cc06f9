#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# verify --sig-enforce (docs/verify.md, "Module signatures"): both Debian
# flavours' own kernels, booted under qemu with module.sig_enforce=1, tell
# kmodpack's signed modules from unsigned ones. The unsigned build's module
# is refused as unsigned ("Loading of unsigned module is rejected", exit 1);
# the module kmodpack signed with a key those kernels do not hold is refused
# for its unavailable key ("Loading of module with unavailable key is
# rejected"): the kernel parsed the signature and looked the key up, which
# passes.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/verify-lib.sh"
verify_target "$TMP/target.ini"
keys=$TMP/keys
mkdir "$keys"
"$SRCDIR/tests/cli/make-sign-key.sh" "$keys/key.pem" "$keys/cert.pem" || fail "openssl req"

# Unsigned: refused as unsigned in both kernels.
run 0 "$KMODPACK" build -q -t "$TMP/target.ini" -o "$TMP/unsigned" "$EXAMPLE"
run 1 "$KMODPACK" verify --sig-enforce -t "$TMP/target.ini" "$TMP/unsigned"
assert_contains "$TMP/out" "helloworld         install passed, symbols resolved, load failed (module.sig_enforce=1: refused-unsigned)"
assert_contains "$TMP/out" "load: module.sig_enforce=1: the kernel refuses it as unsigned: build with --sign-key and --sign-cert"
assert_contains "$TMP/out" "Loading of unsigned module is rejected"
assert_eq "$(grep -c 'refused-unsigned' "$TMP/out")" 2 "flavours refusing the unsigned module"
# Without --sig-enforce the same build loads: the refusal is the kernel's enforcement.
run 0 "$KMODPACK" verify -t "$TMP/target.ini" "$TMP/unsigned"
assert_eq "$(grep -c 'load loaded' "$TMP/out")" 2 "flavours loading the unsigned module without enforcement"

# Signed with a key the kernels do not know: refused for that key, and that passes.
run 0 "$KMODPACK" build -q -t "$TMP/target.ini" -o "$TMP/signed" --sign-key "$keys/key.pem" \
	--sign-cert "$keys/cert.pem" "$EXAMPLE"
run 0 "$KMODPACK" verify --json --sig-enforce -t "$TMP/target.ini" "$TMP/signed"
python3 - "$TMP/out" <<'PY' || fail "verify --sig-enforce --json of the signed build"
import json, sys
v = json.load(open(sys.argv[1]))
assert v["passed"] is True, v
assert [f["name"] for f in v["flavours"]] == ["amd64", "cloud-amd64"], v
for f in v["flavours"]:
    m = f["modules"][0]
    assert m["load"]["status"] == "passed" and m["load"]["signature"] == "refused-unknown-key", m
    assert m["load"]["errno"] == "EKEYREJECTED", m
    assert any("Loading of module with unavailable key is rejected" in l for l in m["load"]["kernel"]), m
PY
run 0 "$KMODPACK" verify --sig-enforce -t "$TMP/target.ini" "$TMP/signed"
assert_eq "$(grep -c 'load passed (module.sig_enforce=1: refused-unknown-key)' "$TMP/out")" 2 "text verdict of the signed build"
grep -q "Loading of module with unavailable key is rejected" "$TMP/signed/logs/verify-amd64-console.log" ||
	fail "the amd64 kernel's own line about the key, in its console log"

echo PASS
