# SPDX-License-Identifier: GPL-2.0-or-later
# Shared by the test-verify*.sh tests; source after lib.sh.

# Both Debian flavours with their kernel images (scripts/fetch-kernel-images.sh:
# apt-get download + dpkg-deb, nothing installed) in the target file $1.
# Skips (77) when qemu, busybox-static or the images are unavailable, unless
# KMODPACK_TEST_VERIFY=1 asks for the test to fail instead.
verify_target() { # FILE
	need_trees
	local why=
	command -v qemu-system-x86_64 >/dev/null || why="qemu-system-x86 is not installed"
	if ! [ -x /bin/busybox ] || head -c 4096 /bin/busybox | grep -q ld-linux; then
		why="busybox-static is not installed"
	fi
	if [ -z "$why" ] &&
		! "$SRCDIR/scripts/fetch-kernel-images.sh" "$AMD64_REL" "$CLOUD_REL" >"$TMP/images" 2>"$TMP/fetch-err"; then
		why="cannot fetch the kernel images: $(tail -1 "$TMP/fetch-err")"
	fi
	if [ -n "$why" ]; then
		[ "${KMODPACK_TEST_VERIFY:-0}" = 1 ] && fail "$why (KMODPACK_TEST_VERIFY=1)"
		skip "$why (install them, or run scripts/setup.sh and scripts/fetch-kernel-images.sh)"
	fi
	AMD64_IMAGE=$(awk -v r="$AMD64_REL" '$1 == r {print $2}' "$TMP/images")
	CLOUD_IMAGE=$(awk -v r="$CLOUD_REL" '$1 == r {print $2}' "$TMP/images")
	cat >"$1" <<EOT
[target]
name = debian-verify-test
arch = x86_64
[flavour amd64]
tree = $AMD64_TREE
image = $AMD64_IMAGE
[flavour cloud-amd64]
tree = $CLOUD_TREE
image = $CLOUD_IMAGE
EOT
}

# Build an RPM by hand (rpmbuild), for packages kmodpack would refuse to make.
# craft_rpm NAME ARCH SPEC-BODY OUT: SPEC-BODY holds %install and %files.
craft_rpm() {
	local top=$TMP/rpmbuild-$1
	mkdir -p "$top"
	cat >"$top/x.spec" <<EOT
%global __os_install_post %{nil}
%global debug_package %{nil}
%global _build_id_links none
Name: $1
Version: 1.0
Release: 1
Summary: crafted by a kmodpack test
License: GPL-2.0-only
BuildArch: $2
%description
Crafted by a kmodpack test.
$3
EOT
	rpmbuild -bb --quiet --define "_topdir $top" "$top/x.spec" >"$top/log" 2>&1 ||
		{ cat "$top/log" >&2; fail "rpmbuild of crafted $1"; }
	cp "$top"/RPMS/"$2"/"$1"-1.0-1."$2".rpm "$4"
}

# Record a replaced artifact's new sha256 in the build report, so the
# verdict is about the package's content, not about the swap.
reseal() { # OUTDIR RELPATH
	python3 - "$1" "$2" <<'PY'
import hashlib, json, sys
out, rel = sys.argv[1], sys.argv[2]
p = out + "/build-report.json"
r = json.load(open(p))
for a in r["artifacts"]:
    if a["path"] == rel:
        a["sha256"] = hashlib.sha256(open(out + "/" + rel, "rb").read()).hexdigest()
json.dump(r, open(p, "w"), indent=2)
PY
}
