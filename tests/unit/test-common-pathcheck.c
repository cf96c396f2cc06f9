// SPDX-License-Identifier: GPL-2.0-or-later
/* The path rules that confine archive extraction (common/pathcheck.c). */
#include "common/pathcheck.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/fs.h"
#include "common/util.h"
#include "tests/unit/testlib.h"

static void expect_clean(const char *in, const char *want)
{
	_cleanup_free_ char *out = NULL;
	assert_int_equal(kp_path_clean(in, &out), 0);
	assert_string_equal(out, want);
}

static void expect_unclean(const char *in)
{
	char *out = (char *)"sentinel";
	assert_int_equal(kp_path_clean(in, &out), -EINVAL);
	assert_null(out);
}

static void test_clean(void **state)
{
	expect_clean("a/b", "a/b");
	expect_clean("./a//b/", "a/b");
	expect_clean("./", "");
	expect_clean(".", "");
	expect_clean("a/./b/.", "a/b");
	expect_clean("..a/b..", "..a/b..");
	expect_unclean("/etc/passwd");
	expect_unclean("..");
	expect_unclean("../x");
	expect_unclean("a/../../x");
	expect_unclean("a/..");
}

struct tree {
	char *dir;
	int fd;
};

static int setup_tree(void **state)
{
	struct tree *t = kp_calloc(1, sizeof(*t));
	t->dir = tl_tmpdir();
	tl_write(t->dir, "top/a/file", "x");
	t->fd = open(t->dir, O_RDONLY | O_DIRECTORY);
	*state = t;
	return 0;
}

static int teardown_tree(void **state)
{
	struct tree *t = *state;
	close(t->fd);
	tl_tmpdir_free(t->dir);
	free(t);
	return 0;
}

static void expect_resolves(int fd, const char *base, const char *target, const char *want)
{
	_cleanup_free_ char *out = NULL;
	assert_int_equal(kp_path_resolve_in(fd, base, target, &out), 0);
	assert_string_equal(out, want);
}

static void test_resolve(void **state)
{
	struct tree *t = *state;
	expect_resolves(t->fd, "top/a", "file", "top/a/file");
	expect_resolves(t->fd, "top/a", "../..", "");
	expect_resolves(t->fd, "top/a", "missing/../file", "top/a/file");
	assert_int_equal(kp_path_resolve_in(t->fd, "top/a", "../../..", NULL), -EXDEV);
	assert_int_equal(kp_path_resolve_in(t->fd, "top", "/etc", NULL), -EXDEV);

	/* Through existing symlinks: up -> .. is fine, up/.. from top is not. */
	assert_int_equal(symlinkat("..", t->fd, "top/up"), 0);
	expect_resolves(t->fd, "top", "up", "");
	expect_resolves(t->fd, "top", "up/top/a/file", "top/a/file");
	assert_int_equal(kp_path_resolve_in(t->fd, "top", "up/..", NULL), -EXDEV);
	assert_int_equal(kp_path_resolve_in(t->fd, "top/a", "../up/../x", NULL), -EXDEV);

	/* A symlink to an absolute path anywhere on the way escapes. */
	assert_int_equal(symlinkat("/tmp", t->fd, "top/abs"), 0);
	assert_int_equal(kp_path_resolve_in(t->fd, "top", "abs/x", NULL), -EXDEV);

	/* A loop is refused, not followed forever. */
	assert_int_equal(symlinkat("loop2", t->fd, "top/loop1"), 0);
	assert_int_equal(symlinkat("loop1", t->fd, "top/loop2"), 0);
	assert_int_equal(kp_path_resolve_in(t->fd, "top", "loop1", NULL), -ELOOP);
}

static void test_through_symlink(void **state)
{
	struct tree *t = *state;
	_cleanup_free_ char *link = NULL;
	assert_int_equal(kp_path_through_symlink(t->fd, "top/a/file", &link), 0);
	assert_null(link);
	assert_int_equal(symlinkat("a", t->fd, "top/s"), 0);
	assert_int_equal(kp_path_through_symlink(t->fd, "top/s/file", &link), 1);
	assert_string_equal(link, "top/s");
	free(TAKE_PTR(link));
	/* The last component being a symlink is not writing through one. */
	assert_int_equal(kp_path_through_symlink(t->fd, "top/s", &link), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_clean),
	    cmocka_unit_test_setup_teardown(test_resolve, setup_tree, teardown_tree),
	    cmocka_unit_test_setup_teardown(test_through_symlink, setup_tree, teardown_tree),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
