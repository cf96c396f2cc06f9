#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# The README's first command: set up, build the example driver for every
# kernel flavour installed here, make its supplemental pack, and read the
# pack back as the installer would (installing it into a scratch root).
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/setup.sh
./build/kmodpack targets
./build/kmodpack build -o out drivers/example-helloworld
./build/kmodpack pack -o out/pack out
./build/kmodpack verify --logs out/pack/logs out/pack/helloworld.iso
