#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# kmodpack status: what an output dir holds and whether it is up to date,
# with the reason when not (the build's own up-to-date check), and "cannot
# tell" when the driver dir is gone. kmodpack clean: kmodpack's state goes,
# the packages stay; --all takes the packages kmodpack wrote, never a file
# it did not make or one changed since.
source "$(dirname "$0")/lib.sh"
debian_target "$TMP/target.ini"
export SOURCE_DATE_EPOCH=1700000000
unset KCFLAGS
O=$TMP/o
cp -r "$EXAMPLE" "$TMP/drv"

# Nothing there.
run 2 "$KMODPACK" status "$TMP/no-such-dir"
assert_contains "$TMP/err" "is not a directory"
run 2 "$KMODPACK" status --json "$TMP/no-such-dir"
python3 "$SRCDIR/tests/cli/json-schema.py" "$SRCDIR/docs/json.md" "$TMP/out" || fail "no error document"
mkdir "$O"
run 0 "$KMODPACK" status "$O"
assert_contains "$TMP/out" "nothing built in $O"
run 0 "$KMODPACK" status --json "$O"
python3 "$SRCDIR/tests/cli/json-schema.py" "$SRCDIR/docs/json.md" "$TMP/out" || fail "not as docs/json.md says"
python3 - "$TMP/out" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
assert d["schema"] == "kmodpack.status/1" and d["built"] is False and d["up_to_date"] is False, d
assert d["flavours"] == [] and d["artifacts"] == [] and d["driver"] is None, d
PY

# Built: every flavour's kernel and package, up to date.
run 0 "$KMODPACK" build -q -t "$TMP/target.ini" -o "$O" "$TMP/drv"
run 0 "$KMODPACK" status "$O"
cat "$TMP/out"
assert_contains "$TMP/out" "helloworld 1.0-1 (manifest $TMP/drv/kmodpack.ini)"
assert_contains "$TMP/out" "target debian-test (arch x86_64), target file $TMP/target.ini"
grep -Eq "^  amd64 +$AMD64_REL +$KVER +RPMS/x86_64/helloworld-modules-amd64-$KVER-1.0-1.x86_64.rpm$" \
	"$TMP/out" || fail "no amd64 line"
grep -Eq "^  cloud-amd64 +$CLOUD_REL +$KVER +RPMS/x86_64/helloworld-modules-cloud-amd64-" \
	"$TMP/out" || fail "no cloud-amd64 line"
assert_contains "$TMP/out" "up to date: yes"
# The build agrees: nothing to do.
run 0 "$KMODPACK" build -t "$TMP/target.ini" -o "$O" "$TMP/drv"
assert_contains "$TMP/err" "up to date"
run 0 "$KMODPACK" status --json "$O"
python3 "$SRCDIR/tests/cli/json-schema.py" "$SRCDIR/docs/json.md" "$TMP/out" || fail "not as docs/json.md says"
python3 - "$TMP/out" "$O" "$TMP/target.ini" <<'PY'
import json, os, sys
d = json.load(open(sys.argv[1]))
assert d["built"] and d["up_to_date"] is True and d["reasons"] == [] and not d["busy"], d
assert d["target"]["path"] == sys.argv[3] and d["driver"]["name"] == "helloworld", d
assert [f["name"] for f in d["flavours"]] == ["amd64", "cloud-amd64"], d
for f in d["flavours"]:
    assert os.path.isfile(os.path.join(sys.argv[2], f["package"])), f
PY

