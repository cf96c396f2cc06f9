#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Fuzz every harness of tests/fuzz with libFuzzer (clang, ASan+UBSan), each
# with its dictionary (tests/fuzz/dict/HARNESS.dict) when it has one.
#   scripts/fuzz.sh --smoke        CI: each harness runs its seed corpus and
#                                  its regressions, then fuzzes for 30 s
#   scripts/fuzz.sh --minutes N [--until EXECS] [HARNESS...]
#                                  a campaign: N minutes split over the
#                                  harnesses (all, or those named) that have
#                                  not yet reached EXECS executions in total
#                                  (default 10 million); each run is added to
#                                  the ledger docs/fuzz-campaign.tsv (date,
#                                  commit, counts), and docs/ROBUSTNESS.md is
#                                  rewritten from it: totals per harness over
#                                  every run recorded. The corpus a campaign
#                                  grows is kept in build-fuzz/work/HARNESS/
#                                  for the next run to start from.
#   scripts/fuzz.sh --report       rewrite docs/ROBUSTNESS.md from the ledger
# KMODPACK_FUZZ_BUILD_DIR (build-fuzz) and KMODPACK_FUZZ_LEDGER (the ledger
# above) move the build and the ledger.
# Any crash, leak, timeout (10 s per input) or allocation over 2 GB fails
# the run; the input is kept in build-fuzz/artifacts/HARNESS/ to be copied
# into tests/fuzz/regressions/HARNESS/ with the fix. Run a long campaign
# niced: nice -n 19 scripts/fuzz.sh --minutes 120. To stop a campaign's
# harness early, send SIGINT to its fuzz-HARNESS process: libFuzzer exits
# with 72, and the run is recorded with its executions, not as a finding.
set -euo pipefail
cd "$(dirname "$0")/.."
mode=smoke
minutes=0
until_execs=10000000
only=()
while [ $# -gt 0 ]; do
	case $1 in
	--smoke) mode=smoke ;;
	--report) mode=report ;;
	--minutes)
		mode=campaign
		minutes=${2:?--minutes N}
		shift
		;;
	--until)
		until_execs=${2:?--until EXECS}
		shift
		;;
	-h | --help | -*)
		echo "usage: scripts/fuzz.sh [--smoke | --report | --minutes N [--until EXECS] [HARNESS...]]" >&2
		exit 2
		;;
	*) only+=("$1") ;;
	esac
	shift
done

# A campaign running beside other work on the checkout may keep its ledger
# elsewhere (then docs/ROBUSTNESS.md is left alone until --report).
ledger=${KMODPACK_FUZZ_LEDGER:-docs/fuzz-campaign.tsv}
build=${KMODPACK_FUZZ_BUILD_DIR:-build-fuzz}

# Executions recorded for harness $1 in the ledger, over every run.
total_of() {
	[ -f "$ledger" ] || {
		echo 0
		return
	}
	awk -F'\t' -v h="$1" '$3 == h { s += $4 } END { print s + 0 }' "$ledger"
}

write_report() {
	{
		echo "# Robustness: fuzzing campaigns"
		echo
		echo "Written by \`scripts/fuzz.sh --minutes N\` (or \`--report\`) from the ledger"
		echo "[fuzz-campaign.tsv](fuzz-campaign.tsv), one line per harness run: date (UTC),"
		echo "commit, harness, executions, exec/s, coverage (edges), status, seconds."
		echo "Runs were on this machine: $(nproc) cores shared with other work, clang"
		echo "$(clang -dumpversion 2>/dev/null || echo '?'), ASan+UBSan, libFuzzer with the harness's dictionary,"
		echo "each run starting from the corpus the runs before it grew. A status other than 0"
		echo "and 72 is a finding: its input is in build-fuzz/artifacts/ until fixed with a"
		echo "regression input under tests/fuzz/regressions/. 72 is libFuzzer's exit on"
		echo "SIGINT or SIGTERM: a run stopped by hand, its executions counted."
		echo
		echo "| harness | executions, all runs | runs | last exec/s | best coverage (edges) | findings | commits |"
		echo "|---|---:|---:|---:|---:|---:|---|"
		if [ -f "$ledger" ]; then
			awk -F'\t' '
				NR > 1 {
					h = $3; e[h] += $4; n[h]++; r[h] = $5
					if ($6 > c[h]) c[h] = $6
					if ($7 != 0 && $7 != 72) f[h]++
					if (index(" " cm[h] " ", " " $2 " ") == 0) cm[h] = cm[h] (cm[h] ? " " : "") $2
				}
				END { for (h in e) printf "| %s | %d | %d | %s | %d | %d | %s |\n", h, e[h], n[h], r[h], c[h], f[h] + 0, cm[h] }
			' "$ledger" | sort
		fi
		if [ -f "$ledger" ]; then
			echo
			awk -F'\t' -v goal="$until_execs" -v n="$(ls tests/fuzz/fuzz-*.c | wc -l)" '
				NR > 1 { e[$3] += $4; t += $4 }
				END {
					for (h in e) if (e[h] >= goal) r++
					printf "%d of %d harnesses have reached the goal of %d executions each", r, n, goal
					printf " (%d executions recorded in all).\n", t
				}
			' "$ledger"
		fi
		if [ -f docs/ROBUSTNESS.notes.md ]; then
			echo
			cat docs/ROBUSTNESS.notes.md
		fi
	} >docs/ROBUSTNESS.md
}

if [ "$mode" = report ]; then
	write_report
	exit 0
fi

