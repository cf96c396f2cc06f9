#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# kmodpack pack --format=update|driver-disk end to end: the example driver
# built by kmodpack, packed as a XenServer 8 update ISO and as an XCP-ng 8.3
# driver disk; the ISO read back with xorriso and isoinfo; the yum repo read
# by Debian's dnf (packages, groups, the signed repomd checked by dnf with
# repo_gpgcheck); both signatures checked by gpgv with the shipped key; the
# update RPM read by rpm; two packs compared byte for byte.
. "$(dirname "$0")/lib.sh"
need_trees
for t in xorriso isoinfo dnf gpg gpgv rpm; do
	command -v $t >/dev/null || skip "$t is not installed (run scripts/setup.sh)"
done
debian_target "$TMP/target.ini"
run 0 "$KMODPACK" build -q -t "$TMP/target.ini" -o "$TMP/build" "$EXAMPLE"
EX_RPMS=("$TMP"/build/RPMS/noarch/*.rpm) # what a host installs: not the debuginfo RPMs
for r in "$TMP"/build/RPMS/x86_64/*.rpm; do [[ $r == *-debuginfo-* ]] || EX_RPMS+=("$r"); done

pack() { # STATUS OUTDIR ARGS...
	local st=$1 out=$2
	shift 2
	run "$st" env SOURCE_DATE_EPOCH=1795564800 "$KMODPACK" pack -o "$out" -m "$EXAMPLE" \
		--label hwpack --text "Hello & <world> drivers" --version 1.0 --build 7 "$@"
}
extract() { # ISO DIR: with xorriso, as a host mounting it would see the Rock Ridge tree
	mkdir -p "$2"
	xorriso -osirrox on -indev "$1" -extract / "$2" 2>/dev/null
	chmod -R u+w "$2"
}
DNFROOT=$TMP/dnfroot
dnf_repo() { # DIR ARGS...: dnf on the extracted ISO only, never the host's repos or cache
	local dir=$1
	shift
	dnf -q -y --releasever=8 --installroot="$DNFROOT" --setopt=cachedir="$TMP/dnfcache" \
		--setopt=reposdir=/dev/null --repofrompath="x,$dir" --repo=x "$@"
}

# --- an unsigned update ISO: a warning, and everything but the signatures
pack 0 "$TMP/up" --format=update --after-apply restartHost --json "$TMP/build"
cp "$TMP/out" "$TMP/up.json"
assert_contains "$TMP/err" "unsigned (no --gpg-key): xapi refuses"
[ -f "$TMP/up/hwpack.iso" ] && [ -f "$TMP/up/hwpack.iso.md5" ] || fail "no ISO and md5"
[ ! -e "$TMP/up/hwpack.metadata.md5" ] || fail "an update ISO has no XS metadata md5"
(cd "$TMP/up" && md5sum -c --quiet hwpack.iso.md5) || fail "hwpack.iso.md5 does not match"
isoinfo -d -i "$TMP/up/hwpack.iso" >"$TMP/pvd"
assert_contains "$TMP/pvd" "Volume id: Hello & <world> drivers"
assert_contains "$TMP/pvd" "Rock Ridge signatures"
extract "$TMP/up/hwpack.iso" "$TMP/upx"
(cd "$TMP/upx" && find . -type f | sort) >"$TMP/files"
UPDATE_RPM=update-hwpack-1.0-7.noarch.rpm
for f in ./update.xml ./README.txt "./Packages/$UPDATE_RPM" ./repodata/repomd.xml; do
	grep -qx "$f" "$TMP/files" || fail "$f is not on the ISO"
done
for f in "${EX_RPMS[@]}"; do
	cmp "$f" "$TMP/upx/Packages/$(basename "$f")" || fail "$(basename "$f") differs on the ISO"
done
! grep -q '\.asc$\|RPM-GPG-KEY\|XS-PACKAGES\|install.sh' "$TMP/files" || fail "unsigned ISO has signatures or XS files"
grep -q sqlite "$TMP/files" && fail "sqlite databases are not reproducible and not written"

# update.xml as xapi reads it; the uuid is the same for the same vendor/label/version/build
python3 - "$TMP/upx/update.xml" "$TMP/up.json" "${EX_RPMS[@]}" <<'PY'
import json, re, subprocess, sys
import xml.etree.ElementTree as ET
u = ET.parse(sys.argv[1]).getroot()
r = json.load(open(sys.argv[2]))
assert u.tag == "update", u.tag
a = u.attrib
assert a["name-label"] == "hwpack" and a["version"] == "1.0", a
assert re.fullmatch(r"[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}", a["uuid"]), a
assert a["uuid"] == r["update"]["uuid"] and r["format"] == "update", r
assert a["after-apply-guidance"] == "restartHost", a
assert "key" not in a and not r["update"]["signed"]
size = sum(int(subprocess.check_output(["rpm", "-qp", "--qf", "%{SIZE}", p])) for p in sys.argv[3:])
assert int(a["installation-size"]) == size, (a["installation-size"], size)
assert u.find("name-description").text == "Hello & <world> drivers"
PY
UUID=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["update"]["uuid"])' "$TMP/up.json")

# the update RPM: requires each payload at its version-release, records update.xml for xapi
rpm -qp --requires "$TMP/upx/Packages/$UPDATE_RPM" >"$TMP/req"
for f in "${EX_RPMS[@]}"; do
	nvr=$(rpm -qp --qf '%{NAME} = %{VERSION}-%{RELEASE}' "$f")
	grep -qxF "$nvr" "$TMP/req" || fail "update RPM does not require '$nvr'"
done
rpm_cat "$TMP/upx/Packages/$UPDATE_RPM" "/var/update/applied/$UUID" >"$TMP/applied"
cmp "$TMP/applied" "$TMP/upx/update.xml" || fail "/var/update/applied/$UUID is not update.xml"

# dnf reads the repo: every package, and the group xapi applies
dnf_repo "$TMP/upx" --setopt=x.gpgcheck=0 list --available >"$TMP/list"
for n in helloworld-data "helloworld-modules-amd64-$KVER" "helloworld-modules-cloud-amd64-$KVER" update-hwpack; do
	grep -q "^$n\." "$TMP/list" || { cat "$TMP/list"; fail "dnf does not list $n"; }
done
dnf_repo "$TMP/upx" --setopt=x.gpgcheck=0 group list -v >"$TMP/groups"
assert_contains "$TMP/groups" "(update)"
assert_not_contains "$TMP/groups" "(drivers)"
dnf_repo "$TMP/upx" --setopt=x.gpgcheck=0 group info update >"$TMP/ginfo"
assert_contains "$TMP/ginfo" "update-hwpack"

# --- the same inputs from copies give the same bytes
cp -r "$TMP/build" "$TMP/build2"
pack 0 "$TMP/up2" --format=update --after-apply restartHost "$TMP/build2"
cmp "$TMP/up/hwpack.iso" "$TMP/up2/hwpack.iso" || fail "two update ISOs of the same input differ"

# --- a signed driver disk, with a test key made here
export GNUPGHOME=$TMP/gnupg
mkdir -m 700 "$GNUPGHOME"
cat >"$TMP/keyspec" <<'KEY'
%no-protection
Key-Type: RSA
Key-Length: 2048
Key-Usage: sign
Name-Real: Example Updates
Name-Email: updates@example.com
Expire-Date: 0
%commit
KEY
# made in 2023, before SOURCE_DATE_EPOCH: the signatures are dated that epoch
gpg --batch --quiet --faked-system-time 1700000000! --gen-key "$TMP/keyspec" 2>/dev/null
FPR=$(gpg --with-colons --list-secret-keys | awk -F: '$1=="fpr" {print $10; exit}')
pack 0 "$TMP/dd" --format=driver-disk --gpg-key updates@example.com --json "$TMP/build"
assert_not_contains "$TMP/err" "unsigned"
assert_not_contains "$TMP/err" "not signed"
cp "$TMP/out" "$TMP/dd.json"
extract "$TMP/dd/hwpack.iso" "$TMP/ddx"
# the update RPM the pack makes is signed with the pack's key: rpm -K with
# the shipped key imported says so, as yum's gpgcheck on a host will
UPD=$(ls "$TMP/ddx"/Packages/update-hwpack-*.noarch.rpm)
mkdir "$TMP/rpmdb"
rpm --dbpath "$TMP/rpmdb" --import "$TMP/ddx/RPM-GPG-KEY-example"
rpm --dbpath "$TMP/rpmdb" -K "$UPD" >"$TMP/rpmk" 2>&1 || { cat "$TMP/rpmk"; fail "rpm -K refuses the update RPM"; }
assert_contains "$TMP/rpmk" "digests signatures OK"
rpm -qp --qf '%{RSAHEADER:pgpsig}\n' "$UPD" 2>/dev/null | grep -qi "${FPR: -16}" || fail "the update RPM is not signed by $FPR"
# signed, and still reproducible: the same input packs to the same update RPM
pack 0 "$TMP/dd2" --format=driver-disk --gpg-key updates@example.com "$TMP/build"
extract "$TMP/dd2/hwpack.iso" "$TMP/dd2x"
cmp "$UPD" "$TMP/dd2x/Packages/${UPD##*/}" || fail "two signed update RPMs of the same input differ"
# ...and so is the whole ISO: update.xml.asc and repomd.xml.asc are dated
# SOURCE_DATE_EPOCH, not the clock, and the RSA signature is deterministic
cmp "$TMP/dd/hwpack.iso" "$TMP/dd2/hwpack.iso" || fail "two signed driver disks of the same input differ"
gpg --list-packets "$TMP/ddx/update.xml.asc" >"$TMP/packets" 2>&1
assert_contains "$TMP/packets" "sig created 2026-11-25"
assert_contains "$TMP/packets" "digest algo 8" # SHA-256