# A changed source file, a new one, the environment: each is a reason.
echo "/* changed */" >>"$TMP/drv/src/helloworld.c"
echo "#define X 1" >"$TMP/drv/src/new.h"
KCFLAGS=-O1 "$KMODPACK" status "$O" >"$TMP/status" || fail "status failed"
cat "$TMP/status"
assert_contains "$TMP/status" "up to date: no"
assert_contains "$TMP/status" "source file changed: $TMP/drv/src/helloworld.c"
assert_contains "$TMP/status" "source file added: $TMP/drv/src/new.h"
assert_contains "$TMP/status" "env KCFLAGS: was '(unset)', now '-O1'"
rm "$TMP/drv/src/new.h"
cp "$EXAMPLE/src/helloworld.c" "$TMP/drv/src/helloworld.c"
run 0 "$KMODPACK" status "$O"
assert_contains "$TMP/out" "up to date: yes"
# A published package changed behind kmodpack's back.
cp "$O/SPECS/helloworld.spec" "$TMP/spec.orig"
echo "# edited" >>"$O/SPECS/helloworld.spec"
run 0 "$KMODPACK" status "$O"
assert_contains "$TMP/out" "published file changed since the build: SPECS/helloworld.spec"
cp "$TMP/spec.orig" "$O/SPECS/helloworld.spec"
# The driver dir moved away: status cannot tell, and says why.
mv "$TMP/drv" "$TMP/drv-moved"
run 0 "$KMODPACK" status "$O"
assert_contains "$TMP/out" "up to date: cannot tell: the driver dir '$TMP/drv' is gone"
run 0 "$KMODPACK" status --json "$O"
python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); assert d["up_to_date"] is None, d' "$TMP/out"
mv "$TMP/drv-moved" "$TMP/drv"

# A failed run's log is listed.
printf '\nstatic int broken(void) { return nope; }\n' >>"$TMP/drv/src/helloworld.c"
run 1 "$KMODPACK" build -q -t "$TMP/target.ini" -o "$O" "$TMP/drv"
run 0 "$KMODPACK" status "$O"
assert_contains "$TMP/out" "the last run failed: logs/amd64.failed.log"
cp "$EXAMPLE/src/helloworld.c" "$TMP/drv/src/helloworld.c"

# clean: the state and the failed logs go, the packages and foreign files stay.
mkdir "$O/.kmodpack/mine"
echo notes >"$O/notes.txt"
snapshot "$O" | grep -v failed.log >"$TMP/before"
run 0 "$KMODPACK" clean -n "$O"
assert_contains "$TMP/out" "would remove .kmodpack/build"
[ -d "$O/.kmodpack/build" ] || fail "--dry-run removed the build dirs"
run 0 "$KMODPACK" clean "$O"
assert_contains "$TMP/out" "removed .kmodpack/build"
assert_contains "$TMP/out" "removed .kmodpack/cache-key"
assert_contains "$TMP/out" "removed logs/amd64.failed.log"
assert_contains "$TMP/out" "kept .kmodpack/mine (not kmodpack's)"
[ ! -e "$O/.kmodpack/build" ] && [ ! -e "$O/logs/amd64.failed.log" ] || fail "clean left its state"
[ -d "$O/.kmodpack/mine" ] && [ -f "$O/.kmodpack/lock" ] || fail "clean removed what is not its own"
snapshot "$O" >"$TMP/after"
diff "$TMP/before" "$TMP/after" || fail "clean changed the published build"
run 0 "$KMODPACK" status "$O"
assert_contains "$TMP/out" "up to date: no"
assert_contains "$TMP/out" "the next build builds everything"
# ... and the next build does build (it does not say up to date).
run 0 "$KMODPACK" build -t "$TMP/target.ini" -o "$O" "$TMP/drv"
assert_contains "$TMP/err" "amd64: compiling"

# clean --all: every package kmodpack wrote, not a changed one, not foreign files.
echo "# mine now" >>"$O/SPECS/helloworld.spec"
run 0 "$KMODPACK" clean --all "$O"
cat "$TMP/out"
assert_contains "$TMP/out" "removed RPMS/x86_64/helloworld-modules-amd64-$KVER-1.0-1.x86_64.rpm"
assert_contains "$TMP/out" "removed SRPMS/helloworld-1.0-1.src.rpm"
assert_contains "$TMP/out" "kept SPECS/helloworld.spec (changed since kmodpack wrote it)"
assert_contains "$TMP/out" "kept build-report.json (it lists the files kept)"
[ -z "$(find "$O/RPMS" "$O/SRPMS" "$O/logs" 2>/dev/null)" ] || fail "packages or their dirs are left"
[ -f "$O/notes.txt" ] && [ -f "$O/SPECS/helloworld.spec" ] || fail "clean --all removed a file it did not make"
cp "$TMP/spec.orig" "$O/SPECS/helloworld.spec"
run 0 "$KMODPACK" clean --all "$O"
assert_contains "$TMP/out" "removed build-report.json"
[ ! -e "$O/SPECS" ] || fail "empty SPECS left"

