#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# cmake --install puts the binary, the man page and the bash completion
# where Debian's man and bash-completion find them; the completion offers
# commands, each command's options (read from the binary), flavour names
# from the target, and the files each command takes.
source "$(dirname "$0")/lib.sh"
BUILD=$(dirname "$KMODPACK")
[ -f "$BUILD/cmake_install.cmake" ] || skip "KMODPACK is not in a cmake build dir"
command -v man >/dev/null || skip "man-db is not installed (scripts/setup.sh)"
debian_target "$TMP/target.ini"

# 1. Installed into a prefix: the files, man finds the page, bash-completion loads the completion.
P=$TMP/prefix
DESTDIR= cmake --install "$BUILD" --prefix "$P" >"$TMP/install.log" || {
	cat "$TMP/install.log"
	fail "cmake --install failed"
}
[ -x "$P/bin/kmodpack" ] || fail "no bin/kmodpack"
[ -f "$P/share/man/man1/kmodpack.1" ] || fail "no share/man/man1/kmodpack.1"
[ -f "$P/share/bash-completion/completions/kmodpack" ] || fail "no bash completion"
[ -f "$P/share/kmodpack/templates/kmod.spec.in" ] || fail "no spec template"
assert_eq "$(MANPATH=$P/share/man man -w kmodpack)" "$P/share/man/man1/kmodpack.1" "man -w kmodpack"
MANPATH=$P/share/man MANWIDTH=80 man kmodpack 2>/dev/null >"$TMP/man.txt"
assert_contains "$TMP/man.txt" "kmodpack - build kernel-module RPMs"
"$P/bin/kmodpack" --version >"$TMP/version" || fail "the installed binary does not run"
if [ -f /usr/share/bash-completion/bash_completion ]; then
	# bash-completion finds completions under $XDG_DATA_DIRS/bash-completion/completions.
	XDG_DATA_DIRS=$P/share bash -c 'source /usr/share/bash-completion/bash_completion
		__load_completion kmodpack && complete -p kmodpack' >"$TMP/complete" ||
		fail "bash-completion did not load the installed completion"
	assert_contains "$TMP/complete" "-F _kmodpack kmodpack"
fi

# 2. What it offers: call the completion function as bash would.
mkdir -p "$TMP/files/sub"
touch "$TMP/files/a.ko" "$TMP/files/b.ko.xz" "$TMP/files/c.txt" "$TMP/files/d.iso" \
	"$TMP/files/e.rpm" "$TMP/files/t.ini"
comp() { # WORDS... (the last is the word being completed)
	bash -c 'source "$1"; shift
		COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1))
		_kmodpack; printf "%s\n" "${COMPREPLY[@]}" | sort' \
		comp "$SRCDIR/completion/kmodpack" "$KMODPACK" "$@" >"$TMP/comp"
}
comp ""
for c in build spec targets hcl modinfo pack verify help --help; do
	grep -qx -- "$c" "$TMP/comp" || fail "command '$c' not offered: $(cat "$TMP/comp")"
done
comp b
assert_eq "$(cat "$TMP/comp")" build "completion of 'b'"
comp build --
for o in --target --output --jobs --json --force --verify --quiet; do
	grep -qx -- "$o" "$TMP/comp" || fail "build option $o not offered"
done
assert_not_contains "$TMP/comp" "--timeout"
comp verify --t
assert_eq "$(tr '\n' ' ' <"$TMP/comp")" "--target --timeout " "verify's options starting --t"
comp pack combine --
grep -qx -- "--vol" "$TMP/comp" || fail "pack combine's --vol not offered"
comp pack c
assert_eq "$(cat "$TMP/comp")" combine "pack's subcommand"
comp help ver
assert_eq "$(cat "$TMP/comp")" verify "help's command"
# Flavour names come from the target given on the line (kmodpack targets -t).
comp build -t "$TMP/target.ini" --flavour ""
assert_eq "$(tr '\n' ' ' <"$TMP/comp")" "amd64 cloud-amd64 " "flavours of the target"
comp build --target="$TMP/target.ini" --flavour c
assert_eq "$(cat "$TMP/comp")" cloud-amd64 "flavours starting with c"
# Files: .ko for modinfo, .iso for verify and pack combine, .ini for -t, dirs for -o.
comp modinfo "$TMP/files/"
assert_eq "$(tr '\n' ' ' <"$TMP/comp")" "$TMP/files/a.ko $TMP/files/b.ko.xz $TMP/files/sub " "modinfo's files"
comp verify "$TMP/files/"
assert_eq "$(tr '\n' ' ' <"$TMP/comp")" "$TMP/files/d.iso $TMP/files/sub " "verify's files"
comp pack combine --output x.iso "$TMP/files/"
assert_contains "$TMP/comp" "$TMP/files/d.iso"
assert_not_contains "$TMP/comp" "e.rpm"
comp pack "$TMP/files/"
assert_contains "$TMP/comp" "$TMP/files/e.rpm"
comp build -t "$TMP/files/"
assert_eq "$(tr '\n' ' ' <"$TMP/comp")" "$TMP/files/sub $TMP/files/t.ini " "-t's files"
comp build -o "$TMP/files/"
assert_eq "$(cat "$TMP/comp")" "$TMP/files/sub" "-o's dirs"
echo ok
