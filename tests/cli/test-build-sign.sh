#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# kmodpack build --gpg-key: every RPM and the SRPM signed through librpmsign
# with a key from a temporary GNUPGHOME; rpm -K with the public key imported
# says OK; signing is reproducible; a package signed afterwards with
# rpmsign --addsign is still the same build (no rebuild, verify passes); a
# changed package makes the next build say why it rebuilds.
source "$(dirname "$0")/lib.sh"
command -v gpg >/dev/null || skip "gpg not installed"
command -v rpmsign >/dev/null || skip "rpmsign not installed"
debian_target "$TMP/target.ini"

export GNUPGHOME=$TMP/gnupg
mkdir -m 700 "$GNUPGHOME"
cat >"$TMP/keyparams" <<'KEY'
%no-protection
Key-Type: RSA
Key-Length: 2048
Name-Real: kmodpack test signer
Name-Email: signer@example.com
Expire-Date: 0
%commit
KEY
# made in 2023, before SOURCE_DATE_EPOCH: the signatures are dated that epoch
gpg --batch --quiet --faked-system-time 1700000000! --gen-key "$TMP/keyparams" 2>/dev/null
KEYID=$(gpg --list-keys --with-colons signer@example.com | awk -F: '$1 == "fpr" {print $10; exit}')
[ -n "$KEYID" ] || fail "no test key"
gpg --export --armor "$KEYID" >"$TMP/pub.asc"
mkdir "$TMP/rpmdb"
rpm --dbpath "$TMP/rpmdb" --import "$TMP/pub.asc"
trap 'gpgconf --kill gpg-agent 2>/dev/null; rm -rf "$TMP"' EXIT

