// SPDX-License-Identifier: GPL-2.0-or-later
/* Server Status Report XML (guide 6.5): each violation with its file:line. */
#include "tests/unit/testlib.h"

#include <string.h>

#include "common/fs.h"
#include "common/log.h"
#include "firmware/bugtool.h"

static char *fixture(const char *name)
{
	_cleanup_free_ char *rel = kp_asprintf("tests/fixtures/firmware/%s", name);
	return tl_src(rel);
}

/* Some logged line starts with path:line: and holds what. */
static void assert_logged(const char *path, int line, const char *what)
{
	_cleanup_free_ char *want = kp_asprintf("%s:%d: ", path, line);
	const char *log = tl_log_text();
	for (const char *at = strstr(log, want); at; at = strstr(at + 1, want)) {
		const char *eol = strchr(at, '\n');
		_cleanup_free_ char *l = eol ? kp_strndup(at, eol - at) : kp_strdup(at);
		if (strstr(l, what))
			return;
	}
	fail_msg("expected '%s...%s' in log:\n%s", want, what, log);
}

static int count_lines(const char *s)
{
	int n = 0;
	for (; *s; s++)
		n += *s == '\n';
	return n;
}

static void test_category_good(void **state)
{
	_cleanup_free_ char *p = fixture("category-good.xml");
	assert_int_equal(fw_bugtool_check(p, FW_BUGTOOL_CATEGORY), 0);
	assert_string_equal(tl_log_text(), "");
	enum fw_bugtool_role role;
	assert_int_equal(fw_bugtool_role(p, &role), 0);
	assert_int_equal(role, FW_BUGTOOL_CATEGORY);
}

static void test_category_bad(void **state)
{
	_cleanup_free_ char *p = fixture("category-bad.xml");
	assert_int_equal(fw_bugtool_check(p, FW_BUGTOOL_CATEGORY), -KP_EINPUT);
	assert_logged(p, 3, "<capability>: unknown attribute 'colour'");
	assert_logged(p, 3, "pii=\"sometimes\" must be one of no, if_customized, maybe, yes");
	assert_logged(p, 3, "mime=\"text/html\" must be one of application/data, text/plain");
	assert_logged(p, 3, "checked=\"yes\" must be true or false");
	assert_logged(p, 3, "hidden=\"1\" must be true or false");
	assert_logged(p, 3, "min_size=\"-1\" must be a non-negative integer");
	assert_logged(p, 3, "max_size=\"64k\" must be a non-negative integer");
	assert_logged(p, 3, "min_time 9 is above max_time 3");
	/* All of them, not just the first. */
	assert_int_equal(count_lines(tl_log_text()), 8);
}

static void test_collect_good(void **state)
{
	_cleanup_free_ char *p = fixture("collect-good.xml");
	assert_int_equal(fw_bugtool_check(p, FW_BUGTOOL_COLLECT), 0);
	assert_string_equal(tl_log_text(), "");
}

static void test_collect_bad(void **state)
{
	_cleanup_free_ char *p = fixture("collect-bad.xml");
	assert_int_equal(fw_bugtool_check(p, FW_BUGTOOL_COLLECT), -KP_EINPUT);
	assert_logged(p, 2, "<files> is empty");
	assert_logged(p, 3, "<directory>: pattern=\"(unclosed\" is not a valid regular expression");
	assert_logged(p, 3, "negate=\"maybe\" must be true or false");
	/* Python's re takes (?i); POSIX ERE does not, and the message says which we use. */
	assert_logged(p, 4, "pattern=\"(?i)hello\" is not a valid regular expression");
	assert_non_null(strstr(tl_log_text(), "POSIX extended regular expression"));
	assert_logged(p, 5, "<collect>: unknown element <list>");
	assert_logged(p, 6, "<command>: label=\"a/b\" must be a non-empty file name");
	assert_logged(p, 7, "<command> is empty");
	assert_logged(p, 8, "<files>: 'relative/path' is not an absolute path");
	assert_logged(p, 9, "<directory>: unknown attribute 'patern'");
	assert_logged(p, 9, "<directory>: 'var/log' is not an absolute path");
}