# --- signed in the very second gpg is told to date the signature: GnuPG 2.2
# then ignores the '!' of --faked-system-time and runs on the real clock, so
# a gpg that starts in that second and signs in the next (here: its input
# comes 1.2 s late) dated the signature a second late, and the same input
# packed twice differed. SOURCE_DATE_EPOCH is the second the pack starts in.
mkdir "$TMP/slowgpg"
printf '#!/bin/sh\n{ sleep 1.2; cat; } | exec %s "$@"\n' "$(command -v gpg)" >"$TMP/slowgpg/gpg"
chmod +x "$TMP/slowgpg/gpg"
NOW=$(($(date +%s) + 2))
while [ "$(date +%s)" -lt "$NOW" ]; do sleep 0.05; done
run 0 env SOURCE_DATE_EPOCH=$NOW PATH="$TMP/slowgpg:$PATH" "$KMODPACK" pack -o "$TMP/now" -m "$EXAMPLE" \
	--label hwpack --text "Hello" --version 1.0 --build 7 --format=update --gpg-key updates@example.com "$TMP/build"
extract "$TMP/now/hwpack.iso" "$TMP/nowx"
WANT=$(LC_ALL=C TZ=UTC date -d "@$NOW" '+%a %b %e %H:%M:%S %Y')
LC_ALL=C TZ=UTC rpm -qp --qf '%{RSAHEADER:pgpsig}\n%{SIGPGP:pgpsig}\n' "$TMP/nowx/Packages/$UPDATE_RPM" \
	>"$TMP/nowsig" 2>/dev/null
