// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * spec_rpm_build with the real librpm, inspected with the real `rpm -qp`.
 * Each test builds in a fresh temp dir from tests/fixtures/specgen/.
 */
#include "tests/unit/testlib.h"

#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <errno.h>
#include <unistd.h>

#include "common/digest.h"
#include "common/fs.h"
#include "common/log.h"
#include "common/util.h"
#include "specgen/rpm.h"

#define SDE	 1420070400LL /* 2015-01-01 */
#define PKG_A	 "foo-modules-a-6.1.0-1-1.0"
#define PKG_B	 "foo-modules-b-6.1.0-1-1.0"
#define RPM_A(d) d "/RPMS/x86_64/" PKG_A "-1.0-1.x86_64.rpm"

struct fx {
	char *dir;
	char *spec, *buildroot, *sourcedir, *rpmdir, *srpmdir, *workdir;
	struct spec_rpm_opts o;
};

/* Lay out spec, buildroot and sources of the two-flavour fixture in dir. */
static void fx_init(struct fx *f, const char *dir, const char *spec_text)
{
	memset(f, 0, sizeof(*f));
	f->dir = kp_strdup(dir);
	f->spec = kp_path_join(dir, "SPECS/foo.spec");
	f->buildroot = kp_path_join(dir, "root");
	f->sourcedir = kp_path_join(dir, "SOURCES");
	f->rpmdir = kp_path_join(dir, "RPMS");
	f->srpmdir = kp_path_join(dir, "SRPMS");
	f->workdir = kp_path_join(dir, "work");

	tl_write(dir, "SPECS/foo.spec", spec_text);
	tl_write(dir, "root/lib/modules/6.1.0-1-a/extra/x.ko", "module for a\n");
	tl_write(dir, "root/lib/modules/6.1.0-1-b/extra/x.ko", "module for b\n");
	tl_write(dir, "SOURCES/foo-1.0.tar.gz", "not really a tarball\n");

	f->o = (struct spec_rpm_opts){
	    .specfile = f->spec,
	    .buildroot = f->buildroot,
	    .sourcedir = f->sourcedir,
	    .rpmdir = f->rpmdir,
	    .srpmdir = f->srpmdir,
	    .workdir = f->workdir,
	    .arch = "x86_64",
	    .source_date_epoch = SDE,
	    .binary = true,
	    .source = true,
	};
}

static char *fixture_spec(const char *summary, const char *description)
{
	_cleanup_free_ char *path = tl_src("tests/fixtures/specgen/two-flavours.spec");
	_cleanup_free_ char *text = NULL;
	size_t len;
	assert_int_equal(kp_read_file(path, &text, &len), 0);
	_cleanup_free_ char *s1 = tl_replace(text, "@SUMMARY@", summary);
	return tl_replace(s1, "@DESCRIPTION@", description);
}

static void fx_release(struct fx *f)
{
	free(f->spec);
	free(f->buildroot);
	free(f->sourcedir);
	free(f->rpmdir);
	free(f->srpmdir);
	free(f->workdir);
	tl_tmpdir_free(f->dir);
}

/* Output of a shell command (tests only), asserting it succeeded. */
static int setup_fx(void **state)
{
	struct fx *f = kp_calloc(1, sizeof(*f));
	_cleanup_free_ char *dir = tl_tmpdir();
	_cleanup_free_ char *spec = fixture_spec("Example driver", "An example driver.");
	fx_init(f, dir, spec);
	tl_log_capture();
	tl_log_reset();
	*state = f;
	return 0;
}

static int teardown_fx(void **state)
{
	struct fx *f = *state;
	fx_release(f);
	free(f);
	tl_log_reset();
	return 0;
}

