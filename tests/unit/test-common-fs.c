// SPDX-License-Identifier: GPL-2.0-or-later
/* File-system walks that feed archives, ISOs and "nothing left behind" checks. */
#include "common/fs.h"

#include <unistd.h>

#include "common/util.h"
#include "tests/unit/testlib.h"

static void test_list_tree(void **state)
{
	char *dir = tl_tmpdir();
	tl_write(dir, "b/z", "1");
	tl_write(dir, "b/a/deep", "2");
	tl_write(dir, "a", "3");
	_cleanup_free_ char *empty = kp_path_join(dir, "c");
	assert_int_equal(kp_mkdir_p(empty, 0755), 0);
	_cleanup_free_ char *link = kp_path_join(dir, "b/link");
	assert_int_equal(symlink("/etc", link), 0);

	_cleanup_strv_ struct kp_strv out = {0};
	kp_list_tree(dir, &out);
	/* Sorted tree order; directories are walked, not listed; a symlink is listed, not followed. */
	assert_int_equal(out.n, 4);
	assert_string_equal(out.v[0], "a");
	assert_string_equal(out.v[1], "b/a/deep");
	assert_string_equal(out.v[2], "b/link");
	assert_string_equal(out.v[3], "b/z");

	_cleanup_strv_ struct kp_strv none = {0};
	kp_list_tree("/nonexistent/kmodpack-test", &none);
	assert_int_equal(none.n, 0);
	tl_tmpdir_free(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_list_tree),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
