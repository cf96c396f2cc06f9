/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The report model as json-c objects, for the CLI's --json output (cli/
 * may use json-c; the library modules may not). The shapes are those of
 * build-report.json, docs/hcl.md and docs/verify.md. Each returns a new
 * object the caller releases with json_object_put.
 */
#ifndef RP_JSON_H
#define RP_JSON_H

#include <stdbool.h>

#include "report/report.h"

struct json_object;

/*
 * The helpers every --json document is made with (docs/json.md,
 * "Conventions"). rp_json_document: a new object whose first key is
 * "schema": "kmodpack.<name>/<version>". rp_json_seconds: a duration
 * rounded to milliseconds, written with three decimals. rp_json_path: a
 * path made absolute against the current directory (not resolved), or
 * null for NULL. rp_json_str: a string or null.
 */
struct json_object *rp_json_document(const char *name, int version);
struct json_object *rp_json_seconds(double seconds);
struct json_object *rp_json_path(const char *path);
struct json_object *rp_json_str(const char *s);
/* An array of v's strings ([] when empty). */
struct kp_strv;
struct json_object *rp_json_strv(const struct kp_strv *v);
/* The document as text: pretty-printed, '/' not escaped; caller frees. */
char *rp_json_text(struct json_object *o);

/* The schema versions (docs/json.md). build 2: compile_seconds became seconds. */
#define RP_SCHEMA_BUILD 2
#define RP_SCHEMA_VERIFY 1
#define RP_SCHEMA_HCL 1

/* hcl coverage; as its own document (kmodpack hcl) it starts with "schema". */
struct json_object *rp_coverage_to_json(const struct rp_coverage *c, bool document);
/* The verify verdict; as its own document (kmodpack verify) it starts with "schema". */
struct json_object *rp_verify_to_json(const struct rp_verify *v, bool document);
/* A build's skipped flavours: [{name, release, reason}] (build and status documents). */
struct json_object *rp_skipped_to_json(const struct rp_build *b);
/*
 * The build document of `kmodpack build --json`: the build report with
 * every path absolute (joined to outdir), and outdir and up_to_date.
 */
struct json_object *rp_build_to_json(const struct rp_build *b, const char *outdir,
				     bool up_to_date);

#endif
