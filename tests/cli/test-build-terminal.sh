#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# The progress display on a real terminal (a pseudo-terminal, the screen
# rendered by tests/cli/pty-screen.py): warnings and errors printed during
# a build stay on the screen, in order, above the per-flavour lines; at the
# end the screen holds the same facts as plain mode (the compiler's line
# and the full log path of a failing flavour). Ctrl-C shows the flavour at
# work as interrupted and the one not begun as not started, without a time.
source "$(dirname "$0")/lib.sh"
debian_target "$TMP/target.ini"
command -v python3 >/dev/null || skip "python3 is not installed (scripts/setup.sh)"
PTY=(python3 "$SRCDIR/tests/cli/pty-screen.py" --cols 120 --rows 50)
SCREEN=("${PTY[@]}" --)

# Two modules, only one of them packaged: a warning after compiling, while
# the flavour lines are on the screen.
mkdir -p "$TMP/drv/src"
cat >"$TMP/drv/kmodpack.ini" <<'EOT'
[driver]
name = hello
version = 1.0
summary = Hello
license = GPL-2.0-only
source = src
modules = hello
[vendor]
code = acme
name = Acme
EOT
cat >"$TMP/drv/src/Makefile" <<'EOT'
obj-m := hello.o extra.o
ifneq ($(filter %cloud-amd64,$(KERNELRELEASE)),)
ccflags-y += -DBROKEN_FLAVOUR
endif
EOT
for m in hello extra; do
	cat >"$TMP/drv/src/$m.c" <<EOT
#include <linux/module.h>
static int __init ${m}_init(void) { return 0; }
module_init(${m}_init);
MODULE_LICENSE("GPL");
EOT
done
cat >>"$TMP/drv/src/hello.c" <<'EOT'
#ifdef BROKEN_FLAVOUR
static int broken(void) { return undeclared_in_cloud; }
#endif
EOT

# 1. Compiles for amd64, not for cloud-amd64: the error and the log path
# stay on the screen after the final flavour lines are drawn.
st=0
SOURCE_DATE_EPOCH=1700000000 "${SCREEN[@]}" "$KMODPACK" build -t "$TMP/target.ini" \
	-o "$TMP/o" "$TMP/drv" >"$TMP/screen1" || st=$?
cat "$TMP/screen1"
assert_eq "$st" 1 "exit status of a failing build on a terminal"
assert_contains "$TMP/screen1" "kmodpack: error: flavour cloud-amd64 ($CLOUD_REL): compiling failed"
assert_contains "$TMP/screen1" "$TMP/drv/src/hello.c:"
assert_contains "$TMP/screen1" "undeclared_in_cloud"
assert_contains "$TMP/screen1" "full log: $TMP/o/logs/cloud-amd64.failed.log"
# The end of the screen: the final flavour lines, then the verdict.
tail -3 "$TMP/screen1" >"$TMP/tail1"
grep -Eq '^  amd64 +compiled +[0-9]+\.[0-9]s$' "$TMP/tail1" || fail "no final amd64 line"
grep -Eq '^  cloud-amd64 +failed +[0-9]+\.[0-9]s$' "$TMP/tail1" || fail "no final cloud-amd64 line"
assert_contains "$TMP/tail1" "kmodpack: error: build failed"
# Each flavour line is on the screen once: the block was redrawn in place.
assert_eq "$(grep -c '^  cloud-amd64 ' "$TMP/screen1")" 1 "cloud-amd64 lines on the screen"
# Plain mode says the same.
run 1 env KMODPACK_PLAIN=1 SOURCE_DATE_EPOCH=1700000000 "$KMODPACK" build -t "$TMP/target.ini" \
	-o "$TMP/o" "$TMP/drv"
assert_contains "$TMP/err" "undeclared_in_cloud"
assert_contains "$TMP/err" "full log: $TMP/o/logs/cloud-amd64.failed.log"
assert_contains "$TMP/err" "kmodpack: cloud-amd64: failed"

# 2. Builds for both: the warning of each flavour stays, above the final lines.
echo 'obj-m := hello.o extra.o' >"$TMP/drv/src/Makefile"
st=0
SOURCE_DATE_EPOCH=1700000000 "${SCREEN[@]}" "$KMODPACK" build -t "$TMP/target.ini" \
	-o "$TMP/o" "$TMP/drv" >"$TMP/screen2" || st=$?
cat "$TMP/screen2"
assert_eq "$st" 0 "exit status of a good build on a terminal"
for f in amd64 cloud-amd64; do
	assert_contains "$TMP/screen2" \
		"kmodpack: warning: flavour $f: module 'extra' was built but is not in [driver] modules"
	warn=$(grep -n "warning: flavour $f: module 'extra'" "$TMP/screen2" | cut -d: -f1)
	line=$(grep -nE "^  $f +done +[0-9]+\.[0-9]s$" "$TMP/screen2" | cut -d: -f1)
	[ -n "$line" ] || fail "no final 'done' line for $f"
	[ "$warn" -lt "$line" ] || fail "the $f warning is not above the flavour lines"
done
assert_contains "$TMP/screen2" "$TMP/o/RPMS/x86_64/hello-modules-amd64-$KVER-1.0-1.x86_64.rpm"

# 3. Ctrl-C while the first flavour compiles (-j1: the second waits its turn).
cat >>"$TMP/drv/src/Makefile" <<'EOT'
$(obj)/hello.o: $(obj)/slow
$(obj)/slow:
	sleep 30
EOT
st=0
"${PTY[@]}" --ctrl-c-when=compiling -- "$KMODPACK" build -j1 -t "$TMP/target.ini" \
	-o "$TMP/o" "$TMP/drv" >"$TMP/screen3" || st=$?
cat "$TMP/screen3"
assert_eq "$st" 130 "exit status after Ctrl-C"
grep -Eq '^  amd64 +interrupted +[0-9]+\.[0-9]s$' "$TMP/screen3" || fail "amd64 is not shown as interrupted"
grep -Eq '^  cloud-amd64 +not started$' "$TMP/screen3" || fail "cloud-amd64 is not shown as not started"
assert_not_contains "$TMP/screen3" "failed"
assert_contains "$TMP/screen3" "kmodpack: error: interrupted: the output dir is as it was"
echo ok