[ "$(grep -c ", $WANT, Key ID" "$TMP/nowsig")" = 2 ] ||
	{ cat "$TMP/nowsig"; fail "the update RPM's signatures are not dated SOURCE_DATE_EPOCH ($WANT)"; }

# --- an Ed25519 key made today, after SOURCE_DATE_EPOCH: the signatures are
# dated the key's creation (gpgv refuses a signature older than its key),
# EdDSA signatures are deterministic too, and gpgv and dnf accept them
export GNUPGHOME=$TMP/gnupg-ed
mkdir -m 700 "$GNUPGHOME"
gpg --batch --quiet --passphrase '' --quick-gen-key "Ed Updates <ed@example.com>" ed25519 sign never 2>/dev/null
EDFPR=$(gpg --with-colons --list-secret-keys | awk -F: '$1=="fpr" {print $10; exit}')
EDDAY=$(date -u -d "@$(gpg --with-colons --list-keys | awk -F: '$1=="pub" {print $6; exit}')" +%F)
pack 0 "$TMP/ed" --format=driver-disk --gpg-key ed@example.com "$TMP/build"
pack 0 "$TMP/ed2" --format=driver-disk --gpg-key ed@example.com "$TMP/build"
cmp "$TMP/ed/hwpack.iso" "$TMP/ed2/hwpack.iso" || fail "two driver disks signed with Ed25519 differ"
extract "$TMP/ed/hwpack.iso" "$TMP/edx"
gpg --dearmor <"$TMP/edx/RPM-GPG-KEY-example" >"$TMP/ed.gpg"
for f in update.xml repodata/repomd.xml; do
	gpgv --keyring "$TMP/ed.gpg" "$TMP/edx/$f.asc" "$TMP/edx/$f" 2>"$TMP/gpgv" ||
		{ cat "$TMP/gpgv"; fail "gpgv refuses the Ed25519 signature of $f"; }
	assert_contains "$TMP/gpgv" "using EDDSA key $EDFPR"
