// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * specgen/render.c: any bytes as a template, against values and nested
 * lists shaped like the spec model's (flavours of modules).
 */
#include <stdlib.h>

#include "specgen/render.h"
#include "tests/fuzz/fuzz.h"

static struct spec_vars *model(void)
{
	struct spec_vars *v = spec_vars_new();
	spec_vars_set(v, "name", "hello");
	spec_vars_set(v, "version", "1.0");
	spec_vars_set(v, "empty", "");
	spec_vars_list(v, "none");
	for (int i = 0; i < 3; i++) {
		struct spec_vars *f = spec_vars_add(v, "flavours");
		spec_vars_setf(f, "flavour", "f%d", i);
		for (int j = 0; j < 2; j++)
			spec_vars_setf(spec_vars_add(f, "modules"), "module", "m%d", j);
	}
	return v;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct spec_vars *v;
	if (size > FZ_MAX_INPUT)
		return 0;
	fz_init();
	if (!v)
		v = model();
	char *tmpl = fz_string(data, size);
	char *out = NULL;
	if (spec_render("t.spec.in", tmpl, v, &out) == 0)
		free(out);
	free(tmpl);
	return 0;
}
