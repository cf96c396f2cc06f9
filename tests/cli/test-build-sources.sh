#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Drivers other than the example: a tarball whose top dir is a bare
# version ("2.1/"), the Kbuild Makefile in a subdirectory, two modules
# (one using the other's export), flavours named by a target file, and the
# manifest's module list checked against what was built.
source "$(dirname "$0")/lib.sh"
need_trees
cat >"$TMP/target.ini" <<EOT
[target]
name = product-7.0
arch = x86_64
[flavour xen]
tree = $AMD64_TREE
kver = 7.0.0-1
[flavour kdump]
tree = $CLOUD_TREE
kver = 7.0.0-1
EOT
src=$TMP/tree/2.1/drivers/net
mkdir -p "$src"
cat >"$src/Makefile" <<'EOT'
obj-m := twocore.o twouser.o
EOT
cat >"$src/twocore.c" <<'EOT'
#include <linux/module.h>
int twocore_answer(void) { return 42; }
EXPORT_SYMBOL_GPL(twocore_answer);
MODULE_LICENSE("GPL");
MODULE_ALIAS("pci:v00008086d000010FBsv*sd*bc*sc*i*");
EOT
cat >"$src/twouser.c" <<'EOT'
#include <linux/module.h>
int twocore_answer(void);
static int __init u_init(void) { return twocore_answer() == 42 ? 0 : -EINVAL; }
module_init(u_init);
MODULE_LICENSE("GPL");
EOT
mkdir -p "$TMP/drv"
tar -C "$TMP/tree" -cJf "$TMP/drv/twomod-2.1.tar.xz" 2.1
cat >"$TMP/drv/kmodpack.ini" <<'EOT'
[driver]
name = twomod
version = 2.1
summary = Two modules from a tarball
license = GPL-2.0-only
source = twomod-2.1.tar.xz
subdir = drivers/net
modules = twocore twouser
source_date_epoch = 1700000000
[vendor]
code = acme
name = ACME Devices, Inc.
EOT
OUT=$TMP/outdir
run 0 "$KMODPACK" build -q -t "$TMP/target.ini" -o "$OUT" "$TMP/drv"
for flav in xen:$AMD64_REL kdump:$CLOUD_REL; do
	f=${flav%%:*} rel=${flav#*:}
	rpm=$OUT/RPMS/x86_64/twomod-modules-$f-7.0.0-1-2.1-1.x86_64.rpm
	[ -f "$rpm" ] || fail "missing $rpm"
	assert_eq "$(rpm -qpl "$rpm" | tr '\n' ' ')" \
		"/lib/modules/$rel/extra /lib/modules/$rel/extra/twocore.ko /lib/modules/$rel/extra/twouser.ko " \
		"files of $f"
	rpm -qp --provides "$rpm" >"$TMP/prov"
	assert_contains "$TMP/prov" "kmod(twocore.ko)"
	assert_contains "$TMP/prov" "kmod(twouser.ko)"
	assert_contains "$TMP/prov" "modalias(pci:v00008086d000010FBsv*sd*bc*sc*i*)"
	rpm_cat "$rpm" "/lib/modules/$rel/extra/twouser.ko" >"$TMP/u.ko"
	assert_eq "$(modinfo -F depends "$TMP/u.ko")" "twocore" "dependency recorded by Kbuild"
done
# No data section: no data RPM and no dependency on one.
[ ! -d "$OUT/RPMS/noarch" ] || fail "a data RPM without [data]"
rpm -qpR "$OUT"/RPMS/x86_64/twomod-modules-xen-*.rpm >"$TMP/req"
assert_not_contains "$TMP/req" "twomod-data"
# The SRPM rebuilds from the guide's <name>-<version> tarball.
(cd "$TMP" && rpm2cpio "$OUT/SRPMS/twomod-2.1-1.src.rpm" | cpio -i --quiet twomod-2.1.tar.gz)
tar tzf "$TMP/twomod-2.1.tar.gz" >"$TMP/list"
assert_contains "$TMP/list" "twomod-2.1/drivers/net/twocore.c"

# A module named in the manifest but not built: exit 1, both named.
sed -i 's/^modules = .*/modules = twocore twouser twomissing/' "$TMP/drv/kmodpack.ini"
run 1 "$KMODPACK" build -q -t "$TMP/target.ini" -o "$OUT" "$TMP/drv"
assert_contains "$TMP/err" "modules: 'twomissing' was not built for flavour xen (built: twocore, twouser)"

# A subdir without a Makefile: exit 2 naming the manifest.
sed -i 's/^modules = .*/modules = twocore/; s|^subdir = .*|subdir = drivers|' "$TMP/drv/kmodpack.ini"
run 2 "$KMODPACK" build -q -t "$TMP/target.ini" -o "$OUT" "$TMP/drv"
assert_contains "$TMP/err" "no Makefile or Kbuild file"
echo ok