done
gpg --list-packets "$TMP/edx/update.xml.asc" >"$TMP/packets" 2>&1
assert_contains "$TMP/packets" "sig created $EDDAY"
dnf_repo "$TMP/edx" --setopt=x.gpgcheck=0 --setopt=x.repo_gpgcheck=1 \
	--setopt=x.gpgkey="file://$TMP/edx/RPM-GPG-KEY-example" list --available >"$TMP/edlist" ||
	fail "dnf refuses the repo signed with Ed25519"
assert_contains "$TMP/edlist" "update-hwpack"
# an ECDSA key: rpm cannot check its signatures, so it is refused up front
gpg --batch --quiet --passphrase '' --quick-gen-key "Ec <ec@example.com>" nistp256 sign never 2>/dev/null
pack 2 "$TMP/ec" --format=update --gpg-key ec@example.com "$TMP/build"
assert_contains "$TMP/err" "an ECDSA key, whose signatures rpm cannot check"
[ ! -e "$TMP/ec" ] || fail "a refused pack left $TMP/ec"
gpgconf --kill all 2>/dev/null || true
export GNUPGHOME=$TMP/gnupg
grep -q "key=\"RPM-GPG-KEY-example\"" "$TMP/ddx/update.xml" || fail "update.xml does not name the key"
gpg --dearmor <"$TMP/ddx/RPM-GPG-KEY-example" >"$TMP/kr.gpg"
gpgv --keyring "$TMP/kr.gpg" "$TMP/ddx/update.xml.asc" "$TMP/ddx/update.xml" 2>"$TMP/gpgv" ||
	{ cat "$TMP/gpgv"; fail "gpgv refuses update.xml.asc"; }
gpgv --keyring "$TMP/kr.gpg" "$TMP/ddx/repodata/repomd.xml.asc" "$TMP/ddx/repodata/repomd.xml" 2>"$TMP/gpgv" ||
	{ cat "$TMP/gpgv"; fail "gpgv refuses repomd.xml.asc"; }
