#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# The README's second command: set up, then run every test: unit and CLI
# tests against the real kernel trees and rpm, once with a build under
# AddressSanitizer and UndefinedBehaviorSanitizer, once with the plain one.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/setup.sh

# Warnings are errors here, so CI catches them.
KMODPACK_BUILD_DIR=build-asan KMODPACK_CMAKE_ARGS="-DKMODPACK_SANITIZE=ON -DKMODPACK_WERROR=ON" \
	./scripts/setup.sh
echo "test: every test against the ASan/UBSan build" >&2
# tests/lsan.supp: leaks inside libraries (rpm's use of popt), not ours.
(cd build-asan && LSAN_OPTIONS=suppressions=$PWD/../tests/lsan.supp ctest --output-on-failure -j2)

echo "test: all tests" >&2
cd build
ctest --output-on-failure -j2
