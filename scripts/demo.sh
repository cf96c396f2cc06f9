#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# The README's first command: set up, then build the example driver for
# every kernel flavour installed here and show where the RPMs are.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/setup.sh
./build/kmodpack targets
./build/kmodpack build -o out drivers/example-helloworld
