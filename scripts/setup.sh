#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Install what kmodpack needs on Debian 12 (as root), then configure and
# build it in ./build. Safe to run again: it installs only what is missing.
set -euo pipefail
cd "$(dirname "$0")/.."

# Build tools, the libraries kmodpack links, two real kernel flavours to
# build against (Debian's amd64 and cloud-amd64 headers), rpm to inspect
# packages, kmod's modinfo/depmod, pci.ids and usb.ids (hcl's device names),
# the compressors tests use, and
# qemu plus a static busybox for verify's load check; libisofs for the pack's ISO,
# the ISO, archive and XML tools the pack tests read it back with, and
# isolinux for the bootable installer ISO the remaster test makes;
# createrepo_c and GPGME for XenServer 8 / XCP-ng update ISOs and driver
# disks, gpg/gpgv and rpmlint to sign and check packages, dnf to read the
# repositories back, distcc for the compile-farm test, and man-db plus
# bash-completion so the installed man page and completion can be tried.
# openssl: the tests check module signatures with `openssl cms -verify`
# and make test keys (libssl-dev does not bring the command).
# linux-kbuild-6.1 for the kernel's own scripts/sign-file, which the module
# signing tests compare kmodpack's signatures with byte for byte.
packages=(
	gcc make cmake pkg-config
	libkmod-dev librpm-dev libelf-dev libxml2-dev libcmocka-dev libinih-dev
	libarchive-dev libjson-c-dev libssl-dev libisofs-dev
	linux-headers-amd64 linux-headers-cloud-amd64
	rpm rpm2cpio cpio kmod pci.ids usb.ids xz-utils bzip2 zstd gzip procps python3
	xorriso genisoimage libarchive-tools libxml2-utils isolinux syslinux-common
	qemu-system-x86 busybox-static
	clang libclang-rt-14-dev
	libcreaterepo-c-dev libgpgme-dev gnupg gpgv rpmlint dnf distcc
	openssl linux-kbuild-6.1
	man-db bash-completion
)
missing=()
for p in "${packages[@]}"; do
	dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null | grep -q '^install ok installed$' ||
		missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
	if [ "$(id -u)" -ne 0 ]; then
		echo "setup: missing Debian packages: ${missing[*]}" >&2
		echo "setup: run this script as root (or: sudo apt-get install ${missing[*]})" >&2
		exit 3
	fi
	echo "setup: installing ${missing[*]}" >&2
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -qq
	apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# A second kernel ABI beside the newest (as a host mid-upgrade has them), so
# tests/cli/test-build-all-kernels.sh builds for two: the archive's ABI just
# before the newest installed one, when the archive still has it.
newest=$(ls -d /usr/src/linux-headers-*[0-9]-amd64 2>/dev/null | sort -V | tail -1)
if [ -n "$newest" ] && [ "$(ls -d /usr/src/linux-headers-*[0-9]-amd64 | wc -l)" -lt 2 ] &&
	[ "$(id -u)" -eq 0 ]; then
	prev=$(apt-cache search --names-only '^linux-headers-[0-9.]+-[0-9]+-amd64$' | cut -d' ' -f1 |
		sort -V | grep -B1 -x "${newest##*/}" | head -1)
	if [ -n "$prev" ] && [ "$prev" != "${newest##*/}" ]; then
		echo "setup: installing $prev (a second kernel ABI for the tests)" >&2
		DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$prev" >/dev/null
	fi
fi

build=${KMODPACK_BUILD_DIR:-build}
mkdir -p "$build"
# cmake's output is kept in a log; when it fails, its end is shown with the log's path.
log=$build/setup.log
if ! { cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo ${KMODPACK_CMAKE_ARGS:-} &&
	cmake --build "$build" -j"$(nproc)"; } >"$log" 2>&1; then
	tail -n 40 "$log" >&2
	echo "setup: building kmodpack failed; the whole output is in $log" >&2
	exit 1
fi
echo "setup: built $build/kmodpack (cmake's output: $log)" >&2
