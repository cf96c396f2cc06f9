#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# A driver whose Makefile insists on being told its kernel, as Intel's and
# Broadcom's out-of-tree Makefiles do (make KSRC=<tree> BUILD_KERNEL=<release>
# CONFIG_FOO=m): make_args with per-flavour variables builds it for both
# Debian flavours, each make gets its own flavour's values as separate
# arguments, the spec's %build carries them, and the SRPM rebuilds with
# plain rpmbuild the same way. An unknown variable is refused at load,
# naming file:line, before anything is compiled.
source "$(dirname "$0")/lib.sh"
debian_target "$TMP/target.ini"
D=$TMP/kvdemo
mkdir -p "$D/src"
cat >"$D/kmodpack.ini" <<'EOF'
[driver]
name = kvdemo
version = 2.10.1
summary = make-variables test driver
license = GPL-2.0-only
source = src
source_date_epoch = 1795564800
make_args = KSRC={tree} BUILD_KERNEL={release} KSRC_COMMON={source_tree}
  CONFIG_KVDEMO_EXTRA=m KVDEMO_TAG={flavour}/{kver}/{arch}
[vendor]
code = example
name = Example Organisation
EOF
# The Intel idiom, reduced: refuse to build without KSRC and BUILD_KERNEL,
# and for a KSRC that is not BUILD_KERNEL's tree.
cat >"$D/src/Makefile" <<'EOF'
ifeq ($(KSRC),)
$(error KSRC is not set: make KSRC=<kernel build tree> BUILD_KERNEL=<release>)
endif
ifeq ($(BUILD_KERNEL),)
$(error BUILD_KERNEL is not set)
endif
KSRC_RELEASE := $(shell sed -n 's/.*UTS_RELEASE "\(.*\)"/\1/p' $(KSRC)/include/generated/utsrelease.h)
ifneq ($(KSRC_RELEASE),$(BUILD_KERNEL))
$(error KSRC=$(KSRC) is $(KSRC_RELEASE), not BUILD_KERNEL=$(BUILD_KERNEL))
endif
ifeq ($(wildcard $(KSRC_COMMON)/include/linux/module.h),)
$(error KSRC_COMMON=$(KSRC_COMMON) is not a kernel source tree)
endif
obj-m := kvdemo.o
kvdemo-y := kvdemo_main.o
kvdemo-$(CONFIG_KVDEMO_EXTRA) += kvdemo_extra.o
ccflags-$(CONFIG_KVDEMO_EXTRA) += -DKVDEMO_EXTRA
ccflags-y += -DKVDEMO_BUILT_FOR=\"$(BUILD_KERNEL)\" -DKVDEMO_TAG=\"$(KVDEMO_TAG)\"
EOF
cat >"$D/src/kvdemo_main.c" <<'EOF'
// SPDX-License-Identifier: GPL-2.0-only
#include <linux/module.h>
#ifdef KVDEMO_EXTRA
int kvdemo_extra(void);
#else
static int kvdemo_extra(void) { return 0; }
#endif
static int __init kvdemo_init(void) { return kvdemo_extra(); }
static void __exit kvdemo_exit(void) { }
module_init(kvdemo_init);
module_exit(kvdemo_exit);
MODULE_LICENSE("GPL");
MODULE_INFO(built_for, KVDEMO_BUILT_FOR);
MODULE_INFO(tag, KVDEMO_TAG);
EOF
printf '// SPDX-License-Identifier: GPL-2.0-only\nint kvdemo_extra(void);\nint kvdemo_extra(void) { return 0; }\n' >"$D/src/kvdemo_extra.c"