# clean waits for a run holding the lock, and refuses a dir that is not kmodpack's.
flock "$O/.kmodpack/lock" sh -c "touch '$TMP/held'; until [ -e '$TMP/release' ]; do sleep 0.1; done" &
holder=$!
until [ -e "$TMP/held" ]; do sleep 0.1; done
"$KMODPACK" clean "$O" >"$TMP/clean.out" 2>"$TMP/clean.err" &
cleaner=$!
until grep -q "waiting for another kmodpack run" "$TMP/clean.err"; do
	kill -0 $cleaner 2>/dev/null || fail "clean did not wait for the lock: $(cat "$TMP/clean.err")"
	sleep 0.1
done
touch "$TMP/release"
wait $holder
wait $cleaner || fail "clean failed after the lock was released"
mkdir "$TMP/plain"
echo keep >"$TMP/plain/file"
run 2 "$KMODPACK" clean --all "$TMP/plain"
assert_contains "$TMP/err" "is not a kmodpack output dir"
[ -f "$TMP/plain/file" ] || fail "clean touched a dir that is not kmodpack's"

# Skipped flavours: a driver the cloud kernel cannot serve (kernel_config),
# and a --flavour choice. The build left them out on purpose: status says up
# to date, lists each with its reason, and a changed reason is a reason.
if grep -q '^CONFIG_USB=[ym]' "$AMD64_TREE/.config" && ! grep -q '^CONFIG_USB=[ym]' "$CLOUD_TREE/.config"; then
	cp -r "$SRCDIR/tests/fixtures/dkms/exclusive-usb" "$TMP/usb"
	run 0 "$KMODPACK" build -q -t "$TMP/target.ini" -o "$TMP/ou" "$TMP/usb"
	run 0 "$KMODPACK" status "$TMP/ou"
	cat "$TMP/out"
	assert_contains "$TMP/out" "up to date: yes"
	grep -Eq "^  cloud-amd64 +$CLOUD_REL +skipped: CONFIG_USB is not set \(kernel_config, dkms.conf:5\)$" \
		"$TMP/out" || fail "no skipped cloud-amd64 line"
	assert_not_contains "$TMP/out" "gone"
	run 0 "$KMODPACK" status --json "$TMP/ou"
	python3 "$SRCDIR/tests/cli/json-schema.py" "$SRCDIR/docs/json.md" "$TMP/out" || fail "not as docs/json.md says"
	python3 - "$TMP/out" "$CLOUD_REL" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
assert d["up_to_date"] is True and d["reasons"] == [], d
assert [f["name"] for f in d["flavours"]] == ["amd64"], d
assert [(s["name"], s["release"]) for s in d["skipped"]] == [("cloud-amd64", sys.argv[2])], d
assert "CONFIG_USB is not set" in d["skipped"][0]["reason"], d
PY
	# The requirement moves a line down: the reason changed, so a build would run.
	sed -i '1i # a comment' "$TMP/usb/dkms.conf"
	run 0 "$KMODPACK" status "$TMP/ou"
	assert_contains "$TMP/out" "up to date: no"
	assert_contains "$TMP/out" "manifest changed: $TMP/usb/dkms.conf"
fi
run 0 "$KMODPACK" build -q -t "$TMP/target.ini" -o "$TMP/of" --flavour cloud-amd64 "$EXAMPLE"
run 0 "$KMODPACK" status "$TMP/of"
assert_contains "$TMP/out" "up to date: yes"
grep -Eq "^  amd64 +$AMD64_REL +skipped: not selected \(--flavour\)$" "$TMP/out" || fail "no skipped amd64 line"
echo ok
