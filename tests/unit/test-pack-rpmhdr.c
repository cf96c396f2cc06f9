// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * pk_rpm_read on real RPMs built by rpmbuild (tests/fixtures/pack/mkrpm.sh),
 * compared with what the real `rpm -qp` and md5sum say.
 */
#include "tests/unit/testlib.h"

#include <stdio.h>
#include <string.h>

#include <rpm/rpmlog.h>

#include "common/fs.h"
#include "common/log.h"
#include "common/util.h"
#include "pack/rpmhdr.h"

static char *mkrpm(const char *dir, const char *args)
{
	_cleanup_free_ char *script = tl_src("tests/fixtures/pack/mkrpm.sh");
	char *out = tl_run("%s %s %s", script, dir, args);
	kp_strstrip(out);
	return out;
}

static const struct pk_file *find_file(const struct pk_rpm *r, const char *path)
{
	for (size_t i = 0; i < r->nfiles; i++)
		if (!strcmp(r->files[i].path, path))
			return &r->files[i];
	return NULL;
}

static void test_driver_rpm(void **state)
{
	char *dir = tl_tmpdir();
	_cleanup_free_ char *path =
	    mkrpm(dir, "foo -v 2.1 -g 'System Environment/Kernel' -a x86_64 "
		       "-r 'foo-data >= 2.0' -r /usr/bin/foo-tool -p 'foo-kmod = 2.1' "
		       "-f /lib/modules/6.1.0-9-test/extra/foo.ko=module");
	_cleanup_(pk_rpm_freep) struct pk_rpm *r = NULL;
	assert_int_equal(pk_rpm_read(path, &r), 0);
	assert_string_equal(r->name, "foo");
	assert_string_equal(r->version, "2.1");
	assert_string_equal(r->release, "1");
	assert_string_equal(r->arch, "x86_64");
	assert_string_equal(r->group, "System Environment/Kernel");
	assert_string_equal(r->summary, "test package foo");
	assert_string_equal(r->filename, "foo-2.1-1.x86_64.rpm");
	assert_false(r->source);

	const struct pk_file *f = find_file(r, "/lib/modules/6.1.0-9-test/extra/foo.ko");
	assert_non_null(f);
	assert_int_equal(f->mode & 0170000, 0100000);

	/* rpmlib() markers are not dependencies a pack orders by. */
	_cleanup_free_ char *want = tl_run("rpm -qRp %s | grep -vc '^rpmlib(' || true", path);
	assert_int_equal(r->nrequires, atoi(want));
	bool data = false, tool = false;
	for (size_t i = 0; i < r->nrequires; i++) {
		_cleanup_free_ char *s = pk_dep_str(&r->requires[i]);
		data |= !strcmp(s, "foo-data >= 2.0");
		tool |= !strcmp(s, "/usr/bin/foo-tool");
	}
	assert_true(data && tool);

	_cleanup_free_ char *md5 = tl_run("md5sum < %s | cut -c1-32", path);
	_cleanup_free_ char *sha = tl_run("sha256sum < %s | cut -c1-64", path);
	_cleanup_free_ char *size = tl_run("stat -c %%s %s", path);
	assert_string_equal(r->md5, kp_strstrip(md5));
	assert_string_equal(r->sha256, kp_strstrip(sha));
	assert_int_equal(r->size, strtoull(size, NULL, 10));
	tl_tmpdir_free(dir);
}

static void test_satisfies(void **state)
{
	struct pk_dep req = {
	    .name = "foo-data", .evr = "2.0", .flags = PK_DEP_GREATER | PK_DEP_EQUAL};
	struct pk_dep p1 = {.name = "foo-data", .evr = "2.0-1", .flags = PK_DEP_EQUAL};
	struct pk_dep p2 = {.name = "foo-data", .evr = "1.9-1", .flags = PK_DEP_EQUAL};
	struct pk_dep p3 = {.name = "foo-data", .evr = "", .flags = 0};
	struct pk_dep p4 = {.name = "bar", .evr = "3", .flags = PK_DEP_EQUAL};
	assert_true(pk_dep_satisfies(&req, &p1));
	assert_false(pk_dep_satisfies(&req, &p2));
	assert_true(pk_dep_satisfies(&req, &p3)); /* an unversioned provide meets any version */
	assert_false(pk_dep_satisfies(&req, &p4));
}

static void test_not_rpm(void **state)
{
	char *dir = tl_tmpdir();
	tl_write(dir, "x.rpm", "this is not an rpm\n");
	_cleanup_free_ char *path = kp_path_join(dir, "x.rpm");
	struct pk_rpm *r = NULL;
	tl_log_capture();
	assert_int_equal(pk_rpm_read(path, &r), -KP_EINPUT);
	assert_null(r);
	assert_non_null(strstr(tl_log_text(), "is not an RPM package"));

	/* A header cut short. */
	_cleanup_free_ char *good = mkrpm(dir, "bar -f /etc/bar.conf=x");
	_cleanup_free_ char *cut = kp_path_join(dir, "cut.rpm");
	free(tl_run("head -c 400 %s > %s", good, cut));
	tl_log_reset();
	assert_int_equal(pk_rpm_read(cut, &r), -KP_EINPUT);
	assert_non_null(strstr(tl_log_text(), "cut.rpm"));
	/* librpm's own record of the error is dropped: a pack or verify that
	 * reads many damaged packages does not keep every message for good. */
	assert_int_equal(rpmlogGetNrecs(), 0);

	tl_log_reset();
	_cleanup_free_ char *missing = kp_path_join(dir, "missing.rpm");
	assert_int_equal(pk_rpm_read(missing, &r), -KP_EINPUT);
	assert_non_null(strstr(tl_log_text(), "missing.rpm"));
	assert_int_equal(pk_rpm_read(dir, &r), -KP_EINPUT);
	tl_tmpdir_free(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_driver_rpm),
	    cmocka_unit_test(test_satisfies),
	    cmocka_unit_test(test_not_rpm),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
