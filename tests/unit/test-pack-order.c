// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Install order and package kinds from real RPMs built by rpmbuild
 * (tests/fixtures/pack/mkrpm.sh): a dependency chain by name, version and
 * file path, independents kept in order, a cycle refused by name.
 */
#include "tests/unit/testlib.h"

#include <stdio.h>
#include <string.h>

#include "common/fs.h"
#include "common/log.h"
#include "common/util.h"
#include "pack/order.h"

static struct pk_rpm *mkrpm(const char *dir, const char *args)
{
	_cleanup_free_ char *script = tl_src("tests/fixtures/pack/mkrpm.sh");
	_cleanup_free_ char *out = tl_run("%s %s %s", script, dir, args);
	struct pk_rpm *r = NULL;
	assert_int_equal(pk_rpm_read(kp_strstrip(out), &r), 0);
	return r;
}

static char *names(struct pk_rpm **rpms, const size_t *order, size_t n)
{
	struct kp_buf b = {0};
	for (size_t i = 0; i < n; i++)
		kp_buf_addf(&b, "%s%s", i ? " " : "", rpms[order[i]]->name);
	return kp_buf_steal(&b);
}

static void free_all(struct pk_rpm **rpms, size_t n)
{
	for (size_t i = 0; i < n; i++)
		pk_rpm_free(rpms[i]);
}

static void test_chain(void **state)
{
	char *dir = tl_tmpdir();
	/* Given in the worst order: app needs lib's file, lib needs base >= 2. */
	struct pk_rpm *rpms[] = {
	    mkrpm(dir, "app -r /usr/lib/libthing.so -f /usr/bin/app=app"),
	    mkrpm(dir, "solo -f /etc/solo.conf=x"),
	    mkrpm(dir, "lib -r 'base >= 2.0' -f /usr/lib/libthing.so=lib"),
	    mkrpm(dir, "base -v 2.0 -f /etc/base.conf=x"),
	    mkrpm(dir, "other -f /etc/other.conf=x"),
	};
	size_t n = KP_ARRAY_SIZE(rpms), order[5];
	struct kp_strv warn = {0};
	assert_int_equal(pk_order(rpms, n, true, order, &warn), 0);
	_cleanup_free_ char *got = names(rpms, order, n);
	assert_string_equal(got, "solo base lib app other");
	assert_int_equal(warn.n, 0);

	/* --no-reorder: the given order, and a warning per package placed too early. */
	assert_int_equal(pk_order(rpms, n, false, order, &warn), 0);
	_cleanup_free_ char *kept = names(rpms, order, n);
	assert_string_equal(kept, "app solo lib base other");
	assert_int_equal(warn.n, 2);
	assert_non_null(strstr(warn.v[0], "app-1.0-1.noarch.rpm requires /usr/lib/libthing.so"));
	assert_non_null(strstr(warn.v[1], "lib-1.0-1.noarch.rpm requires base >= 2.0"));
	kp_strv_release(&warn);
	free_all(rpms, n);
	tl_tmpdir_free(dir);
}

static void test_version_not_met(void **state)
{
	char *dir = tl_tmpdir();
	/* base 1.0 does not satisfy base >= 2.0: no edge, the given order stays. */
	struct pk_rpm *rpms[] = {
	    mkrpm(dir, "lib -r 'base >= 2.0' -f /usr/lib/x=1"),
	    mkrpm(dir, "base -v 1.0 -f /etc/base.conf=x"),
	};
	size_t order[2];
	struct kp_strv warn = {0};
	assert_int_equal(pk_order(rpms, 2, true, order, &warn), 0);
	assert_int_equal(order[0], 0);
	free_all(rpms, 2);
	tl_tmpdir_free(dir);
}

static void test_cycle(void **state)
{
	char *dir = tl_tmpdir();
	struct pk_rpm *rpms[] = {
	    mkrpm(dir, "free -f /etc/free=x"),
	    mkrpm(dir, "yin -r yang -f /etc/yin=x"),
	    mkrpm(dir, "yang -r yin -f /etc/yang=x"),
	};
	size_t order[3];
	struct kp_strv warn = {0};
	tl_log_capture();
	assert_int_equal(pk_order(rpms, 3, true, order, &warn), -KP_EINPUT);
	assert_non_null(strstr(tl_log_text(), "yin requires yang requires yin"));
	free_all(rpms, 3);
	tl_tmpdir_free(dir);
}

static void test_kinds(void **state)
{
	char *dir = tl_tmpdir();
	/* The name says "xen"; the files say where it goes. */
	_cleanup_(pk_rpm_freep) struct pk_rpm *drv =
	    mkrpm(dir, "foo-modules-xen-2.6.18 -g 'System Environment/Kernel' -a x86_64 "
		       "-f /lib/modules/6.1.0-9-cloud-amd64/extra/foo.ko=m");
	struct pk_kind k;
	assert_int_equal(pk_kind_of(drv, &k), 0);
	assert_int_equal(k.type, PK_PKG_DRIVER_RPM);
	assert_string_equal(k.kernel, "6.1.0-9-cloud-amd64");
	assert_null(k.options);
	pk_kind_release(&k);

	_cleanup_(pk_rpm_freep) struct pk_rpm *fw =
	    mkrpm(dir, "foo-fw -g 'System Environment/Kernel' -f /lib/firmware/foo.fw=f");
	assert_int_equal(pk_kind_of(fw, &k), 0);
	assert_string_equal(k.kernel, "any");
	pk_kind_release(&k);

	_cleanup_(pk_rpm_freep) struct pk_rpm *user = mkrpm(dir, "tool -f /usr/bin/tool=t");
	assert_int_equal(pk_kind_of(user, &k), 0);
	assert_int_equal(k.type, PK_PKG_RPM);
	assert_null(k.kernel);

	tl_log_capture();
	_cleanup_(pk_rpm_freep) struct pk_rpm *two =
	    mkrpm(dir, "two -g 'System Environment/Kernel' -a x86_64 "
		       "-f /lib/modules/6.1-a/extra/x.ko=1 -f /lib/modules/6.1-b/extra/x.ko=2");
	assert_int_equal(pk_kind_of(two, &k), -KP_EINPUT);
	assert_non_null(strstr(tl_log_text(), "several kernels (6.1-a, 6.1-b)"));
	pk_kind_release(&k);

	tl_log_reset();
	_cleanup_(pk_rpm_freep) struct pk_rpm *hidden =
	    mkrpm(dir, "hidden -a x86_64 -f /lib/modules/6.1-a/extra/x.ko=1");
	assert_int_equal(pk_kind_of(hidden, &k), -KP_EINPUT);
	assert_non_null(strstr(tl_log_text(), "does not end in '/Kernel'"));
	pk_kind_release(&k);
	tl_tmpdir_free(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_chain),
	    cmocka_unit_test(test_version_not_met),
	    cmocka_unit_test(test_cycle),
	    cmocka_unit_test(test_kinds),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
