// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The ISO writer, read back with the real isoinfo, xorriso and bsdtar:
 * Rock Ridge and Joliet long names, the volume and application ids, modes,
 * pinned timestamps, and the same bytes from the same input, wherever its
 * files sit on disk.
 */
#include "tests/unit/testlib.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "common/fs.h"
#include "common/log.h"
#include "common/util.h"
#include "pack/iso.h"

/* Fails showing the whole text, which is what one needs to see. */
#define assert_has(text, want)                                                                     \
	do {                                                                                       \
		if (!strstr((text), (want)))                                                       \
			fail_msg("'%s' not in:\n%s", (want), (text));                              \
	} while (0)

#define LONG_NAME "helloworld-modules-cloud-amd64-6.1.0-57-1.0-1.x86_64.rpm"

static void write_image(const char *dir, const char *src, const char *out)
{
	_cleanup_free_ char *big = kp_path_join(src, "big.bin");
	struct pk_iso_file files[] = {
	    {.name = "XS-REPOSITORY", .data = "<repository/>\n", .len = 14, .mode = 0444},
	    {.name = "install.sh", .data = "#!/bin/sh\necho hi\n", .len = 18, .mode = 0555},
	    {.name = LONG_NAME, .path = big, .mode = 0444},
	};
	struct pk_iso_opts o = {.volume_id = "Example pack 1.0 (32 characters)",
				.application_id = "Example Organisation",
				.epoch = 1795564800};
	_cleanup_free_ char *path = kp_path_join(dir, out);
	struct pk_iso_sums sums;
	assert_int_equal(pk_iso_write(&o, files, KP_ARRAY_SIZE(files), path, &sums), 0);
	/* The digests taken on the way out are those of the file. */
	_cleanup_free_ char *want = tl_run("md5sum < %s | cut -c1-32", path);
	_cleanup_free_ char *want256 = tl_run("sha256sum < %s | cut -c1-64", path);
	_cleanup_free_ char *size = tl_run("stat -c %%s %s", path);
	assert_string_equal(sums.md5, kp_strstrip(want));
	assert_string_equal(sums.sha256, kp_strstrip(want256));
	assert_int_equal(sums.size, strtoull(size, NULL, 10));
}

static void test_read_back(void **state)
{
	char *dir = tl_tmpdir();
	_cleanup_free_ char *a = kp_path_join(dir, "a"), *b = kp_path_join(dir, "b");
	free(tl_run("mkdir -p %s %s && head -c 3000000 /dev/urandom > %s/big.bin && "
		    "cp %s/big.bin %s/big.bin && touch -d @1 %s/big.bin",
		    a, b, a, a, b, b));
	write_image(dir, a, "one.iso");
	write_image(dir, b, "two.iso");
	/* Same bytes although the source files differ in inode and time. */
	free(tl_run("cmp %s/one.iso %s/two.iso", dir, dir));

	_cleanup_free_ char *pvd = tl_run("isoinfo -d -i %s/one.iso", dir);
	assert_has(pvd, "Volume id: Example pack 1.0 (32 characters)");
	/* ISO 9660 a-characters: libisofs records the application id in upper case. */
	assert_has(pvd, "Application id: EXAMPLE ORGANISATION");
	assert_has(pvd, "Rock Ridge signatures version 1 found");
	assert_has(pvd, "Joliet with UCS level 3 found");
	_cleanup_free_ char *times = tl_run("xorriso -indev %s/one.iso -pvd_info 2>&1", dir);
	assert_has(times, "Creation Time: 2026112500000000");
	assert_has(times, "Modif. Time  : 2026112500000000");

	/* Rock Ridge: names, modes, owner, times. */
	_cleanup_free_ char *rr = tl_run("isoinfo -R -l -i %s/one.iso", dir);
	assert_has(rr, LONG_NAME);
	assert_has(rr, "-r-xr-xr-x   1    0    0              18 Nov 25 2026 [");
	/* Joliet keeps the long name too. */
	_cleanup_free_ char *jo = tl_run("isoinfo -J -f -i %s/one.iso", dir);
	assert_has(jo, "/" LONG_NAME "\n");
	assert_has(jo, "/XS-REPOSITORY\n");
	/* The contents, extracted by bsdtar. */
	free(tl_run("mkdir %s/x && bsdtar -x -C %s/x -f %s/one.iso && cmp %s/x/" LONG_NAME
		    " %s/big.bin && grep -qx 'echo hi' %s/x/install.sh",
		    dir, dir, dir, dir, a, dir));
	/* xorriso finds nothing wrong with it. */
	free(
	    tl_run("xorriso -indev %s/one.iso -check_media -- 2>&1 | grep -q 'Media region'", dir));
	tl_tmpdir_free(dir);
}

static void test_bad_output(void **state)
{
	struct pk_iso_file f = {.name = "x", .data = "x", .len = 1, .mode = 0444};
	struct pk_iso_opts o = {.volume_id = "v", .application_id = "a", .epoch = 0};
	struct pk_iso_sums sums;
	tl_log_capture();
	assert_int_equal(pk_iso_write(&o, &f, 1, "/nonexistent/dir/x.iso", &sums), -ENOENT);
	assert_non_null(strstr(tl_log_text(), "cannot create '/nonexistent/dir/x.iso'"));
	/* Two files of one name. */
	struct pk_iso_file two[] = {f, f};
	char *dir = tl_tmpdir();
	_cleanup_free_ char *out = kp_path_join(dir, "x.iso");
	tl_log_reset();
	assert_int_equal(pk_iso_write(&o, two, 2, out, &sums), -KP_EFAILED);
	assert_non_null(strstr(tl_log_text(), "adding 'x'"));
	tl_tmpdir_free(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_read_back),
	    cmocka_unit_test(test_bad_output),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
