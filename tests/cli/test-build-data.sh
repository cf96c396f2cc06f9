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

# Firmware shipped at another path than the module asks for: both paths named.
cp -r "$TMP/drv" "$TMP/wrongpath"
mkdir -p "$TMP/wrongpath/data/fw"
mv "$TMP/wrongpath/data/firmware/helloworld/hello.fw" "$TMP/wrongpath/data/fw/"
sed -i 's|^firmware = .*|firmware = data/fw|' "$TMP/wrongpath/kmodpack.ini"
run 1 "$KMODPACK" build -q -t "$TMP/target.ini" -o "$OUT" "$TMP/wrongpath"
assert_contains "$TMP/err" "firmware 'helloworld/hello.fw' wanted by module 'helloworld' would be installed at '/lib/firmware/hello.fw', but the kernel loads '/lib/firmware/helloworld/hello.fw'"

# A destination outside the key's root is refused before compiling, with its line.
cp -r "$TMP/drv" "$TMP/badroot"
sed -i 's|^udev = .*|udev = data/udev/99-helloworld.rules -> /usr/lib/udev/rules.d/|' "$TMP/badroot/kmodpack.ini"
run 2 "$KMODPACK" build -q -t "$TMP/target.ini" -o "$OUT" "$TMP/badroot"
assert_contains "$TMP/err" "kmodpack.ini:$(grep -n '^udev' "$TMP/badroot/kmodpack.ini" | cut -d: -f1): data.udev: destination '/usr/lib/udev/rules.d/' is outside /etc/udev/rules.d"

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

# Destinations, as a DKMS-style driver needs them: the source dir outside the
# manifest's dir holds debian/helloworld.udev (dh_installudev would install it
# as 60-helloworld.rules), and the firmware goes to the directory the module
# asks for, from a flat directory.
mkdir -p "$TMP/dkmsish"
cp -r "$EXAMPLE/src" "$TMP/dkmsish/helloworld-src"
mkdir -p "$TMP/dkmsish/helloworld-src/debian" "$TMP/dkmsish/pkg/fw"
printf 'ACTION=="add", SUBSYSTEM=="pci", ATTR{vendor}=="0x1b36", RUN+="/bin/true"\n' \
	>"$TMP/dkmsish/helloworld-src/debian/helloworld.udev"
cp "$EXAMPLE/data/firmware/helloworld/hello.fw" "$TMP/dkmsish/pkg/fw/"
sed -e 's|^source = .*|source = ../helloworld-src|' -e '/^\[data\]/,$d' "$EXAMPLE/kmodpack.ini" >"$TMP/dkmsish/pkg/kmodpack.ini"
cat >>"$TMP/dkmsish/pkg/kmodpack.ini" <<'EOT'
[data]
firmware = fw/hello.fw -> /lib/firmware/helloworld/
udev = ../helloworld-src/debian/helloworld.udev -> 60-helloworld.rules
doc = "../helloworld-src/debian/helloworld.udev" -> /usr/share/doc/helloworld/udev-example
EOT
OUT2=$TMP/out-dkmsish
run 0 "$KMODPACK" build -q -t "$TMP/target.ini" -o "$OUT2" "$TMP/dkmsish/pkg"
rpm -qp --qf '[%{FILEMODES:octal} %{FILEFLAGS:fflags} %{FILENAMES}\n]' \
	"$OUT2/RPMS/noarch/helloworld-data-1.0-1.noarch.rpm" >"$TMP/files2"
cat >"$TMP/want2" <<'EOT'
100644 cn /etc/udev/rules.d/60-helloworld.rules
40755  /lib/firmware/helloworld
100644  /lib/firmware/helloworld/hello.fw
40755  /usr/share/doc/helloworld
100644 d /usr/share/doc/helloworld/udev-example
EOT
diff "$TMP/want2" "$TMP/files2" || fail "destinations in the data RPM"
assert_eq "$(rpm_cat "$OUT2/RPMS/noarch/helloworld-data-1.0-1.noarch.rpm" /etc/udev/rules.d/60-helloworld.rules)" \
	"$(cat "$TMP/dkmsish/helloworld-src/debian/helloworld.udev")" "renamed udev rule content"
echo ok
