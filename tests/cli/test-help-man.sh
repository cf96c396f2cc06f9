#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Every option each command accepts (read from the binary's own parse
# tables: kmodpack help --options) is in the command's --help text and in
# its section of the man page, under both its long and its short name;
# every command the binary has has a man page section. Plus the help
# command's own promises.
source "$(dirname "$0")/lib.sh"
MAN=$SRCDIR/docs/kmodpack.1

# The man page's section for a command, with troff's \- and fonts removed.
man_section() { # NAME
	awk -v s=".SS $1" '$0 == s {on = 1; next} on && /^\.S[SH] / {on = 0} on' "$MAN" |
		sed 's/\\-/-/g; s/\\f[BIRP]//g; s/\\(aq/'"'"'/g'
}

has_word() { # FILE OPTION: OPTION as a word (not a prefix of a longer option)
	grep -Eq -- "(^|[^-a-zA-Z0-9])$2([^-a-zA-Z0-9]|\$)" "$1"
}

check() { # SECTION CMD [SUB]
	local section=$1
	shift
	run 0 "$KMODPACK" help --options "$@"
	cp "$TMP/out" "$TMP/opts"
	[ -s "$TMP/opts" ] || fail "no options listed for '$*'"
	run 0 "$KMODPACK" help "$@"
	cp "$TMP/out" "$TMP/help"
	man_section "$section" >"$TMP/man"
	[ -s "$TMP/man" ] || fail "the man page has no section '.SS $section' for '$*'"
	local long short arg n=0
	while read -r long short arg; do
		[ "$long" = --help ] && continue
		n=$((n + 1))
		for name in $long $short; do
			[ "$name" = - ] && continue
			has_word "$TMP/help" "$name" ||
				echo "'kmodpack help $*' does not mention $name" >>"$TMP/missing"
			has_word "$TMP/man" "$name" ||
				echo "the man page's '$section' section does not mention $name (of '$*')" \
					>>"$TMP/missing"
		done
	done <"$TMP/opts"
	echo "$*: $n options in both"
}

run 0 "$KMODPACK" help --commands
cp "$TMP/out" "$TMP/commands"
[ "$(wc -l <"$TMP/commands")" -ge 8 ] || fail "too few commands listed"
while read -r cmd; do
	check "$cmd" "$cmd"
	assert_contains "$MAN" ".B kmodpack $cmd"
done <"$TMP/commands"
check pack pack combine
check pack pack remaster
check verify verify some.iso
if [ -s "$TMP/missing" ]; then
	cat "$TMP/missing" >&2
	fail "help texts and the man page disagree"
fi

# The help command itself.
run 0 "$KMODPACK" help help
assert_contains "$TMP/out" "usage: kmodpack help"
run 0 "$KMODPACK" help
assert_contains "$TMP/out" "Commands:"
run 2 "$KMODPACK" help no-such-command
assert_contains "$TMP/err" "'no-such-command' is not a command"
# One error for an option without its value, not getopt's and ours.
run 2 "$KMODPACK" build --output
assert_eq "$(grep -c . "$TMP/err")" 2 "lines for 'build --output' without a value"
assert_contains "$TMP/err" "kmodpack build: option '--output' needs a value"
assert_contains "$TMP/err" "Try 'kmodpack help build'."
run 2 "$KMODPACK" verify --bogus x
assert_eq "$(grep -c . "$TMP/err")" 2 "lines for an unknown option"
assert_contains "$TMP/err" "unknown or ambiguous option '--bogus'"
# --help promises the man page: the page must be there to promise it.
run 0 "$KMODPACK" --help
assert_contains "$TMP/out" "man kmodpack"
echo ok