# The commit the harnesses are built from ("+dirty": with uncommitted changes).
commit=$(git rev-parse --short HEAD)
[ -z "$(git status --porcelain -- '*.c' '*.h' '*CMakeLists.txt' tests/fuzz)" ] || commit="$commit+dirty"
CC=clang cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DKMODPACK_FUZZ=ON >/dev/null
harnesses=()
for f in tests/fuzz/fuzz-*.c; do
	f=${f##*/}
	h=${f%.c}
	if [ ${#only[@]} -gt 0 ] && [[ " ${only[*]} " != *" ${h#fuzz-} "* ]]; then
		continue
	fi
	if [ "$mode" = campaign ] && [ "$(total_of "${h#fuzz-}")" -ge "$until_execs" ]; then
		echo "fuzz: ${h#fuzz-}: $(total_of "${h#fuzz-}") executions recorded, done" >&2
		continue
	fi
	harnesses+=("$h")
done
if [ ${#harnesses[@]} -eq 0 ]; then
	echo "fuzz: no harness to run" >&2
	[ "$mode" = campaign ] && [ -z "${KMODPACK_FUZZ_LEDGER:-}" ] && write_report
	exit 0
fi
cmake --build "$build" -j"$(nproc)" --target "${harnesses[@]}" kmodpack >/dev/null
KMODPACK=$build/kmodpack ./scripts/fuzz-corpus.sh "$build/corpus" 2>/dev/null

if [ "$mode" = smoke ]; then
	per=${KMODPACK_FUZZ_SECONDS:-30}
else
	per=$((minutes * 60 / ${#harnesses[@]}))
	[ "$per" -ge 1 ] || per=1
fi
# ASan's leak check at exit; UBSan reports abort.
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:allocator_may_return_null=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
[ "$mode" != campaign ] || [ -f "$ledger" ] || printf 'date\tcommit\tharness\texecutions\texec_per_s\tcoverage\tstatus\tseconds\n' >"$ledger"
status=0
start=$(date +%s)
# The harnesses' scratch files go below one dir of this run (tmpfs when there
# is one), emptied after each harness and removed at the end: a crash or
# timeout ends a harness without its own clean-up.
tmpbase=/tmp
[ -d /dev/shm ] && [ -w /dev/shm ] && tmpbase=/dev/shm
KMODPACK_FUZZ_TMPDIR=$(mktemp -d "$tmpbase/kmodpack-fuzz-run-XXXXXX")
export KMODPACK_FUZZ_TMPDIR
trap 'rm -rf "$KMODPACK_FUZZ_TMPDIR"' EXIT
for h in "${harnesses[@]}"; do
	name=${h#fuzz-}
	work=$build/work/$name
	art=$build/artifacts/$name
	# The smoke starts afresh (in a dir of its own: a campaign's corpus stays);
	# a campaign goes on from the corpus it grew.
	if [ "$mode" = smoke ]; then
		work=$build/smoke/$name
		rm -rf "$work"
	fi
	mkdir -p "$work" "$art"
	# Absolute: a harness may be in another dir when it fails (the archive
	# reader works inside the dir it extracts to), and libFuzzer writes the
	# input relative to the current dir.
	art=$(cd "$art" && pwd)
	log=$build/fuzz-$name.log
	limits=(-max_total_time="$per")
	if [ "$mode" = campaign ]; then
		left=$((until_execs - $(total_of "$name")))
		limits+=(-runs="$left")
	fi
	dict=()
	[ -f "tests/fuzz/dict/$name.dict" ] && dict=(-dict="tests/fuzz/dict/$name.dict")
	# The harness's own cap (FZ_MAX_INPUT, or its smaller one, e.g.
	# FACTS_MAX_INPUT in fuzz-dkmsfacts.c: keep them in step): libFuzzer makes
	# no input that the harness would only skip.
	max_len=262144
	case $name in
	dkmsfacts) max_len=8192 ;;
	esac
	st=0
	t0=$(date +%s)
	# New inputs go to the work dir: the seed corpus stays as the script made it.
	"$build/tests/fuzz/$h" "$work" "$build/corpus/$name" "${limits[@]}" "${dict[@]}" \
		-timeout=10 -rss_limit_mb=2048 -malloc_limit_mb=2048 -max_len="$max_len" \
		-print_final_stats=1 -artifact_prefix="$art/" >"$log" 2>&1 || st=$?
	secs=$(($(date +%s) - t0))
	find "$KMODPACK_FUZZ_TMPDIR" -mindepth 1 -delete
	execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
	rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -1)
	cov=$(grep -o 'cov: [0-9]*' "$log" | tail -1 | cut -d' ' -f2)
	if [ "$mode" = campaign ]; then
		printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$(date -u +%Y-%m-%dT%H:%MZ)" "$commit" \
			"$name" "${execs:-0}" "${rate:-0}" "${cov:-0}" "$st" "$secs" >>"$ledger"
		[ -n "${KMODPACK_FUZZ_LEDGER:-}" ] || write_report
	fi
	if [ "$mode" = campaign ] && [ "$st" = 72 ]; then
		echo "fuzz: $name: stopped by hand after ${execs:-0} executions (counted)" >&2
	elif [ "$st" != 0 ]; then
		echo "fuzz: $name FAILED (status $st): see $log and $art/" >&2
		grep -E "ERROR|SUMMARY|runtime error" "$log" | head -5 >&2 || true
		status=1
	else
		echo "fuzz: $name: ${execs:-0} executions, ${rate:-0} exec/s, cov ${cov:-0}" >&2
	fi
done
echo "fuzz: $mode took $(($(date +%s) - start)) s" >&2
exit $status
