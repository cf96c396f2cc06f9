#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# SIGKILL in the middle of a build, then a rerun (issue 14, item 5). The
# killed run cannot clean up: its make dies with it, the published files
# stay as they were, and the next run (which finds the lock free: flock
# goes with the process) removes the killed run's staging dir, says so
# once, and builds.
source "$(dirname "$0")/lib.sh"
debian_target "$TMP/target.ini"
OUT=$TMP/outdir
cp -r "$EXAMPLE" "$TMP/drv"
run 0 "$KMODPACK" build -q -t "$TMP/target.ini" -o "$OUT" "$TMP/drv"
snapshot "$OUT" >"$TMP/before"

cp -r "$EXAMPLE" "$TMP/slow"
sed -i 's/^release = 1/release = 2/' "$TMP/slow/kmodpack.ini"
start_slow_build "$TMP/slow" "$OUT" 40
kill -KILL $pid
wait $pid || true
for _ in $(seq 50); do
	pgrep -f "$SLEEP" >/dev/null || break
	sleep 0.1
done
! pgrep -f "$SLEEP" >/dev/null || fail "make outlived the killed kmodpack"
snapshot "$OUT" >"$TMP/after"
diff "$TMP/before" "$TMP/after" || fail "a killed build changed the published files"
ls "$OUT/.kmodpack" | grep -q '^stage-' || fail "the killed run left no staging dir (the test did not kill it mid-build)"

# The rerun recovers: the stale staging dir goes, said once; the build publishes.
sed -i 's/^release = 1/release = 2/' "$TMP/drv/kmodpack.ini"
run 0 "$KMODPACK" build -t "$TMP/target.ini" -o "$OUT" "$TMP/drv"
assert_eq "$(grep -c 'removed the unpublished work of 1 killed kmodpack run' "$TMP/err")" 1 \
	"messages about the killed run"
assert_not_contains "$TMP/err" "waiting for another kmodpack run"
[ -z "$(ls "$OUT/.kmodpack" | grep '^stage-' || true)" ] || fail "staging dir left behind"
ls "$OUT"/RPMS/x86_64/helloworld-modules-amd64-*-1.0-2.x86_64.rpm >/dev/null ||
	fail "the rerun did not publish release 2"
python3 - "$OUT" <<'PY'
import hashlib, json, sys
rep = json.load(open(sys.argv[1] + "/build-report.json"))
assert rep["driver"]["release"] == "2", rep["driver"]
for a in rep["artifacts"]:
    assert hashlib.sha256(open(sys.argv[1] + "/" + a["path"], "rb").read()).hexdigest() == a["sha256"], a
PY
# And a third run has nothing left to recover.
run 0 "$KMODPACK" build -t "$TMP/target.ini" -o "$OUT" "$TMP/drv"
assert_not_contains "$TMP/err" "killed kmodpack run"
echo ok
