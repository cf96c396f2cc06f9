/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Small json-c helpers shared by every report: build, hcl, verify, the CLI. */
#ifndef KP_JSON_H
#define KP_JSON_H

#include <json-c/json.h>

#include "common/util.h"

/* A string, or JSON null for NULL. */
json_object *kp_json_str(const char *s);
/* An array of the strings in sv. */
json_object *kp_json_strv(const struct kp_strv *sv);

#endif
