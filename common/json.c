// SPDX-License-Identifier: GPL-2.0-or-later
#include "common/json.h"

json_object *kp_json_str(const char *s)
{
	return s ? json_object_new_string(s) : NULL;
}

json_object *kp_json_strv(const struct kp_strv *sv)
{
	json_object *a = json_object_new_array();
	for (size_t i = 0; i < sv->n; i++)
		json_object_array_add(a, json_object_new_string(sv->v[i]));
	return a;
}
