// SPDX-License-Identifier: GPL-2.0-or-later
/* Digests the build report (sha256) and the pack metadata (md5) depend on. */
#include "common/digest.h"

#include <errno.h>

#include "common/fs.h"
#include "common/util.h"
#include "tests/unit/testlib.h"

static void test_known_vectors(void **state)
{
	char *dir = tl_tmpdir();
	tl_write(dir, "abc", "abc");
	tl_write(dir, "empty", "");
	_cleanup_free_ char *abc = kp_path_join(dir, "abc");
	_cleanup_free_ char *empty = kp_path_join(dir, "empty");
	char sum[KP_DIGEST_HEX_MAX];

	assert_int_equal(kp_sha256_file(abc, sum), 0);
	assert_string_equal(sum,
			    "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
	assert_int_equal(kp_md5_file(abc, sum), 0);
	assert_string_equal(sum, "900150983cd24fb0d6963f7d28e17f72");
	assert_int_equal(kp_md5_file(empty, sum), 0);
	assert_string_equal(sum, "d41d8cd98f00b204e9800998ecf8427e");

	/* A buffer gives the same digest as a file of the same bytes. */
	kp_digest_buf(KP_DIGEST_MD5, "abc", 3, sum);
	assert_string_equal(sum, "900150983cd24fb0d6963f7d28e17f72");
	kp_digest_buf(KP_DIGEST_SHA256, "", 0, sum);
	assert_string_equal(sum,
			    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
	tl_tmpdir_free(dir);
}

/* Larger than one read buffer: the chunked loop must digest every byte once. */
static void test_large_file(void **state)
{
	char *dir = tl_tmpdir();
	size_t n = 200 * 1000 + 7;
	char *big = kp_malloc(n + 1);
	for (size_t i = 0; i < n; i++)
		big[i] = (char)('a' + i % 26);
	big[n] = '\0';
	tl_write(dir, "big", big);
	_cleanup_free_ char *p = kp_path_join(dir, "big");
	char a[KP_DIGEST_HEX_MAX], b[KP_DIGEST_HEX_MAX];
	assert_int_equal(kp_sha256_file(p, a), 0);
	kp_digest_buf(KP_DIGEST_SHA256, big, n, b);
	assert_string_equal(a, b);
	free(big);
	tl_tmpdir_free(dir);
}

static void test_missing_file(void **state)
{
	char sum[KP_DIGEST_HEX_MAX];
	assert_int_equal(kp_sha256_file("/nonexistent/kmodpack-digest", sum), -ENOENT);
	assert_int_equal(kp_md5_file("/nonexistent/kmodpack-digest", sum), -ENOENT);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_known_vectors),
	    cmocka_unit_test(test_large_file),
	    cmocka_unit_test(test_missing_file),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
