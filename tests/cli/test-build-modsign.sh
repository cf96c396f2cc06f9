#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Module signing (docs/building.md, "Signing modules"), checked with the
# real tools: for both flavours, the module in kmodpack's RPM carries the
# kernel's appended signature, which `openssl cms -verify` accepts against
# the certificate; it is byte for byte what the kernel's own sign-file
# writes for the same stripped module and key; kmod's modinfo and
# kmodpack's agree on signer, sig_key and sig_hashalgo; the report names
# the key per module. A second build is a no-op, a changed certificate
# rebuilds and says why, the target's sign_key/sign_cert work, the hash
# follows the tree's CONFIG_MODULE_SIG_HASH (sha384; sha256 and a note
# without CONFIG_MODULE_SIG), the same
# key gives the same RPMs, and a key that does not match its certificate
# is refused before anything is built, the output dir untouched.
source "$(dirname "$0")/lib.sh"
report() { # EXPR on the report d (python3: a fresh Debian has no jq)
	python3 -c 'import json, sys; d = json.load(open(sys.argv[1])); print(eval(sys.argv[2]))' "$OUT/build-report.json" "$1"
}
for t in openssl readelf rpm2cpio cpio modinfo python3; do
	command -v $t >/dev/null || skip "$t not installed"
done
PATH=$PATH:/usr/sbin:/sbin
signfile=$(ls /usr/lib/linux-kbuild-*/scripts/sign-file 2>/dev/null | sort -V | tail -1)
[ -n "$signfile" ] || skip "no sign-file (Debian package linux-kbuild-6.1, scripts/setup.sh)"
debian_target "$TMP/target.ini"
keys=$TMP/keys
mkdir "$keys"
"$SRCDIR/tests/cli/make-sign-key.sh" "$keys/key.pem" "$keys/cert.pem" || fail "openssl req"
# The certificate in DER, as the kernel's build keeps signing_key.x509.
openssl x509 -in "$keys/cert.pem" -outform DER -out "$keys/cert.der"
serial=$(openssl x509 -in "$keys/cert.pem" -noout -serial | cut -d= -f2 | sed 's/../&:/g; s/:$//')

OUT=$TMP/o1
run 0 "$KMODPACK" build -t "$TMP/target.ini" -o "$OUT" --sign-key "$keys/key.pem" \
	--sign-cert "$keys/cert.der" "$EXAMPLE"
assert_contains "$TMP/err" "2 of 2 modules signed by 'Example Vendor module signing key' (key $serial, sha256)"

# Split a signed module into the signed bytes and the PKCS#7 signature.
split_sig() { # KO MODULE_OUT SIG_OUT
	python3 - "$@" <<'PY'
import struct, sys
d = open(sys.argv[1], "rb").read()
magic = b"~Module signature appended~\n"
assert d.endswith(magic), "no signature appended"
info = d[-len(magic) - 12:-len(magic)]
algo, hsh, id_type, signer_len, keyid_len, n = struct.unpack(">BBBBBxxxI", info)
assert (algo, hsh, id_type, signer_len, keyid_len) == (0, 0, 2, 0, 0), info
end = len(d) - len(magic) - 12
open(sys.argv[2], "wb").write(d[:end - n])
open(sys.argv[3], "wb").write(d[end - n:end])
PY
}

for f in amd64 cloud-amd64; do
	[ $f = amd64 ] && rel=$AMD64_REL || rel=$CLOUD_REL
	rpm=$OUT/RPMS/x86_64/helloworld-modules-$f-$KVER-1.0-1.x86_64.rpm
	rpm_cat "$rpm" "/lib/modules/$rel/extra/helloworld.ko" >"$TMP/$f.ko"
	split_sig "$TMP/$f.ko" "$TMP/$f.stripped" "$TMP/$f.p7s" || fail "$f: no signature"
	# What was signed is the stripped module.
	readelf -SW "$TMP/$f.stripped" >"$TMP/sec"
	assert_not_contains "$TMP/sec" ".debug_info"
	assert_contains "$TMP/sec" ".gnu_debuglink"
	# OpenSSL accepts it, against the certificate alone and with it as the CA.
	openssl cms -verify -binary -inform DER -in "$TMP/$f.p7s" -content "$TMP/$f.stripped" \
		-certfile "$keys/cert.pem" -noverify -out /dev/null 2>"$TMP/v" || { cat "$TMP/v"; fail "$f: cms -verify"; }
	openssl cms -verify -binary -inform DER -in "$TMP/$f.p7s" -content "$TMP/$f.stripped" \
		-certfile "$keys/cert.pem" -CAfile "$keys/cert.pem" -purpose any -out /dev/null 2>"$TMP/v" ||
		{ cat "$TMP/v"; fail "$f: cms -verify -CAfile"; }
	# ...and not against other bytes.
	printf 'x' >>"$TMP/$f.stripped"
	! openssl cms -verify -binary -inform DER -in "$TMP/$f.p7s" -content "$TMP/$f.stripped" \
		-certfile "$keys/cert.pem" -noverify -out /dev/null 2>/dev/null || fail "$f: a changed module verifies"
	# The kernel's sign-file makes the same bytes from the stripped module and key.
	split_sig "$TMP/$f.ko" "$TMP/$f.sf.ko" /dev/null
	"$signfile" sha256 "$keys/key.pem" "$keys/cert.der" "$TMP/$f.sf.ko"
	cmp "$TMP/$f.sf.ko" "$TMP/$f.ko" || fail "$f: differs from sign-file's signature"
	# kmod's modinfo and kmodpack's agree.
	for fld in sig_id signer sig_key sig_hashalgo signature; do
		assert_eq "$("$KMODPACK" modinfo -F $fld "$TMP/$f.ko")" "$(modinfo -F $fld "$TMP/$f.ko")" "$f: modinfo -F $fld"
	done
	assert_eq "$(modinfo -F sig_key "$TMP/$f.ko")" "$serial" "$f: sig_key"
	# The report says so per module.
	assert_eq "$(report "'|'.join(next(f for f in d['flavours'] if f['name'] == '$f')['modules'][0]['signature'][k] for k in ('signer', 'sig_key', 'sig_hashalgo'))")" \
		"Example Vendor module signing key|$serial|sha256" "$f: report's signature"
