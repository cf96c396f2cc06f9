// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * %files lines of the data package. The escaping rules were found
 * empirically with rpm 4.18; the last test hands our lines to the real
 * rpmbuild so that a different rpm is caught rather than trusted.
 */
#include "tests/unit/testlib.h"

#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "common/fs.h"
#include "common/log.h"
#include "firmware/data.h"
#include "specgen/escape.h"

#define KV(k, v, l)                                                                                \
	{                                                                                          \
		(char *)(k), (char *)(v), (l)                                                      \
	}

static void expect_path(const char *path, const char *want)
{
	_cleanup_free_ char *got = NULL;
	if (!want) {
		assert_int_equal(spec_files_path(path, &got), -KP_EINPUT);
		assert_null(got);
		assert_non_null(spec_files_path_problem(path));
		return;
	}
	assert_int_equal(spec_files_path(path, &got), 0);
	assert_non_null(got);
	assert_string_equal(got, want);
}

static void test_path_escaping(void **state)
{
	expect_path("/lib/firmware/a.bin", "\"/lib/firmware/a.bin\"");
	expect_path("/x/a b.bin", "\"/x/a b.bin\"");
	/* Expanded three times on its way through rpm 4.18. */
	expect_path("/x/50%.bin", "\"/x/50%%%%%%%%.bin\"");
	/* '%' before a letter could spell %attr(...): refused (specgen/escape.c). */
	expect_path("/x/%name", NULL);
	expect_path("/x/%1name", "\"/x/%%%%%%%%1name\"");
	/* Glob characters: each as a bracket expression matching only itself. */
	expect_path("/x/x[1].bin", "\"/x/x[[]1].bin\"");
	expect_path("/x/star*.bin", "\"/x/star[*].bin\"");
	expect_path("/x/q?.bin", "\"/x/q[?].bin\"");
	/* Once globbed, popt splits on spaces and eats quotes. */
	expect_path("/x/a b*.bin", "\"/x/a\\ b[*].bin\"");
	expect_path("/x/it's*", "\"/x/it\\'s[*]\"");
	expect_path("/x/it's", "\"/x/it's\"");
	/* Not representable: refused, never packaged as something else. */
	expect_path("/x/tab\there", NULL);
	expect_path("/x/quo\"te", NULL);
	expect_path("/x/back\\slash", NULL);
	expect_path("/x/br{a,b}", NULL);
	expect_path("relative", NULL);
}

struct env {
	char *tmp;
	char *drv;
	char *manifest;
};

static struct fw_data *resolve_example(struct env *e)
{
	e->tmp = tl_tmpdir();
	e->drv = kp_path_join(e->tmp, "drv");
	e->manifest = kp_path_join(e->drv, "kmodpack.ini");
	tl_write(e->drv, "kmodpack.ini", "[data]\n");
	tl_write(e->drv, "data/firmware/helloworld/hello.fw", "fw");
	tl_write(e->drv, "data/firmware/helloworld/a b.bin", "space");
	tl_write(e->drv, "data/firmware/helloworld/50%.bin", "percent");
	tl_write(e->drv, "data/firmware/helloworld/x[1].bin", "bracket");
	tl_write(e->drv, "data/firmware/helloworld/star*.bin", "star");
	tl_write(e->drv, "data/firmware/helloworld/%1name.bin", "macro-like");
	tl_write(e->drv, "data/udev/99-helloworld.rules", "# r\n");
	tl_write(e->drv, "data/modprobe/helloworld.conf", "options helloworld x=1\n");
	tl_write(e->drv, "data/helloworld.cfg", "c\n");
	tl_write(e->drv, "data/doc/README", "r\n");
	tl_write(e->drv, "data/helloworld-EULA", "e\n");
	tl_write(e->drv, "data/bugtool/helloworld.xml", "<capability pii=\"no\"/>\n");
	tl_write(e->drv, "data/bugtool/helloworld/stuff.xml",
		 "<collect><command>true</command></collect>\n");
	struct kp_kv kv[] = {
	    KV("firmware", "data/firmware", 2),
	    KV("udev", "data/udev", 3),
	    KV("modprobe", "data/modprobe", 4),
	    KV("config", "data/helloworld.cfg", 5),
	    KV("doc", "data/doc", 6),
	    KV("bugtool", "data/bugtool", 7),
	    KV("eula", "data/helloworld-EULA", 8),
	};
	struct fw_data_opts o = {.manifest = e->manifest,
				 .driver_dir = e->drv,
				 .name = "helloworld",
				 .version = "1.0",
				 .release = "1"};
	struct fw_data *d = NULL;
	assert_int_equal(fw_data_load(&o, kv, KP_ARRAY_SIZE(kv), &d), 0);
	return d;
}

static void env_release(struct env *e)
{
	tl_tmpdir_free(e->tmp);
	free(e->drv);
	free(e->manifest);
}

static const char example_files[] =
    "%defattr(0644,root,root,0755)\n"
    "%config(noreplace) \"/etc/helloworld.cfg\"\n"
    "%config(noreplace) \"/etc/modprobe.d/helloworld.conf\"\n"
    "%config(noreplace) \"/etc/udev/rules.d/99-helloworld.rules\"\n"
    "%dir \"/etc/xensource/bugtool/helloworld\"\n"
    "%config \"/etc/xensource/bugtool/helloworld.xml\"\n"
    "%config \"/etc/xensource/bugtool/helloworld/stuff.xml\"\n"
    "%dir \"/lib/firmware/helloworld\"\n"
    "\"/lib/firmware/helloworld/%%%%%%%%1name.bin\"\n"
    "\"/lib/firmware/helloworld/50%%%%%%%%.bin\"\n"
    "\"/lib/firmware/helloworld/a b.bin\"\n"
    "\"/lib/firmware/helloworld/hello.fw\"\n"
    "\"/lib/firmware/helloworld/star[*].bin\"\n"
    "\"/lib/firmware/helloworld/x[[]1].bin\"\n"
    "%dir \"/usr/share/doc/helloworld-data-1.0\"\n"
    "%doc \"/usr/share/doc/helloworld-data-1.0/README\"\n"
    "%license \"/usr/share/doc/helloworld-data-1.0/helloworld-EULA\"\n";