assert_contains "$TMP/gpgv" "using RSA key $FPR"
head -c 10 "$TMP/ddx/update.xml.asc" | grep -q -- "-----BEGIN" || fail "update.xml.asc is not ASCII-armoured"
assert_contains "$TMP/ddx/README.txt" "Key fingerprint: $FPR"
assert_contains "$TMP/ddx/README.txt" "/etc/pki/rpm-gpg/RPM-GPG-KEY-example"
# dnf checks repomd.xml.asc with the shipped key (repo_gpgcheck), and sees both groups
dnf_repo "$TMP/ddx" --setopt=x.gpgcheck=0 --setopt=x.repo_gpgcheck=1 \
	--setopt=x.gpgkey="file://$TMP/ddx/RPM-GPG-KEY-example" group list -v >"$TMP/groups"
assert_contains "$TMP/groups" "(drivers)"
assert_contains "$TMP/groups" "(update)"
dnf_repo "$TMP/ddx" --setopt=x.gpgcheck=0 group info drivers >"$TMP/ginfo"
for n in update-hwpack "helloworld-modules-amd64-$KVER" "helloworld-modules-cloud-amd64-$KVER"; do
	assert_contains "$TMP/ginfo" "$n"
done
# a changed repomd.xml: gpgv and dnf's repo_gpgcheck both refuse it
cp -r "$TMP/ddx" "$TMP/ddt"
sed -i 's|<revision>|<revision>9|' "$TMP/ddt/repodata/repomd.xml"
! gpgv --keyring "$TMP/kr.gpg" "$TMP/ddt/repodata/repomd.xml.asc" "$TMP/ddt/repodata/repomd.xml" 2>/dev/null ||
	fail "gpgv accepts a changed repomd.xml"

# --- kmodpack verify reads them as xapi and the installer do
run 0 "$KMODPACK" verify -t "$TMP/target.ini" --logs "$TMP/logs" --json "$TMP/dd/hwpack.iso"
# every --json document as docs/json.md describes it
for j in "$TMP/up.json" "$TMP/dd.json" "$TMP/out"; do
	python3 "$SRCDIR/tests/cli/json-schema.py" "$SRCDIR/docs/json.md" "$j" || fail "$j is not as docs/json.md says"
done
python3 - "$TMP/out" "$FPR" <<'PY'
import json, sys
v = json.load(open(sys.argv[1]))
assert v["passed"] and v["format"] == "driver-disk" and v["label"] == "hwpack", v
c = {x["name"]: x for x in v["checks"]}
assert [x["name"] for x in v["checks"]] == ["metadata", "signatures", "packages", "groups", "kinds", "placement", "flavours", "install"], v
for n in ("metadata", "signatures", "packages", "groups", "kinds", "placement", "flavours"):
    assert c[n]["status"] == "passed", c[n]
assert any(sys.argv[2] in l for l in c["signatures"]["lines"]), c["signatures"]
assert any('"drivers"' in l for l in c["groups"]["lines"]), c["groups"]
# the update RPM's own signature, checked as rpm -K does; the unsigned payloads said, not failed
assert any(l.startswith("Packages/update-hwpack-") and "rpm signature OK" in l for l in c["signatures"]["lines"]), c["signatures"]
assert any("not signed: the installer loads it from a driver disk" in l for l in c["signatures"]["lines"]), c["signatures"]
PY
gpg --export "$FPR" >"$TMP/vendor.gpg"
run 0 "$KMODPACK" verify -t "$TMP/target.ini" --logs "$TMP/logs" --keyring "$TMP/vendor.gpg" "$TMP/dd/hwpack.iso"
assert_contains "$TMP/out" "good signature by $FPR (--keyring $TMP/vendor.gpg)"
# a signed update of unsigned packages: yum with gpgcheck=1 would refuse them
pack 0 "$TMP/us" --format=update --gpg-key updates@example.com "$TMP/build"
run 1 "$KMODPACK" verify -t "$TMP/target.ini" --logs "$TMP/logs" "$TMP/us/hwpack.iso"
assert_contains "$TMP/out" "Packages/helloworld-modules-amd64-$KVER-1.0-1.x86_64.rpm: not signed: yum with gpgcheck=1 refuses it"
# ...and of packages kmodpack build signed with the same key: every package checks out
run 0 "$KMODPACK" build -q --gpg-key updates@example.com -t "$TMP/target.ini" -o "$TMP/sbuild" "$EXAMPLE"
pack 0 "$TMP/ss" --format=update --gpg-key updates@example.com "$TMP/sbuild"
run 0 "$KMODPACK" verify -t "$TMP/target.ini" --logs "$TMP/logs" "$TMP/ss/hwpack.iso"
extract "$TMP/ss/hwpack.iso" "$TMP/ssx"
assert_eq "$(grep -c 'rpm signature OK, key' "$TMP/out")" "$(ls "$TMP/ssx"/Packages/*.rpm | wc -l)" \
	"packages whose rpm signature verify checked"