done
# The private key is in nothing kmodpack wrote.
keybody=$(sed -n 2p "$keys/key.pem")
! grep -rqF -- "$keybody" "$OUT" || fail "the private key's text is in the output dir"
! grep -rqF "$(sha256sum <"$keys/key.pem" | cut -c1-64)" "$OUT" || fail "the private key's digest is in the output dir"

# Nothing changed: a no-op.
before=$(snapshot "$OUT")
run 0 "$KMODPACK" build -t "$TMP/target.ini" -o "$OUT" --sign-key "$keys/key.pem" \
	--sign-cert "$keys/cert.der" "$EXAMPLE"
assert_contains "$TMP/err" "up to date"
assert_eq "$(snapshot "$OUT")" "$before" "the output dir after a no-op"
# status asks about the same signed build: up to date.
run 0 "$KMODPACK" status -t "$TMP/target.ini" "$OUT"
assert_contains "$TMP/out" "up to date: yes"

# The same key in another format (PEM certificate): same signatures, so the same RPMs.
OUT2=$TMP/o2
run 0 "$KMODPACK" build -q -t "$TMP/target.ini" -o "$OUT2" --sign-key "$keys/key.pem" \
	--sign-cert "$keys/cert.pem" "$EXAMPLE"
for r in "$OUT"/RPMS/x86_64/*.rpm; do
	cmp "$r" "$OUT2/RPMS/x86_64/${r##*/}" || fail "${r##*/} differs between two builds with one key"
done

# A new certificate (and key) rebuilds, and says why.
"$SRCDIR/tests/cli/make-sign-key.sh" "$keys/key.pem" "$keys/cert.der.pem" "Second key"
openssl x509 -in "$keys/cert.der.pem" -outform DER -out "$keys/cert.der"
run 0 "$KMODPACK" status -t "$TMP/target.ini" "$OUT"
assert_contains "$TMP/out" "module signing certificate changed: $keys/cert.der"
run 0 "$KMODPACK" build -t "$TMP/target.ini" -o "$OUT" --sign-key "$keys/key.pem" \
	--sign-cert "$keys/cert.der" "$EXAMPLE"
assert_contains "$TMP/err" "rebuilding: the module signing certificate '$keys/cert.der' is new or changed"
assert_contains "$TMP/err" "signed by 'Second key'"
rpm_cat "$OUT/RPMS/x86_64/helloworld-modules-amd64-$KVER-1.0-1.x86_64.rpm" "/lib/modules/$AMD64_REL/extra/helloworld.ko" >"$TMP/k2.ko"
assert_eq "$(modinfo -F signer "$TMP/k2.ko")" "Second key" "signer after the new key"

# Unsigned again: rebuilds, says so, modules without signature, report null.
run 0 "$KMODPACK" build -t "$TMP/target.ini" -o "$OUT" "$EXAMPLE"
assert_contains "$TMP/err" "rebuilding: modules are no longer signed"
rpm_cat "$OUT/RPMS/x86_64/helloworld-modules-amd64-$KVER-1.0-1.x86_64.rpm" "/lib/modules/$AMD64_REL/extra/helloworld.ko" >"$TMP/u.ko"
! tail -c 28 "$TMP/u.ko" | grep -q "Module signature appended" || fail "still signed"
assert_eq "$(report "[m['signature'] for f in d['flavours'] for m in f['modules']]")" "[None, None]" "report of unsigned modules"

# The target file's sign_key and sign_cert, relative to the target file.
mkdir "$TMP/tgt"
cp "$TMP/target.ini" "$TMP/tgt/target.ini"
cp "$keys/key.pem" "$keys/cert.der" "$TMP/tgt/"
sed -i 's/^arch = x86_64$/arch = x86_64\nsign_key = key.pem\nsign_cert = cert.der/' "$TMP/tgt/target.ini"
(cd / && run 0 "$KMODPACK" build -t "$TMP/tgt/target.ini" -o "$TMP/o3" "$EXAMPLE")
assert_contains "$TMP/err" "2 of 2 modules signed by 'Second key'"
# A typo in the key names gets a did-you-mean.
sed -i 's/^sign_cert =/sign_crt =/' "$TMP/tgt/target.ini"
run 2 "$KMODPACK" build -t "$TMP/tgt/target.ini" -o "$TMP/o3" "$EXAMPLE"
assert_contains "$TMP/err" "target.sign_crt: unknown key: did you mean 'sign_cert'?"

# The hash is the flavour's CONFIG_MODULE_SIG_HASH: a copy of the amd64
# tree configured for sha384 signs with sha384 (as sign-file does); one
# without CONFIG_MODULE_SIG gets sha256 and a note.
cp -a "$AMD64_TREE" "$TMP/tree384"
for l in scripts tools; do # Debian's relative links into linux-kbuild
	[ -L "$AMD64_TREE/$l" ] && ln -sfn "$(readlink -f "$AMD64_TREE/$l")" "$TMP/tree384/$l"
done
cp -a "$TMP/tree384" "$TMP/treenosig"
sed -i 's/^CONFIG_MODULE_SIG_HASH=.*/CONFIG_MODULE_SIG_HASH="sha384"/' "$TMP/tree384/.config" "$TMP/tree384/include/config/auto.conf"
sed -i 's/^CONFIG_MODULE_SIG=y$/# CONFIG_MODULE_SIG is not set/' "$TMP/treenosig/.config" "$TMP/treenosig/include/config/auto.conf"
for t in 384 nosig; do
	printf '[target]\nname = t%s\narch = x86_64\n[flavour amd64]\ntree = %s\n' $t "$TMP/tree$t" >"$TMP/t$t.ini"
	run 0 "$KMODPACK" build -t "$TMP/t$t.ini" -o "$TMP/o$t" --sign-key "$keys/key.pem" --sign-cert "$keys/cert.der" "$EXAMPLE"
	rpm_cat "$TMP/o$t/RPMS/x86_64/helloworld-modules-amd64-$KVER-1.0-1.x86_64.rpm" "/lib/modules/$AMD64_REL/extra/helloworld.ko" >"$TMP/h$t.ko"
	cp "$TMP/err" "$TMP/err$t"
done
assert_eq "$(modinfo -F sig_hashalgo "$TMP/h384.ko")" sha384 "hash from CONFIG_MODULE_SIG_HASH"
split_sig "$TMP/h384.ko" "$TMP/h384.sf.ko" /dev/null
"$signfile" sha384 "$keys/key.pem" "$keys/cert.der" "$TMP/h384.sf.ko"
cmp "$TMP/h384.sf.ko" "$TMP/h384.ko" || fail "sha384: differs from sign-file's signature"
assert_not_contains "$TMP/err384" "anyway"
assert_eq "$(modinfo -F sig_hashalgo "$TMP/hnosig.ko")" sha256 "hash without CONFIG_MODULE_SIG"
assert_contains "$TMP/errnosig" "flavour amd64: the kernel has no CONFIG_MODULE_SIG: modules are signed with sha256 anyway, a signature this kernel does not check"

# Refused before anything is built, the output dir as it was: a key that
# is not the certificate's, half a pair, a file that is no key.
before=$(snapshot "$OUT")
"$SRCDIR/tests/cli/make-sign-key.sh" "$keys/other.pem" "$keys/other-cert.pem"
run 2 "$KMODPACK" build -t "$TMP/target.ini" -o "$OUT" --sign-key "$keys/other.pem" \
	--sign-cert "$keys/cert.der" "$EXAMPLE"
assert_contains "$TMP/err" "sign key '$keys/other.pem' does not belong to the certificate '$keys/cert.der'"
assert_not_contains "$TMP/err" "compiling"
run 2 "$KMODPACK" build -t "$TMP/target.ini" -o "$OUT" --sign-key "$keys/key.pem" "$EXAMPLE"
assert_contains "$TMP/err" "module signing needs both a key and its certificate"
run 2 "$KMODPACK" build -t "$TMP/target.ini" -o "$OUT" --sign-key "$keys/cert.pem" \
	--sign-cert "$keys/cert.der" "$EXAMPLE"
assert_contains "$TMP/err" "sign key '$keys/cert.pem': not a private key"
run 2 "$KMODPACK" build -t "$TMP/target.ini" -o "$OUT" --sign-key "$keys/nonesuch.pem" \
	--sign-cert "$keys/cert.der" "$EXAMPLE"
assert_contains "$TMP/err" "sign key '$keys/nonesuch.pem': No such file or directory"
assert_eq "$(snapshot "$OUT")" "$before" "the output dir after refused keys"
echo PASS
