#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# kmodpack pack end to end: the example driver built by kmodpack plus a
# second driver and userspace RPMs built by rpmbuild; the ISO read back with
# xorriso, isoinfo and bsdtar; the metadata bytes and md5s recomputed here;
# install.sh run into a scratch root with the real rpm; two packs compared.
. "$(dirname "$0")/lib.sh"
need_trees
for t in xorriso isoinfo bsdtar rpmbuild md5sum busybox; do
	command -v $t >/dev/null || skip "$t is not installed (run scripts/setup.sh)"
done
MKRPM=$SRCDIR/tests/fixtures/pack/mkrpm.sh
debian_target "$TMP/target.ini"

run 0 "$KMODPACK" build -q -t "$TMP/target.ini" -o "$TMP/build" "$EXAMPLE"
EX_RPMS=("$TMP"/build/RPMS/noarch/*.rpm) # what a host installs: not the debuginfo RPMs
for r in "$TMP"/build/RPMS/x86_64/*.rpm; do [[ $r == *-debuginfo-* ]] || EX_RPMS+=("$r"); done

# A second driver, as another build system would ship it, and a userspace
# tool with a EULA that the second driver's package needs.
mkdir "$TMP/rpms"
ACME=$("$MKRPM" "$TMP/rpms" acme-modules-amd64 -g "System Environment/Kernel" -a x86_64 \
	-r acme-tools -f "/lib/modules/$AMD64_REL/extra/acme.ko=not really a module")
TOOLS=$("$MKRPM" "$TMP/rpms" acme-tools -f "/usr/share/doc/acme-tools/acme-EULA=You agree to be nice." \
	-f /usr/bin/acme=tool)

pack() { # STATUS OUTDIR ARGS...
	local st=$1 out=$2
	shift 2
	run "$st" env SOURCE_DATE_EPOCH=1795564800 "$KMODPACK" pack -o "$out" -m "$EXAMPLE" \
		--label hwpack --text "Hello & ACME <drivers>" --version 1.0 --build 7 --mem 20 \
		--requires "originator=xs name=main test=ge version=6.5.0" "$@"
}

# --- the pack: given in the worst order, installed in dependency order
pack 0 "$TMP/pk" --json "$ACME" "${EX_RPMS[@]}" "$TOOLS"
cp "$TMP/out" "$TMP/report.json"
python3 - "$TMP/report.json" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
order = [p["file_name"] for p in r["packages"]]
def before(a, b):
    assert order.index(a) < order.index(b), (a, b, order)
before("acme-tools-1.0-1.noarch.rpm", "acme-modules-amd64-1.0-1.x86_64.rpm")
before("helloworld-data-1.0-1.noarch.rpm", [f for f in order if f.startswith("helloworld-modules-amd64")][0])
assert r["eulas"] == [{"package": "acme-tools-1.0-1.noarch.rpm",
                       "path": "/usr/share/doc/acme-tools/acme-EULA"}], r["eulas"]
kinds = {p["name"]: (p["type"], p["kernel_release"]) for p in r["packages"]}
assert kinds["acme-tools"] == ("rpm", None)
assert kinds["helloworld-data"] == ("rpm", None)
for p in r["packages"]:
    assert len(p["md5"]) == 32 and len(p["sha256"]) == 64
PY
ISO=$TMP/pk/hwpack.iso
[ -f "$ISO" ] && [ -f "$TMP/pk/hwpack.metadata.md5" ] && [ -f "$TMP/pk/hwpack.iso.md5" ] ||
	fail "the three outputs are not all there"

# --- read back with three tools
isoinfo -d -i "$ISO" >"$TMP/pvd"
assert_contains "$TMP/pvd" "Volume id: Hello & ACME <drivers>"
assert_contains "$TMP/pvd" "Application id: EXAMPLE ORGANISATION"
assert_contains "$TMP/pvd" "Rock Ridge signatures"
assert_contains "$TMP/pvd" "Joliet with UCS level 3 found"
isoinfo -J -f -i "$ISO" >"$TMP/joliet"
grep -qx "/helloworld-modules-cloud-amd64-$KVER-1.0-1.x86_64.rpm" "$TMP/joliet" ||
	fail "Joliet does not hold the long name as it is"
grep -qx "/install.sh" "$TMP/joliet" || fail "Joliet does not hold install.sh as it is"
xorriso -indev "$ISO" -find / -exec lsdl -- 2>/dev/null >"$TMP/rr"
assert_contains "$TMP/rr" "-r-xr-xr-x"
assert_contains "$TMP/rr" "'/install.sh'"
mkdir "$TMP/iso"
bsdtar -x -C "$TMP/iso" -f "$ISO"
for f in "${EX_RPMS[@]}" "$ACME" "$TOOLS"; do
	cmp "$f" "$TMP/iso/$(basename "$f")" || fail "$(basename "$f") differs in the ISO"
done

# --- the metadata, byte for byte, and both md5 files recomputed here
{
	echo '<repository originator="example" name="hwpack" product="XenServer" version="1.0" build="7" memory-requirement-mb="20">'
	echo '  <description>Hello &amp; ACME &lt;drivers&gt;</description>'
	echo '  <requires originator="xs" name="main" test="ge" product="XenServer" version="6.5.0"/>'
	echo '</repository>'
} >"$TMP/want-repo"
cmp "$TMP/want-repo" "$TMP/iso/XS-REPOSITORY" || {
	diff "$TMP/want-repo" "$TMP/iso/XS-REPOSITORY" >&2
	fail "XS-REPOSITORY is not what the installer expects"
}
python3 - "$TMP/report.json" "$TMP/iso" "$AMD64_REL" "$CLOUD_REL" >"$TMP/want-pkgs" <<'PY'
import json, sys, hashlib, os
r, iso, amd64, cloud = json.load(open(sys.argv[1])), sys.argv[2], sys.argv[3], sys.argv[4]
kernels = {"helloworld-modules-amd64": amd64, "helloworld-modules-cloud-amd64": cloud,
           "acme-modules-amd64": amd64}
print("<packages>")
for p in r["packages"]:
    data = open(os.path.join(iso, p["file_name"]), "rb").read()
    k = [v for n, v in kernels.items() if p["name"].startswith(n)]
    attrs = 'label="%s" type="%s" size="%d" md5="%s"' % (
        p["name"], "driver-rpm" if k else "rpm", len(data), hashlib.md5(data).hexdigest())
    if k:
        attrs += ' kernel="%s"' % k[0]
    print('  <package %s>%s</package>' % (attrs, p["file_name"]))
print("</packages>")
PY
cmp "$TMP/want-pkgs" "$TMP/iso/XS-PACKAGES" || {
	diff "$TMP/want-pkgs" "$TMP/iso/XS-PACKAGES" >&2
	fail "XS-PACKAGES is not what the installer expects"
}
assert_eq "$(cat "$TMP/iso/XS-REPOSITORY" "$TMP/iso/XS-PACKAGES" | md5sum | cut -c1-32)" \
	"$(cat "$TMP/pk/hwpack.metadata.md5")" "hwpack.metadata.md5"
(cd "$TMP/pk" && md5sum -c --quiet hwpack.iso.md5) || fail "hwpack.iso.md5 does not check"
assert_eq "$(cat "$TMP/pk/hwpack.iso.md5")" "$(cd "$TMP/pk" && md5sum hwpack.iso)" "hwpack.iso.md5"

# --- reproducible: a second pack from copies elsewhere is byte-identical
mkdir "$TMP/copies"
cp -p "${EX_RPMS[@]}" "$ACME" "$TOOLS" "$TMP/copies/"
touch "$TMP"/copies/*
pack 0 "$TMP/out2" -q "$TMP/copies/$(basename "$ACME")" "${EX_RPMS[@]/#*\//$TMP/copies/}" \
	"$TMP/copies/$(basename "$TOOLS")"
for f in hwpack.iso hwpack.metadata.md5 hwpack.iso.md5; do
	cmp "$TMP/pk/$f" "$TMP/out2/$f" || fail "$f differs between two packs of the same input"
done

# --- install.sh into a scratch root with the real rpm
root=$TMP/root
mkdir -p "$root/etc" "$root/bin" "$root/dev" "$root/tmp"
cp "$(command -v busybox)" "$root/bin/busybox"
for a in $("$root/bin/busybox" --list); do ln -sf busybox "$root/bin/$a"; done
printf "PRODUCT_BRAND='XenServer'\nPRODUCT_VERSION='6.5.0'\nBUILD_NUMBER='90233c'\n" \
	>"$root/etc/xensource-inventory"

# The EULA is shown, and refusing it installs nothing.
echo n >"$TMP/no"
run 4 sh -c 'sh "$1/install.sh" --root "$2" --nodeps <"$3"' sh "$TMP/iso" "$root" "$TMP/no"
assert_contains "$TMP/out" "You agree to be nice."
assert_contains "$TMP/err" "the EULA was not accepted"
[ ! -e "$root/usr/bin/acme" ] || fail "a refused EULA still installed packages"
# Closed stdin is no acceptance either.
run 4 sh "$TMP/iso/install.sh" --root "$root" --nodeps </dev/null

# Another product is refused.
mkdir -p "$TMP/other/etc"
echo "PRODUCT_BRAND='OtherServer'" >"$TMP/other/etc/xensource-inventory"
run 2 sh "$TMP/iso/install.sh" --root "$TMP/other" --nodeps --accept-eulas
assert_contains "$TMP/err" "this pack is for XenServer; the host runs OtherServer"

# Installs and records; the files are where the packages put them.
run 0 sh "$TMP/iso/install.sh" --root "$root" --nodeps --accept-eulas
assert_contains "$TMP/out" "Pack installation successful."
[ -f "$root/lib/modules/$AMD64_REL/extra/helloworld.ko" ] || fail "the module is not installed"
[ -f "$root/usr/bin/acme" ] || fail "acme-tools is not installed"
cmp "$TMP/iso/XS-REPOSITORY" "$root/etc/xensource/installed-repos/example:hwpack/XS-REPOSITORY" ||
	fail "the pack is not recorded"
rpm --root "$root" --dbpath /var/lib/rpm -q helloworld-data acme-tools >/dev/null ||
	fail "rpm's database in the root does not list the packages"

# A second run says so.
run 3 sh "$TMP/iso/install.sh" --root "$root" --nodeps --accept-eulas
assert_contains "$TMP/out" "is already installed"

# A damaged package is refused before anything is installed.
cp -r "$TMP/iso" "$TMP/bad"
chmod -R u+w "$TMP/bad"
printf x >>"$TMP/bad/$(basename "$TOOLS")"
mkdir -p "$TMP/fresh/etc"
cp "$root/etc/xensource-inventory" "$TMP/fresh/etc/"
run 1 sh "$TMP/bad/install.sh" --root "$TMP/fresh" --nodeps --accept-eulas
assert_contains "$TMP/err" "is damaged"

# --- a pack that requires another pack the host lacks, or a newer product
# (A relative RPM path, too.)
(cd "$TMP/rpms" && pack 0 "$TMP/out3" -q --label needy \
	--requires "originator=acme name=base test=ge version=2.0" "$(basename "$TOOLS")")
mkdir "$TMP/iso3"
bsdtar -x -C "$TMP/iso3" -f "$TMP/out3/needy.iso"
run 5 sh "$TMP/iso3/install.sh" --root "$root" --nodeps --accept-eulas
assert_contains "$TMP/err" "requires the pack acme:base, which is not installed"
pack 0 "$TMP/out4" -q --label newer --requires "originator=xs name=main test=ge version=7.0" "$TOOLS"
mkdir "$TMP/iso4"
bsdtar -x -C "$TMP/iso4" -f "$TMP/out4/newer.iso"
run 5 sh "$TMP/iso4/install.sh" --root "$root" --nodeps --accept-eulas
assert_contains "$TMP/err" "requires xs:main ge 7.0; the host has 6.5.0-90233c"

# --- bad input: refused, naming the option or file:line, the output dir as it was
before=$(snapshot "$TMP/pk")
run 2 "$KMODPACK" pack -o "$TMP/pk" -m "$EXAMPLE" --label hwpack --version 1.0 \
	--text "123456789012345678901234567890123" "$TOOLS"
assert_contains "$TMP/err" "--text: '123456789012345678901234567890123' is 33 characters; at most 32"
run 2 "$KMODPACK" pack -o "$TMP/pk" -m "$EXAMPLE" --label hwpack --version 1 --text t \
	--vendor-code xs --mem lots "$TOOLS"
assert_contains "$TMP/err" "--version: '1' must be numbers separated by dots"
assert_contains "$TMP/err" "--vendor-code: 'xs' is reserved"
assert_contains "$TMP/err" "--mem: 'lots' must be a whole number"
cp -r "$EXAMPLE" "$TMP/drv"
sed -i '/^\[pack\]/,$d' "$TMP/drv/kmodpack.ini" # the example's own [pack] is the last section
printf '\n[pack]\nlabel = Bad Label\ntext = ok\nversion = 1.0\n' >>"$TMP/drv/kmodpack.ini"
run 2 "$KMODPACK" pack -o "$TMP/pk" -m "$TMP/drv" "$TOOLS"
assert_contains "$TMP/err" "$TMP/drv/kmodpack.ini:$(grep -n '^label = Bad' "$TMP/drv/kmodpack.ini" | cut -d: -f1): label: 'Bad Label'"

# A cycle, named.
YIN=$("$MKRPM" "$TMP/rpms" yin -r yang -f /etc/yin=1)
YANG=$("$MKRPM" "$TMP/rpms" yang -r yin -f /etc/yang=1)
pack 2 "$TMP/pk" "$TOOLS" "$YIN" "$YANG"
assert_contains "$TMP/err" "in a cycle (yin requires yang requires yin)"
# --no-reorder keeps the order given, with a warning.
pack 0 "$TMP/out5" --json --no-reorder "$ACME" "$TOOLS"
assert_contains "$TMP/err" "acme-modules-amd64-1.0-1.x86_64.rpm requires acme-tools"
python3 -c 'import json,sys; r=json.load(open(sys.argv[1])); assert [p["name"] for p in r["packages"]]==["acme-modules-amd64","acme-tools"]' "$TMP/out"

# A driver RPM for two kernels, a damaged RPM, a directory (not yet), an SRPM.
TWO=$("$MKRPM" "$TMP/rpms" two -g "System Environment/Kernel" -a x86_64 \
	-f /lib/modules/6.1-a/extra/x.ko=1 -f /lib/modules/6.1-b/extra/x.ko=2)
head -c 500 "$TOOLS" >"$TMP/cut.rpm"
pack 2 "$TMP/pk" "$TWO" "$TMP/cut.rpm" "$TMP/rpms"
assert_contains "$TMP/err" "installs modules for several kernels (6.1-a, 6.1-b)"
assert_contains "$TMP/err" "cut.rpm"
assert_contains "$TMP/err" "'$TMP/rpms' is a directory without build-report.json"
pack 2 "$TMP/pk" "$TMP"/build/SRPMS/*.src.rpm
assert_contains "$TMP/err" "is a source RPM"
assert_eq "$(snapshot "$TMP/pk")" "$before" "the output dir after refused packs"

# --- a build output dir as input: its RPMs from the report, the metadata from
# its manifest, the timestamps from its source_date_epoch (no SOURCE_DATE_EPOCH).
run 0 env -u SOURCE_DATE_EPOCH "$KMODPACK" pack -q -o "$TMP/pk6" --label hwpack \
	--text "Hello world driver" --version 1.0 "$TMP/build" "$TOOLS"
mkdir "$TMP/iso6"
bsdtar -x -C "$TMP/iso6" -f "$TMP/pk6/hwpack.iso"
for f in "${EX_RPMS[@]}" "$TOOLS"; do
	cmp "$f" "$TMP/iso6/$(basename "$f")" || fail "$(basename "$f") from the build dir differs"
done
assert_contains "$TMP/iso6/XS-REPOSITORY" 'originator="example"'
sde=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["source_date_epoch"])' \
	"$TMP/build/build-report.json")
xorriso -indev "$TMP/pk6/hwpack.iso" -pvd_info 2>/dev/null >"$TMP/pvd6"
assert_contains "$TMP/pvd6" "Creation Time: $(date -u -d "@$sde" +%Y%m%d%H%M%S)00"

# pack combine has its own options (tests/cli/test-pack-combine.sh).
run 2 "$KMODPACK" pack combine --output "$TMP/x.iso" "$TMP/missing.iso"
assert_contains "$TMP/err" "cannot open pack ISO '$TMP/missing.iso'"
echo "ok"
