#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# Fetch a real Debian kernel image package into a cache dir and index its
# modules with depmod, so the opt-in hcl test can check verdicts against a
# real distribution modules.alias (the machine running tests rarely has the
# target kernel installed). Prints the modules dir (…/lib/modules/<release>).
#
#   scripts/fetch-linux-image.sh [RELEASE]
#     default: the release of the newest linux-headers-*-amd64 installed
#     (what scripts/setup.sh installed from this machine's apt sources, the
#     same kernel verify's images are fetched for), else the release apt
#     offers for linux-image-amd64
#   KMODPACK_CACHE=dir                         (default ~/.cache/kmodpack)
#
# Exit 0 with the path on stdout; 3 when apt-get, dpkg-deb or depmod is
# missing or the package cannot be downloaded (the environment, not us).
set -euo pipefail

default_release() {
	local h f rel best=
	for h in /usr/src/linux-headers-*-amd64; do
		f=$h/include/generated/utsrelease.h
		[ -f "$f" ] || continue
		rel=$(sed -n 's/.*UTS_RELEASE "\(.*\)"/\1/p' "$f")
		case $rel in *-cloud-amd64 | *-rt-amd64 | "") continue ;; esac
		best=$(printf '%s\n%s\n' "$best" "$rel" | sed '/^$/d' | sort -V | tail -1)
	done
	if [ -z "$best" ] && command -v apt-cache >/dev/null; then
		best=$(apt-cache depends linux-image-amd64 2>/dev/null |
			sed -n 's/^ *Depends: linux-image-\([0-9].*-amd64\)$/\1/p' | sort -V | tail -1)
	fi
	[ -n "$best" ] || {
		echo "fetch-linux-image: no linux-headers-*-amd64 installed and apt offers no" \
			"linux-image-amd64: give a RELEASE" >&2
		exit 3
	}
	echo "$best"
}
release=${1:-}
[ -n "$release" ] || release=$(default_release)
pkg=linux-image-$release
cache=${KMODPACK_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/kmodpack}
root=$cache/$pkg
moddir=$root/lib/modules/$release

for tool in apt-get dpkg-deb depmod; do
	if ! command -v "$tool" >/dev/null && ! [ -x "/usr/sbin/$tool" ] && ! [ -x "/sbin/$tool" ]; then
		echo "fetch-linux-image: '$tool' not found (install apt, dpkg and kmod)" >&2
		exit 3
	fi
done
PATH=$PATH:/usr/sbin:/sbin

# A finished cache is marked only after depmod succeeded, so an interrupted
# run is redone rather than trusted.
if [ -f "$root/.done" ] && [ -s "$moddir/modules.alias" ]; then
	echo "$moddir"
	exit 0
fi

mkdir -p "$cache"
dl=$(mktemp -d "$cache/.dl.XXXXXX")
trap 'rm -rf "$dl"' EXIT

download() { (cd "$dl" && apt-get download "$pkg") >&2; }
if ! download; then
	# A stale or missing package list is the usual reason; refresh once.
	echo "fetch-linux-image: 'apt-get download $pkg' failed; running apt-get update" >&2
	if ! apt-get update >&2 || ! download; then
		echo "fetch-linux-image: cannot download '$pkg' (check network and apt sources)" >&2
		exit 3
	fi
fi

rm -rf "$root"
mkdir -p "$root"
dpkg-deb -x "$dl"/"$pkg"_*.deb "$root"
if ! [ -d "$moddir" ]; then
	echo "fetch-linux-image: '$pkg' has no lib/modules/$release" >&2
	exit 3
fi
depmod -b "$root" "$release"
touch "$root/.done"
echo "$moddir"
