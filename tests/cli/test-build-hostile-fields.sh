#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Hostile text in every field of kmodpack.ini, and a malformed
# SOURCE_DATE_EPOCH (issue 14, item 5). rpm macros (%{...}, %{lua:...}),
# rpm shell (%(...)), shell ($(...), `...`), text that starts a spec
# section, continuation lines that would add a tag, NUL, non-UTF-8 and
# 10 MB values. A field that cannot hold such text refuses it with
# file:line and the field named, exit 2, before the output dir is even
# created (nothing published, nothing left behind); a field that can hold
# it (summary, license, packager, vendor name, description) keeps it as
# literal text that rpm reads back and never runs. Refusals stop before
# the compile, so this test is quick; test-build-hostile.sh builds
# packages from such text.
source "$(dirname "$0")/lib.sh"
debian_target "$TMP/target.ini"
M=$TMP/pwned
OUT=$TMP/outdir

# with KEY_SECTION KEY VALUE: a copy of the example driver in $TMP/drv whose
# SECTION KEY is VALUE (Python bytes escapes: \n, \x00, \xff; MARK stands for
# $M; @FILE: the bytes of FILE); the key is added to its section when the
# example lacks it.
with() {
	rm -rf "$TMP/drv"
	cp -r "$EXAMPLE" "$TMP/drv"
	python3 - "$TMP/drv/kmodpack.ini" "$1" "$2" "$3" "$M" <<'PY'
import codecs, re, sys
path, sec, key, val, mark = sys.argv[1:]
if val.startswith("@"):  # too long for a command line: the bytes of a file
    val = open(val[1:], "rb").read()
else:
    val = codecs.escape_decode(val.encode())[0].replace(b"MARK", mark.encode())
out, cur, done, skip = [], None, False, False
for line in open(path, "rb").read().split(b"\n"):
    if skip and line[:1] in (b" ", b"\t"):
        continue  # the old value's continuation lines
    skip = False
    m = re.match(rb"^\[(\w+)\]", line)
    if m:
        if cur == sec.encode() and not done:
            out.append(key.encode() + b" = " + val)
            done = True
        cur = m.group(1)
    elif cur == sec.encode() and not done and re.match(rb"^" + key.encode() + rb"\s*=", line):
        out.append(key.encode() + b" = " + val)
        done = skip = True
        continue
    out.append(line)
assert done or cur == sec.encode(), (sec, key)
if not done:
    out.append(key.encode() + b" = " + val)
open(path, "wb").write(b"\n".join(out))
PY
}

nothing_done() { # WHAT
	[ ! -e "$OUT" ] || fail "$1: a refused build created the output dir: $(find "$OUT" | head)"
	[ -z "$(ls "$TMP" | grep pwned || true)" ] || fail "$1: user text ran ($(ls "$TMP" | grep pwned))"
}

# refused SECTION KEY VALUE MESSAGE: build exits 2, names the manifest line and MESSAGE.
refused() {
	with "$1" "$2" "$3"
	run 2 "$KMODPACK" build -q -t "$TMP/target.ini" -o "$OUT" "$TMP/drv"
	assert_contains "$TMP/err" "$TMP/drv/kmodpack.ini:"
	assert_contains "$TMP/err" "$4"
	nothing_done "[$1] $2 = $3"
}

LUA='%{lua:os.execute("touch MARK.lua")}'
RPMSH='%(touch MARK.rpmsh)'
SH='$(touch MARK.sh) `touch MARK.tick`'
MAC='%{expand:%%(touch MARK.expand)} %define x 1 %{?_topdir}'

refused driver name "$LUA" "name: '%{lua:"
refused driver name "a\n  b" "name: 'a"
refused driver version "$RPMSH" "is not usable as an RPM version"
refused driver version "1.0\n  %files" "version: '1.0"
refused driver release "$SH" "is not usable as an RPM release"
refused driver summary "one\n  Requires: evil" "summary: must be one line"
refused driver license "GPL\n  %files" "license: must be one line"
refused driver url "$LUA" "url: '%{lua:"
refused driver packager "$RPMSH" "packager: must not start with '%'"
refused driver packager "$MAC" "packager: must not start with '%'"
refused driver requires "$LUA" "requires: '%{lua:"
refused driver provides "%files" "provides: '%files' is not an rpm dependency"
refused driver conflicts "$SH" "is not an rpm dependency"
refused driver obsoletes "x\n  Requires: evil" "is not an rpm dependency"
refused driver modules "$RPMSH" "is not a module name"
refused driver make_args "$SH" "must be NAME=VALUE"
refused driver make_args "X=\$(shell touch MARK.make)" "make_args:"
refused driver subdir "../../etc" "subdir: '../../etc' must be a relative path inside the source"
refused driver kernel_config "$LUA" "is not a kernel option"
refused driver kernel_arch "$SH" "is not an architecture"
refused driver description "Fine\n  %files\n  /etc/shadow" "description: this line starts with '%'"
refused driver description "$LUA" "description: this line starts with '%'"
refused driver changelog "$LUA" "changelog: must start with an rpm changelog heading"
refused driver changelog "* Wed Nov 25 2026 A <a@b> - 1.0-1\n  %post\n  touch MARK" "changelog"
refused vendor code "$RPMSH" "code: '%(touch"
refused vendor name "x\n  %files" "name: must be one non-empty line"
refused data firmware "../../../../etc/passwd" "data.firmware:"
refused data firmware "data/firmware -> /etc/cron.d" "is outside /lib/firmware"
refused data firmware_external "../../etc/shadow" "is not a firmware name"
# Bytes an editor does not show, bytes that are not text, a line of 10 MB.
refused driver summary "before\x00after" "NUL byte 0x00"
refused driver summary "tab\x1b[2Jclear" "control byte 0x1b"
refused driver description "caf\xe9 latin-1" "is not UTF-8"
head -c $((10 << 20)) /dev/zero | tr '\0' y >"$TMP/big"
refused driver summary "@$TMP/big" "bytes long: kmodpack reads lines of at most 1048573 bytes"

