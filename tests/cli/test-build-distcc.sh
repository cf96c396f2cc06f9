#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# A compile farm: a distccd on the loopback only (random port, its own log),
# the example built with make_args CC="distcc <the tree's compiler>" and the
# farm's slots as -j. distccd's log shows the compile jobs ran there; with
# KCFLAGS=-gno-column-info on both sides the .ko is byte-identical to a
# local build (without it the debug info's column numbers, and so the build
# ID, differ, as distcc compiles preprocessed text). The up-to-date key covers the
# compiler: another CC, or another compiler first in PATH, builds again.
source "$(dirname "$0")/lib.sh"
command -v distcc >/dev/null && command -v distccd >/dev/null ||
	skip "distcc is not installed (run scripts/setup.sh)"
debian_target "$TMP/target.ini"
# The compiler the trees were built with (Debian 12: gcc-12).
CC_NAME=$(sed -n 's/^CONFIG_CC_VERSION_TEXT="\([^ ]*\) .*/\1/p' "$AMD64_TREE/.config")
command -v "$CC_NAME" >/dev/null || skip "$CC_NAME is not installed"

# The farm: loopback only, a free port, two slots. As root distccd runs as
# the distcc user: its log lives in a directory that user may write.
SLOTS=2
FARM=$TMP/farm
mkdir -p "$FARM/client" && chmod 755 "$TMP" && chmod 777 "$FARM"
PORT=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
distccd --daemon --no-detach --allow 127.0.0.1 --listen 127.0.0.1 --port "$PORT" \
	--jobs "$SLOTS" --log-file "$FARM/distccd.log" --log-level info &
DPID=$!
trap 'kill $DPID 2>/dev/null; wait $DPID 2>/dev/null || true; rm -rf "$TMP"' EXIT
for _ in $(seq 50); do grep -q "listening on 127.0.0.1:$PORT" "$FARM/distccd.log" 2>/dev/null && break; sleep 0.1; done
assert_contains "$FARM/distccd.log" "listening on 127.0.0.1:$PORT"

cp -r "$EXAMPLE" "$TMP/farmed"
sed -i "s/^source = src\$/source = src\nmake_args = CC=\"distcc $CC_NAME\"/" "$TMP/farmed/kmodpack.ini"
# Every compile goes to the farm: no localhost slot, no silent local fallback.
export DISTCC_HOSTS="127.0.0.1:$PORT/$SLOTS" DISTCC_FALLBACK=0 DISTCC_DIR=$FARM/client
export KCFLAGS=-gno-column-info
run 0 "$KMODPACK" build -q -j "$SLOTS" -t "$TMP/target.ini" -o "$TMP/o-farm" "$TMP/farmed"
for f in amd64 cloud-amd64; do
	grep -E "COMPILE_OK .* $TMP/o-farm/.kmodpack/build/$f/helloworld\.c\$" "$FARM/distccd.log" >/dev/null ||
		fail "distccd did not compile helloworld.c for $f: $(cat "$FARM/distccd.log")"
done
assert_contains "$TMP/o-farm/SPECS/helloworld.spec" "'CC=distcc $CC_NAME' modules"

# The same sources built locally: the same bytes.
run 0 "$KMODPACK" build -q -j "$SLOTS" -t "$TMP/target.ini" -o "$TMP/o-local" "$EXAMPLE"
for f in amd64 cloud-amd64; do
	cmp "$TMP/o-farm/.kmodpack/build/$f/helloworld.ko" "$TMP/o-local/.kmodpack/build/$f/helloworld.ko" ||
		fail "$f: the farm's helloworld.ko differs from the local one"
done
# Without -gno-column-info: the code and data are the same; the debug info
# differs, and so does the build ID, a hash that covers it.
unset KCFLAGS
run 0 "$KMODPACK" build -q -j "$SLOTS" -t "$TMP/target.ini" -o "$TMP/o-farm2" "$TMP/farmed"
run 0 "$KMODPACK" build -q -j "$SLOTS" -t "$TMP/target.ini" -o "$TMP/o-local2" "$EXAMPLE"
for w in farm local; do
	objcopy --strip-debug --remove-section=.note.gnu.build-id \
		"$TMP/o-${w}2/.kmodpack/build/amd64/helloworld.ko" "$TMP/$w.ko"
done
cmp "$TMP/farm.ko" "$TMP/local.ko" || fail "the farm's module differs beyond debug info"

# The key covers the compiler: a local build after the farm one is no no-op,
# and another gcc first in PATH builds again.
run 0 "$KMODPACK" build -t "$TMP/target.ini" -o "$TMP/o-local2" "$EXAMPLE"
assert_contains "$TMP/err" "up to date"
mkdir "$TMP/bin"
# A wrapper, as ccache's masquerade links are: another compiler by path.
printf '#!/bin/sh\nexec %s "$@"\n' "$(command -v "$CC_NAME")" >"$TMP/bin/$CC_NAME"
chmod +x "$TMP/bin/$CC_NAME"
PATH=$TMP/bin:$PATH run 0 "$KMODPACK" build -t "$TMP/target.ini" -o "$TMP/o-local2" "$EXAMPLE"
assert_not_contains "$TMP/err" "up to date"
grep -q "^compiler	$CC_NAME	$TMP/bin/$CC_NAME	" "$TMP/o-local2/.kmodpack/cache-key" ||
	fail "the key does not name the compiler in PATH: $(grep '^compiler' "$TMP/o-local2/.kmodpack/cache-key")"
echo ok
