#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# kmodpack pack combine (guide 6.6): two real packs on one ISO, dependencies
# first in XS-REPOSITORY-LIST, read back with xorriso and isoinfo; the
# combined ISO passes verify, including its install.sh in a scratch root;
# the same packs give the same bytes; a damaged pack, a dependency cycle,
# two packs of one name and a 33-character volume id are refused and
# leave no output.
source "$(dirname "$0")/lib.sh"
debian_target "$TMP/target.ini"
command -v xorriso >/dev/null && command -v isoinfo >/dev/null ||
	skip "xorriso or isoinfo is not installed (run scripts/setup.sh)"
B=$TMP/build
run 0 "$KMODPACK" build -q -t "$TMP/target.ini" -o "$B" "$EXAMPLE"
# pk LABEL REQUIRES RPM...: a pack of those RPMs in $TMP/LABEL/LABEL.iso.
pk() {
	local label=$1 req=$2
	shift 2
	run 0 "$KMODPACK" pack -q -o "$TMP/$label" -m "$EXAMPLE" --label "$label" \
		--text "$label pack" --version 1.0 ${req:+--requires "$req"} "$@"
}
pk drivers "originator=xs name=main test=ge version=6.5.0" "$B"/RPMS/noarch/*.rpm "$B"/RPMS/x86_64/helloworld-modules-*-"$KVER"-1.0-1.x86_64.rpm
pk tools "originator=example name=drivers test=ge version=1.0" "$B"/RPMS/noarch/*.rpm

# Given tools first: drivers still comes first, tools requires it.
OUT=$TMP/comb/all.iso
mkdir -p "$TMP/comb"
run 0 "$KMODPACK" pack combine --output "$OUT" --vol "All drivers and tools" \
	"$TMP/tools/tools.iso" "$TMP/drivers/drivers.iso"
assert_eq "$(cat "$TMP/out")" "$OUT" "printed path"
assert_eq "$(isoinfo -d -i "$OUT" | sed -n 's/^Volume id: //p')" "All drivers and tools" "volume id"
xorriso -osirrox on -indev "$OUT" -extract / "$TMP/x" 2>/dev/null
assert_eq "$(cat "$TMP/x/XS-REPOSITORY-LIST")" "$(printf 'packages.drivers\npackages.tools')" \
	"XS-REPOSITORY-LIST, dependencies first"
for p in drivers tools; do
	xorriso -osirrox on -indev "$TMP/$p/$p.iso" -extract / "$TMP/orig-$p" 2>/dev/null
	diff -r "$TMP/orig-$p" "$TMP/x/packages.$p" || fail "packages.$p is not the $p pack as it was"
done
[ -x "$TMP/x/install.sh" ] || fail "no executable install.sh at the top"
run 0 "$KMODPACK" verify -t "$TMP/target.ini" --logs "$TMP/logs" "$OUT"
assert_contains "$TMP/out" "combined ISO all.iso: 2 packs, 4 packages"
if [ "$(id -u)" = 0 ] && [ -x /bin/busybox ]; then
	grep -qE "^  install +passed" "$TMP/out" || fail "install did not pass: $(cat "$TMP/out")"
fi

# Reproducible: again, elsewhere, from copies: the same bytes.
mkdir "$TMP/again"
cp "$TMP/tools/tools.iso" "$TMP/drivers/drivers.iso" "$TMP/again/"
run 0 "$KMODPACK" pack combine --output "$TMP/again/all.iso" --vol "All drivers and tools" \
	"$TMP/again/tools.iso" "$TMP/again/drivers.iso"
cmp "$OUT" "$TMP/again/all.iso" || fail "the same packs gave another ISO"

# Refused, with the reason named; the output is not written.
refused() { # MESSAGE ARGS...
	local msg=$1
	shift
	run 2 "$KMODPACK" pack combine --output "$TMP/bad.iso" "$@"
	assert_contains "$TMP/err" "$msg"
	[ ! -e "$TMP/bad.iso" ] || fail "a refused combine wrote $TMP/bad.iso"
	ls "$TMP"/bad.iso.* >/dev/null 2>&1 && fail "a refused combine left a temp file"
	return 0
}
refused "has 33 characters; an ISO volume id has at most 32" --vol "$(printf 'x%.0s' $(seq 33))" \
	"$TMP/drivers/drivers.iso"
refused "are both packs named 'drivers'" "$TMP/drivers/drivers.iso" "$TMP/again/drivers.iso"
pk ca "originator=example name=cb test=ge version=1.0" "$B"/RPMS/noarch/*.rpm
pk cb "originator=example name=ca test=ge version=1.0" "$B"/RPMS/noarch/*.rpm
refused "require each other in a cycle, so none can be installed first: example:ca, example:cb" \
	"$TMP/ca/ca.iso" "$TMP/cb/cb.iso"
# A pack whose RPM changed after packing.
rm -rf "$TMP/x" && xorriso -osirrox on -indev "$TMP/tools/tools.iso" -extract / "$TMP/x" 2>/dev/null
chmod -R u+w "$TMP/x"
printf 'x' >>"$TMP/x"/helloworld-data-*.rpm
xorriso -as mkisofs -quiet -R -J -o "$TMP/damaged.iso" "$TMP/x" 2>/dev/null
refused "helloworld-data-1.0-1.noarch.rpm is damaged" "$TMP/damaged.iso"
mkdir "$TMP/plain" && echo hi >"$TMP/plain/README"
xorriso -as mkisofs -quiet -R -J -o "$TMP/plain.iso" "$TMP/plain" 2>/dev/null
refused "is not a supplemental pack: it has no XS-REPOSITORY or XS-PACKAGES" "$OUT" "$TMP/plain.iso"
refused "cannot open pack ISO '/dev/null'" /dev/null
echo ok