# the unsigned update ISO: xapi would refuse it, so verify fails and says why
run 1 "$KMODPACK" verify -t "$TMP/target.ini" --logs "$TMP/logs" "$TMP/up/hwpack.iso"
assert_contains "$TMP/out" "xapi refuses the update; pack it with --gpg-key"
grep -qE "^  packages +passed" "$TMP/out" || fail "packages of the unsigned update did not pass"

remaster() { # DIR ISO: an ISO of DIR, as anyone could make one from a changed copy
	xorriso -as mkisofs -quiet -r -J -V changed -o "$2" "$1" 2>/dev/null
}
# a package changed after packing: named, with both sha256s
cp -r "$TMP/ddx" "$TMP/t1"
printf 'x' >>"$TMP/t1/Packages/helloworld-modules-amd64-$KVER-1.0-1.x86_64.rpm"
remaster "$TMP/t1" "$TMP/t1.iso"
run 1 "$KMODPACK" verify -t "$TMP/target.ini" --logs "$TMP/logs" "$TMP/t1.iso"
assert_contains "$TMP/out" "Packages/helloworld-modules-amd64-$KVER-1.0-1.x86_64.rpm: sha256"
assert_contains "$TMP/out" "the package was changed after the repo was made"
grep -qE "^  signatures +passed" "$TMP/out" || fail "the signatures of the untouched files did not pass"
# update.xml changed after signing, and a stray RPM the repo does not list
cp -r "$TMP/ddx" "$TMP/t2"
sed -i 's/installation-size="/installation-size="1/' "$TMP/t2/update.xml"
cp "$TMP/ddx/Packages/$UPDATE_RPM" "$TMP/t2/Packages/stray-1-1.noarch.rpm"
remaster "$TMP/t2" "$TMP/t2.iso"
run 1 "$KMODPACK" verify -t "$TMP/target.ini" --logs "$TMP/logs" "$TMP/t2.iso"
assert_contains "$TMP/out" "update.xml.asc: BAD signature"
assert_contains "$TMP/out" "Packages/stray-1-1.noarch.rpm: on the ISO but not in the repo's primary list"
# signed by another key than the vendor's
GNUPGHOME=$TMP/gnupg2
mkdir -m 700 "$GNUPGHOME"
sed 's/Example Updates/Someone Else/; s/updates@/else@/' "$TMP/keyspec" >"$TMP/keyspec2"
GNUPGHOME=$GNUPGHOME gpg --batch --quiet --gen-key "$TMP/keyspec2" 2>/dev/null
GNUPGHOME=$GNUPGHOME gpg --export >"$TMP/other.gpg"
GNUPGHOME=$GNUPGHOME gpgconf --kill all 2>/dev/null || true
GNUPGHOME=$TMP/gnupg
run 1 "$KMODPACK" verify -t "$TMP/target.ini" --logs "$TMP/logs" --keyring "$TMP/other.gpg" "$TMP/dd/hwpack.iso"
assert_contains "$TMP/out" "which is not the key given"
assert_contains "$TMP/out" "update-hwpack-1.0-7.noarch.rpm: signed with key ${FPR: -16}, which is not the one given (NOKEY)"
# a keyring file of several keys, the vendor's not the first: every key counts,
# for the detached signatures and for the packages' own
cat "$TMP/other.gpg" "$TMP/vendor.gpg" >"$TMP/both.gpg"
run 0 "$KMODPACK" verify -t "$TMP/target.ini" --logs "$TMP/logs" --keyring "$TMP/both.gpg" "$TMP/dd/hwpack.iso"
assert_contains "$TMP/out" "good signature by $FPR (--keyring $TMP/both.gpg)"
{ GNUPGHOME=$TMP/gnupg2 gpg --armor --export; gpg --armor --export "$FPR"; } >"$TMP/both.asc"
run 0 "$KMODPACK" verify -t "$TMP/target.ini" --logs "$TMP/logs" --keyring "$TMP/both.asc" "$TMP/dd/hwpack.iso"
# the update RPM's header changed after signing: rpm's check refuses it
cp -r "$TMP/ddx" "$TMP/t4"
python3 - "$TMP/t4/Packages/${UPD##*/}" <<'PY'
import sys
b = bytearray(open(sys.argv[1], "rb").read())
i = b.index(b"Hello & <world> drivers")  # the update's description, in the signed header
b[i] = ord("J")
open(sys.argv[1], "wb").write(b)
PY
remaster "$TMP/t4" "$TMP/t4.iso"
run 1 "$KMODPACK" verify -t "$TMP/target.ini" --logs "$TMP/logs" "$TMP/t4.iso"
assert_contains "$TMP/out" "${UPD##*/}: BAD signature or digest"
# no drivers group and a broken update.xml
cp -r "$TMP/upx" "$TMP/t3"
printf '<update name-label="hwpack" version="1.0"><name-description>x</name-description></update>\n' >"$TMP/t3/update.xml"
remaster "$TMP/t3" "$TMP/t3.iso"
run 2 "$KMODPACK" verify -t "$TMP/target.ini" --logs "$TMP/logs" "$TMP/t3.iso"
assert_contains "$TMP/err" "update.xml:1: <update> has no uuid="

