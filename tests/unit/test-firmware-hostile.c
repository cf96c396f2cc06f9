// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * firmware/bugtool.c on hostile Server Status Report files: patterns that
 * made glibc's regcomp allocate gigabytes, and white space by the hundred
 * kilobyte where stripping it once took quadratic time.
 */
#include "tests/unit/testlib.h"

#include <string.h>

#include "common/fs.h"
#include "common/log.h"
#include "common/util.h"
#include "firmware/bugtool.h"

static char *write_collect(const char *dir, const char *body)
{
	_cleanup_free_ char *xml = kp_asprintf("<collect>\n%s\n</collect>\n", body);
	tl_write(dir, "collect.xml", xml);
	return kp_path_join(dir, "collect.xml");
}

static void expect_refused(const char *dir, const char *pattern, const char *why)
{
	_cleanup_free_ char *body =
	    kp_asprintf("<directory pattern=\"%s\">/var/log</directory>", pattern);
	_cleanup_free_ char *p = write_collect(dir, body);
	tl_log_reset();
	assert_int_equal(fw_bugtool_check(p, FW_BUGTOOL_COLLECT), -KP_EINPUT);
	_cleanup_free_ char *at = kp_asprintf("%s:2: <directory>: pattern=", p);
	if (!strstr(tl_log_text(), at) || !strstr(tl_log_text(), why))
		fail_msg("log lacks '%s' and '%s': %s", at, why, tl_log_text());
}

static void test_costly_patterns_refused(void **state)
{
	struct tl_fixture *fx = *state;
	/* The 331-byte file of the report: more than 2 GB inside regcomp. */
	expect_refused(fx->dir, ".+++++++++++++++++++++++++++++++++++++++++*\\.txt$",
		       "a repetition of a repetition");
	expect_refused(fx->dir, "((((a{100}){100}){100}){100})", "unroll to more than");
	expect_refused(fx->dir, "((((((((((((((((((x))))))))))))))))))", "nested deeper");
	_cleanup_free_ char *longp = kp_malloc(400);
	memset(longp, 'a', 399);
	longp[399] = '\0';
	expect_refused(fx->dir, longp, "longer than 256 bytes");
}

static void test_ordinary_patterns_accepted(void **state)
{
	struct tl_fixture *fx = *state;
	const char *ok[] = {".*\\.log$", "^(kern|sys)log(\\.[0-9]+)?$", "[[:alpha:]]+[]x]*",
			    "a{2,5}b{3}", "x|y+|(z)*"};
	for (size_t i = 0; i < KP_ARRAY_SIZE(ok); i++) {
		_cleanup_free_ char *body =
		    kp_asprintf("<directory pattern=\"%s\">/var/log</directory>", ok[i]);
		_cleanup_free_ char *p = write_collect(fx->dir, body);
		tl_log_reset();
		if (fw_bugtool_check(p, FW_BUGTOOL_COLLECT) != 0)
			fail_msg("'%s' refused: %s", ok[i], tl_log_text());
	}
}

static void test_white_space_linear(void **state)
{
	struct tl_fixture *fx = *state;
	size_t n = 4 * 1024 * 1024;
	char *ws = kp_malloc(n + 1);
	memset(ws, ' ', n);
	ws[n] = '\0';
	_cleanup_free_ char *body = kp_asprintf("<directory>%s/var/log</directory>"
						"<command>%shwctl</command>",
						ws, ws);
	free(ws);
	_cleanup_free_ char *p = write_collect(fx->dir, body);
	assert_int_equal(fw_bugtool_check(p, FW_BUGTOOL_COLLECT), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_costly_patterns_refused, tl_setup_tmpdir,
					    tl_teardown_tmpdir),
	    cmocka_unit_test_setup_teardown(test_ordinary_patterns_accepted, tl_setup_tmpdir,
					    tl_teardown_tmpdir),
	    cmocka_unit_test_setup_teardown(test_white_space_linear, tl_setup_tmpdir,
					    tl_teardown_tmpdir),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
