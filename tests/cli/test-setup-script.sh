#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# scripts/setup.sh shows why a build failed: the end of cmake's output and
# the path of the log that holds all of it.
source "$(dirname "$0")/lib.sh"
command -v gcc >/dev/null || skip "gcc is not installed"
# KMODPACK_FUZZ needs clang: with gcc, cmake refuses to configure.
st=0
CC=gcc KMODPACK_BUILD_DIR=$TMP/b KMODPACK_CMAKE_ARGS=-DKMODPACK_FUZZ=ON \
	"$SRCDIR/scripts/setup.sh" >"$TMP/out" 2>"$TMP/err" || st=$?
[ "$st" != 3 ] || skip "setup.sh wants packages installed first (not root)"
assert_eq "$st" 1 "setup.sh's exit status when cmake fails"
assert_contains "$TMP/err" "KMODPACK_FUZZ needs clang"
assert_contains "$TMP/err" "setup: building kmodpack failed; the whole output is in $TMP/b/setup.log"
assert_contains "$TMP/b/setup.log" "KMODPACK_FUZZ needs clang"
echo ok
