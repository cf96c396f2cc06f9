#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# A source archive cannot write outside kmodpack's own unpack dir, however
# it is crafted (docs/building.md, "What a source archive may hold"). Each
# hostile archive is built with Python's tarfile (or GNU tar for sparse
# files) exactly as a hostile supplier could send it; the build must fail
# with the documented message (or, for device nodes, skip them), a victim
# file outside the output dir must keep its bytes and its link count of 1,
# nothing may appear outside, and the output dir must be as it was.
source "$(dirname "$0")/lib.sh"
debian_target "$TMP/target.ini"
OUT=$TMP/outdir
VICTIM=$TMP/victim.txt
printf 'precious\n' >"$VICTIM"
mkdir "$TMP/victimdir"

# mkarchive OUT.tar SPEC...: a pax tar holding the example's sources under
# hello-1.0/ and then the entries SPEC names (type:name[:target[:data]]).
mkarchive() {
	python3 - "$EXAMPLE/src" "$@" <<'PY'
import io, os, sys, tarfile
src, out, specs = sys.argv[1], sys.argv[2], sys.argv[3:]
t = tarfile.open(out, "w", format=tarfile.PAX_FORMAT)
for f in sorted(os.listdir(src)):
    t.add(os.path.join(src, f), "hello-1.0/" + f)
for spec in specs:
    kind, name, *rest = spec.split(":", 3)
    target = rest[0] if rest else ""
    data = (rest[1] if len(rest) > 1 else "").encode()
    ti = tarfile.TarInfo(name)
    ti.mode = 0o644
    if kind == "file":
        ti.size = len(target.encode())
        t.addfile(ti, io.BytesIO(target.encode()))
    elif kind == "dir":
        ti.type, ti.mode = tarfile.DIRTYPE, 0o755
        t.addfile(ti)
    elif kind == "hardlink":  # with data, as pax allows
        ti.type, ti.linkname, ti.size = tarfile.LNKTYPE, target, len(data)
        t.addfile(ti, io.BytesIO(data))
    elif kind == "symlink":
        ti.type, ti.linkname = tarfile.SYMTYPE, target
        t.addfile(ti)
    elif kind == "chardev":
        ti.type, ti.devmajor, ti.devminor = tarfile.CHRTYPE, 1, 3
        t.addfile(ti)
    elif kind == "fifo":
        ti.type = tarfile.FIFOTYPE
        t.addfile(ti)
t.close()
PY
}

# driver ARCHIVE: a driver dir whose source is that archive.
driver() {
	rm -rf "$TMP/drv"
	mkdir -p "$TMP/drv"
	cp "$1" "$TMP/drv/hello-1.0.tar"
	sed 's/^source = src$/source = hello-1.0.tar/; /^\[data\]/,$d' "$EXAMPLE/kmodpack.ini" \
		>"$TMP/drv/kmodpack.ini"
}

victim_intact() {
	[ "$(cat "$VICTIM")" = precious ] || fail "$1: the victim file was overwritten"
	[ "$(stat -c %h "$VICTIM")" = 1 ] || fail "$1: the victim file got a second link"
	[ -z "$(ls -A "$TMP/victimdir")" ] || fail "$1: a file appeared in victimdir"
	[ ! -e /etc/kmodpack-confinement-test ] || {
		rm -f /etc/kmodpack-confinement-test
		fail "$1: a file was written into /etc"
	}
}

# refused NAME MESSAGE SPEC...: the build fails with exit 2 and MESSAGE.
refused() {
	local what=$1 msg=$2
	shift 2
	mkarchive "$TMP/a.tar" "$@"
	driver "$TMP/a.tar"
	run 2 "$KMODPACK" build -q -t "$TMP/target.ini" -o "$OUT" "$TMP/drv"
	assert_contains "$TMP/err" "source archive '$TMP/drv/hello-1.0.tar'"
	assert_contains "$TMP/err" "$msg"
	victim_intact "$what"
	[ ! -e "$OUT/.kmodpack/src" ] || fail "$what: a refused archive left $OUT/.kmodpack/src"
	snapshot "$OUT" >"$TMP/after"
	diff "$TMP/before" "$TMP/after" || fail "$what: a refused archive changed the output dir"
}

# A good build first, so "as it was" means something. A hard link to a
# file of the archive and a symlink inside it are fine.
mkarchive "$TMP/good.tar" hardlink:hello-1.0/copy.c:hello-1.0/helloworld.c \
	symlink:hello-1.0/Kbuild:Makefile symlink:hello-1.0/sub/up:../helloworld.c \
	chardev:hello-1.0/null fifo:hello-1.0/pipe
driver "$TMP/good.tar"
run 0 "$KMODPACK" build -q -t "$TMP/target.ini" -o "$OUT" "$TMP/drv"
assert_contains "$TMP/err" "skipping special file 'hello-1.0/null' (device, FIFO or socket)"
assert_contains "$TMP/err" "skipping special file 'hello-1.0/pipe'"
[ -f "$OUT/.kmodpack/src/hello-1.0/copy.c" ] || fail "the in-archive hard link was not unpacked"
[ -L "$OUT/.kmodpack/src/hello-1.0/Kbuild" ] || fail "the in-archive symlink was not unpacked"
[ ! -e "$OUT/.kmodpack/src/hello-1.0/null" ] || fail "a device node was created"
ls "$OUT"/RPMS/x86_64/helloworld-modules-amd64-*.rpm >/dev/null
snapshot "$OUT" >"$TMP/before"