# Without the variables, the Makefile refuses: the reproduction is honest.
mkdir -p "$TMP/plain" && cp "$D"/src/* "$TMP/plain/"
! make -C "$AMD64_TREE" M="$TMP/plain" modules >"$TMP/plain.log" 2>&1 ||
	fail "the Makefile built without KSRC"
assert_contains "$TMP/plain.log" "KSRC is not set"

run 0 "$KMODPACK" build -q -t "$TMP/target.ini" -o "$TMP/o" "$D"
# Each flavour got its own values, as one argv entry each.
for f in amd64 cloud-amd64; do
	rel=$AMD64_REL tree=$AMD64_TREE
	[ $f = cloud-amd64 ] && rel=$CLOUD_REL tree=$CLOUD_TREE
	ko=$TMP/o/.kmodpack/build/$f/kvdemo.ko
	assert_eq "$(modinfo -F built_for "$ko")" "$rel" "$f: BUILD_KERNEL"
	assert_eq "$(modinfo -F tag "$ko")" "$f/$KVER/x86_64" "$f: {flavour}/{kver}/{arch}"
	assert_eq "$(modinfo -F vermagic "$ko" | cut -d' ' -f1)" "$rel" "$f: vermagic"
	assert_contains "$TMP/o/logs/$f.log" "kvdemo_extra.o"
	rpm -qpl "$TMP/o/RPMS/x86_64/kvdemo-modules-$f-$KVER-2.10.1-1.x86_64.rpm" >"$TMP/files"
	assert_contains "$TMP/files" "/lib/modules/$rel/extra/kvdemo.ko"
done

# The spec's %build passes the same words, {tree} as the overridable macro.
SPEC=$TMP/o/SPECS/kvdemo.spec
COMMON=$(readlink -f /lib/modules/"$AMD64_REL"/source 2>/dev/null || true)
assert_contains "$SPEC" "'KSRC=%{kmodpack_tree_1}' 'BUILD_KERNEL=$AMD64_REL'"
assert_contains "$SPEC" "'KSRC=%{kmodpack_tree_2}' 'BUILD_KERNEL=$CLOUD_REL'"
assert_contains "$SPEC" "'CONFIG_KVDEMO_EXTRA=m' 'KVDEMO_TAG=cloud-amd64/$KVER/x86_64' modules"
[ -z "$COMMON" ] || assert_contains "$SPEC" "'KSRC_COMMON=$COMMON'"
run 0 "$KMODPACK" spec -t "$TMP/target.ini" "$D"
diff <(grep "^%{__make}" "$TMP/out") <(grep "^%{__make}" "$SPEC") ||
	fail "kmodpack spec and build differ in %build"

# The SRPM rebuilds with plain rpmbuild, each flavour against its tree.
if command -v rpmbuild >/dev/null; then
	run 0 rpmbuild --rebuild --nodeps --define "_topdir $TMP/rpmbuild" \
		"$TMP/o/SRPMS/kvdemo-2.10.1-1.src.rpm"
	for f in amd64 cloud-amd64; do
		rel=$AMD64_REL
		[ $f = cloud-amd64 ] && rel=$CLOUD_REL
		rpm2cpio "$TMP/rpmbuild/RPMS/x86_64/kvdemo-modules-$f-$KVER-2.10.1-1.x86_64.rpm" |
			(mkdir -p "$TMP/x-$f" && cd "$TMP/x-$f" && cpio -id --quiet)
		assert_eq "$(modinfo -F built_for "$TMP/x-$f/lib/modules/$rel/extra/kvdemo.ko")" "$rel" \
			"rebuilt $f: BUILD_KERNEL"
	done
fi

# Intel's pattern (intel/ethernet-linux-igb): the driver's own Makefile is
# the entry. Its outer part generates a header from KSRC, then calls Kbuild
# on KOBJ itself; entered through Kbuild directly, the header is missing.
I=$TMP/gendemo
mkdir -p "$I/src"
cat >"$I/kmodpack.ini" <<'EOF'
[driver]
name = gendemo
version = 5.18.7
summary = own-Makefile test driver
license = GPL-2.0-only
source = src
source_date_epoch = 1795564800
make_args = KSRC={source_tree} KOBJ={tree} BUILD_KERNEL={release}
make_entry = makefile
[vendor]
code = example
name = Example Organisation
EOF
cat >"$I/src/Makefile" <<'EOF'
ifneq ($(KERNELRELEASE),)
obj-m := gendemo.o
else
ifeq ($(KSRC),)
$(error KSRC is not set)
endif
default: gen.h
	$(MAKE) -C $(KOBJ) M=$(CURDIR) modules
gen.h:
	test -f $(KSRC)/include/linux/module.h
	echo '#define GEN_KERNEL "$(BUILD_KERNEL)"' >$@
endif
EOF
cat >"$I/src/gendemo.c" <<'EOF'
// SPDX-License-Identifier: GPL-2.0-only
#include <linux/module.h>
#include "gen.h"
static int __init gendemo_init(void) { return 0; }
module_init(gendemo_init);
MODULE_LICENSE("GPL");
MODULE_INFO(gen_kernel, GEN_KERNEL);
EOF
run 0 "$KMODPACK" build -q -t "$TMP/target.ini" -o "$TMP/og" "$I"
for f in amd64 cloud-amd64; do
	rel=$AMD64_REL
	[ $f = cloud-amd64 ] && rel=$CLOUD_REL
	ko=$TMP/og/.kmodpack/build/$f/gendemo.ko
	assert_eq "$(modinfo -F gen_kernel "$ko")" "$rel" "$f: the Makefile's generated header"
	assert_eq "$(modinfo -F vermagic "$ko" | cut -d' ' -f1)" "$rel" "$f: vermagic"
done
# %build enters the same way: -C the driver's dir, no M=, no target.
grep "^%{__make}.*kmodpack-cloud-amd64" "$TMP/og/SPECS/gendemo.spec" >"$TMP/gmake"
assert_contains "$TMP/gmake" "-C %{_builddir}/kmodpack-cloud-amd64/. 'KSRC="
assert_contains "$TMP/gmake" "'KOBJ=%{kmodpack_tree_2}' 'BUILD_KERNEL=$CLOUD_REL'"
! grep -qE " M=| modules" "$TMP/gmake" || fail "%build enters through Kbuild: $(cat "$TMP/gmake")"
if command -v rpmbuild >/dev/null; then
	run 0 rpmbuild --rebuild --nodeps --define "_topdir $TMP/rpmbuild-g" \
		"$TMP/og/SRPMS/gendemo-5.18.7-1.src.rpm"
	rpm2cpio "$TMP/rpmbuild-g/RPMS/x86_64/gendemo-modules-cloud-amd64-$KVER-5.18.7-1.x86_64.rpm" |
		(mkdir -p "$TMP/xg" && cd "$TMP/xg" && cpio -id --quiet)
	assert_eq "$(modinfo -F gen_kernel "$TMP/xg/lib/modules/$CLOUD_REL/extra/gendemo.ko")" \
		"$CLOUD_REL" "rebuilt from the SRPM through its own Makefile"
fi
# Entered through Kbuild (the default), the outer part never runs.
sed -i '/^make_entry/d' "$I/kmodpack.ini"
run 1 "$KMODPACK" build -q -t "$TMP/target.ini" -o "$TMP/og2" "$I"
assert_contains "$TMP/err" "gen.h"
sed -i 's/^make_args/make_entry = kbuid\nmake_args/' "$I/kmodpack.ini"
run 2 "$KMODPACK" spec -t "$TMP/target.ini" "$I"
assert_contains "$TMP/err" "$I/kmodpack.ini:8: make_entry: 'kbuid' must be kbuild"

# An unknown variable: refused at load with file:line, nothing compiled.
sed -i 's/{release}/{relase}/' "$D/kmodpack.ini"
run 2 "$KMODPACK" build -t "$TMP/target.ini" -o "$TMP/out2" "$D"
assert_contains "$TMP/err" "$D/kmodpack.ini:8: make_args: 'BUILD_KERNEL={relase}': {relase} is not a variable"
[ ! -e "$TMP/out2/logs" ] || fail "something was compiled"
echo ok