OUT=$TMP/signed
run 0 "$KMODPACK" build --gpg-key "$KEYID" -t "$TMP/target.ini" -o "$OUT" "$EXAMPLE"
pkgs=("$OUT"/RPMS/x86_64/*.rpm "$OUT"/RPMS/noarch/*.rpm "$OUT"/SRPMS/*.rpm)
assert_eq "${#pkgs[@]}" 6 "packages built"
short=$(echo "${KEYID: -8}" | tr 'A-F' 'a-f')
for p in "${pkgs[@]}"; do
	rpm --dbpath "$TMP/rpmdb" -Kv "$p" >"$TMP/k" 2>&1 || {
		cat "$TMP/k" >&2
		fail "rpm -K failed on $p"
	}
	# The header signature, and the header+payload one older rpm checks.
	assert_contains "$TMP/k" "Header V4 RSA/SHA256 Signature, key ID $short: OK"
	assert_contains "$TMP/k" "V4 RSA/SHA256 Signature, key ID $short: OK"
	[ "$(grep -c "Signature, key ID $short: OK" "$TMP/k")" = 2 ] || {
		cat "$TMP/k" >&2
		fail "$p: not both signatures"
	}
	assert_not_contains "$TMP/k" "NOKEY"
done
# The signature is dated SOURCE_DATE_EPOCH (the changelog's date), so signing is reproducible.
sigdate=$(rpm -qp --qf '%{RSAHEADER:pgpsig}' "${pkgs[0]}")
assert_contains <(echo "$sigdate") "Wed Nov 25 00:00:00 2026"
python3 - "$OUT/build-report.json" "$KEYID" <<'PY' || fail "signed artifacts in the report"
import hashlib, json, sys
rep = json.load(open(sys.argv[1]))
for a in rep["artifacts"]:
    if a["kind"] == "spec":
        assert a["gpg_key"] is None and a["content_sha256"] is None, a
    else:
        assert a["gpg_key"] == sys.argv[2], a
        assert len(a["content_sha256"]) == 64, a
PY
run 0 "$KMODPACK" build --json --gpg-key "$KEYID" -t "$TMP/target.ini" -o "$TMP/signed2" "$EXAMPLE"
# rpmsign's own "PATH:" lines stay out of the JSON on standard output
python3 -c 'import json, sys; json.load(open(sys.argv[1]))' "$TMP/out" || fail "build --json --gpg-key printed more than JSON: $(head -3 "$TMP/out")"
for p in "${pkgs[@]}"; do
	cmp "$p" "$TMP/signed2/${p#"$OUT"/}" || fail "signed $p is not reproducible"
done
# Same inputs, same key: nothing to do.
run 0 "$KMODPACK" build --gpg-key "$KEYID" -t "$TMP/target.ini" -o "$OUT" "$EXAMPLE"
assert_contains "$TMP/err" "up to date"
# Without the key the packages would differ: a rebuild, and it says why.
before=$(snapshot "$OUT")
run 0 "$KMODPACK" build -t "$TMP/target.ini" -o "$OUT" "$EXAMPLE"
assert_contains "$TMP/err" "rebuilding: the gpg key is now (none)"
assert_not_contains "$TMP/err" "up to date"
rpm --dbpath "$TMP/rpmdb" -K "${pkgs[0]}" >"$TMP/k" 2>&1 || true
assert_not_contains "$TMP/k" "signatures OK"

# Unsigned build, then the vendor signs with rpmsign (Debian's rpm names
# /usr/bin/gpg2, which Debian does not ship: point %__gpg at gpg).
rpmsign --addsign --define "__gpg $(command -v gpg)" --key-id "$KEYID" "${pkgs[@]}" >"$TMP/sign.log" 2>&1 ||
	{ cat "$TMP/sign.log" >&2; fail "rpmsign --addsign"; }
rpm --dbpath "$TMP/rpmdb" -K "${pkgs[0]}" | grep -q "signatures OK" || fail "rpmsign did not sign"
before=$(snapshot "$OUT")
run 0 "$KMODPACK" build -t "$TMP/target.ini" -o "$OUT" "$EXAMPLE"
assert_contains "$TMP/err" "up to date"
assert_eq "$(snapshot "$OUT")" "$before" "output dir after a no-op build"
run 0 "$KMODPACK" verify -t "$TMP/target.ini" "$OUT"
rpm --dbpath "$TMP/rpmdb" -K "${pkgs[0]}" | grep -q "signatures OK" || fail "the signed package was replaced"

# A package whose payload changed is not the build's: rebuilt, and the line says which.
# (a module package: verify installs those; a debuginfo package is checked by the cache only)
mod=$(ls "$OUT"/RPMS/x86_64/*.rpm | grep -v -- -debuginfo- | tail -1)
rel=${mod#"$OUT"/}
printf 'X' | dd of="$mod" bs=1 seek=$(($(stat -c %s "$mod") - 10)) conv=notrunc 2>/dev/null
run 1 "$KMODPACK" verify -t "$TMP/target.ini" "$OUT"
assert_contains "$TMP/out" "is not the file the build made"
run 0 "$KMODPACK" build -t "$TMP/target.ini" -o "$OUT" "$EXAMPLE"
assert_contains "$TMP/err" "rebuilding: $rel was changed or removed since the last build"

# Bad key ids are usage errors; a key gpg does not have fails the build and loses nothing.
run 2 "$KMODPACK" build --gpg-key '-u x' -t "$TMP/target.ini" -o "$OUT" "$EXAMPLE"
assert_contains "$TMP/err" "--gpg-key '-u x'"
before=$(snapshot "$OUT")
# a key the keyring lacks: refused before anything is compiled
run 2 "$KMODPACK" build --gpg-key nobody@example.com -t "$TMP/target.ini" -o "$OUT" "$EXAMPLE"
assert_contains "$TMP/err" "--gpg-key 'nobody@example.com': no such secret key"
assert_not_contains "$TMP/err" "compiling"
assert_eq "$(snapshot "$OUT")" "$before" "output dir after a failed signing"
echo PASS
