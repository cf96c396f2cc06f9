/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The report model as json-c objects, for the CLI's --json output (cli/
 * may use json-c; the library modules may not). The shapes are those of
 * build-report.json, docs/hcl.md and docs/verify.md. Each returns a new
 * object the caller releases with json_object_put.
 */
#ifndef RP_JSON_H
#define RP_JSON_H

#include "report/report.h"

struct json_object;

struct json_object *rp_coverage_to_json(const struct rp_coverage *c);
struct json_object *rp_verify_to_json(const struct rp_verify *v);

#endif
