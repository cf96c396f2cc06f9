#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# What each pack format costs: kmodpack pack --format legacy, update,
# driver-disk (unsigned) and driver-disk signed with a throw-away key (made
# in a temporary GNUPGHOME, no passphrase), on the example driver's build
# and on pack-bench.sh's 218 MB of RPMs (when bench/work/pack has them).
# Best of RUNS runs, and the ISO's size. Not a timed test: run it by hand;
# the figures go to docs/PERFORMANCE.md.
#   bench/pack-formats-bench.sh [KMODPACK] [RUNS]
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
KMODPACK=${1:-$here/build/kmodpack}
RUNS=${2:-5}
work=$(mktemp -d /tmp/kmodpack-formats-XXXXXX)
export GNUPGHOME=$work/gnupg
trap 'gpgconf --kill all 2>/dev/null || true; rm -rf "$work"' EXIT
mkdir -m 700 "$GNUPGHOME"
gpg --batch --quiet --gen-key 2>/dev/null <<'KEY'
%no-protection
Key-Type: RSA
Key-Length: 3072
Key-Usage: sign
Name-Real: Bench Updates
Name-Email: bench@example.com
Expire-Date: 0
%commit
KEY

amd64=$(ls -d /usr/src/linux-headers-*[0-9]-amd64 | sort -V | tail -1)
cloud=$(ls -d /usr/src/linux-headers-*-cloud-amd64 | sort -V | tail -1)
printf '[target]\nname = bench\narch = x86_64\n[flavour amd64]\ntree = %s\n[flavour cloud-amd64]\ntree = %s\n' \
	"$amd64" "$cloud" >"$work/target.ini"
"$KMODPACK" build -q -t "$work/target.ini" -o "$work/example" "$here/drivers/example-helloworld" >/dev/null

best() { # CMD...: the best wall time of RUNS runs
	local b="" t0 t1 t
	for _ in $(seq "$RUNS"); do
		t0=$(date +%s.%N)
		"$@" >/dev/null 2>&1
		t1=$(date +%s.%N)
		t=$(echo "$t1 - $t0" | bc)
		if [ -z "$b" ] || [ "$(echo "$t < $b" | bc)" = 1 ]; then b=$t; fi
	done
	echo "$b"
}
pack() { # NAME INPUTS FORMAT [ARGS...]
	local name=$1 inputs=$2 fmt=$3
	shift 3
	rm -rf "$work/out-$name"
	SOURCE_DATE_EPOCH=1420070400 "$KMODPACK" pack -q -o "$work/out-$name" --vendor-code bench \
		--vendor-name Bench --label bench --text "Benchmark pack" --version 1.0 \
		--format "$fmt" "$@" $inputs
}
row() { # WHAT INPUTS
	local what=$1 inputs=$2 f t s
	for f in legacy update driver-disk driver-disk+signed; do
		local args=("${f%+signed}")
		[ "$f" = driver-disk+signed ] && args+=(--gpg-key bench@example.com)
		t=$(best pack "$what-$f" "$inputs" "${args[@]}")
		s=$(stat -c %s "$work/out-$what-$f/bench.iso")
		printf '| %s | %s | %.2f | %d |\n' "$what" "$f" "$t" "$s"
	done
}
printf 'best of %d runs on %d CPUs, load average %s\n\n' "$RUNS" "$(nproc)" "$(cut -d' ' -f1-3 /proc/loadavg)"
echo "| input | format | best s | ISO bytes |"
echo "|---|---|---:|---:|"
row example "$work/example"
if [ -f "$here/bench/work/pack/rpms/.done" ]; then
	row "218 MB" "$(echo "$here"/bench/work/pack/rpms/*.rpm)"
fi
