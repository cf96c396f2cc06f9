// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * specgen/render.c on templates made to run forever: 30 nested @for@
 * blocks over a 4-item list (4^30 steps) kept it busy for good; deep
 * nesting and runaway expansion must end in an error that names the line.
 */
#include "tests/unit/testlib.h"

#include <string.h>

#include "common/log.h"
#include "common/util.h"
#include "specgen/render.h"

/* depth nested "@for l@x" blocks, then their @end@s. */
static char *nested_for(int depth)
{
	struct kp_buf b = {0};
	for (int i = 0; i < depth; i++)
		kp_buf_adds(&b, "@for l@x\n");
	for (int i = 0; i < depth; i++)
		kp_buf_adds(&b, "@end@");
	return kp_buf_steal(&b);
}

static struct spec_vars *list_of(int items)
{
	struct spec_vars *v = spec_vars_new();
	spec_vars_list(v, "l");
	for (int i = 0; i < items; i++)
		spec_vars_set(spec_vars_add(v, "l"), "y", "z");
	return v;
}

static void test_nested_single_item_is_linear(void **state)
{
	_cleanup_(spec_vars_freep) struct spec_vars *v = list_of(1);
	_cleanup_free_ char *tmpl = nested_for(60);
	_cleanup_free_ char *out = NULL;
	assert_int_equal(spec_render("t.spec.in", tmpl, v, &out), 0);
	assert_int_equal(strlen(out), 60 * 2);
}

static void test_too_deep_refused(void **state)
{
	_cleanup_(spec_vars_freep) struct spec_vars *v = list_of(1);
	_cleanup_free_ char *tmpl = nested_for(1000);
	char *out = NULL;
	tl_log_reset();
	assert_int_equal(spec_render("t.spec.in", tmpl, v, &out), -KP_EINPUT);
	assert_null(out);
	assert_non_null(strstr(tl_log_text(), "t.spec.in:65: blocks nested deeper than"));
}

static void test_exponential_expansion_refused(void **state)
{
	_cleanup_(spec_vars_freep) struct spec_vars *v = list_of(4);
	_cleanup_free_ char *tmpl = nested_for(30);
	char *out = NULL;
	tl_log_reset();
	assert_int_equal(spec_render("t.spec.in", tmpl, v, &out), -KP_EINPUT);
	assert_non_null(strstr(tl_log_text(), "the template expands beyond"));
}

/*
 * A big driver walked along its model: 40 kernels (an --all-kernels
 * build), a module with 1,500 aliases (USB serial drivers have that many),
 * a Provides: line each. That is 120,000 steps, more than the floor of the
 * bound: the bound grows with the model, so a real driver never meets it.
 */
static void test_big_model_renders(void **state)
{
	_cleanup_(spec_vars_freep) struct spec_vars *v = spec_vars_new();
	for (int f = 0; f < 40; f++) {
		struct spec_vars *m = spec_vars_add(spec_vars_add(v, "flavours"), "modules");
		for (int a = 0; a < 1500; a++)
			spec_vars_setf(spec_vars_add(m, "aliases"), "ALIAS", "usb:v%04Xp*", a);
	}
	const char *tmpl = "@for flavours@@for modules@@for aliases@"
			   "Provides: modalias(@ALIAS@)\n@end@@end@@end@";
	_cleanup_free_ char *out = NULL;
	tl_log_reset();
	assert_int_equal(spec_render("t.spec.in", tmpl, v, &out), 0);
	size_t lines = 0;
	for (const char *p = out; (p = strchr(p, '\n')); p++)
		lines++;
	assert_int_equal(lines, 40 * 1500);
	assert_non_null(strstr(out, "Provides: modalias(usb:v05DBp*)\n"));
}

int main(void)
{
	tl_log_capture();
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_nested_single_item_is_linear),
	    cmocka_unit_test(test_too_deep_refused),
	    cmocka_unit_test(test_exponential_expansion_refused),
	    cmocka_unit_test(test_big_model_renders),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
