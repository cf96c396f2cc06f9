#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Fuzz every harness of tests/fuzz with libFuzzer (clang, ASan+UBSan).
#   scripts/fuzz.sh --smoke        CI: each harness runs its seed corpus and
#                                  its regressions, then fuzzes for 20 s
#   scripts/fuzz.sh --minutes N    a campaign: N minutes split over the
#                                  harnesses; exec counts and exec/s go into
#                                  docs/ROBUSTNESS.md
# Any crash, leak, timeout (10 s per input) or allocation over 2 GB fails
# the run; the input is kept in build-fuzz/artifacts/HARNESS/ to be copied
# into tests/fuzz/regressions/HARNESS/ with the fix.
set -euo pipefail
cd "$(dirname "$0")/.."
mode=smoke
minutes=0
while [ $# -gt 0 ]; do
	case $1 in
	--smoke) mode=smoke ;;
	--minutes)
		mode=campaign
		minutes=${2:?--minutes N}
		shift
		;;
	*)
		echo "usage: scripts/fuzz.sh [--smoke | --minutes N]" >&2
		exit 2
		;;
	esac
	shift
done

build=${KMODPACK_FUZZ_BUILD_DIR:-build-fuzz}
CC=clang cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DKMODPACK_FUZZ=ON >/dev/null
harnesses=()
for f in tests/fuzz/fuzz-*.c; do
	f=${f##*/}
	harnesses+=("${f%.c}")
done
cmake --build "$build" -j"$(nproc)" --target "${harnesses[@]}" >/dev/null
./scripts/fuzz-corpus.sh "$build/corpus" 2>/dev/null

if [ "$mode" = smoke ]; then
	per=${KMODPACK_FUZZ_SECONDS:-20}
else
	per=$((minutes * 60 / ${#harnesses[@]}))
	[ "$per" -ge 1 ] || per=1
fi
# ASan's leak check at exit; UBSan reports abort.
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:allocator_may_return_null=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
results=$build/fuzz-results.tsv
: >"$results"
status=0
start=$(date +%s)
for h in "${harnesses[@]}"; do
	name=${h#fuzz-}
	work=$build/work/$name
	art=$build/artifacts/$name
	rm -rf "$work"
	mkdir -p "$work" "$art"
	log=$build/fuzz-$name.log
	st=0
	# New inputs go to a scratch dir: the seed corpus stays as the script made it.
	"$build/tests/fuzz/$h" "$work" "$build/corpus/$name" -max_total_time="$per" \
		-timeout=10 -rss_limit_mb=2048 -malloc_limit_mb=2048 -max_len=262144 \
		-print_final_stats=1 -artifact_prefix="$art/" >"$log" 2>&1 || st=$?
	execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
	rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -1)
	cov=$(grep -o 'cov: [0-9]*' "$log" | tail -1 | cut -d' ' -f2)
	printf '%s\t%s\t%s\t%s\t%s\n' "$name" "${execs:-0}" "${rate:-0}" "${cov:-0}" "$st" >>"$results"
	if [ "$st" != 0 ]; then
		echo "fuzz: $name FAILED (status $st): see $log and $art/" >&2
		grep -E "ERROR|SUMMARY|runtime error" "$log" | head -5 >&2 || true
		status=1
	else
		echo "fuzz: $name: ${execs:-0} executions, ${rate:-0} exec/s, cov ${cov:-0}" >&2
	fi
done
echo "fuzz: $mode took $(($(date +%s) - start)) s" >&2

if [ "$mode" = campaign ]; then
	{
		echo "# Robustness: fuzzing campaigns"
		echo
		echo "Written by \`scripts/fuzz.sh --minutes N\`; numbers from the last campaign,"
		echo "on $(date -u +%Y-%m-%d) at $(git rev-parse --short HEAD), $(nproc) cores shared"
		echo "with other work, clang $(clang -dumpversion), ASan+UBSan, ${per} s per harness."
		echo "A status other than 0 is a finding: its input is in build-fuzz/artifacts/."
		echo
		echo "| harness | executions | exec/s | coverage (edges) | status |"
		echo "|---|---:|---:|---:|---:|"
		while IFS=$'\t' read -r n e r c s; do
			echo "| $n | $e | $r | $c | $s |"
		done <"$results"
		if [ -f docs/ROBUSTNESS.notes.md ]; then
			echo
			cat docs/ROBUSTNESS.notes.md
		fi
	} >docs/ROBUSTNESS.md
fi
exit $status
