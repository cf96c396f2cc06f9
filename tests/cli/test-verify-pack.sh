#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# kmodpack verify PACK.iso: a pack made by `kmodpack pack` from a real build
# passes every check, including its own install.sh into a scratch root;
# packs altered after the fact (repacked with xorriso, as someone editing a
# pack by hand would) fail the check that the change breaks, with the
# package and the reason named; an ISO that is no pack, or that would
# unpack outside its directory, is refused.
source "$(dirname "$0")/lib.sh"
debian_target "$TMP/target.ini"
command -v xorriso >/dev/null || skip "xorriso is not installed (run scripts/setup.sh)"
B=$TMP/build
run 0 "$KMODPACK" build -q -t "$TMP/target.ini" -o "$B" "$EXAMPLE"
P=$TMP/pack
run 0 "$KMODPACK" pack -q -o "$P" -m "$EXAMPLE" --label hello --text "Hello drivers" \
	--version 1.0 --requires "originator=xs name=main test=ge version=6.5.0" \
	"$B"/RPMS/noarch/*.rpm "$B"/RPMS/x86_64/helloworld-modules-*-"$KVER"-1.0-1.x86_64.rpm
ISO=$P/hello.iso
V=(verify -t "$TMP/target.ini" --logs "$TMP/logs")

run 0 "$KMODPACK" "${V[@]}" "$ISO"
for c in metadata packages kinds placement flavours; do
	grep -qE "^  $c +passed" "$TMP/out" || fail "check $c did not pass: $(cat "$TMP/out")"
done
if [ "$(id -u)" = 0 ] && [ -x /bin/busybox ]; then
	grep -qE "^  install +passed" "$TMP/out" || fail "install did not pass: $(cat "$TMP/out")"
	assert_contains "$TMP/logs/verify-pack-hello-install.log" "Pack installation successful."
	assert_contains "$TMP/logs/verify-pack-hello-install-again.log" "is already installed"
fi
run 0 "$KMODPACK" "${V[@]}" --json "$ISO"
python3 - "$TMP/out" <<'PY'
import json, sys
v = json.load(open(sys.argv[1]))
assert v["passed"] is True and v["label"] == "hello" and v["originator"] == "example", v
assert [c["name"] for c in v["checks"]] == ["metadata", "packages", "kinds", "placement", "flavours", "install"]
assert len(v["packages"]) == 3, v["packages"]
PY

# repack DIR OUT.iso: an ISO of DIR as a hand edit would make it.
repack() {
	xorriso -as mkisofs -quiet -R -J -V "Hello drivers" -o "$2" "$1" 2>/dev/null
}
unpack() {
	rm -rf "$TMP/tree"
	xorriso -osirrox on -indev "$ISO" -extract / "$TMP/tree" 2>/dev/null
	chmod -R u+w "$TMP/tree"
}

# A listed md5 that is not the package's: packages fails, and the
# metadata md5 beside the ISO no longer matches the edited XS-PACKAGES.
unpack
first=$(sed -n 's/.*md5="\([0-9a-f]*\)".*/\1/p' "$TMP/tree/XS-PACKAGES" | head -1)
sed -i "0,/$first/s//00000000000000000000000000000000/" "$TMP/tree/XS-PACKAGES"
mkdir "$TMP/edit" && cp "$P"/hello.metadata.md5 "$TMP/edit/"
repack "$TMP/tree" "$TMP/edit/hello.iso"
run 1 "$KMODPACK" "${V[@]}" "$TMP/edit/hello.iso"
assert_contains "$TMP/out" "md5 $first, XS-PACKAGES says md5=\"00000000000000000000000000000000\""
grep -qE "^  metadata +FAILED" "$TMP/out" || fail "metadata md5 mismatch not caught"
assert_contains "$TMP/out" "hello.metadata.md5 says"
assert_contains "$TMP/err" "verification failed"

# A kernel= that is not where the files go, and an RPM nobody listed.
unpack
sed -i '0,/kernel="[^"]*"/s//kernel="9.9.9-1-amd64"/' "$TMP/tree/XS-PACKAGES"
cp "$B"/SRPMS/*.src.rpm "$TMP/tree/"
repack "$TMP/tree" "$TMP/k.iso"
run 1 "$KMODPACK" "${V[@]}" "$TMP/k.iso"
assert_contains "$TMP/out" "XS-PACKAGES says kernel=\"9.9.9-1-amd64\", its files install into $AMD64_REL"
assert_contains "$TMP/out" "helloworld-1.0-1.src.rpm: in the ISO but not listed in XS-PACKAGES"

# A pack without the cloud flavour's RPM does not serve the target.
run 0 "$KMODPACK" pack -q -o "$TMP/one" -m "$EXAMPLE" --label hello --text "Hello drivers" \
	--version 1.0 "$B"/RPMS/x86_64/*-modules-amd64-*.rpm "$B"/RPMS/noarch/*.rpm
run 1 "$KMODPACK" "${V[@]}" "$TMP/one/hello.iso"
assert_contains "$TMP/out" "is not built for flavour cloud-amd64 ($CLOUD_REL) of target debian-test"

# Not a pack, and an ISO that reaches outside: refused (exit 2), nothing written outside.
mkdir -p "$TMP/plain" && echo hi >"$TMP/plain/README"
repack "$TMP/plain" "$TMP/plain.iso"
run 2 "$KMODPACK" "${V[@]}" "$TMP/plain.iso"
assert_contains "$TMP/err" "is not a supplemental pack: it has no XS-REPOSITORY"
unpack
ln -s /etc "$TMP/tree/etc-link"
repack "$TMP/tree" "$TMP/evil.iso"
run 2 "$KMODPACK" "${V[@]}" "$TMP/evil.iso"
assert_contains "$TMP/err" "entry 'etc-link' is a symlink to the absolute path '/etc'"

# An XS-REPOSITORY-LIST that names no pack (empty, NUL bytes) or a dir
# outside the ISO: refused, as pack combine refuses it (verify read the
# list on its own and crashed on the first two).
for list in empty nul outside; do
	unpack
	case $list in
	empty) : >"$TMP/tree/XS-REPOSITORY-LIST" ;;
	nul) printf '\0\0' >"$TMP/tree/XS-REPOSITORY-LIST" ;;
	outside) printf 'packages.a\n../x\n' >"$TMP/tree/XS-REPOSITORY-LIST" ;;
	esac
	repack "$TMP/tree" "$TMP/list-$list.iso"
	run 2 "$KMODPACK" "${V[@]}" "$TMP/list-$list.iso"
	case $list in
	empty) assert_contains "$TMP/err" "XS-REPOSITORY-LIST names no pack directory" ;;
	nul) assert_contains "$TMP/err" "XS-REPOSITORY-LIST is not text (it holds a NUL byte)" ;;
	outside) assert_contains "$TMP/err" "XS-REPOSITORY-LIST:2: '../x' is not a directory of the ISO" ;;
	esac
done
echo ok
