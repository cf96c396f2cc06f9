#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# How fast is `kmodpack hcl` on a real distribution kernel? Generates N
# device IDs (default 10,000: every PCI ID the kernel claims, then random
# ones), times one `kmodpack hcl --kernel MODDIR --device ...` run (load the
# index + answer all), and compares with `modprobe -R` per ID (libkmod's
# alias lookup, one process per ID, as a shell loop would do it) on a
# sample, extrapolated to N.
#
#   bench/hcl-bench.sh [MODDIR] [N]      (MODDIR default: fetched 6.1.0-56-amd64)
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
KMODPACK=${KMODPACK:-$here/build/kmodpack}
PATH=$PATH:/usr/sbin:/sbin
moddir=${1:-$("$here/scripts/fetch-linux-image.sh")}
n=${2:-10000}
sample=${SAMPLE:-500}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# IDs: the kernel's own (hits) first, then pseudo-random ones (mostly misses).
# (sort into a file, then cut: `| head` would end the pipe early and, under
# pipefail, the script with it)
sed -n 's/^alias pci:v0000\([0-9A-F]\{4\}\)d0000\([0-9A-F]\{4\}\).*/\1:\2/p' "$moddir/modules.alias" |
	tr 'A-F' 'a-f' | sort -u >"$work/all"
head -n "$n" "$work/all" >"$work/ids"
awk -v n="$n" -v have="$(wc -l <"$work/ids")" 'BEGIN { srand(42); for (i = have; i < n; i++) printf "%04x:%04x\n", int(rand()*65536), int(rand()*65536) }' >>"$work/ids"
echo "IDs: $(wc -l <"$work/ids") ($(grep -c . "$work/ids") lines), kernel: $moddir ($(grep -c '^alias pci:' "$moddir/modules.alias") PCI aliases of $(wc -l <"$moddir/modules.alias"))"

args=()
while read -r id; do args+=(--device "$id"); done <"$work/ids"
"$KMODPACK" hcl --kernel "$moddir" --fail-on=none "${args[@]}" >/dev/null # warm the page cache
best=
for i in 1 2 3; do
	s=$(date +%s.%N)
	"$KMODPACK" hcl --kernel "$moddir" --fail-on=none "${args[@]}" >"$work/out"
	e=$(date +%s.%N)
	t=$(echo "$e - $s" | bc)
	if [ -z "$best" ] || [ "$(echo "$t < $best" | bc)" = 1 ]; then best=$t; fi
done
s=$(date +%s.%N)
"$KMODPACK" hcl --kernel "$moddir" --fail-on=none --device 8086:10fb >/dev/null
e=$(date +%s.%N)
echo "kmodpack hcl, load only (1 ID):      $(echo "$e - $s" | bc) s"
echo "kmodpack hcl, load + $n IDs:       $best s (best of 3)   $(tail -1 "$work/out")"

# modprobe -R resolves a full modalias (all fields), so give it one.
release=$(basename "$moddir")
root=$(cd "$moddir/../../.." && pwd)
head -n "$sample" "$work/ids" | tr a-f A-F >"$work/sample" # uppercase outside the timed loop
s=$(date +%s.%N)
while IFS=: read -r v d; do
	modprobe -d "$root" -S "$release" -R "pci:v0000${v}d0000${d}sv00000000sd00000000bc00sc00i00" >/dev/null 2>&1 || true
done <"$work/sample"
e=$(date +%s.%N)
t=$(echo "$e - $s" | bc)
echo "modprobe -R loop, $sample IDs:          $t s  => $(echo "scale=1; $t * $n / $sample" | bc) s for $n IDs (extrapolated)"