static void test_build_two_subpackages(void **state)
{
	struct fx *f = *state;
	double t0 = kp_now();
	int r = spec_rpm_build(&f->o);
	if (r != 0)
		fprintf(stderr, "%s", tl_log_text());
	assert_int_equal(r, 0);
	fprintf(stderr, "# in-process build of 2 subpackages + SRPM: %.3f s\n", kp_now() - t0);

	_cleanup_free_ char *rpm_a = kp_asprintf("%s/x86_64/%s-1.0-1.x86_64.rpm", f->rpmdir, PKG_A);
	_cleanup_free_ char *rpm_b = kp_asprintf("%s/x86_64/%s-1.0-1.x86_64.rpm", f->rpmdir, PKG_B);
	_cleanup_free_ char *srpm = kp_asprintf("%s/foo-1.0-1.src.rpm", f->srpmdir);
	assert_true(kp_is_file(rpm_a));
	assert_true(kp_is_file(rpm_b));
	assert_true(kp_is_file(srpm));
	/* The parent package has no %files: no foo-1.0-1.x86_64.rpm. */
	_cleanup_free_ char *parent = kp_asprintf("%s/x86_64/foo-1.0-1.x86_64.rpm", f->rpmdir);
	assert_false(kp_is_file(parent));

	_cleanup_free_ char *nvra = tl_run("rpm -qp --qf '%%{NAME}|%%{VERSION}|%%{RELEASE}|%%{ARCH}|"
					"%%{GROUP}|%%{BUILDHOST}|%%{BUILDTIME}|%%{SOURCERPM}' '%s'",
					rpm_a);
	assert_string_equal(nvra, PKG_A "|1.0|1|x86_64|System Environment/Kernel|kmodpack|"
					"1420070400|foo-1.0-1.src.rpm");

	_cleanup_free_ char *files = tl_run("rpm -qpl '%s'", rpm_a);
	assert_string_equal(files, "/lib/modules/6.1.0-1-a/extra/x.ko\n");
	_cleanup_free_ char *owner =
	    tl_run("rpm -qp --qf '[%%{FILEUSERNAME}:%%{FILEGROUPNAME}:%%{FILEMODES:octal}:"
		"%%{FILEMTIMES}\\n]' '%s'",
		rpm_a);
	assert_string_equal(owner, "root:root:100644:1420070400\n");

	_cleanup_free_ char *prov = tl_run("rpm -qp --provides '%s'", rpm_a);
	assert_non_null(strstr(prov, "kmod(x.ko) = 1.0\n"));
	assert_non_null(strstr(prov, "modalias(pci:v00008086d000010FBsv*sd*bc*sc*i*)\n"));
	assert_non_null(strstr(prov, PKG_A " = 1.0-1\n"));

	_cleanup_free_ char *scripts = tl_run("rpm -qp --scripts '%s'", rpm_a);
	assert_non_null(strstr(scripts, "postinstall scriptlet (using /bin/sh):\n"
					"/sbin/depmod -a 6.1.0-1-a || :\n"));
	assert_non_null(strstr(scripts, "postuninstall scriptlet"));

	/* No debuginfo package, no build-id links. */
	_cleanup_free_ char *all = tl_run("ls -R '%s'", f->rpmdir);
	assert_null(strstr(all, "debug"));

	_cleanup_free_ char *sfiles = tl_run("rpm -qpl '%s'", srpm);
	assert_string_equal(sfiles, "foo-1.0.tar.gz\nfoo.spec\n");
	_cleanup_free_ char *sarch = tl_run("rpm -qp --qf '%%{ARCH} %%{SOURCEPACKAGE}' '%s'", srpm);
	assert_string_equal(sarch, "x86_64 1");
	/*
	 * The SRPM carries the rendered spec unchanged (%prep, %build and
	 * %install included) and the source: compare digests.
	 */
	char spec_sum[65], src_sum[65];
	_cleanup_free_ char *tarball = kp_path_join(f->sourcedir, "foo-1.0.tar.gz");
	assert_int_equal(kp_sha256_file(f->spec, spec_sum), 0);
	assert_int_equal(kp_sha256_file(tarball, src_sum), 0);
	_cleanup_free_ char *want =
	    kp_asprintf("foo-1.0.tar.gz %s\nfoo.spec %s\n", src_sum, spec_sum);
	_cleanup_free_ char *sums =
	    tl_run("rpm -qp --qf '[%%{FILENAMES} %%{FILEDIGESTS}\\n]' '%s'", srpm);
	assert_string_equal(sums, want);
}

