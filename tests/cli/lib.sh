# SPDX-License-Identifier: GPL-2.0-or-later
# Shared helpers for the CLI tests: each test is a bash script run by ctest
# with $KMODPACK set to the binary. Exit 77 means skipped.
set -euo pipefail

: "${KMODPACK:?run through ctest, or set KMODPACK to the kmodpack binary}"
SRCDIR=${KMODPACK_TEST_SRCDIR:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}
EXAMPLE=$SRCDIR/drivers/example-helloworld
TMP=$(mktemp -d /tmp/kmodpack-cli-XXXXXX)
trap 'rm -rf "$TMP"' EXIT

fail() {
	echo "FAIL: $*" >&2
	exit 1
}

skip() {
	echo "SKIP: $*" >&2
	exit 77
}

# run EXPECTED_STATUS CMD...: run, keep stdout/stderr in $TMP/out and $TMP/err.
run() {
	local want=$1
	shift
	local st=0
	"$@" >"$TMP/out" 2>"$TMP/err" || st=$?
	if [ "$st" != "$want" ]; then
		echo "--- stdout" >&2
		cat "$TMP/out" >&2
		echo "--- stderr" >&2
		cat "$TMP/err" >&2
		fail "'$*' exited with $st, expected $want"
	fi
}

assert_contains() { # FILE TEXT
	grep -qF -- "$2" "$1" || {
		cat "$1" >&2
		fail "'$1' does not contain '$2'"
	}
}

assert_not_contains() { # FILE TEXT
	! grep -qF -- "$2" "$1" || {
		cat "$1" >&2
		fail "'$1' contains '$2'"
	}
}

assert_eq() { # GOT WANT WHAT
	[ "$1" = "$2" ] || fail "$3: got '$1', want '$2'"
}

# The two Debian flavours installed by scripts/setup.sh.
need_trees() {
	ls -d /usr/src/linux-headers-*-amd64 >/dev/null 2>&1 ||
		skip "no kernel headers installed (run scripts/setup.sh)"
	AMD64_TREE=$(ls -d /usr/src/linux-headers-*[0-9]-amd64 | sort -V | tail -1)
	CLOUD_TREE=$(ls -d /usr/src/linux-headers-*-cloud-amd64 | sort -V | tail -1)
	AMD64_REL=$(sed -n 's/.*UTS_RELEASE "\(.*\)"/\1/p' "$AMD64_TREE/include/generated/utsrelease.h")
	CLOUD_REL=$(sed -n 's/.*UTS_RELEASE "\(.*\)"/\1/p' "$CLOUD_TREE/include/generated/utsrelease.h")
	KVER=${AMD64_REL%-amd64}
}

# A target file with both Debian flavours, so tests do not depend on what else is installed.
debian_target() { # FILE
	need_trees
	cat >"$1" <<EOT
[target]
name = debian-test
arch = x86_64
[flavour amd64]
tree = $AMD64_TREE
[flavour cloud-amd64]
tree = $CLOUD_TREE
EOT
}

# start_slow_build DIR OUT SECONDS: start a build of DIR into OUT in the
# background whose make stays busy for SECONDS (Kbuild evaluates the
# Makefile when it starts), and return once that make runs. Sets pid (the
# kmodpack) and SLEEP (unique to this run, so pgrep sees this test's sleep
# only on a shared machine). stderr goes to $TMP/err.
start_slow_build() {
	SLEEP="sleep $3.$$"
	echo "dummy := \$(shell $SLEEP)" >>"$1/src/Makefile"
	"$KMODPACK" build -q -t "$TMP/target.ini" -o "$2" "$1" >/dev/null 2>"$TMP/err" &
	pid=$!
	for _ in $(seq 300); do
		pgrep -f "$SLEEP" >/dev/null && break
		sleep 0.1
	done
	pgrep -f "$SLEEP" >/dev/null || fail "the slow build never started make"
}

# Checksums of every file in a dir except kmodpack's own state and the
# logs a failed run may add.
snapshot() { # DIR
	(cd "$1" && find . -path ./.kmodpack -prune -o -name '*.failed.log' -o -type f -print |
		sort | xargs -r sha256sum)
}

# Extract one file of an RPM to stdout.
rpm_cat() { # RPM PATH
	rpm2cpio "$1" | cpio -i --quiet --to-stdout ".$2"
}