static void test_render(void **state)
{
	struct env e = {0};
	_cleanup_(fw_data_freep) struct fw_data *d = resolve_example(&e);
	_cleanup_free_ char *text = NULL;
	assert_int_equal(fw_data_render_files(d, &text), 0);
	assert_string_equal(text, example_files);
	env_release(&e);
}

/* Run argv; stdout into *out (may be NULL), stderr to a log. Returns the exit status. */
static int run(char *const argv[], char **out)
{
	int fds[2];
	assert_int_equal(pipe(fds), 0);
	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		dup2(fds[1], 1);
		int null = open("/dev/null", O_WRONLY);
		dup2(null, 2);
		close(fds[0]);
		execvp(argv[0], argv);
		_exit(127);
	}
	close(fds[1]);
	struct kp_buf b = {0};
	char chunk[4096];
	ssize_t n;
	while ((n = read(fds[0], chunk, sizeof(chunk))) > 0)
		kp_buf_add(&b, chunk, n);
	close(fds[0]);
	int status;
	waitpid(pid, &status, 0);
	if (out)
		*out = kp_buf_steal(&b);
	else
		kp_buf_release(&b);
	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

static bool have(const char *tool)
{
	char *argv[] = {(char *)tool, (char *)"--version", NULL};
	return run(argv, NULL) == 0;
}

static void test_rpmbuild_packages_exactly(void **state)
{
	if (!have("rpmbuild") || !have("rpm"))
		skip();
	struct env e = {0};
	_cleanup_(fw_data_freep) struct fw_data *d = resolve_example(&e);

	/* Stage the buildroot from the list, as the build will. */
	_cleanup_free_ char *root = kp_path_join(e.tmp, "root");
	struct kp_buf want = {0};
	for (size_t i = 0; i < d->n_files; i++) {
		const struct fw_file *f = &d->files[i];
		_cleanup_free_ char *dst = kp_asprintf("%s%s", root, f->dest);
		if (f->is_dir) {
			assert_int_equal(kp_mkdir_p(dst, 0755), 0);
		} else {
			_cleanup_free_ char *parent = kp_strndup(dst, strrchr(dst, '/') - dst);
			assert_int_equal(kp_mkdir_p(parent, 0755), 0);
			assert_int_equal(kp_copy_file(f->src, dst, 0644), 0);
		}
		kp_buf_addf(&want, "%s\n", f->dest);
	}
	/* Decoys a loose glob or a missed macro would pick up instead. */
	static const char *const decoys[] = {"x1.bin", "starZ.bin", "helloworld-data.bin"};
	for (size_t i = 0; i < KP_ARRAY_SIZE(decoys); i++) {
		_cleanup_free_ char *rel = kp_asprintf("lib/firmware/helloworld/%s", decoys[i]);
		tl_write(root, rel, "decoy");
	}

	_cleanup_free_ char *files = NULL;
	assert_int_equal(fw_data_render_files(d, &files), 0);
	_cleanup_free_ char *spec = kp_asprintf("Name: helloworld-data\nVersion: 1.0\nRelease: 1\n"
						"Summary: t\nLicense: GPL\nBuildArch: noarch\n"
						"%%define _unpackaged_files_terminate_build 0\n"
						"%%description\nt\n%%install\ncp -a %s/. "
						"%%{buildroot}/\n%%files\n%s",
						root, files);
	tl_write(e.tmp, "t.spec", spec);

	_cleanup_free_ char *topdir = kp_asprintf("_topdir %s/top", e.tmp);
	_cleanup_free_ char *specpath = kp_path_join(e.tmp, "t.spec");
	char *build[] = {
	    (char *)"rpmbuild", (char *)"-bb", (char *)"--quiet", (char *)"--define", topdir,
	    specpath,		NULL};
	assert_int_equal(run(build, NULL), 0);

	_cleanup_free_ char *rpm =
	    kp_asprintf("%s/top/RPMS/noarch/helloworld-data-1.0-1.noarch.rpm", e.tmp);
	char *query[] = {(char *)"rpm", (char *)"-qlp", rpm, NULL};
	_cleanup_free_ char *listed = NULL;
	assert_int_equal(run(query, &listed), 0);
	_cleanup_free_ char *w = kp_buf_steal(&want);
	assert_string_equal(listed, w);

	/* %config(noreplace) and %doc reached the header too. */
	char *configs[] = {(char *)"rpm", (char *)"-qcp", rpm, NULL};
	_cleanup_free_ char *c = NULL;
	assert_int_equal(run(configs, &c), 0);
	assert_non_null(strstr(c, "/etc/udev/rules.d/99-helloworld.rules\n"));
	assert_null(strstr(c, "/lib/firmware"));
	env_release(&e);
}

int main(void)
{
#define T(fn) cmocka_unit_test_setup_teardown(fn, tl_setup_log, tl_teardown_log)
	const struct CMUnitTest tests[] = {
	    T(test_path_escaping),
	    T(test_render),
	    T(test_rpmbuild_packages_exactly),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
