// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * builder/cache.c: the up-to-date key changes with every input that decides
 * a build's output (docs/building.md, step 3), and with nothing else; a
 * stored key counts only while every published artifact is intact.
 */
#include "tests/unit/testlib.h"

#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

#include "builder/cache.h"
#include "builder/internal.h"
#include "common/digest.h"
#include "common/fs.h"
#include "common/log.h"
#include "report/report.h"

#define RELEASE "6.1.0-99-amd64"

struct fx {
	char *dir, *driver, *tree, *target, *outdir;
};

static const char manifest[] = "[driver]\n"
			       "name = hello\n"
			       "version = 1.0\n"
			       "release = 1\n"
			       "summary = a test driver\n"
			       "license = GPL-2.0-only\n"
			       "source = src\n"
			       "source_date_epoch = 1700000000\n"
			       "[vendor]\n"
			       "code = example\n"
			       "name = Example\n";

static int setup(void **state)
{
	struct fx *fx = calloc(1, sizeof(*fx));
	fx->dir = tl_tmpdir();
	fx->driver = kp_path_join(fx->dir, "drv");
	fx->tree = kp_path_join(fx->dir, "tree");
	fx->outdir = kp_path_join(fx->dir, "out");
	tl_write(fx->driver, "kmodpack.ini", manifest);
	tl_write(fx->driver, "src/Makefile", "obj-m += hello.o\n");
	tl_write(fx->driver, "src/hello.c", "int x;\n");
	tl_write(fx->tree, "Makefile", "# fake top-level Kbuild Makefile\n");
	tl_write(fx->tree, ".config", "CONFIG_64BIT=y\n");
	tl_write(fx->tree, "Module.symvers", "");
	tl_write(fx->tree, "include/generated/utsrelease.h",
		 "#define UTS_RELEASE \"" RELEASE "\"\n");
	_cleanup_free_ char *t = kp_asprintf("[target]\nname = t\narch = x86_64\n"
					     "[flavour amd64]\ntree = %s\n",
					     fx->tree);
	tl_write(fx->dir, "t.ini", t);
	fx->target = kp_path_join(fx->dir, "t.ini");
	mkdir(fx->outdir, 0755);
	unsetenv("SOURCE_DATE_EPOCH");
	unsetenv("KCFLAGS");
	*state = fx;
	return 0;
}

static int teardown(void **state)
{
	struct fx *fx = *state;
	tl_tmpdir_free(fx->dir);
	free(fx->driver);
	free(fx->tree);
	free(fx->target);
	free(fx->outdir);
	free(fx);
	unsetenv("KCFLAGS");
	return 0;
}

/* The key of the fixture's inputs as they are now. */
static char *key(struct fx *fx, const char *outdir)
{
	struct bld_inputs in;
	assert_int_equal(bld_inputs_load(fx->driver, fx->target, NULL, false, &in), 0);
	char *k = NULL;
	assert_int_equal(
	    bld_cache_key(in.m, in.t, in.data, in.sde, NULL, NULL, outdir ? outdir : fx->outdir, &k), 0);
	bld_inputs_release(&in);
	return k;
}

static void assert_changes(struct fx *fx, const char *before, const char *what)
{
	_cleanup_free_ char *after = key(fx, NULL);
	if (!strcmp(before, after))
		fail_msg("the key did not change with %s", what);
}

static void assert_same(struct fx *fx, const char *before, const char *what)
{
	_cleanup_free_ char *after = key(fx, NULL);
	if (strcmp(before, after))
		fail_msg("the key changed with %s", what);
}

static void test_stable(void **state)
{
	struct fx *fx = *state;
	_cleanup_free_ char *a = key(fx, NULL);
	_cleanup_free_ char *b = key(fx, NULL);
	assert_string_equal(a, b);
}

