#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Two runs on one output dir wait for each other (a lock) instead of
# interleaving; SIGINT kills the compilers, removes the staging area,
# exits 130 and leaves the output dir as it was.
source "$(dirname "$0")/lib.sh"
debian_target "$TMP/target.ini"
OUT=$TMP/outdir
cp -r "$EXAMPLE" "$TMP/a"
cp -r "$EXAMPLE" "$TMP/b"
sed -i 's/^release = 1/release = 2/' "$TMP/b/kmodpack.ini"

"$KMODPACK" build -t "$TMP/target.ini" -o "$OUT" "$TMP/a" >/dev/null 2>"$TMP/err-a" &
pa=$!
"$KMODPACK" build -t "$TMP/target.ini" -o "$OUT" "$TMP/b" >/dev/null 2>"$TMP/err-b" &
pb=$!
wait $pa || fail "first run failed: $(cat "$TMP/err-a")"
wait $pb || fail "second run failed: $(cat "$TMP/err-b")"
cat "$TMP/err-a" "$TMP/err-b" >"$TMP/both"
assert_contains "$TMP/both" "waiting for another kmodpack run"
# Each run's RPMs are whole, and the report is the last run's, matching its files.
for rel in 1 2; do
	for f in amd64 cloud-amd64; do
		rpm -K --nosignature "$OUT/RPMS/x86_64/helloworld-modules-$f-$KVER-1.0-$rel.x86_64.rpm" \
			>/dev/null || fail "release $rel of $f is damaged"
	done
done
python3 - "$OUT" <<'PY'
import hashlib, json, sys
rep = json.load(open(sys.argv[1] + "/build-report.json"))
for a in rep["artifacts"]:
    assert hashlib.sha256(open(sys.argv[1] + "/" + a["path"], "rb").read()).hexdigest() == a["sha256"], a
PY

# Interrupt a build in the middle of compiling.
snapshot "$OUT" >"$TMP/before"
cp -r "$EXAMPLE" "$TMP/slow"
sed -i 's/^release = 1/release = 3/' "$TMP/slow/kmodpack.ini"
start_slow_build "$TMP/slow" "$OUT" 30
kill -INT $pid
st=0
wait $pid || st=$?
assert_eq "$st" 130 "exit status after SIGINT"
assert_contains "$TMP/err" "interrupted"
sleep 0.2
! pgrep -f "$SLEEP" >/dev/null || fail "children of the interrupted build are still running"
snapshot "$OUT" >"$TMP/after"
diff "$TMP/before" "$TMP/after" || fail "an interrupted build changed the output dir"
[ -z "$(ls "$OUT/.kmodpack" | grep stage- || true)" ] || fail "staging dir left behind"
echo ok