refused "absolute hard link with data" \
	"is a hard link to '$VICTIM', outside the archive" \
	"hardlink:hello-1.0/hl:$VICTIM:pwned"
refused "'..' hard link" "is a hard link to 'hello-1.0/../../victim.txt', outside the archive" \
	"hardlink:hello-1.0/hl:hello-1.0/../../victim.txt:pwned"
refused "hard link to a later file" "which is not a regular file unpacked earlier" \
	"hardlink:hello-1.0/hl:hello-1.0/later.c:pwned" "file:hello-1.0/later.c:x"
refused "hard link to a directory" "which is not a regular file unpacked earlier" \
	"hardlink:hello-1.0/hl:hello-1.0/sub" "dir:hello-1.0/sub"
refused "symlink to /etc, file through it" "is a symlink to the absolute path '/etc'" \
	"symlink:hello-1.0/etc:/etc" "file:hello-1.0/etc/kmodpack-confinement-test:pwned"
refused "relative symlink out, file through it" \
	"is a symlink to '../../victimdir', which resolves outside the archive" \
	"symlink:hello-1.0/v:../../victimdir" "file:hello-1.0/v/pwned:pwned"
refused "symlink chain out of the tree" \
	"entry 'hello-1.0/a/m' is a symlink to 'l/../../..', which resolves outside the archive" \
	"symlink:hello-1.0/a/l:.." "symlink:hello-1.0/a/m:l/../../.." "file:hello-1.0/a/m/x:pwned"
refused "a later entry makes a symlink escape" \
	"is a symlink to '../d/..', which resolves outside the archive once the whole archive is unpacked" \
	"symlink:hello-1.0/a/l:../d/.." "symlink:hello-1.0/d:.."
refused "file written through an in-tree symlink" "would be written through the symlink 'hello-1.0/s'" \
	"dir:hello-1.0/real" "symlink:hello-1.0/s:real" "file:hello-1.0/s/x:pwned"
refused "absolute member name" "entry '$TMP/victimdir/abs' points outside the archive" \
	"file:$TMP/victimdir/abs:pwned"
refused "'..' member name" "entry 'hello-1.0/../../victimdir/x' points outside the archive" \
	"file:hello-1.0/../../victimdir/x:pwned"

# A 1 GB sparse member (GNU tar's sparse format, as tar -S writes it).
mkdir -p "$TMP/sparse/hello-1.0"
cp "$EXAMPLE"/src/* "$TMP/sparse/hello-1.0/"
truncate -s 1G "$TMP/sparse/hello-1.0/big.bin"
tar -C "$TMP/sparse" -S -cf "$TMP/sparse.tar" hello-1.0
driver "$TMP/sparse.tar"
run 2 "$KMODPACK" build -q -t "$TMP/target.ini" -o "$OUT" "$TMP/drv"
assert_contains "$TMP/err" "entry 'hello-1.0/big.bin' is a sparse file"
rm -rf "$TMP/sparse" "$TMP/sparse.tar"
[ ! -e "$OUT/.kmodpack/src" ] || fail "a refused sparse archive left $OUT/.kmodpack/src"

# A plain (not sparse) member that declares more than 64 MiB: refused
# from its header, before any byte is written.
python3 - "$TMP/big.tar" <<'PY'
import sys, tarfile
t = tarfile.open(sys.argv[1], "w", format=tarfile.PAX_FORMAT)
ti = tarfile.TarInfo("hello-1.0/huge.bin"); ti.size = 65 << 20
t.addfile(ti)  # header only: the declared size is what is checked first
t.fileobj.write(b"\0" * 1024)
t.close()
PY
driver "$TMP/big.tar"
run 2 "$KMODPACK" build -q -t "$TMP/target.ini" -o "$OUT" "$TMP/drv"
assert_contains "$TMP/err" "entry 'hello-1.0/huge.bin' declares 68157440 bytes, more than the 64 MiB a file may have"

# 100,000 entries (compressed, the archive is small): refused as a bomb.
python3 - "$TMP/many.tar.gz" <<'PY'
import io, sys, tarfile
t = tarfile.open(sys.argv[1], "w:gz", format=tarfile.PAX_FORMAT, compresslevel=1)
for i in range(100000):
    t.addfile(tarfile.TarInfo("hello-1.0/f/%06d" % i), io.BytesIO(b""))
t.close()
PY
rm -rf "$TMP/drv" && mkdir -p "$TMP/drv" && cp "$TMP/many.tar.gz" "$TMP/drv/hello-1.0.tar"
sed 's/^source = src$/source = hello-1.0.tar/; /^\[data\]/,$d' "$EXAMPLE/kmodpack.ini" >"$TMP/drv/kmodpack.ini"
run 2 "$KMODPACK" build -q -t "$TMP/target.ini" -o "$OUT" "$TMP/drv"
assert_contains "$TMP/err" "has more than 20000 entries: refused as an archive bomb"
[ ! -e "$OUT/.kmodpack/src" ] || fail "a refused bomb left $OUT/.kmodpack/src"

victim_intact "the whole run"
snapshot "$OUT" >"$TMP/after"
diff "$TMP/before" "$TMP/after" || fail "refused archives changed the output dir"
echo ok