/* Same spec and buildroot contents in two other dirs, at other times: same bytes. */
static void test_reproducible(void **state)
{
	struct fx *f = *state;
	struct fx g;
	_cleanup_free_ char *dir2 = tl_tmpdir();
	_cleanup_free_ char *spec = fixture_spec("Example driver", "An example driver.");
	fx_init(&g, dir2, spec);
	/* Different mtimes and a different source tarball mtime in the second tree. */
	free(tl_run("touch -d @1700000000 '%s/root/lib/modules/6.1.0-1-a/extra/x.ko' "
		    "'%s/SOURCES/foo-1.0.tar.gz'",
		    dir2, dir2));

	assert_int_equal(spec_rpm_build(&f->o), 0);
	assert_int_equal(spec_rpm_build(&g.o), 0);
	const char *names[] = {"x86_64/" PKG_A "-1.0-1.x86_64.rpm",
			       "x86_64/" PKG_B "-1.0-1.x86_64.rpm"};
	for (size_t i = 0; i < KP_ARRAY_SIZE(names); i++) {
		_cleanup_free_ char *a = kp_path_join(f->rpmdir, names[i]);
		_cleanup_free_ char *b = kp_path_join(g.rpmdir, names[i]);
		char sa[65], sb[65];
		assert_int_equal(kp_sha256_file(a, sa), 0);
		assert_int_equal(kp_sha256_file(b, sb), 0);
		assert_string_equal(sa, sb);
	}
	fx_release(&g);
}

/* A %files entry missing from the buildroot fails, with rpm's reason logged. */
static void test_missing_file_fails(void **state)
{
	struct fx *f = *state;
	_cleanup_free_ char *ko = kp_path_join(f->buildroot, "lib/modules/6.1.0-1-b/extra/x.ko");
	assert_int_equal(unlink(ko), 0);
	assert_int_equal(spec_rpm_build(&f->o), -KP_EFAILED);
	assert_non_null(strstr(tl_log_text(), "rpm: File not found: "));
	assert_non_null(strstr(tl_log_text(), "/lib/modules/6.1.0-1-b/extra/x.ko"));
}

/* A staged file no %files lists is a kmodpack bug: fail rather than drop it. */
static void test_unpackaged_file_fails(void **state)
{
	struct fx *f = *state;
	tl_write(f->buildroot, "lib/modules/6.1.0-1-a/extra/stray.ko", "stray\n");
	assert_int_equal(spec_rpm_build(&f->o), -KP_EFAILED);
	assert_non_null(strstr(tl_log_text(), "Installed (but unpackaged) file(s) found"));
	assert_non_null(strstr(tl_log_text(), "stray.ko"));
}

static void test_bad_spec_fails(void **state)
{
	struct fx *f = *state;
	tl_write(f->dir, "SPECS/foo.spec", "Name: foo\nVersion: 1.0\nRelease: 1\nBogus: x\n");
	assert_int_equal(spec_rpm_build(&f->o), -KP_EFAILED);
	assert_non_null(strstr(tl_log_text(), "rpm: line 4: Unknown tag: Bogus: x"));
}

static void test_unknown_arch(void **state)
{
	struct fx *f = *state;
	f->o.arch = "x86-64";
	assert_int_equal(spec_rpm_build(&f->o), -KP_EINPUT);
	assert_non_null(strstr(tl_log_text(), "arch 'x86-64'"));
}

static void test_i686_on_x86_64(void **state)
{
	struct fx *f = *state;
	f->o.arch = "i686";
	int r = spec_rpm_build(&f->o);
	if (r != 0)
		fprintf(stderr, "%s", tl_log_text());
	assert_int_equal(r, 0);
	_cleanup_free_ char *p = kp_asprintf("%s/i686/%s-1.0-1.i686.rpm", f->rpmdir, PKG_A);
	_cleanup_free_ char *arch = tl_run("rpm -qp --qf '%%{ARCH}' '%s'", p);
	assert_string_equal(arch, "i686");
	/* And back: no macros of the i686 build leak into the next one. */
	f->o.arch = "x86_64";
	assert_int_equal(spec_rpm_build(&f->o), 0);
	_cleanup_free_ char *q = kp_asprintf("%s/x86_64/%s-1.0-1.x86_64.rpm", f->rpmdir, PKG_A);
	assert_true(kp_is_file(q));
}

