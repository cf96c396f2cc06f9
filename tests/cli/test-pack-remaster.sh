#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# kmodpack pack remaster (guide 6.7): a small bootable "installer" ISO made
# here from Debian's isolinux (El Torito, no emulation, boot info table,
# as XenServer's installer ISO is) gets a pack, an answerfile and an
# include. The result keeps the input's volume id and boot image, boots
# under qemu to the same isolinux reading its config from the new ISO,
# appends the pack to XS-REPOSITORY-LIST after the installer's own
# repositories, and is byte-reproducible. A malformed answerfile and a
# 33-character label are refused.
source "$(dirname "$0")/lib.sh"
debian_target "$TMP/target.ini"
command -v xorriso >/dev/null || skip "xorriso is not installed (run scripts/setup.sh)"
[ -f /usr/lib/ISOLINUX/isolinux.bin ] && [ -f /usr/lib/syslinux/modules/bios/ldlinux.c32 ] ||
	skip "isolinux is not installed (run scripts/setup.sh)"
command -v qemu-system-x86_64 >/dev/null || skip "qemu-system-x86 is not installed"

# The installer: isolinux with a config whose default entry names a marker
# file, so the serial console shows that this very config was read.
R=$TMP/inst
mkdir -p "$R/boot/isolinux" "$R/packages.main"
cp /usr/lib/ISOLINUX/isolinux.bin /usr/lib/syslinux/modules/bios/ldlinux.c32 "$R/boot/isolinux/"
cat >"$R/boot/isolinux/isolinux.cfg" <<'EOT'
SERIAL 0 115200
PROMPT 0
TIMEOUT 1
DEFAULT marker
LABEL marker
  KERNEL /boot/kmodpack-remaster-marker
EOT
printf 'packages.main\n' >"$R/XS-REPOSITORY-LIST"
echo 'the product itself' >"$R/packages.main/README"
xorriso -as mkisofs -quiet -R -J -V XS-INSTALLER -b boot/isolinux/isolinux.bin \
	-c boot/isolinux/boot.cat -no-emul-boot -boot-load-size 4 -boot-info-table \
	-o "$TMP/installer.iso" "$R" 2>/dev/null

# boots ISO: isolinux starts from it and reads its isolinux.cfg.
boots() {
	timeout 60 qemu-system-x86_64 -display none -no-reboot -m 128 -cdrom "$1" -boot d \
		-serial "file:$TMP/serial.log" -monitor none >/dev/null 2>&1 &
	local pid=$! i
	for i in $(seq 60); do
		grep -aq "kmodpack-remaster-marker" "$TMP/serial.log" 2>/dev/null && break
		sleep 1
	done
	kill "$pid" 2>/dev/null || :
	wait "$pid" 2>/dev/null || :
	grep -aq "ISOLINUX" "$TMP/serial.log" && grep -aq "Loading /boot/kmodpack-remaster-marker" "$TMP/serial.log"
}
boots "$TMP/installer.iso" || fail "the test installer ISO itself does not boot: $(strings "$TMP/serial.log" | tail -5)"

B=$TMP/build
run 0 "$KMODPACK" build -q -t "$TMP/target.ini" -o "$B" "$EXAMPLE"
run 0 "$KMODPACK" pack -q -o "$TMP/pk" -m "$EXAMPLE" --label hello --text "Hello drivers" \
	--version 1.0 "$B"/RPMS/*/*.rpm
cat >"$TMP/answer.xml" <<'EOT'
<?xml version="1.0"?>
<installation mode="fresh" srtype="lvm">
  <primary-disk>sda</primary-disk>
  <keymap>us</keymap>
  <script stage="filesystem-populated" type="url">file:///scripts/post.sh</script>
</installation>
EOT
mkdir -p "$TMP/scripts" && printf '#!/bin/sh\necho done\n' >"$TMP/scripts/post.sh"
chmod +x "$TMP/scripts/post.sh"
OUT=$TMP/remastered.iso
run 0 "$KMODPACK" pack remaster --answerfile "$TMP/answer.xml" --include "$TMP/scripts" \
	"$TMP/installer.iso" "$OUT" "$TMP/pk/hello.iso"

xorriso -indev "$OUT" -report_el_torito plain 2>/dev/null >"$TMP/eltorito"
assert_contains "$TMP/eltorito" "/boot/isolinux/isolinux.bin"
assert_contains "$TMP/eltorito" "boot-info-table"
assert_eq "$(isoinfo -d -i "$OUT" | sed -n 's/^Volume id: //p')" "XS-INSTALLER" "volume id kept"
xorriso -osirrox on -indev "$OUT" -extract / "$TMP/x" 2>/dev/null
assert_eq "$(cat "$TMP/x/XS-REPOSITORY-LIST")" "$(printf 'packages.main\npackages.hello')" \
	"XS-REPOSITORY-LIST"
cmp "$TMP/answer.xml" "$TMP/x/answerfile.xml" || fail "the answerfile is not on the ISO as given"
[ -x "$TMP/x/scripts/post.sh" ] || fail "the include is missing or not executable"
[ -f "$TMP/x/packages.main/README" ] || fail "the installer's own files were lost"
for f in XS-REPOSITORY XS-PACKAGES install.sh; do
	[ -f "$TMP/x/packages.hello/$f" ] || fail "packages.hello/$f is missing"
done
boots "$OUT" || fail "the remastered ISO does not boot to isolinux: $(strings "$TMP/serial.log" | tail -5)"

# Reproducible.
run 0 "$KMODPACK" pack remaster --answerfile "$TMP/answer.xml" --include "$TMP/scripts" \
	"$TMP/installer.iso" "$TMP/again.iso" "$TMP/pk/hello.iso"
cmp "$OUT" "$TMP/again.iso" || fail "the same inputs gave another ISO"

# --label sets the volume id; too long or a broken answerfile are refused.
run 0 "$KMODPACK" pack remaster --label "Installer with hello" "$TMP/installer.iso" \
	"$TMP/l.iso" "$TMP/pk/hello.iso"
assert_eq "$(isoinfo -d -i "$TMP/l.iso" | sed -n 's/^Volume id: //p')" "Installer with hello" "--label"
run 2 "$KMODPACK" pack remaster --label "$(printf 'x%.0s' $(seq 33))" "$TMP/installer.iso" \
	"$TMP/bad.iso" "$TMP/pk/hello.iso"
assert_contains "$TMP/err" "--label"
printf '<installation><primary-disk>sda</installation>\n' >"$TMP/broken.xml"
run 2 "$KMODPACK" pack remaster --answerfile "$TMP/broken.xml" "$TMP/installer.iso" \
	"$TMP/bad.iso" "$TMP/pk/hello.iso"
assert_contains "$TMP/err" "broken.xml:1: malformed XML"
assert_contains "$TMP/err" "is not well-formed XML"
[ ! -e "$TMP/bad.iso" ] || fail "a refused remaster wrote its output"
echo ok
