#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Prove the README's two commands on a fresh Debian 12: debootstrap a
# minimal bookworm into a temp dir, put this checkout's committed tree in
# it, and run scripts/test.sh (or the command given) there as root.
# A green CI on a used machine can hide a missing install step; this
# cannot. Needs root, debootstrap and Debian's package mirror.
#
#   scripts/check-fresh-debian.sh                 # runs ./scripts/test.sh
#   scripts/check-fresh-debian.sh ./scripts/demo.sh
set -euo pipefail
cd "$(dirname "$0")/.."
[ "$(id -u)" = 0 ] || { echo "check-fresh-debian: run as root" >&2; exit 3; }
command -v debootstrap >/dev/null || apt-get install -y -qq debootstrap >/dev/null
mirror=${DEBIAN_MIRROR:-http://deb.debian.org/debian}
cmd=${1:-./scripts/test.sh}

root=$(mktemp -d /tmp/kmodpack-fresh-XXXXXX)
# mktemp makes it 0700; as the chroot's / that would lock out every
# service that drops root (distccd runs as its own user in the tests).
chmod 755 "$root"
cleanup() {
	for m in dev/pts dev proc sys; do umount "$root/$m" 2>/dev/null || true; done
	rm -rf --one-file-system "$root"
}
trap cleanup EXIT
debootstrap --variant=minbase bookworm "$root" "$mirror" >/dev/null
mkdir -p "$root/root/kmodpack"
git archive HEAD | tar -x -C "$root/root/kmodpack"
mount -t proc proc "$root/proc"
mount --bind /dev "$root/dev"
mount --bind /dev/pts "$root/dev/pts"
mount -t sysfs sys "$root/sys"
cp /etc/resolv.conf "$root/etc/" 2>/dev/null || true
chroot "$root" /usr/bin/env -i HOME=/root TERM=dumb \
	PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
	/bin/bash -c "cd /root/kmodpack && $cmd"