static void test_sources_change_it(void **state)
{
	struct fx *fx = *state;
	_cleanup_free_ char *k0 = key(fx, NULL);
	tl_write(fx->driver, "src/hello.c", "int y;\n");
	assert_changes(fx, k0, "a source's content");

	_cleanup_free_ char *k1 = key(fx, NULL);
	_cleanup_free_ char *c = kp_path_join(fx->driver, "src/hello.c");
	assert_int_equal(chmod(c, 0755), 0);
	assert_changes(fx, k1, "a source's mode");

	_cleanup_free_ char *k2 = key(fx, NULL);
	tl_write(fx->driver, "src/new.h", "");
	assert_changes(fx, k2, "a new source file");

	_cleanup_free_ char *k3 = key(fx, NULL);
	_cleanup_free_ char *l = kp_path_join(fx->driver, "src/link.h");
	assert_int_equal(symlink("new.h", l), 0);
	assert_changes(fx, k3, "a new symlink");
}

static void test_build_products_do_not(void **state)
{
	struct fx *fx = *state;
	_cleanup_free_ char *k0 = key(fx, NULL);
	/* What an in-tree build or a VCS leaves: the build copy leaves it out too. */
	tl_write(fx->driver, "src/hello.o", "obj");
	tl_write(fx->driver, "src/hello.ko", "ko");
	tl_write(fx->driver, "src/.hello.o.cmd", "cmd");
	tl_write(fx->driver, "src/modules.order", "hello.o\n");
	tl_write(fx->driver, "src/.git/HEAD", "ref: x\n");
	tl_write(fx->driver, "src/.kmodpack/lock", "");
	assert_same(fx, k0, "objects, .git and .kmodpack in the sources");
}

static void test_outdir_inside_sources_does_not(void **state)
{
	struct fx *fx = *state;
	_cleanup_free_ char *inside = kp_path_join(fx->driver, "src/out");
	_cleanup_free_ char *k0 = key(fx, inside);
	tl_write(inside, "RPMS/x86_64/hello.rpm", "rpm");
	_cleanup_free_ char *k1 = key(fx, inside);
	assert_string_equal(k0, k1);
}

static void test_environment(void **state)
{
	struct fx *fx = *state;
	_cleanup_free_ char *k0 = key(fx, NULL);
	setenv("KCFLAGS", "", 1);
	assert_changes(fx, k0, "KCFLAGS set but empty");
	_cleanup_free_ char *k1 = key(fx, NULL);
	setenv("KCFLAGS", "-DDEBUG", 1);
	assert_changes(fx, k1, "KCFLAGS");
	unsetenv("KCFLAGS");

	/* PATH is left out on purpose (docs/building.md): --force after changing it. */
	_cleanup_free_ char *k2 = key(fx, NULL);
	const char *path = getenv("PATH");
	_cleanup_free_ char *saved = kp_strdup(path ? path : "");
	setenv("PATH", "/nonexistent:/usr/bin:/bin", 1);
	assert_same(fx, k2, "PATH");
	setenv("PATH", saved, 1);

	setenv("SOURCE_DATE_EPOCH", "1800000000", 1);
	assert_changes(fx, k2, "SOURCE_DATE_EPOCH");
	unsetenv("SOURCE_DATE_EPOCH");
}

static void test_manifest_and_tree(void **state)
{
	struct fx *fx = *state;
	_cleanup_free_ char *k0 = key(fx, NULL);
	_cleanup_free_ char *m2 = tl_replace(manifest, "release = 1\n", "release = 2\n");
	tl_write(fx->driver, "kmodpack.ini", m2);
	assert_changes(fx, k0, "the manifest");

	_cleanup_free_ char *k1 = key(fx, NULL);
	tl_write(fx->tree, ".config", "CONFIG_64BIT=y\nCONFIG_X=y\n");
	assert_changes(fx, k1, "the tree's .config");

	_cleanup_free_ char *k2 = key(fx, NULL);
	tl_write(fx->tree, "Module.symvers", "0x1\tsym\tvmlinux\tEXPORT_SYMBOL\t\n");
	assert_changes(fx, k2, "the tree's Module.symvers");

	/* Files of the tree that Kbuild's output does not depend on. */
	_cleanup_free_ char *k3 = key(fx, NULL);
	tl_write(fx->tree, "README", "notes\n");
	assert_same(fx, k3, "an unrelated file in the tree");
}

