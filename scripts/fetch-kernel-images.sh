#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# Fetch the bootable kernel image of each Debian flavour that kmodpack
# builds for, so `kmodpack verify` can boot it under qemu, together with the
# kernel's own modules (lib/modules/RELEASE, indexed with depmod -b) so that
# verify can load the in-kernel modules a driver depends on (usbcore,
# cfg80211, ...). Unpacked with dpkg-deb --fsys-tarfile | tar, never dpkg -i:
# nothing is installed on this machine.
#
#   scripts/fetch-kernel-images.sh [RELEASE...]
#       default: the release of every linux-headers-*-amd64 tree installed
#       (scripts/setup.sh installs amd64 and cloud-amd64)
#   KMODPACK_CACHE=dir    (default ~/.cache/kmodpack)
#
# Prints one line per release: "RELEASE PATH-TO-VMLINUZ"; the modules are in
# images/RELEASE/lib/modules/RELEASE beside it, where verify looks for them.
# Exit 0; 3 when apt-get, dpkg-deb, tar or depmod is missing, or a package
# cannot be downloaded (the environment, not us).
set -euo pipefail

cache=${KMODPACK_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/kmodpack}

PATH=$PATH:/usr/sbin:/sbin
for tool in apt-get dpkg-deb tar depmod; do
	if ! command -v "$tool" >/dev/null; then
		echo "fetch-kernel-images: '$tool' not found (install apt, dpkg, tar and kmod)" >&2
		exit 3
	fi
done

releases=("$@")
if [ ${#releases[@]} -eq 0 ]; then
	for h in /usr/src/linux-headers-*; do
		# A flavour's tree has Module.symvers; the shared -common dir has none.
		# utsrelease.h is uname -r (Debian's kernel.release is the upstream version).
		f=$h/include/generated/utsrelease.h
		[ -f "$h/Module.symvers" ] && [ -f "$f" ] &&
			releases+=("$(sed -n 's/.*UTS_RELEASE "\(.*\)"/\1/p' "$f")")
	done
	if [ ${#releases[@]} -eq 0 ]; then
		echo "fetch-kernel-images: no kernel headers installed and no RELEASE given" \
			"(run scripts/setup.sh first)" >&2
		exit 3
	fi
fi

mkdir -p "$cache/images"
dl=$(mktemp -d "$cache/.dl.XXXXXX")
trap 'rm -rf "$dl"' EXIT

download() { (cd "$dl" && apt-get download "$1") >&2; }
updated=0
for rel in "${releases[@]}"; do
	pkg=linux-image-$rel
	img=$cache/images/$rel/vmlinuz-$rel
	mods=$cache/images/$rel/lib/modules/$rel
	if ! [ -s "$img" ] || ! [ -f "$cache/images/$rel/.modules-done" ]; then
		if ! download "$pkg"; then
			# A stale or missing package list is the usual reason; refresh once.
			if [ $updated = 0 ]; then
				echo "fetch-kernel-images: 'apt-get download $pkg' failed; running apt-get update" >&2
				apt-get update >&2 || true
				updated=1
			fi
			if ! download "$pkg"; then
				echo "fetch-kernel-images: cannot download '$pkg' (check network and apt sources)" >&2
				exit 3
			fi
		fi
		mkdir -p "$dl/x"
		# The image and the modules; the rest of the package (docs) is not needed.
		dpkg-deb --fsys-tarfile "$dl/$pkg"_*.deb |
			tar -x -C "$dl/x" "./boot/vmlinuz-$rel" "./lib/modules/$rel"
		depmod -b "$dl/x" "$rel"
		mkdir -p "$(dirname "$img")"
		# Moved into place, and marked done, last: an interrupted run is redone, not trusted.
		rm -rf "$mods"
		mkdir -p "$(dirname "$mods")"
		mv "$dl/x/lib/modules/$rel" "$mods"
		mv "$dl/x/boot/vmlinuz-$rel" "$img.tmp"
		mv "$img.tmp" "$img"
		touch "$cache/images/$rel/.modules-done"
		rm -rf "$dl/x" "$dl/$pkg"_*.deb
	fi
	echo "$rel $img"
done
