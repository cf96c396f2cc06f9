#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Sources as git and tarballs leave them (files 0664, dirs 0775): editing one
# file of a three-file driver recompiles exactly that file's object in each
# flavour; the others keep their objects (same mtime). A mode change alone,
# or a touch, builds nothing; new content with an older mtime (as tar and
# git checkout leave it) is still seen.
source "$(dirname "$0")/lib.sh"
debian_target "$TMP/target.ini"
OUT=$TMP/out.d
D=$TMP/multi
umask 002
mkdir -p "$D/src"
cat >"$D/kmodpack.ini" <<'EOF'
[driver]
name = multi
version = 1.0
release = 1
summary = three-file test driver
license = GPL-2.0-only
source = src
source_date_epoch = 1795564800
[vendor]
code = example
name = Example Organisation
EOF
cat >"$D/src/Makefile" <<'EOF'
obj-m := multi.o
multi-y := main.o part_a.o part_b.o
EOF
for p in a b; do
	printf '// SPDX-License-Identifier: GPL-2.0-only\nint multi_part_%s(int x);\nint multi_part_%s(int x) { return x + 1; }\n' \
		$p $p >"$D/src/part_$p.c"
done
cat >"$D/src/main.c" <<'EOF'
// SPDX-License-Identifier: GPL-2.0-only
#include <linux/module.h>
int multi_part_a(int x);
int multi_part_b(int x);
static int __init multi_init(void) { return multi_part_a(0) + multi_part_b(0) - 2; }
static void __exit multi_exit(void) { }
module_init(multi_init);
module_exit(multi_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("three-file test driver");
EOF
assert_eq "$(stat -c %a "$D/src/main.c") $(stat -c %a "$D/src")" "664 775" "modes as git leaves them"

build() { run 0 "$KMODPACK" build -q -t "$TMP/target.ini" -o "$OUT" "$D"; }
# The objects Kbuild compiled in the last run, per flavour (not the .mod.o).
compiled() { # flavour
	sed -n 's|^  CC \[M\]  .*/\([^/]*\.o\)$|\1|p' "$OUT/logs/$1.log" | grep -v '\.mod\.o$' | sort | tr '\n' ' '
}
objtimes() { (cd "$OUT/.kmodpack/build" && stat -c '%n %Y.%y' */main.o */part_b.o */main.c); }

build
for f in amd64 cloud-amd64; do
	assert_eq "$(compiled $f)" "main.o part_a.o part_b.o " "first build of $f"
	assert_eq "$(stat -c %a "$OUT/.kmodpack/build/$f/main.c")" 644 "the build copy's mode"
done
objtimes >"$TMP/t1"

# One file edited: only its object is compiled again, in each flavour.
echo '/* edited */' >>"$D/src/part_a.c"
sleep 1 # a new second, so an unwanted copy or recompile shows in the mtimes
build
for f in amd64 cloud-amd64; do
	assert_eq "$(compiled $f)" "part_a.o " "objects recompiled in $f after editing part_a.c"
done
objtimes >"$TMP/t2"
diff "$TMP/t1" "$TMP/t2" || fail "unedited files were copied or recompiled"

# Group write taken away and given back, or a touch: nothing to build.
chmod g-w "$D/src/part_b.c"
run 0 "$KMODPACK" build -t "$TMP/target.ini" -o "$OUT" "$D"
assert_contains "$TMP/err" "up to date"
chmod g+w "$D/src/part_b.c"
touch "$D/src/main.c"
run 0 "$KMODPACK" build -t "$TMP/target.ini" -o "$OUT" "$D"
assert_contains "$TMP/err" "up to date"

# New content with an older mtime (tar -x, git checkout of an older commit).
sed -i 's/x + 1/x + 2/' "$D/src/part_b.c"
touch -d '2020-01-01' "$D/src/part_b.c"
build
for f in amd64 cloud-amd64; do
	assert_eq "$(compiled $f)" "part_b.o " "objects recompiled in $f after an old-mtime change"
done
echo ok
