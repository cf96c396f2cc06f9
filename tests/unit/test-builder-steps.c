// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The steps of builder/ one at a time, against small fake trees: the
 * sources (step 5 and the build copy), a failed compile's message and log
 * (step 6), which modules a flavour built (step 7), the artifacts of the
 * package step (step 9) and the publish (step 10). The files are included
 * so their static helpers can be tested (as curl's unit tests do); none
 * of them needs make, a kernel tree or rpm.
 */
#include "tests/unit/testlib.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

#include "builder/cache.h"
#include "common/archive.h"
#include "common/fs.h"
#include "common/log.h"
#include "report/report.h"

#include "builder/compile.c"
#include "builder/modules.c"
#include "builder/package.c"
#include "builder/publish.c"
#include "builder/sources.c"

static char *read_text(const char *dir, const char *rel)
{
	_cleanup_free_ char *p = kp_path_join(dir, rel);
	char *text = NULL;
	if (kp_read_file(p, &text, NULL) < 0)
		return NULL;
	return text;
}

static bool exists(const char *dir, const char *rel)
{
	_cleanup_free_ char *p = kp_path_join(dir, rel);
	struct stat st;
	return lstat(p, &st) == 0;
}

/* ---- sources ---- */

static void test_source_skip(void **state)
{
	assert_true(bld_source_skip("/s/.git", NULL));
	assert_true(bld_source_skip("/s/sub/hello.o", NULL));
	assert_true(bld_source_skip("/s/hello.mod.c", NULL));
	assert_true(bld_source_skip("/s/Module.symvers", NULL));
	assert_true(bld_source_skip("/s/out", "/s/out"));
	assert_false(bld_source_skip("/s/outer", "/s/out"));
	assert_false(bld_source_skip("/s/hello.c", NULL));
	assert_false(bld_source_skip("/s/Makefile", NULL));
	assert_false(bld_source_skip("/s/notes.org", NULL)); /* ".o" is a suffix, not a substring */
}

static void test_sync_copies_what_builds(void **state)
{
	struct tl_fixture *fx = *state;
	_cleanup_free_ char *src = kp_path_join(fx->dir, "src");
	_cleanup_free_ char *dst = kp_path_join(fx->dir, "build");
	_cleanup_free_ char *out = kp_path_join(src, "out");
	tl_write(src, "Makefile", "obj-m += a.o\n");
	tl_write(src, "a.c", "int a;\n");
	tl_write(src, "sub/b.h", "#define B 1\n");
	tl_write(src, "a.o", "stale object");
	tl_write(src, ".git/HEAD", "ref\n");
	tl_write(src, "out/RPMS/x.rpm", "rpm");
	_cleanup_free_ char *link = kp_path_join(src, "b.h");
	assert_int_equal(symlink("sub/b.h", link), 0);

	assert_int_equal(bld_sources_sync(src, dst, out), 0);
	_cleanup_free_ char *a = read_text(dst, "a.c");
	assert_string_equal(a, "int a;\n");
	assert_true(exists(dst, "sub/b.h"));
	assert_false(exists(dst, "a.o"));
	assert_false(exists(dst, ".git"));
	assert_false(exists(dst, "out"));
	_cleanup_free_ char *dlink = kp_path_join(dst, "b.h");
	char target[64] = {0};
	assert_int_equal(readlink(dlink, target, sizeof(target) - 1), 7);
	assert_string_equal(target, "sub/b.h");
}

static void test_sync_keeps_unchanged_files(void **state)
{
	struct tl_fixture *fx = *state;
	_cleanup_free_ char *src = kp_path_join(fx->dir, "src");
	_cleanup_free_ char *dst = kp_path_join(fx->dir, "build");
	tl_write(src, "a.c", "int a;\n");
	tl_write(src, "b.c", "int b;\n");
	assert_int_equal(bld_sources_sync(src, dst, NULL), 0);
	/* Kbuild's objects in the build copy, and an old timestamp on a.c. */
	tl_write(dst, "a.o", "object");
	_cleanup_free_ char *da = kp_path_join(dst, "a.c");
	struct timespec old[2] = {{.tv_sec = 1000000000}, {.tv_sec = 1000000000}};
	assert_int_equal(utimensat(AT_FDCWD, da, old, 0), 0);
	tl_write(src, "b.c", "int b2;\n");

	assert_int_equal(bld_sources_sync(src, dst, NULL), 0);
	struct stat st;
	assert_int_equal(stat(da, &st), 0);
	assert_int_equal(st.st_mtime, 1000000000); /* same content: not copied, make stays quiet */
	_cleanup_free_ char *b = read_text(dst, "b.c");
	assert_string_equal(b, "int b2;\n");
	assert_true(exists(dst, "a.o")); /* objects only in the copy stay */
}

static void test_prepare_dir_needs_a_makefile(void **state)
{
	struct tl_fixture *fx = *state;
	_cleanup_free_ char *src = kp_path_join(fx->dir, "src");
	tl_write(src, "driver/Kbuild", "obj-m += a.o\n");
	struct spec_manifest m = {.path = "kmodpack.ini", .source = src, .subdir = ""};
	struct bld_run rn = {.m = &m};
	tl_log_reset();
	assert_int_equal(bld_sources_prepare(&rn), -KP_EINPUT);
	assert_non_null(strstr(tl_log_text(), "no Makefile or Kbuild file in"));
	free(rn.srctop);

	rn = (struct bld_run){.m = &m};
	m.subdir = "driver";
	assert_int_equal(bld_sources_prepare(&rn), 0);
	assert_string_equal(rn.srctop, src);
	free(rn.srctop);
}

static void test_prepare_unpacks_an_archive(void **state)
{
	struct tl_fixture *fx = *state;
	_cleanup_free_ char *src = kp_path_join(fx->dir, "src");
	_cleanup_free_ char *tarball = kp_path_join(fx->dir, "drv-2.1.tar.gz");
	_cleanup_free_ char *statedir = kp_path_join(fx->dir, "out/.kmodpack");
	tl_write(src, "Makefile", "obj-m += a.o\n");
	assert_int_equal(kp_archive_create(src, "drv-2.1", 0, tarball, NULL, NULL), 0);
	assert_int_equal(kp_mkdir_p(statedir, 0755), 0);

	struct spec_manifest m = {
	    .path = "kmodpack.ini", .source = tarball, .source_is_archive = true, .subdir = ""};
	struct bld_run rn = {.m = &m, .od = {.state = statedir}};
	assert_int_equal(bld_sources_prepare(&rn), 0);
	/* The single top dir is the tree, whatever its name. */
	_cleanup_free_ char *want = kp_path_join(statedir, "src/drv-2.1");
	assert_string_equal(rn.srctop, want);
	assert_true(exists(want, "Makefile"));
	free(rn.srctop);
}

/* ---- compile: what a failure says ---- */

static void test_first_errors(void **state)
{
	struct tl_fixture *fx = *state;
	_cleanup_free_ char *log = kp_path_join(fx->dir, "amd64.log");
	_cleanup_free_ char *bd = kp_path_join(fx->dir, "out/.kmodpack/build/amd64");
	_cleanup_free_ char *text =
	    kp_asprintf("make: Entering directory '/tree'\n"
			"  CC [M]  %s/a.o\n"
			"%s/a.c:3:9: error: expected ';' before '}' token\n"
			"make[2]: *** [scripts/Makefile.build:250: %s/a.o] Error 1\n"
			"%s/b.c:1:10: fatal error: missing.h: No such file or directory\n",
			bd, bd, bd, bd);
	tl_write(fx->dir, "amd64.log", text);
	char *logs[] = {log}, *builddirs[] = {bd};
	struct spec_manifest m = {0};
	struct bld_run rn = {
	    .m = &m, .logs = logs, .builddirs = builddirs, .srctop = "/home/me/drv"};

	/* Compiler lines only, pointing at the user's own sources. */
	_cleanup_free_ char *errs = first_errors(&rn, 0);
	assert_string_equal(errs, "    /home/me/drv/a.c:3:9: error: expected ';' before '}' token\n"
				  "    /home/me/drv/b.c:1:10: fatal error: missing.h: No such file "
				  "or directory\n");
	/* An archive's build copy is all the user has: names stay as they are. */
	m.source_is_archive = true;
	_cleanup_free_ char *aerrs = first_errors(&rn, 0);
	assert_non_null(strstr(aerrs, bd));

	/* No compiler error: make's own *** lines, at most three. */
	tl_write(fx->dir, "amd64.log",
		 "make: *** one\nmake: *** two\nmake: *** three\nmake: *** four\n");
	_cleanup_free_ char *merrs = first_errors(&rn, 0);
	assert_string_equal(merrs, "    make: *** one\n    make: *** two\n    make: *** three\n");
}

static void test_keep_log(void **state)
{
	struct tl_fixture *fx = *state;
	_cleanup_free_ char *outdir = kp_path_join(fx->dir, "out");
	tl_write(fx->dir, "out/.kmodpack/stage-x/logs/amd64.log", "make output\n");
	char *logs[] = {kp_path_join(fx->dir, "out/.kmodpack/stage-x/logs/amd64.log")};
	struct kb_flavour f = {.name = "amd64"};
	struct kb_target t = {.flavours = &f, .nflavours = 1};
	struct bld_run rn = {.t = &t, .logs = logs, .od = {.dir = outdir}};

	const char *kept = bld_keep_log(&rn, 0);
	_cleanup_free_ char *want = kp_path_join(outdir, "logs/amd64.failed.log");
	assert_string_equal(kept, want);
	_cleanup_free_ char *text = read_text(outdir, "logs/amd64.failed.log");
	assert_string_equal(text, "make output\n");
	free(logs[0]);
}

/* ---- modules: which ones a flavour built ---- */

static void test_built_modules_order(void **state)
{
	struct tl_fixture *fx = *state;
	_cleanup_free_ char *m = kp_path_join(fx->dir, "m");
	tl_write(m, "modules.order", "b.o\nsub/a.ko\n\ngone.o\n");
	tl_write(m, "b.ko", "");
	tl_write(m, "sub/a.ko", "");
	tl_write(m, "stray.ko", "");
	_cleanup_strv_ struct kp_strv kos = {0};
	built_modules(m, &kos);
	/* modules.order decides: the stray .ko stays out, a missing one is skipped. */
	assert_int_equal(kos.n, 2);
	_cleanup_free_ char *a = kp_path_join(m, "sub/a.ko");
	_cleanup_free_ char *b = kp_path_join(m, "b.ko");
	assert_string_equal(kos.v[0], b);
	assert_string_equal(kos.v[1], a);
	_cleanup_free_ char *name = module_file_name(kos.v[1]);
	assert_string_equal(name, "a");
}

static void test_built_modules_without_order(void **state)
{
	struct tl_fixture *fx = *state;
	_cleanup_free_ char *m = kp_path_join(fx->dir, "m");
	tl_write(m, "z.ko", "");
	tl_write(m, "sub/a.ko", "");
	tl_write(m, ".tmp_versions/hidden.ko", "");
	tl_write(m, "a.o", "");
	_cleanup_strv_ struct kp_strv kos = {0};
	built_modules(m, &kos);
	assert_int_equal(kos.n, 2);
	_cleanup_free_ char *a = kp_path_join(m, "sub/a.ko");
	_cleanup_free_ char *z = kp_path_join(m, "z.ko");
	assert_string_equal(kos.v[0], a);
	assert_string_equal(kos.v[1], z);
}

/* ---- package: the artifacts, at the paths the builder names ---- */

static void test_record_artifacts(void **state)
{
	struct tl_fixture *fx = *state;
	_cleanup_free_ char *stage = kp_path_join(fx->dir, "stage");
	/* The smallest shape spec_rpm_content_sha256 takes: a lead, a signature header of one
	 * entry and no data, then the main header's magic. */
	unsigned char rpm[136] = {0xed, 0xab, 0xee, 0xdb};
	memcpy(rpm + 96, "\x8e\xad\xe8\x01\0\0\0\0\0\0\0\x01\0\0\0\0", 16);
	memcpy(rpm + 128, "\x8e\xad\xe8\x01", 4);
	tl_write(stage, "RPMS/x86_64/hello-modules-amd64-6.1.0-9-1.0-1.x86_64.rpm", "");
	tl_write(stage, "SRPMS/hello-1.0-1.src.rpm", "");
	_cleanup_free_ char *p1 =
	    kp_path_join(stage, "RPMS/x86_64/hello-modules-amd64-6.1.0-9-1.0-1.x86_64.rpm");
	_cleanup_free_ char *p2 = kp_path_join(stage, "SRPMS/hello-1.0-1.src.rpm");
	assert_int_equal(kp_write_file(p1, (const char *)rpm, sizeof(rpm), 0644), 0);
	assert_int_equal(kp_write_file(p2, (const char *)rpm, sizeof(rpm), 0644), 0);
	tl_write(stage, "SPECS/hello.spec", "spec");
	_cleanup_free_ char *p3 = kp_path_join(
	    stage, "RPMS/x86_64/hello-modules-amd64-6.1.0-9-debuginfo-1.0-1.x86_64.rpm");
	assert_int_equal(kp_write_file(p3, (const char *)rpm, sizeof(rpm), 0644), 0);
	struct spec_manifest m = {.name = "hello", .version = "1.0", .release = "1"};
	struct kb_flavour f = {.name = "amd64", .kver = "6.1.0-9", .release = "6.1.0-9-amd64"};
	struct kb_target t = {.arch = "x86_64", .flavours = &f, .nflavours = 1};
	struct bld_run rn = {.m = &m, .t = &t, .od = {.stage = stage}, .report = rp_build_new()};

	assert_int_equal(record_artifacts(&rn), 0);
	assert_int_equal(rn.report->nartifacts, 4); /* modules, SRPM, spec, debuginfo */
	const struct rp_artifact *a = &rn.report->artifacts[0];
	assert_int_equal(a->kind, RP_ARTIFACT_RPM);
	assert_string_equal(a->flavour, "amd64");
	assert_string_equal(a->path, "RPMS/x86_64/hello-modules-amd64-6.1.0-9-1.0-1.x86_64.rpm");
	assert_int_equal(a->size, 136);
	assert_int_equal(strlen(a->sha256), 64);
	assert_int_equal(strlen(a->content_sha256), 64); /* sha256 of the last 8 bytes */
	assert_int_equal(rn.report->artifacts[1].kind, RP_ARTIFACT_SRPM);
	assert_int_equal(rn.report->artifacts[2].kind, RP_ARTIFACT_SPEC);
	assert_false(rn.report->has_data);
	rp_build_free(rn.report);

	/* A package rpm was asked for but did not write is an error, named. */
	_cleanup_free_ char *srpm = kp_path_join(stage, "SRPMS/hello-1.0-1.src.rpm");
	unlink(srpm);
	rn.report = rp_build_new();
	tl_log_reset();
	assert_int_equal(record_artifacts(&rn), -KP_EFAILED);
	assert_non_null(strstr(tl_log_text(), "rpm did not produce 'SRPMS/hello-1.0-1.src.rpm'"));
	rp_build_free(rn.report);
}

/* ---- publish: the report, the files, the key, stale failure logs ---- */

static void test_publish(void **state)
{
	struct tl_fixture *fx = *state;
	_cleanup_free_ char *outdir = kp_path_join(fx->dir, "out");
	tl_write(outdir, "logs/amd64.failed.log", "an older failure");
	struct kb_flavour f = {.name = "amd64"};
	struct kb_target t = {.flavours = &f, .nflavours = 1};
	struct bld_build_opts o = {0};
	struct bld_flavour_status st[1] = {{.name = "amd64", .stage = BLD_PACKAGING}};
	struct bld_run rn = {
	    .o = &o, .t = &t, .st = st, .key = "the key\n", .report = rp_build_new()};
	assert_int_equal(kp_outdir_open(outdir, &rn.od), 0);
	assert_int_equal(kp_outdir_stage(&rn.od), 0);
	tl_write(rn.od.stage, "RPMS/x86_64/a.rpm", "rpm");
	tl_write(rn.od.stage, "logs/amd64.log", "make output");
	tl_write(rn.od.stage, "buildroot/lib/modules/x/a.ko", "not published");
	struct rp_build *b = rn.report;
	b->kmodpack_version = kp_strdup("0");
	b->driver_name = kp_strdup("hello");
	b->driver_version = kp_strdup("1.0");
	b->driver_release = kp_strdup("1");
	b->manifest = kp_strdup("kmodpack.ini");
	b->vendor_code = kp_strdup("example");
	b->vendor_name = kp_strdup("Example");
	b->target_name = kp_strdup("t");
	b->arch = kp_strdup("x86_64");
	b->module_dir = kp_strdup("extra");

	assert_int_equal(bld_publish(&rn), 0);
	assert_int_equal(st[0].stage, BLD_DONE);
	assert_true(exists(outdir, "RPMS/x86_64/a.rpm"));
	assert_true(exists(outdir, "logs/amd64.log"));
	assert_true(exists(outdir, RP_BUILD_REPORT_NAME));
	assert_false(exists(outdir, "buildroot"));
	assert_false(exists(outdir, "logs/amd64.failed.log"));
	_cleanup_free_ char *k = read_text(outdir, ".kmodpack/cache-key");
	assert_string_equal(k, "the key\n");
	_cleanup_(rp_build_freep) struct rp_build *back = NULL;
	_cleanup_free_ char *rp = kp_path_join(outdir, RP_BUILD_REPORT_NAME);
	assert_int_equal(rp_build_read(rp, &back), 0);
	assert_string_equal(back->driver_name, "hello");
	kp_outdir_close(&rn.od);
	rp_build_free(rn.report);
}

int main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, tl_setup_tmpdir, tl_teardown_tmpdir)
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_source_skip),
	    T(test_sync_copies_what_builds),
	    T(test_sync_keeps_unchanged_files),
	    T(test_prepare_dir_needs_a_makefile),
	    T(test_prepare_unpacks_an_archive),
	    T(test_first_errors),
	    T(test_keep_log),
	    T(test_built_modules_order),
	    T(test_built_modules_without_order),
	    T(test_record_artifacts),
	    T(test_publish),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
