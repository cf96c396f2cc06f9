#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Today's products' conventions, chosen per target (docs/targets.md, "Today's
# products"): the shipped targets/xcpng-8.3.ini on a kernel tree whose
# release is XCP-ng 8.3's own (4.19.0+1, '+' and all: a copy of Debian's
# headers with that release) gives <vendor>-<name> packages that require
# kernel-uname-r = <release>, modules under updates/, the vendor's
# scriptlet files byte for byte, '%' and all, and the initrd lines. With
# module_dir = override, the package ships the depmod.d file, and the real
# depmod in a scratch root the package was installed into picks the
# override module over the kernel's own. The SRPM names kernel-devel and
# the tree it installs, rebuilds with plain rpmbuild into the same packages,
# and everything is byte-identical when built twice.
source "$(dirname "$0")/lib.sh"
need_trees
REL=4.19.0+1
K=$TMP/kernels/$REL
mkdir -p "$TMP/kernels"
cp -a "$AMD64_TREE" "$K"
# Debian's relative links into linux-kbuild, made absolute for the copy.
for l in scripts tools; do
	[ -L "$AMD64_TREE/$l" ] && ln -sfn "$(readlink -f "$AMD64_TREE/$l")" "$K/$l"
done
sed -i "s/UTS_RELEASE \".*\"/UTS_RELEASE \"$REL\"/" "$K/include/generated/utsrelease.h"
echo "$REL" >"$K/include/config/kernel.release"

# The shipped example target, its tree pointed at the copy.
sed "s|^tree = .*|tree = $K|" "$SRCDIR/targets/xcpng-8.3.ini" >"$TMP/xcpng.ini"
run 0 "$KMODPACK" targets -t "$TMP/xcpng.ini"
assert_contains "$TMP/out" "target xcpng-8.3 (arch x86_64, modules in /lib/modules/<release>/updates)"
assert_contains "$TMP/out" "  packages: naming vendor, Requires: kernel-uname-r = <release>, initrd dracut"
assert_contains "$TMP/out" "  default: BuildRequires: kernel-devel = 4.19.19-8.0.38.1.xcpng8.3, tree /usr/src/kernels/$REL in the SRPM"
# ...and the same conventions in targets --json, as docs/json.md lists them
run 0 "$KMODPACK" targets -t "$TMP/xcpng.ini" --json
python3 "$SRCDIR/tests/cli/json-schema.py" "$SRCDIR/docs/json.md" "$TMP/out" || fail "targets --json is not as docs/json.md says"
python3 - "$TMP/out" <<'PY'
import json, sys
t = json.load(open(sys.argv[1]))
assert (t["naming"], t["kernel_requires"], t["initrd"], t["sign_key"]) == ("vendor", "kernel-uname-r", "dracut", None), t
f = t["flavours"][0]
assert (f["devel_package"], f["devel_version"], f["devel_tree"]) == ("kernel-devel", "4.19.19-8.0.38.1.xcpng8.3", "/usr/src/kernels/4.19.0+1"), f
PY

D=$TMP/drv
cp -a "$EXAMPLE" "$D"
mkdir "$D/scripts"
# A vendor's scriptlets as written for rpm by hand: rpm syntax that must
# stay text, a trailing backslash, tabs, comments.
printf '%s\n' '#!/bin/sh' '# vendor post: load the driver on a running host' \
	'echo "lib %{_libdir} run %(echo x) 100%" >/dev/null' \
	'if [ -d /sys/module ] && [ "$1" = 1 ]; then' '	: modprobe helloworld \' \
	'		|| :' 'fi' >"$D/scripts/post.sh"
printf 'echo preun %%{name} "$1" >/dev/null\n\n' >"$D/scripts/preun.sh"
printf ': "state of %%(id -u) at 100%%"\n' >"$D/scripts/postun.sh"
sed -i '/^source = src/a\
post = scripts/post.sh\
preun = scripts/preun.sh\
postun = scripts/postun.sh\
initrd = yes' "$D/kmodpack.ini"

O=$TMP/o
run 0 "$KMODPACK" build -q -t "$TMP/xcpng.ini" -o "$O" "$D"
P=$O/RPMS/x86_64/example-helloworld-1.0-1.x86_64.rpm
[ -f "$P" ] || fail "no <vendor>-<name> package: $(ls -R "$O/RPMS")"
rpm -qp --requires "$P" >"$TMP/req"
assert_contains "$TMP/req" "kernel-uname-r = $REL"
assert_eq "$(rpm -qpl "$P")" "/lib/modules/$REL/updates
/lib/modules/$REL/updates/helloworld.ko" "files of $P"
[ -f "$O/RPMS/x86_64/example-helloworld-debuginfo-1.0-1.x86_64.rpm" ] || fail "no debuginfo"

