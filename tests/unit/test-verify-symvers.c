// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The Module.symvers reader of the offline symbol check (verify/symbols.c):
 * its statics are reached by including the file (as curl's unit tests do).
 */
#include "verify/symbols.c"

#include "tests/unit/testlib.h"

static void free_symvers(struct symvers *sv)
{
	free(sv->text);
	free(sv->e);
}

static void test_symvers_fields(void **state)
{
	char *dir = tl_tmpdir();
	tl_write(dir, "Module.symvers",
		 "0x12345678\tprintk\tvmlinux\tEXPORT_SYMBOL\n"
		 "0x0000abcd\tfoo_gpl_thing\tdrivers/foo/foo\tEXPORT_SYMBOL_GPL\tFOO_NS\n"
		 "garbage without tabs\n"
		 "0x1\ttoo\tshort\n"
		 "\n"
		 "0xffffffff\tlast_one\tvmlinux\tEXPORT_SYMBOL_GPL\n");
	_cleanup_free_ char *path = kp_path_join(dir, "Module.symvers");
	struct symvers sv = {0};
	assert_int_equal(symvers_load(path, &sv), 0);
	/* Malformed and short lines are skipped, not misread. */
	assert_int_equal(sv.n, 3);

	const struct export *e = symvers_find(&sv, "printk");
	assert_non_null(e);
	assert_int_equal(e->crc, 0x12345678);
	assert_false(e->gpl_only);
	assert_string_equal(e->ns, "");
	assert_string_equal(e->owner, "vmlinux");

	e = symvers_find(&sv, "foo_gpl_thing");
	assert_non_null(e);
	assert_int_equal(e->crc, 0xabcd);
	assert_true(e->gpl_only);
	assert_string_equal(e->ns, "FOO_NS");
	assert_string_equal(e->owner, "drivers/foo/foo");

	e = symvers_find(&sv, "last_one");
	assert_non_null(e);
	assert_int_equal(e->crc, 0xffffffffu);

	assert_null(symvers_find(&sv, "too"));
	assert_null(symvers_find(&sv, "not_exported"));
	free_symvers(&sv);
	tl_tmpdir_free(dir);
}

static void test_symvers_missing_file(void **state)
{
	struct symvers sv = {0};
	assert_int_equal(symvers_load("/nonexistent/kmodpack/Module.symvers", &sv), -ENOENT);
	free_symvers(&sv);
}

/* Nothing to sort or search: qsort and bsearch once got a NULL base (UBSan's nonnull-attribute). */
static void test_symvers_empty(void **state)
{
	char *dir = tl_tmpdir();
	const char *texts[] = {"", "garbage\n\n0x1\tshort\n"};
	for (size_t i = 0; i < KP_ARRAY_SIZE(texts); i++) {
		tl_write(dir, "Module.symvers", texts[i]);
		_cleanup_free_ char *path = kp_path_join(dir, "Module.symvers");
		struct symvers sv = {0};
		assert_int_equal(symvers_load(path, &sv), 0);
		assert_int_equal(sv.n, 0);
		assert_null(symvers_find(&sv, "printk"));
		free_symvers(&sv);
	}
	tl_tmpdir_free(dir);
}

/* The real tree, when installed: every line of it is read. */
static void test_symvers_real_tree(void **state)
{
	_cleanup_free_ char *out =
	    tl_run("ls -d /usr/src/linux-headers-*-amd64 2>/dev/null | head -1");
	kp_strstrip(out);
	if (!*out)
		skip();
	_cleanup_free_ char *path = kp_path_join(out, "Module.symvers");
	_cleanup_free_ char *lines = tl_run("grep -c . '%s'", path);
	struct symvers sv = {0};
	assert_int_equal(symvers_load(path, &sv), 0);
	assert_int_equal(sv.n, strtoul(lines, NULL, 10));
	assert_non_null(symvers_find(&sv, "module_layout"));
	free_symvers(&sv);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_symvers_fields),
	    cmocka_unit_test(test_symvers_missing_file),
	    cmocka_unit_test(test_symvers_empty),
	    cmocka_unit_test(test_symvers_real_tree),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
