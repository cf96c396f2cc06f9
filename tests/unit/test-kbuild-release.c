// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * kbuild/release.c: the kernel releases a driver accepts, as DKMS decides
 * BUILD_EXCLUSIVE_KERNEL (a regular expression matched anywhere, as bash's
 * =~) and BUILD_EXCLUSIVE_KERNEL_MIN/_MAX (DKMS's VER() order). The
 * examples are those of dkms(8).
 */
#include "tests/unit/testlib.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "common/util.h"
#include "kbuild/release.h"

static void test_order(void **state)
{
	(void)state;
	/* dkms(8): MIN=3.5 builds for 3.5-rc2 and 3.6.18, not for 3.4.999 */
	assert_true(kb_release_cmp("3.5-rc2", "3.5") > 0);
	assert_true(kb_release_cmp("3.6.18", "3.5") > 0);
	assert_true(kb_release_cmp("3.4.999", "3.5") < 0);
	/* MAX=4.12 builds for 4.11.999 and 3.9-rc5, not for 4.12-rc1 */
	assert_true(kb_release_cmp("4.11.999", "4.12") < 0);
	assert_true(kb_release_cmp("3.9-rc5", "4.12") < 0);
	assert_true(kb_release_cmp("4.12-rc1", "4.12") > 0);
	/* numbers compare as numbers, not as text: 6.10 after 6.9 */
	assert_true(kb_release_cmp("6.10.0-1-amd64", "6.9") > 0);
	assert_true(kb_release_cmp("6.1.0-57-amd64", "6.1.0-57-amd64") == 0);
	assert_true(kb_release_cmp("6.1.0-57-amd64", "6.1") > 0);
	assert_true(kb_release_cmp("6.1.0-57-amd64", "6.2") < 0);
	assert_true(kb_release_cmp("4.19.0+1", "4.19.0+2") < 0);
	assert_true(kb_release_cmp("", "1") < 0);
}

static void test_regex(void **state)
{
	(void)state;
	char *why = NULL;
	assert_int_equal(kb_release_regex_check("^6\\.1\\.", &why), 0);
	assert_null(why);
	assert_true(kb_release_matches("^6\\.1\\.", "6.1.0-57-amd64"));
	assert_false(kb_release_matches("^6\\.1\\.", "6.10.0-1-amd64"));
	/* anywhere in the release, as bash's =~ matches */
	assert_true(kb_release_matches("cloud", "6.1.0-57-cloud-amd64"));
	assert_false(kb_release_matches("cloud", "6.1.0-57-amd64"));
	/* extended syntax: alternatives and groups without backslashes */
	assert_true(kb_release_matches("^(5\\.10|6\\.1)\\.", "5.10.0-30-amd64"));
	assert_true(kb_release_matches("-(amd64|arm64)$", "6.1.0-57-amd64"));
	assert_false(kb_release_matches("-(amd64|arm64)$", "6.1.0-57-cloud-amd64x"));
	/* dkms(8): ^2\.4.* builds for 2.4 only */
	assert_false(kb_release_matches("^2\\.4.*", "2.6.32"));
	assert_int_equal(kb_release_regex_check("^(6\\.1", &why), -EINVAL);
	assert_non_null(why);
	assert_non_null(strstr(why, "("));
	free(why);
	assert_int_equal(kb_release_regex_check("[6-", &why), -EINVAL);
	free(why);
}

static void test_version_valid(void **state)
{
	(void)state;
	assert_true(kb_release_version_valid("5.10"));
	assert_true(kb_release_version_valid("6.1.0-57-amd64"));
	assert_true(kb_release_version_valid("4.12-rc1"));
	assert_false(kb_release_version_valid(""));
	assert_false(kb_release_version_valid("v5.10"));
	assert_false(kb_release_version_valid("5.10 6.1"));
	assert_false(kb_release_version_valid("5.10;x"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_order),
	    cmocka_unit_test(test_regex),
	    cmocka_unit_test(test_version_valid),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