# Vendor scriptlets: %preun is the file, %post and %postun end with it,
# after kmodpack's depmod and initrd lines.
strip_end() { sed -e :a -e '/^\n*$/{$d;N;ba' -e '}' "$1" | sed -e '$s/[[:space:]]*$//'; }
assert_eq "$(rpm -qp --qf '%{PREUN}' "$P")" "$(strip_end "$D/scripts/preun.sh")" "%preun"
rpm -qp --qf '%{POSTIN}' "$P" >"$TMP/post"
rpm -qp --qf '%{POSTUN}' "$P" >"$TMP/postun"
assert_eq "$(tail -n "$(wc -l <"$D/scripts/post.sh")" "$TMP/post")" \
	"$(strip_end "$D/scripts/post.sh")" "%post ends with the vendor's file"
assert_eq "$(tail -n 1 "$TMP/postun")" "$(strip_end "$D/scripts/postun.sh")" "%postun"
for s in post postun; do
	assert_eq "$(head -1 "$TMP/$s")" "depmod -a $REL >/dev/null 2>&1 || :" "$s: depmod first"
	assert_contains "$TMP/$s" "dracut -f '/boot/initrd-$REL.img' '$REL'"
	sh -n "$TMP/$s" || fail "%$s is not valid sh"
done
assert_eq "$(rpm -qp --qf '%{PREIN}' "$P")" "(none)" "no %pre was given"

# The SRPM: what the product's build system needs, and the tree where
# kernel-devel installs it.
S=$O/SRPMS/helloworld-1.0-1.src.rpm
rpm -qp --requires "$S" >"$TMP/sreq"
assert_contains "$TMP/sreq" "kernel-devel = 4.19.19-8.0.38.1.xcpng8.3"
assert_contains "$O/SPECS/helloworld.spec" "%{!?kmodpack_tree_1:%global kmodpack_tree_1 /usr/src/kernels/$REL}"

# module_dir = override with XCP-ng's -alt naming: the depmod.d file.
sed -e 's/^module_dir = .*/module_dir = override/' -e 's/^naming = .*/naming = module-alt/' \
	"$TMP/xcpng.ini" >"$TMP/alt.ini"
A=$TMP/alt
run 0 "$KMODPACK" build -q -t "$TMP/alt.ini" -o "$A" "$D"
PA=$A/RPMS/x86_64/helloworld-module-alt-1.0-1.x86_64.rpm
CONF=/etc/depmod.d/helloworld-$REL.conf
assert_eq "$(rpm -qpl "$PA")" "$CONF
/lib/modules/$REL/override
/lib/modules/$REL/override/helloworld.ko" "files of $PA"
assert_eq "$(rpm -qp --qf '[%{FILENAMES} %{FILEFLAGS:fflags}\n]' "$PA" | grep depmod.d)" \
	"$CONF cn" "the depmod.d file is %config(noreplace)"
rpm_cat "$PA" "$CONF" >"$TMP/conf"
assert_contains "$TMP/conf" 'override helloworld ^4[.]19[.]0[+]1$ override'

# Installed into a scratch root, the real depmod gives the override module
# priority over a same-named module of the kernel's own tree, and only
# because of that file.
root=$TMP/root
rpm --root "$root" --dbpath /var/lib/rpm --initdb
rpm --root "$root" --dbpath /var/lib/rpm -i --nodeps --noscripts "$PA" 2>"$TMP/rpm-err" ||
	{ cat "$TMP/rpm-err"; fail "rpm --root -i"; }
[ -f "$root$CONF" ] || fail "depmod.d file not installed"
mkdir -p "$root/lib/modules/$REL/kernel/drivers/misc"
cp "$root/lib/modules/$REL/override/helloworld.ko" "$root/lib/modules/$REL/kernel/drivers/misc/"
depmod -b "$root" -C "$root/etc/depmod.d" "$REL" 2>/dev/null
assert_eq "$(grep helloworld "$root/lib/modules/$REL/modules.dep")" "override/helloworld.ko:" \
	"depmod with the package's depmod.d file"
mkdir "$TMP/noconf"
depmod -b "$root" -C "$TMP/noconf" "$REL" 2>/dev/null
assert_eq "$(grep helloworld "$root/lib/modules/$REL/modules.dep")" \
	"kernel/drivers/misc/helloworld.ko:" "depmod without it"

# The SRPM rebuilds with plain rpmbuild (kernel-devel is not in Debian's rpm
# database: --nodeps; its tree is the copy) into the same packages.
rpmbuild --rebuild --nodeps --define "_topdir $TMP/rb" --define "kmodpack_tree_1 $K" \
	"$A/SRPMS/helloworld-1.0-1.src.rpm" >"$TMP/rb.log" 2>&1 || {
	tail -30 "$TMP/rb.log"
	fail "rpmbuild --rebuild"
}
RB=$TMP/rb/RPMS/x86_64/helloworld-module-alt-1.0-1.x86_64.rpm
for q in --requires --provides --scripts -l; do
	assert_eq "$(rpm -qp $q "$RB")" "$(rpm -qp $q "$PA")" "rebuilt package, rpm -qp $q"
