#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# A flavour with modules_dir: the build checks each built module's PCI IDs
# against that kernel, warns once per ID it already supports, records the
# verdicts in the build report, and still publishes.
source "$(dirname "$0")/lib.sh"
need_trees
mods=$TMP/lib/modules/$AMD64_REL
mkdir -p "$mods"
echo 'alias pci:v00001B36d00000005sv*sd*bc*sc*i* pci_testdev' >"$mods/modules.alias"
cat >"$TMP/target.ini" <<EOT
[target]
name = hcl-test
[flavour amd64]
tree = $AMD64_TREE
modules_dir = $mods
[flavour cloud-amd64]
tree = $CLOUD_TREE
EOT
OUT=$TMP/outdir
run 0 "$KMODPACK" build -t "$TMP/target.ini" -o "$OUT" "$EXAMPLE"
assert_contains "$TMP/err" "warning: flavour amd64: 'helloworld.ko': pci 1b36:0005"
assert_contains "$TMP/err" "already supported by in-kernel pci_testdev"
assert_eq "$(grep -c 'already supported' "$TMP/err")" 1 "one warning per supported ID"
python3 - "$OUT/build-report.json" <<'PY'
import json, sys
fl = {f["name"]: f for f in json.load(open(sys.argv[1]))["flavours"]}
ids = fl["amd64"]["hcl"]["ids"]
assert [(i["vendor"], i["device"], i["verdict"], i["claimed_by"]) for i in ids] == \
    [("1b36", "0005", "supported", ["pci_testdev"])], ids
assert fl["cloud-amd64"]["hcl"] is None, "no modules_dir, no check"
PY
# A modules_dir without an alias index is an environment problem.
rm "$mods/modules.alias"
run 3 "$KMODPACK" build -q -t "$TMP/target.ini" -o "$OUT" "$EXAMPLE"
assert_contains "$TMP/err" "$mods"
echo ok
