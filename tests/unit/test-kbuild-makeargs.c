// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * kbuild/makeargs.c: make_args words split without a shell, checked, and
 * the per-flavour variables expanded into one argv entry each.
 */
#include "tests/unit/testlib.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "common/util.h"
#include "kbuild/makeargs.h"
#include "kbuild/target.h"

static const struct kb_make_vars deb = {.tree = "/usr/src/linux-headers-6.1.0-57-amd64",
					.source_tree = "/usr/src/linux-headers-6.1.0-57-common",
					.release = "6.1.0-57-amd64",
					.kver = "6.1.0-57",
					.arch = "x86_64",
					.flavour = "amd64"};

static void expect_expand(const char *arg, const char *want)
{
	char *why = NULL;
	if (kb_make_arg_check(arg, &why) < 0)
		fail_msg("'%s' refused: %s", arg, why);
	_cleanup_free_ char *got = kb_make_arg_expand(arg, &deb);
	assert_string_equal(got, want);
}

static void test_expand(void **state)
{
	(void)state;
	expect_expand("KSRC={tree}", "KSRC=/usr/src/linux-headers-6.1.0-57-amd64");
	expect_expand("BUILD_KERNEL={release}", "BUILD_KERNEL=6.1.0-57-amd64");
	expect_expand("KOBJ={tree}/x:{source_tree}", "KOBJ=/usr/src/linux-headers-6.1.0-57-amd64/x:"
						     "/usr/src/linux-headers-6.1.0-57-common");
	expect_expand("V={kver}-{arch}-{flavour}", "V=6.1.0-57-x86_64-amd64");
	expect_expand("CONFIG_FOO=m", "CONFIG_FOO=m");
	/* '{{' is a literal '{'; a lone '}' is itself. */
	expect_expand("X={{tree}", "X={tree}");
	expect_expand("X={{{release}}", "X={6.1.0-57-amd64}");
	expect_expand("CC=distcc gcc-12", "CC=distcc gcc-12");
}

static void expect_refused(const char *arg, const char *what)
{
	char *why = NULL;
	assert_int_equal(kb_make_arg_check(arg, &why), -EINVAL);
	assert_non_null(why);
	if (!strstr(why, what))
		fail_msg("'%s': message '%s' lacks '%s'", arg, why, what);
	free(why);
}

static void test_check(void **state)
{
	(void)state;
	expect_refused("KSRC={kernel}", "{kernel} is not a variable");
	expect_refused("KSRC={}", "{} is not a variable");
	expect_refused("KSRC={tree", "not closed");
	expect_refused("{tree}=1", "must be NAME=VALUE");
	expect_refused("X=$(shell id)", "not '$'");
	expect_refused("X=a'b", "not '''");
	expect_refused("X=%{tree}", "not '%'");
}

static void test_split(void **state)
{
	(void)state;
	_cleanup_strv_ struct kp_strv w = {0};
	char *why = NULL;
	assert_int_equal(
	    kb_make_args_split("  KSRC={tree}\tCC=\"distcc gcc-12\"\n  \"A=b c\"d ", &w, &why), 0);
	assert_int_equal(w.n, 3);
	assert_string_equal(w.v[0], "KSRC={tree}");
	assert_string_equal(w.v[1], "CC=distcc gcc-12");
	assert_string_equal(w.v[2], "A=b cd");
	_cleanup_strv_ struct kp_strv bad = {0};
	assert_int_equal(kb_make_args_split("CC=\"distcc gcc", &bad, &why), -EINVAL);
	assert_non_null(strstr(why, "not closed"));
	free(why);
	why = NULL;
	assert_int_equal(kb_make_args_split("CC=\"distcc\ngcc\"", &bad, &why), -EINVAL);
	assert_non_null(strstr(why, "one line"));
	free(why);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_expand),
	    cmocka_unit_test(test_check),
	    cmocka_unit_test(test_split),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
