#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Check kmodpack --json documents against the tables of docs/json.md.

usage: json-schema.py DOCS_JSON_MD FILE.json [--file]

docs/json.md has one "### `NAME`" heading per document, followed by a table
whose rows are  | `field.path` | type | meaning |.  A path uses "." between
keys, "[]" for the elements of a list and "*" for any key of a map. A type
is string, integer, number, boolean, object or array ("array of T" checks
the elements), optionally followed by "or null"; "as `NAME`" says the
object (or each element) is laid out as document NAME's table (without its
schema); ", stdout only" marks a field build-report.json (checked with
--file) leaves out.

The document's "schema" names the table, and must be the value the table's
`schema` row shows. Every field of the document must be in the table, with
its type; every field of the table must be in each object it belongs to
(fields are never left out). Exit status 0 when it matches, 1 with one line
per problem otherwise.
"""
import json
import re
import sys

TYPES = {
    "string": str, "integer": int, "number": (int, float), "boolean": bool,
    "object": dict, "array": list,
}


def read_tables(md):
    tables, name = {}, None
    for line in open(md, encoding="utf-8"):
        m = re.match(r"^### `([a-z-]+)`", line)
        if m:
            name = m.group(1)
            tables[name] = {}
            continue
        if line.startswith("## ") or line.startswith("### "):
            name = None
        if not name or not line.startswith("| `"):
            continue
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) < 3:
            continue
        for path in re.findall(r"`([^`]+)`", cells[0]):
            tables[name][path] = (cells[1], cells[2])
    return tables


def type_ok(value, spec):
    spec = re.sub(r",? as `[a-z-]+`", "", spec).split(",")[0].strip()
    nullable = spec.endswith(" or null")
    base = spec[: -len(" or null")] if nullable else spec
    if value is None:
        return nullable
    elem = None
    if base.startswith("array of "):
        elem, base = base[len("array of "):], "array"
    want = TYPES.get(base)
    if want is None:
        raise SystemExit("docs/json.md: unknown type '%s'" % spec)
    if isinstance(value, bool) and base in ("integer", "number"):
        return False
    if not isinstance(value, want):
        return False
    return all(type_ok(v, elem) for v in value) if elem else True


def children(table, parent):
    """The rows whose path is parent + one key: {key: type}."""
    out = {}
    for path, (spec, _) in table.items():
        if path.startswith(parent + "." if parent else ""):
            rest = path[len(parent) + 1:] if parent else path
            if re.fullmatch(r"[A-Za-z0-9_*-]+", rest):
                out[rest] = spec
    return out


class Checker:
    def __init__(self, tables, as_file, what):
        self.tables, self.as_file, self.what, self.errors = tables, as_file, what, []

    def obj(self, value, table, parent, where, embedded):
        rows = children(table, parent)
        for key, v in value.items():
            row = key if key in rows else "*" if "*" in rows else None
            here = "%s.%s" % (where, key) if where else key
            if row is None:
                self.errors.append("%s: not documented in docs/json.md" % here)
                continue
            spec = rows[row]
            path = "%s.%s" % (parent, row) if parent else row
            self.value(v, spec, table, path, here)
        for key, spec in rows.items():
            if key == "*" or key in value or (embedded and key == "schema"):
                continue
            if self.as_file and "stdout only" in spec:
                continue
            here = "%s.%s" % (where, key) if where else key
            self.errors.append("%s: documented, but missing" % here)

    def value(self, v, spec, table, path, here):
        if self.as_file and "stdout only" in spec:
            self.errors.append("%s: stdout only, but in the file" % here)
        if not type_ok(v, spec):
            self.errors.append("%s: %s is not %s" % (here, json.dumps(v)[:60], spec))
            return
        ref = re.search(r"as `([a-z-]+)`", spec)
        items = v if isinstance(v, list) else [v]
        for i, item in enumerate(items):
            at = "%s[%d]" % (here, i) if isinstance(v, list) else here
            if not isinstance(item, dict):
                continue
            if ref:
                self.obj(item, self.tables[ref.group(1)], "", at, True)
            else:
                self.obj(item, table, path + "[]" if isinstance(v, list) else path, at, False)


def check(doc, tables, as_file, what):
    if not isinstance(doc, dict):
        return ["not a JSON object"]
    m = re.match(r"^kmodpack\.([a-z-]+)/([0-9]+)$", str(doc.get("schema")))
    if not m or m.group(1) not in tables:
        return ["schema %r: no such document in docs/json.md" % (doc.get("schema"),)]
    table = tables[m.group(1)]
    if "`%s`" % doc["schema"] not in table.get("schema", ("", ""))[1]:
        return ["schema %r: docs/json.md documents %s" % (doc["schema"], table.get("schema"))]
    c = Checker(tables, as_file, what)
    c.obj(doc, table, "", "", False)
    return c.errors


def main():
    args = sys.argv[1:]
    tables = read_tables(args[0])
    doc = json.load(open(args[1]))
    errors = check(doc, tables, "--file" in args, args[1])
    for e in errors:
        print("%s: %s" % (args[1], e))
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
