// SPDX-License-Identifier: GPL-2.0-or-later
/* common/suggest.c: the did-you-mean of unknown sections and keys. */
#include "tests/unit/testlib.h"

#include "common/suggest.h"
#include "common/util.h"

static void test_distance(void **state)
{
	(void)state;
	assert_int_equal(kp_edit_distance("driver", "driver"), 0);
	assert_int_equal(kp_edit_distance("drivers", "driver"), 1);
	assert_int_equal(kp_edit_distance("flavor", "flavour"), 1);
	assert_int_equal(kp_edit_distance("lisence", "license"), 2);
	assert_int_equal(kp_edit_distance("verison", "version"), 1); /* a swap is one edit */
	assert_int_equal(kp_edit_distance("", "abc"), 3);
}

static void test_suggest(void **state)
{
	(void)state;
	static const char *const keys[] = {"name", "version", "release", "url", NULL, "modules"};
	size_t n = KP_ARRAY_SIZE(keys);
	assert_int_equal(kp_suggest("Version", keys, n), 1); /* case first */
	assert_int_equal(kp_suggest("VERSION", keys, n), 1);
	assert_int_equal(kp_suggest("verison", keys, n), 1);
	assert_int_equal(kp_suggest("uri", keys, n), 3);
	assert_int_equal(kp_suggest("module", keys, n), 5);
	/* Nothing close: no guess. */
	assert_int_equal(kp_suggest("colour", keys, n), -1);
	assert_int_equal(kp_suggest("x", keys, n), -1);
	assert_int_equal(kp_suggest("abc", keys, n), -1);
}

static void test_phrase(void **state)
{
	(void)state;
	static const char *const keys[] = {"label", NULL, "text", "requires"};
	_cleanup_free_ char *near = kp_suggest_phrase("lable", keys, 4);
	assert_string_equal(near, ": did you mean 'label'? (known: label, text, requires)");
	_cleanup_free_ char *far = kp_suggest_phrase("colour", keys, 4);
	assert_string_equal(far, " (known: label, text, requires)");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_distance),
	    cmocka_unit_test(test_suggest),
	    cmocka_unit_test(test_phrase),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