/* A published build: one artifact and its report, as step 10 leaves them. */
static void publish(struct fx *fx, const char *content)
{
	tl_write(fx->outdir, "RPMS/x86_64/hello.rpm", content);
	_cleanup_free_ char *p = kp_path_join(fx->outdir, "RPMS/x86_64/hello.rpm");
	struct rp_build *b = rp_build_new();
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
	struct rp_artifact *a = rp_build_add_artifact(b);
	a->kind = RP_ARTIFACT_RPM;
	a->flavour = kp_strdup("amd64");
	a->path = kp_strdup("RPMS/x86_64/hello.rpm");
	a->size = (long long)strlen(content);
	assert_int_equal(kp_sha256_file(p, a->sha256), 0);
	_cleanup_free_ char *rp = kp_path_join(fx->outdir, RP_BUILD_REPORT_NAME);
	assert_int_equal(rp_build_write(b, rp), 0);
	rp_build_free(b);
}

static void test_fresh(void **state)
{
	struct fx *fx = *state;
	_cleanup_free_ char *state_dir = kp_path_join(fx->outdir, ".kmodpack");
	mkdir(state_dir, 0755);
	_cleanup_free_ char *k = key(fx, NULL);
	struct rp_build *rep = NULL;
	char *why = NULL;

	/* Nothing stored yet: no build to compare with, so nothing to say. */
	assert_false(bld_cache_fresh(state_dir, fx->outdir, k, &rep, &why));
	assert_null(why);
	publish(fx, "rpm v1");
	assert_int_equal(bld_cache_store(state_dir, k), 0);
	assert_true(bld_cache_fresh(state_dir, fx->outdir, k, &rep, &why));
	assert_non_null(rep);
	assert_string_equal(rep->artifacts[0].path, "RPMS/x86_64/hello.rpm");
	rp_build_free(rep);
	rep = NULL;

	/* Another key: the inputs changed, and the first changed line says which. */
	assert_false(bld_cache_fresh(state_dir, fx->outdir, "other", &rep, &why));
	assert_non_null(why);
	free(why);
	_cleanup_free_ char *k2 = kp_strdup(k);
	char *gpg = strstr(k2, "gpg-key\t(none)");
	assert_non_null(gpg);
	memcpy(gpg + 8, "ABCDEF", 6);
	assert_false(bld_cache_fresh(state_dir, fx->outdir, k2, &rep, &why));
	assert_string_equal(why, "the gpg key is now ABCDEF");
	free(why);
	/* An artifact replaced behind kmodpack's back (not an RPM: no header to compare). */
	tl_write(fx->outdir, "RPMS/x86_64/hello.rpm", "rpm v2");
	assert_false(bld_cache_fresh(state_dir, fx->outdir, k, &rep, &why));
	assert_string_equal(why,
			    "RPMS/x86_64/hello.rpm was changed or removed since the last build");
	free(why);
	/* An unreadable report means a rebuild, quietly. */
	publish(fx, "rpm v1");
	tl_write(fx->outdir, RP_BUILD_REPORT_NAME, "{ not json");
	tl_log_reset();
	assert_false(bld_cache_fresh(state_dir, fx->outdir, k, &rep, &why));
	assert_string_equal(tl_log_text(), "");
	assert_null(rep);
	free(why);
}

int main(void)
{
	tl_log_capture();
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
	const struct CMUnitTest tests[] = {
	    T(test_stable),
	    T(test_sources_change_it),
	    T(test_build_products_do_not),
	    T(test_outdir_inside_sources_does_not),
	    T(test_environment),
	    T(test_manifest_and_tree),
	    T(test_fresh),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
