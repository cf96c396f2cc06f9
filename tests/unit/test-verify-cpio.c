// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The initramfs writer (newc cpio, verify/vm.c), checked by the real cpio:
 * its statics are reached by including the file (as curl's unit tests do).
 */
#include "verify/vm.c"

#include "tests/unit/testlib.h"

static void write_archive(struct cpio *c, const char *path)
{
	cpio_entry(c, "TRAILER!!!", 0, 0, 0, NULL, 0);
	assert_int_equal(c->b.len % 4, 0);
	assert_int_equal(kp_write_file(path, c->b.s, c->b.len, 0644), 0);
}

static void test_cpio_files_links_and_dirs(void **state)
{
	char *dir = tl_tmpdir(); /* freed by tl_tmpdir_free() */
	tl_write(dir, "src/fw/vendor/a.bin", "firmware bytes\n");
	tl_write(dir, "src/fw/vendor/odd-length", "12345");
	_cleanup_free_ char *link = kp_path_join(dir, "src/fw/vendor/alias.bin");
	assert_int_equal(symlink("a.bin", link), 0);
	_cleanup_free_ char *mod = kp_path_join(dir, "src/fw/vendor/a.bin");

	struct cpio c = {0};
	assert_int_equal(cpio_file(&c, "lib/modules/6.1.0-1-amd64/extra/m.ko", mod, 0644), 0);
	_cleanup_free_ char *fw = kp_path_join(dir, "src/fw");
	assert_int_equal(cpio_tree(&c, fw, "lib/firmware"), 0);
	cpio_entry(&c, "init", S_IFREG | 0755, 0, 0, "#!/bin/sh\n", 10);
	_cleanup_free_ char *img = kp_path_join(dir, "initrd.cpio");
	write_archive(&c, img);

	/* Parents come before their children, each once, as the kernel needs. */
	_cleanup_free_ char *list = tl_run("cpio -it --quiet < '%s'", img);
	assert_non_null(strstr(list, "lib\nlib/modules\nlib/modules/6.1.0-1-amd64\n"
				     "lib/modules/6.1.0-1-amd64/extra\n"
				     "lib/modules/6.1.0-1-amd64/extra/m.ko\n"));
	assert_null(strstr(strstr(list, "lib/firmware\n") + 1, "\nlib\n"));

	/* Contents, modes and the link survive the round trip. */
	_cleanup_free_ char *out = kp_path_join(dir, "out");
	assert_int_equal(kp_mkdir_p(out, 0755), 0);
	free(tl_run("cd '%s' && cpio -id --quiet < '%s'", out, img));
	_cleanup_free_ char *got = NULL;
	_cleanup_free_ char *odd = kp_path_join(out, "lib/firmware/vendor/odd-length");
	assert_int_equal(kp_read_file(odd, &got, NULL), 0);
	assert_string_equal(got, "12345");
	_cleanup_free_ char *l = kp_path_join(out, "lib/firmware/vendor/alias.bin");
	char target[64] = {0};
	assert_int_equal(readlink(l, target, sizeof(target) - 1), 5);
	assert_string_equal(target, "a.bin");
	_cleanup_free_ char *init = kp_path_join(out, "init");
	struct stat st;
	assert_int_equal(stat(init, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0755);

	kp_buf_release(&c.b);
	kp_strv_release(&c.dirs);
	tl_tmpdir_free(dir);
}

static void test_cpio_device_nodes(void **state)
{
	char *dir = tl_tmpdir(); /* freed by tl_tmpdir_free() */
	struct cpio c = {0};
	cpio_entry(&c, "dev", S_IFDIR | 0755, 0, 0, NULL, 0);
	cpio_entry(&c, "dev/console", S_IFCHR | 0600, 5, 1, NULL, 0);
	_cleanup_free_ char *img = kp_path_join(dir, "dev.cpio");
	write_archive(&c, img);
	/* `cpio -tv` shows a device's major, minor where a file shows its size. */
	_cleanup_free_ char *list = tl_run("cpio -itv --quiet < '%s'", img);
	assert_non_null(strstr(list, "crw-------"));
	assert_non_null(strstr(list, "5,"));
	assert_non_null(strstr(list, "dev/console"));
	kp_buf_release(&c.b);
	kp_strv_release(&c.dirs);
	tl_tmpdir_free(dir);
}

static void test_cpio_missing_file(void **state)
{
	tl_log_capture();
	tl_log_reset();
	struct cpio c = {0};
	assert_true(cpio_file(&c, "x", "/nonexistent/kmodpack/x", 0644) < 0);
	assert_non_null(strstr(tl_log_text(), "/nonexistent/kmodpack/x"));
	kp_buf_release(&c.b);
	kp_strv_release(&c.dirs);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_cpio_files_links_and_dirs),
	    cmocka_unit_test(test_cpio_device_nodes),
	    cmocka_unit_test(test_cpio_missing_file),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