# Bad names and versions, as people mistype them.
refused driver name "Hello World" "name: 'Hello World' must be"
refused driver name "-hello" "name: '-hello' must be"
refused driver name "$(printf 'x%.0s' $(seq 65))" "must be 1 to 64 characters"
refused driver version "1.0-1" "is not usable as an RPM version"
refused driver version "" "version"
refused driver version "v 2" "is not usable as an RPM version"
refused driver release "1-2" "is not usable as an RPM release"

# A malformed SOURCE_DATE_EPOCH: refused before anything is written.
with driver version 1.0
for sde in abc "" -1 1e9 " 5"; do
	SOURCE_DATE_EPOCH=$sde run 2 "$KMODPACK" build -q -t "$TMP/target.ini" -o "$OUT" "$TMP/drv"
	assert_contains "$TMP/err" "SOURCE_DATE_EPOCH='$sde' is not a number of seconds since 1970"
	nothing_done "SOURCE_DATE_EPOCH='$sde'"
done
SOURCE_DATE_EPOCH=$((1 << 40)) run 2 "$KMODPACK" build -q -t "$TMP/target.ini" -o "$OUT" "$TMP/drv"
assert_contains "$TMP/err" "SOURCE_DATE_EPOCH=1099511627776 is past 4294967295 (February 2106)"
nothing_done "SOURCE_DATE_EPOCH=2^40"

# The fields that hold free text keep hostile text as text. The spec is what
# rpmbuild reads: rpmspec parses it (expanding what rpm expands) and reads
# each field back literally, and nothing ran. (The packager is not in the
# spec: test-build-hostile.sh reads it back from a built package.)
cp -r "$EXAMPLE" "$TMP/free"
python3 - "$TMP/free/kmodpack.ini" "$M" <<'PY'
import re, sys
path, m = sys.argv[1:]
s = open(path).read()
lua = '%{lua:os.execute("touch ' + m + '.lua")}'
sh = "$(touch " + m + ".sh) `touch " + m + ".tick`"
s = re.sub(r"(?m)^summary = .*$", "summary = 100% " + lua, s)
s = re.sub(r"(?m)^license = .*$", "license = GPL %(touch " + m + ".rpmsh) " + sh, s)
s = re.sub(r"(?m)^url = .*$", "url = https://example.com/%{lua:x}\npackager = Build " + sh + " %{?_topdir}", s)
s = re.sub(r"(?m)^name = Example Organisation$", "name = Example %define x 1 " + lua, s)
s = re.sub(r"(?m)^description = (.|\n  )*",
           "description = Uses " + sh + "\n  and %(touch " + m + ".desc) inside a line\n  Requires: evil\n", s, count=1)
open(path, "w").write(s)
PY
run 0 "$KMODPACK" spec -t "$TMP/target.ini" "$TMP/free"
cp "$TMP/out" "$TMP/free.spec"
nothing_done "kmodpack spec with hostile free text"
rpmspec -q --srpm --qf '%{SUMMARY}\n%{LICENSE}\n%{URL}\n%{VENDOR}\n' "$TMP/free.spec" \
	>"$TMP/fields" 2>"$TMP/rpmspec.err" || fail "rpmspec cannot read the spec: $(cat "$TMP/rpmspec.err")"
nothing_done "rpmspec on the spec of hostile free text"
cat >"$TMP/want" <<EOF
100% %{lua:os.execute("touch $M.lua")}
GPL %(touch $M.rpmsh) \$(touch $M.sh) \`touch $M.tick\`
https://example.com/%{lua:x}
Example %define x 1 %{lua:os.execute("touch $M.lua")}
EOF
diff "$TMP/want" "$TMP/fields" || fail "rpm does not read the free text back literally"
rpmspec -q --srpm --qf '%{DESCRIPTION}' "$TMP/free.spec" >"$TMP/desc"
assert_contains "$TMP/desc" "Uses \$(touch $M.sh) \`touch $M.tick\`"
assert_contains "$TMP/desc" "and %(touch $M.desc) inside a line"
assert_contains "$TMP/desc" "Requires: evil"
rpmspec -q --srpm --qf '[%{REQUIRENAME}\n]' "$TMP/free.spec" >"$TMP/req"
assert_not_contains "$TMP/req" "evil"

# A 10 MB description (lines of a sane length) is read and rendered whole.
cp -r "$EXAMPLE" "$TMP/long"
python3 - "$TMP/long/kmodpack.ini" <<'PY'
import re, sys
s = open(sys.argv[1]).read()
body = "\n".join("  line %06d of a very long description, %s" % (i, "x" * 60) for i in range(110000))
s = re.sub(r"(?m)^description = (.|\n  )*", "description = Long\n" + body + "\n  the last line\n", s, count=1)
open(sys.argv[1], "w").write(s)
PY
[ "$(stat -c %s "$TMP/long/kmodpack.ini")" -gt $((10 << 20)) ] || fail "the long manifest is not 10 MB"
run 0 "$KMODPACK" spec -t "$TMP/target.ini" "$TMP/long"
assert_contains "$TMP/out" "line 109999 of a very long description"
assert_contains "$TMP/out" "the last line"
assert_contains "$TMP/out" "Summary: Example hello world kernel module"
echo ok
