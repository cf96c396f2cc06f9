#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Every mistake of a manifest or target file that issue 13 found only after
# compiling (or never) is reported before anything is compiled: build exits
# 2 without creating its output dir, at the right file:line, once, and
# `kmodpack spec` says exactly the same (the same checks, one function).
. "$(dirname "$0")/lib.sh"
debian_target "$TMP/target.ini"
INI=$EXAMPLE/kmodpack.ini
n=0

# case NAME WANT [ENV...]: $TMP/d (a copy of the example, edited by the
# caller) is refused by spec and build alike, the message holding WANT.
case_() {
	local name=$1 want=$2
	shift 2
	run 2 env "$@" "$KMODPACK" spec -t "${TARGET:-$TMP/target.ini}" "$TMP/d"
	cp "$TMP/err" "$TMP/spec.err"
	assert_contains "$TMP/spec.err" "$want"
	rm -rf "$TMP/o"
	run 2 env "$@" "$KMODPACK" build -q -t "${TARGET:-$TMP/target.ini}" -o "$TMP/o" "$TMP/d"
	cmp -s "$TMP/spec.err" "$TMP/err" || {
		diff "$TMP/spec.err" "$TMP/err" >&2
		fail "$name: build and spec report differently"
	}
	[ ! -e "$TMP/o" ] || fail "$name: build went as far as its output dir"
	n=$((n + 1))
}
fresh() { # the example, with kmodpack.ini piped through python code $1 (s is the text)
	rm -rf "$TMP/d"
	cp -r "$EXAMPLE" "$TMP/d"
	python3 -c 'import sys; s=open(sys.argv[1], encoding="latin-1").read(); exec(sys.argv[2]); open(sys.argv[1], "w", encoding="latin-1").write(s)' \
		"$TMP/d/kmodpack.ini" "$1"
}
line_of() { grep -a -n -- "$1" "$TMP/d/kmodpack.ini" | head -1 | cut -d: -f1; }
D="$TMP/d/kmodpack.ini"
CL='changelog = * Wed Nov 25 2026 Example Organisation <drivers@example.com> - 1.0-1'

# A long line is read whole: a 199-character summary (and 10000).
for len in 199 10000; do
	fresh "s = s.replace('summary = Example hello world kernel module', 'summary = ' + 'x' * ($len - 10))"
	run 0 "$KMODPACK" spec -t "$TMP/target.ini" "$TMP/d"
	assert_contains "$TMP/out" "Summary: $(printf 'x%.0s' $(seq 1 $((len - 10))))"
done

