#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# The data RPM (guide 5.1, 7.2, 7.4, 7.6): its files, modes and flags; a
# scratch-root install of every RPM of a build puts each file where the
# guide says, and erasing them leaves nothing behind; refused inputs leave
# the output dir untouched.
source "$(dirname "$0")/lib.sh"
debian_target "$TMP/target.ini"
OUT=$TMP/out-dir
cp -r "$EXAMPLE" "$TMP/drv"
run 0 "$KMODPACK" build -q -t "$TMP/target.ini" -o "$OUT" "$TMP/drv"
data=$OUT/RPMS/noarch/helloworld-data-1.0-1.noarch.rpm
[ -f "$data" ] || fail "no data RPM"
assert_eq "$(rpm -qp --qf '%{NAME}-%{VERSION}-%{RELEASE}.%{ARCH}' "$data")" \
	"helloworld-data-1.0-1.noarch" "data RPM name"
rpm -qp --qf '[%{FILEMODES:octal} %{FILEUSERNAME} %{FILEFLAGS:fflags} %{FILENAMES}\n]' "$data" >"$TMP/files"
cat >"$TMP/want" <<'EOT'
100644 root cn /etc/modprobe.d/helloworld.conf
100644 root cn /etc/udev/rules.d/99-helloworld.rules
40755 root  /etc/xensource/bugtool/helloworld
100644 root c /etc/xensource/bugtool/helloworld.xml
100644 root c /etc/xensource/bugtool/helloworld/stuff.xml
40755 root  /lib/firmware/helloworld
100644 root  /lib/firmware/helloworld/hello.fw
40755 root  /usr/share/doc/helloworld-data-1.0
100644 root d /usr/share/doc/helloworld-data-1.0/README
EOT
diff "$TMP/want" "$TMP/files" || fail "data RPM file list, modes or flags"
assert_eq "$(rpm_cat "$data" /lib/firmware/helloworld/hello.fw | sha256sum)" \
	"$(sha256sum <"$EXAMPLE/data/firmware/helloworld/hello.fw")" "firmware content"

# Install everything into a scratch root with the real rpm, then erase it.
root=$TMP/root
mkdir -p "$root"
rpm --root "$root" --dbpath /var/lib/rpm --initdb
rpm --root "$root" --dbpath /var/lib/rpm -i --nodeps --noscripts \
	"$OUT"/RPMS/x86_64/*.rpm "$data" 2>"$TMP/rpm-err" || { cat "$TMP/rpm-err"; fail "install"; }
for f in "/lib/modules/$AMD64_REL/extra/helloworld.ko" "/lib/modules/$CLOUD_REL/extra/helloworld.ko" \
	/lib/firmware/helloworld/hello.fw /etc/udev/rules.d/99-helloworld.rules \
	/etc/modprobe.d/helloworld.conf /etc/xensource/bugtool/helloworld.xml \
	/etc/xensource/bugtool/helloworld/stuff.xml /usr/share/doc/helloworld-data-1.0/README; do
	[ -f "$root$f" ] || fail "scratch install: $f missing"
done
rpm --root "$root" --dbpath /var/lib/rpm -e --nodeps --noscripts \
	$(rpm --root "$root" --dbpath /var/lib/rpm -qa) 2>"$TMP/rpm-err" || { cat "$TMP/rpm-err"; fail "erase"; }
left=$(cd "$root" && find . -mindepth 1 -path ./var -prune -o -type f -print)
[ -z "$left" ] || fail "files left behind after rpm -e: $left"
left=$(cd "$root" && find lib/firmware/helloworld etc/xensource/bugtool/helloworld \
	"lib/modules/$AMD64_REL/extra" usr/share/doc/helloworld-data-1.0 2>/dev/null || true)
[ -z "$left" ] || fail "owned directories left behind after rpm -e: $left"

# Refused inputs: the message names the problem, the output dir stays as it was.
snapshot "$OUT" >"$TMP/before"
cp -r "$TMP/drv" "$TMP/nofw"
rm "$TMP/nofw/data/firmware/helloworld/hello.fw"
echo "x" >"$TMP/nofw/data/firmware/helloworld/other.fw"
run 1 "$KMODPACK" build -q -t "$TMP/target.ini" -o "$OUT" "$TMP/nofw"
assert_contains "$TMP/err" "firmware 'helloworld/hello.fw' wanted by module 'helloworld' is not shipped"

cp -r "$TMP/drv" "$TMP/escape"
sed -i 's|^udev = .*|udev = ../../etc/passwd|' "$TMP/escape/kmodpack.ini"
run 2 "$KMODPACK" build -q -t "$TMP/target.ini" -o "$OUT" "$TMP/escape"
assert_contains "$TMP/err" "kmodpack.ini:"
assert_contains "$TMP/err" "data.udev"

cp -r "$TMP/drv" "$TMP/badxml"
sed -i 's/pii="[a-z_]*"/pii="sometimes"/' "$TMP/badxml/data/bugtool/helloworld.xml"
run 2 "$KMODPACK" build -q -t "$TMP/target.ini" -o "$OUT" "$TMP/badxml"
assert_contains "$TMP/err" "helloworld.xml:"
assert_contains "$TMP/err" "pii"
snapshot "$OUT" >"$TMP/after"
diff "$TMP/before" "$TMP/after" || fail "a refused build changed the output dir"
echo ok