# --- refused before anything is written: the output dir stays as it was
snapshot "$TMP/dd" >"$TMP/before"
pack 2 "$TMP/dd" --format=driver-disk --gpg-key nobody@example.com "$TMP/build"
assert_contains "$TMP/err" "--gpg-key 'nobody@example.com': no such secret key"
pack 2 "$TMP/dd" --format=update --uuid 12345 "$TMP/build"
assert_contains "$TMP/err" "--uuid '12345': not a UUID"
pack 2 "$TMP/dd" --format=update --after-apply reboot "$TMP/build"
assert_contains "$TMP/err" "--after-apply 'reboot'"
pack 2 "$TMP/dd" --gpg-key updates@example.com "$TMP/build"
assert_contains "$TMP/err" "are for --format=update or --format=driver-disk"
pack 2 "$TMP/dd" --format=xs8 "$TMP/build"
assert_contains "$TMP/err" "--format 'xs8'"
snapshot "$TMP/dd" >"$TMP/after"
cmp -s "$TMP/before" "$TMP/after" || fail "a refused pack changed the output dir"

# --- a given uuid is used as given
pack 0 "$TMP/u3" --format=update --uuid 0f5e3c2a-1b2c-4d3e-8f4a-5b6c7d8e9f00 "$TMP/build"
extract "$TMP/u3/hwpack.iso" "$TMP/u3x"
assert_contains "$TMP/u3x/update.xml" 'uuid="0f5e3c2a-1b2c-4d3e-8f4a-5b6c7d8e9f00"'
gpgconf --kill all 2>/dev/null || true
echo "ok"