fresh "s = s.replace('kernel module\n', 'kernel m\xe9dule\n', 1)"
case_ "not UTF-8" "$D:$(line_of 'summary'): byte 0xe9 (column 39) is not UTF-8"
fresh "s = s.replace('  module for every', '  module \x01for every')"
case_ "control byte" "$D:$(line_of 'module .for every'): control byte 0x01"
fresh "s = s.replace('* Wed Nov 25 2026', '* Tue Nov 25 2026')"
case_ "weekday" "$D:$(line_of '^changelog'): changelog: Tue Nov 25 2026: that date is a Wed"
fresh "s = s.replace('* Wed Nov 25 2026', '* Tue Nov 25 1986')"
case_ "year" "$D:$(line_of '^changelog'): changelog: year 1986 is outside 1990 to 2105"
fresh "s = s.replace('example driver\n', 'example driver\n  * Thu Nov 26 2026 X <x@example.com> - 0.9-1\n  - older, really\n')"
case_ "order" "$D:$(line_of 'Thu Nov 26'): changelog: this entry is newer than the one above it"
# rpm takes a newest entry for another version-release (rpmlint warns): a warning at its line.
fresh "s = s.replace('<drivers@example.com> - 1.0-1', '<drivers@example.com> - 1.0-2')"
run 0 "$KMODPACK" spec -t "$TMP/target.ini" "$TMP/d"
assert_contains "$TMP/err" "warning: $D:$(line_of '^changelog'): changelog: the newest entry is for 1.0-2, but [driver] version and release make 1.0-1"
fresh "s = s.replace('  - Initial release of the example driver\n', '')"
case_ "entry without text" "changelog: this entry has no text under its heading"
fresh "s = s.replace('  It registers', '  %files\n  It registers')"
case_ "description section" "$D:$(line_of '%files'): description: this line starts with '%'"
fresh "s = s.replace('source = src\n', 'source = src\nsource_date_epoch = 4294967296\n')"
case_ "source_date_epoch" "$D:$(line_of 'source_date_epoch'): source_date_epoch: 4294967296 is past 4294967295"
fresh ""
case_ "SOURCE_DATE_EPOCH" "SOURCE_DATE_EPOCH=4294967296 is past 4294967295" SOURCE_DATE_EPOCH=4294967296
fresh "s = s.replace('source = src\n', 'source = src\nsubdir = driver\n')"
case_ "subdir" "$D:$(line_of 'subdir'): no Makefile or Kbuild file in '$TMP/d/src/driver'"
assert_contains "$TMP/err" "directories of the source '$TMP/d/src' that declare obj-m: '.'"
# The same for a tarball source, from its listing (spec unpacks nothing):
# a single top directory is the source's top, as the build takes it.
tarball() { # NAME: the example's sources as $TMP/d/NAME.tar.gz, below helloworld-1.0/
	mkdir -p "$TMP/t/helloworld-1.0/src" "$TMP/t/helloworld-1.0/doc"
	cp "$EXAMPLE"/src/* "$TMP/t/helloworld-1.0/src/"
	echo 'all:' >"$TMP/t/helloworld-1.0/doc/Makefile"
	tar -C "$TMP/t" -czf "$TMP/d/$1.tar.gz" helloworld-1.0
	rm -rf "$TMP/t" "$TMP/d/src"
}
fresh "s = s.replace('source = src\n', 'source = hw.tar.gz\nsubdir = driver\n')"
tarball hw
case_ "tarball subdir" "$D:$(line_of 'subdir'): no Makefile or Kbuild file in '$TMP/d/hw.tar.gz:helloworld-1.0/driver'"
assert_contains "$TMP/err" "directories of the source '$TMP/d/hw.tar.gz:helloworld-1.0' that declare obj-m: 'src'"
assert_eq "$(grep -c error "$TMP/err")" 1 "errors for a tarball's subdir"
fresh "s = s.replace('source = src\n', 'source = hw.tar.gz\nsubdir = src\n')"
tarball hw
run 0 "$KMODPACK" spec -t "$TMP/target.ini" "$TMP/d"
# Members at the top of the archive (no single top dir): the archive is the top.
fresh "s = s.replace('source = src\n', 'source = flat.tar\nsubdir = x\n')"
mkdir -p "$TMP/t/sub"
cp "$EXAMPLE/src/helloworld.c" "$TMP/t/"
cp "$EXAMPLE/src/Makefile" "$TMP/t/sub/"
tar -C "$TMP/t" -cf "$TMP/d/flat.tar" helloworld.c sub
rm -rf "$TMP/t" "$TMP/d/src"
case_ "flat tarball" "$D:$(line_of 'subdir'): no Makefile or Kbuild file in '$TMP/d/flat.tar:x'"
assert_contains "$TMP/err" "directories of the source '$TMP/d/flat.tar' that declare obj-m: 'sub'"
fresh "s = s.replace('url = https://example.com/drivers/helloworld', 'url = https://example.com/drivers hello')"
case_ "url" "$D:$(line_of '^url'): url: 'https://example.com/drivers hello' must be one word"

# One error per mistake, with the name meant.
fresh "s = s.replace('[driver]', '[drivers]')"
case_ "section" "$D:$(line_of '^\[drivers\]'): unknown section [drivers]: did you mean [driver]?"
assert_eq "$(grep -c error "$TMP/err")" 1 "errors for a misspelt section"
fresh "s = s.replace('version = 1.0', 'Version = 1.0')"
case_ "key" "$D:$(line_of 'Version'): Version: unknown key in [driver]: did you mean 'version'?"
assert_eq "$(grep -c error "$TMP/err")" 1 "errors for a misspelt key"
fresh ""
sed 's/^\[flavour amd64\]/[flavor amd64]/' "$TMP/target.ini" >"$TMP/typo.ini"
TARGET=$TMP/typo.ini case_ "flavor" "$TMP/typo.ini:4: unknown section [flavor amd64]: did you mean [flavour amd64]?"

echo "$n bad inputs refused before compiling, by spec and build alike"