/* Text between elements and elements inside text, each at its own line. */
static void test_stray_text(void **state)
{
	char *dir = tl_tmpdir();
	tl_write(dir, "c.xml",
		 "<collect>\n  <files>/var/log/x</files>\n  stray words\n"
		 "  <command>ls<b/></command>\n</collect>\n");
	_cleanup_free_ char *p = kp_path_join(dir, "c.xml");
	assert_int_equal(fw_bugtool_check(p, FW_BUGTOOL_COLLECT), -KP_EINPUT);
	assert_logged(p, 3, "<collect>: stray text 'stray words' outside an element");
	assert_logged(p, 4, "<command> may hold text only, not <b>");
	assert_int_equal(count_lines(tl_log_text()), 2);
	tl_tmpdir_free(dir);
}

static void test_wrong_root(void **state)
{
	_cleanup_free_ char *p = fixture("collect-good.xml");
	assert_int_equal(fw_bugtool_check(p, FW_BUGTOOL_CATEGORY), -KP_EINPUT);
	assert_logged(p, 1, "root element is <collect>, expected <capability>");
}

static void test_malformed(void **state)
{
	_cleanup_free_ char *p = fixture("malformed.xml");
	assert_int_equal(fw_bugtool_check(p, FW_BUGTOOL_COLLECT), -KP_EINPUT);
	assert_logged(p, 3, "malformed XML: ");
	enum fw_bugtool_role role;
	assert_int_equal(fw_bugtool_role(p, &role), -KP_EINPUT);
}

static void test_external_entity_not_read(void **state)
{
	char *dir = tl_tmpdir();
	tl_write(dir, "secret", "TOP-SECRET-CONTENT\n");
	_cleanup_free_ char *secret = kp_path_join(dir, "secret");
	_cleanup_free_ char *xml = kp_asprintf("<?xml version=\"1.0\"?>\n"
					       "<!DOCTYPE collect [\n"
					       "  <!ENTITY xxe SYSTEM \"file://%s\">\n"
					       "]>\n"
					       "<collect><files>&xxe;</files></collect>\n",
					       secret);
	tl_write(dir, "x.xml", xml);
	_cleanup_free_ char *p = kp_path_join(dir, "x.xml");

	assert_int_equal(fw_bugtool_check(p, FW_BUGTOOL_COLLECT), -KP_EINPUT);
	assert_logged(p, 2, "a DOCTYPE is not allowed");
	assert_null(strstr(tl_log_text(), "TOP-SECRET"));
	tl_tmpdir_free(dir);
}

static void test_undeclared_entity(void **state)
{
	char *dir = tl_tmpdir();
	tl_write(dir, "x.xml", "<collect>\n<files>&passwd;</files>\n</collect>\n");
	_cleanup_free_ char *p = kp_path_join(dir, "x.xml");
	assert_int_equal(fw_bugtool_check(p, FW_BUGTOOL_COLLECT), -KP_EINPUT);
	assert_logged(p, 2, "malformed XML: Entity 'passwd' not defined");
	tl_tmpdir_free(dir);
}

static void test_existing_categories(void **state)
{
	assert_true(fw_bugtool_is_existing_category("network-status"));
	assert_true(fw_bugtool_is_existing_category("CVSM"));
	assert_true(fw_bugtool_is_existing_category("yum"));
	/* The guide's "XYes1" is a typo for xen-bugtool's X11. */
	assert_true(fw_bugtool_is_existing_category("X11"));
	assert_true(fw_bugtool_is_existing_category("X11-auth"));
	assert_false(fw_bugtool_is_existing_category("XYes1"));
	/* Development-only categories must not be extended (guide 6.5.1). */
	assert_false(fw_bugtool_is_existing_category("xenrt"));
	assert_false(fw_bugtool_is_existing_category("Network-Status"));
}

int main(void)
{
#define T(fn) cmocka_unit_test_setup_teardown(fn, tl_setup_log, tl_teardown_log)
	const struct CMUnitTest tests[] = {
	    T(test_category_good),
	    T(test_category_bad),
	    T(test_collect_good),
	    T(test_collect_bad),
	    T(test_stray_text),
	    T(test_wrong_root),
	    T(test_malformed),
	    T(test_external_entity_not_read),
	    T(test_undeclared_entity),
	    T(test_existing_categories),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