done
assert_eq "$(rpm_cat "$RB" "$CONF")" "$(cat "$TMP/conf")" "rebuilt depmod.d file"

# Byte-identical when built again.
run 0 "$KMODPACK" build -q -t "$TMP/alt.ini" -o "$TMP/alt2" "$D"
for f in $(cd "$A" && find RPMS SRPMS -name '*.rpm'); do
	cmp "$A/$f" "$TMP/alt2/$f" || fail "$f differs between two builds"
done

# rpmlint: nothing beyond test-build-rpmlint.sh's explained findings, and
# those this test's inputs cause on purpose or the products' conventions
# bring (docs/building.md, "rpmlint"): '%' in the vendor's scriptlets, the
# SRPM's kernel-devel at an exact release, and rpmlint reading XCP-ng's
# "-alt" suffix as the locale of Southern Altai.
if command -v rpmlint >/dev/null; then
	allowed='(E: no-signature$|W: no-documentation$|W: invalid-url Source[01]: |W: invalid-license |W: udev-rule-in-etc |W: conffile-without-noreplace-flag /etc/xensource/bugtool/|W: unstripped-binary-or-object /lib/modules/|W: unstripped-binary-or-object /usr/lib/debug/lib/modules/|E: (statically-linked-binary|missing-PT_GNU_STACK-section) /usr/lib/debug/lib/modules/[^ ]*\.ko\.debug$|W: percent-in-%(post|preun|postun)$|W: requires-on-release kernel-devel = |E: no-dependency-on locales-alt$)'
	rpmlint "$O"/RPMS/*/*.rpm "$O"/SRPMS/*.rpm "$A"/RPMS/*/*.rpm >"$TMP/lint" 2>&1 || true
	grep -E ': [EW]: ' "$TMP/lint" >"$TMP/found" || fail "rpmlint found nothing: did it run?"
	if grep -vE ": $allowed" "$TMP/found" >"$TMP/unexpected"; then
		cat "$TMP/lint" >&2
		fail "rpmlint findings kmodpack must not cause: $(cat "$TMP/unexpected")"
	fi
fi

# A naming scheme without the flavour cannot name two flavours' packages.
debian_target "$TMP/deb.ini"
sed -i '/^arch = /a naming = module' "$TMP/deb.ini"
mkdir "$TMP/empty"
run 2 "$KMODPACK" build -t "$TMP/deb.ini" -o "$TMP/empty" "$D"
assert_contains "$TMP/err" "naming = module gives flavours amd64 and cloud-amd64 the same package name 'helloworld-module'"
[ -z "$(ls -A "$TMP/empty")" ] || fail "a refused build left files"

# kernel-uname-r = <release> needs a release rpm takes as a version.
sed -e 's/^naming = module/kernel_requires = kernel-uname-r/' "$TMP/deb.ini" >"$TMP/deb2.ini"
run 2 "$KMODPACK" build -t "$TMP/deb2.ini" -o "$TMP/empty" "$D"
assert_contains "$TMP/err" "flavour amd64: kernel_requires = kernel-uname-r cannot name release '$AMD64_REL': rpm refuses a version with more than one '-'"
[ -z "$(ls -A "$TMP/empty")" ] || fail "a refused build left files"

# A scriptlet must be a regular file: a device would never end.
sed -i 's|^preun = scripts/preun.sh|preun = /dev/zero|' "$D/kmodpack.ini"
run 2 "$KMODPACK" build -q -t "$TMP/xcpng.ini" -o "$O" "$D"
assert_contains "$TMP/err" "preun: '/dev/zero' is not a regular file"
sed -i 's|^preun = /dev/zero|preun = scripts/preun.sh|' "$D/kmodpack.ini"

# A scriptlet rpm cannot carry is refused at load, naming the file's line.
printf 'true\n  %%post -n other\n' >"$D/scripts/postun.sh"
run 2 "$KMODPACK" build -q -t "$TMP/xcpng.ini" -o "$O" "$D"
assert_contains "$TMP/err" "scripts/postun.sh:2: starts with '%'"
# ...and --json gives that file and line as data
run 2 "$KMODPACK" build -q --json -t "$TMP/xcpng.ini" -o "$O" "$D"
python3 - "$TMP/out" "$D/scripts/postun.sh" <<'PY'
import json, sys
e = json.load(open(sys.argv[1]))["errors"]
assert any(x["file"] == sys.argv[2] and x["line"] == 2 and "starts with '%'" in x["message"] for x in e), e
PY
assert_contains "$TMP/err" "kmodpack.ini:"
assert_contains "$TMP/err" "postun: 'scripts/postun.sh' cannot be carried verbatim into %postun"
echo "conventions: $(stat -c %s "$PA") byte package, depmod picks override/, SRPM rebuilds alike"