/* ~/.rpmmacros must not change what kmodpack produces. */
static void test_user_macros_ignored(void **state)
{
	struct fx *f = *state;
	const char *home = getenv("HOME");
	_cleanup_free_ char *old_home = home ? kp_strdup(home) : NULL;
	tl_write(f->dir, "home/.rpmmacros",
		 "%packager Mallory\n%_binary_payload w9.xzdio\n%_buildhost evil\n");
	_cleanup_free_ char *new_home = kp_path_join(f->dir, "home");
	setenv("HOME", new_home, 1);
	int r = spec_rpm_build(&f->o);
	if (old_home)
		setenv("HOME", old_home, 1);
	else
		unsetenv("HOME");
	assert_int_equal(r, 0);
	_cleanup_free_ char *p = kp_asprintf("%s/x86_64/%s-1.0-1.x86_64.rpm", f->rpmdir, PKG_A);
	_cleanup_free_ char *q =
	    tl_run("rpm -qp --qf '%%{PACKAGER}|%%{PAYLOADCOMPRESSOR}|%%{BUILDHOST}' '%s'", p);
	assert_string_equal(q, "(none)|gzip|kmodpack");
}

/* librpm leaves the caller's signal handlers and environment alone. */
static int seen_sig;
static void on_sig(int sig)
{
	seen_sig = sig;
}

static void test_process_state_kept(void **state)
{
	struct fx *f = *state;
	struct sigaction sa = {.sa_handler = on_sig}, old_int, old_term, now;
	sigemptyset(&sa.sa_mask);
	assert_int_equal(sigaction(SIGINT, &sa, &old_int), 0);
	assert_int_equal(sigaction(SIGTERM, &sa, &old_term), 0);
	setenv("SOURCE_DATE_EPOCH", "12345", 1);

	assert_int_equal(spec_rpm_build(&f->o), 0);

	assert_int_equal(sigaction(SIGINT, NULL, &now), 0);
	assert_ptr_equal(now.sa_handler, on_sig);
	assert_int_equal(sigaction(SIGTERM, NULL, &now), 0);
	assert_ptr_equal(now.sa_handler, on_sig);
	assert_string_equal(getenv("SOURCE_DATE_EPOCH"), "12345");
	unsetenv("SOURCE_DATE_EPOCH");
	/* The build used opts->source_date_epoch, not the environment. */
	_cleanup_free_ char *p = kp_asprintf("%s/x86_64/%s-1.0-1.x86_64.rpm", f->rpmdir, PKG_A);
	_cleanup_free_ char *t = tl_run("rpm -qp --qf '%%{BUILDTIME}' '%s'", p);
	assert_string_equal(t, "1420070400");
	sigaction(SIGINT, &old_int, NULL);
	sigaction(SIGTERM, &old_term, NULL);
}

static void test_bad_opts(void **state)
{
	struct fx *f = *state;
	f->o.binary = f->o.source = false;
	assert_int_equal(spec_rpm_build(&f->o), -EINVAL);
	f->o.binary = true;
	f->o.workdir = "relative/work";
	assert_int_equal(spec_rpm_build(&f->o), -EINVAL);
	f->o.workdir = f->workdir;
	f->o.source_date_epoch = -1;
	assert_int_equal(spec_rpm_build(&f->o), -KP_EINPUT);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_build_two_subpackages, setup_fx, teardown_fx),
	    cmocka_unit_test_setup_teardown(test_reproducible, setup_fx, teardown_fx),
	    cmocka_unit_test_setup_teardown(test_missing_file_fails, setup_fx, teardown_fx),
	    cmocka_unit_test_setup_teardown(test_unpackaged_file_fails, setup_fx, teardown_fx),
	    cmocka_unit_test_setup_teardown(test_bad_spec_fails, setup_fx, teardown_fx),
	    cmocka_unit_test_setup_teardown(test_unknown_arch, setup_fx, teardown_fx),
	    cmocka_unit_test_setup_teardown(test_i686_on_x86_64, setup_fx, teardown_fx),
	    cmocka_unit_test_setup_teardown(test_user_macros_ignored, setup_fx, teardown_fx),
	    cmocka_unit_test_setup_teardown(test_process_state_kept, setup_fx, teardown_fx),
	    cmocka_unit_test_setup_teardown(test_bad_opts, setup_fx, teardown_fx),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
