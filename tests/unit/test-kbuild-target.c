// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * kbuild/target.c: splitting releases into kver and flavour, and target
 * files against fake prepared Kbuild trees (a Makefile, a release header
 * and a .config are all kb_tree_read_release and kb_tree_read_arch look at).
 */
#include "tests/unit/testlib.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/fs.h"
#include "common/log.h"
#include "common/util.h"
#include "kbuild/target.h"

#define XS_KVER	  "2.6.18-128.1.6.el5.xs5.5.0.502.1014"
#define XS_XEN	  XS_KVER "xen"
#define XS_KDUMP  XS_KVER "kdump"
#define DEB_AMD64 "6.1.0-56-amd64"
#define DEB_CLOUD "6.1.0-56-cloud-amd64"

/* ---- kb_split_releases ---- */

struct split {
	char *kver[4], *flavour[4];
	int r;
};

static void split_release(struct split *s)
{
	for (size_t i = 0; i < KP_ARRAY_SIZE(s->kver); i++) {
		free(s->kver[i]);
		free(s->flavour[i]);
	}
}

static void do_split(struct split *s, const char *const *rels, size_t n)
{
	*s = (struct split){0};
	assert_true(n <= KP_ARRAY_SIZE(s->kver));
	s->r = kb_split_releases(rels, n, s->kver, s->flavour);
}

static void test_split_xenserver_pair(void **state)
{
	const char *rels[] = {XS_XEN, XS_KDUMP};
	struct split s;
	do_split(&s, rels, 2);
	assert_int_equal(s.r, 0);
	assert_string_equal(s.kver[0], XS_KVER);
	assert_string_equal(s.kver[1], XS_KVER);
	assert_string_equal(s.flavour[0], "xen");
	assert_string_equal(s.flavour[1], "kdump");
	split_release(&s);
}

static void test_split_debian_pair(void **state)
{
	const char *rels[] = {DEB_AMD64, DEB_CLOUD};
	struct split s;
	do_split(&s, rels, 2);
	assert_int_equal(s.r, 0);
	assert_string_equal(s.kver[0], "6.1.0-56");
	assert_string_equal(s.kver[1], "6.1.0-56");
	assert_string_equal(s.flavour[0], "amd64");
	assert_string_equal(s.flavour[1], "cloud-amd64");
	split_release(&s);

	/* Order does not matter: the cloud flavour first gives the same split. */
	const char *rev[] = {DEB_CLOUD, DEB_AMD64};
	do_split(&s, rev, 2);
	assert_int_equal(s.r, 0);
	assert_string_equal(s.kver[0], "6.1.0-56");
	assert_string_equal(s.kver[1], "6.1.0-56");
	assert_string_equal(s.flavour[0], "cloud-amd64");
	assert_string_equal(s.flavour[1], "amd64");
	split_release(&s);
}

static void test_split_lone(void **state)
{
	static const struct {
		const char *rel, *kver, *flavour;
	} cases[] = {
	    {XS_XEN, XS_KVER, "xen"},
	    {XS_KDUMP, XS_KVER, "kdump"},
	    {DEB_AMD64, "6.1.0-56", "amd64"},
	    {DEB_CLOUD, "6.1.0-56", "cloud-amd64"},
	};
	for (size_t i = 0; i < KP_ARRAY_SIZE(cases); i++) {
		struct split s;
		do_split(&s, &cases[i].rel, 1);
		assert_int_equal(s.r, 0);
		assert_string_equal(s.kver[0], cases[i].kver);
		assert_string_equal(s.flavour[0], cases[i].flavour);
		split_release(&s);
	}
}

static void test_split_three(void **state)
{
	const char *deb[] = {DEB_AMD64, DEB_CLOUD, "6.1.0-56-rt-amd64"};
	struct split s;
	do_split(&s, deb, 3);
	assert_int_equal(s.r, 0);
	for (int i = 0; i < 3; i++)
		assert_string_equal(s.kver[i], "6.1.0-56");
	assert_string_equal(s.flavour[0], "amd64");
	assert_string_equal(s.flavour[1], "cloud-amd64");
	assert_string_equal(s.flavour[2], "rt-amd64");
	split_release(&s);

	const char *xs[] = {XS_XEN, XS_KDUMP, XS_KVER "debug"};
	do_split(&s, xs, 3);
	assert_int_equal(s.r, 0);
	for (int i = 0; i < 3; i++)
		assert_string_equal(s.kver[i], XS_KVER);
	assert_string_equal(s.flavour[0], "xen");
	assert_string_equal(s.flavour[1], "kdump");
	assert_string_equal(s.flavour[2], "debug");
	split_release(&s);
}

static void test_split_no_suffix(void **state)
{
	/* Neither release has a letter suffix: whole release as kver, "default". */
	const char *plain[] = {"6.1.0", "6.1.1"};
	struct split s;
	do_split(&s, plain, 2);
	assert_int_equal(s.r, -EINVAL);
	assert_string_equal(s.kver[0], "6.1.0");
	assert_string_equal(s.kver[1], "6.1.1");
	assert_string_equal(s.flavour[0], "default");
	assert_string_equal(s.flavour[1], "default");
	split_release(&s);

	/* One with a suffix, one without: the one that splits still does. */
	const char *mixed[] = {DEB_AMD64, "4.19.0+1"};
	do_split(&s, mixed, 2);
	assert_int_equal(s.r, -EINVAL);
	assert_string_equal(s.kver[0], "6.1.0-56");
	assert_string_equal(s.flavour[0], "amd64");
	assert_string_equal(s.kver[1], "4.19.0+1");
	assert_string_equal(s.flavour[1], "default");
	split_release(&s);

	const char *lone[] = {"4.19.0+1"};
	do_split(&s, lone, 1);
	assert_int_equal(s.r, -EINVAL);
	assert_string_equal(s.kver[0], "4.19.0+1");
	assert_string_equal(s.flavour[0], "default");
	split_release(&s);
}

/*
 * Regression (fixed): when one flavour name is the start of another (Ubuntu arm64's
 * "generic" and "generic-64k", armhf's "generic" and "generic-lpae"), the
 * common prefix runs to the end of the shorter release; backing off one
 * character lands inside the word, where both releases still have a letter,
 * so the split is kver "5.15.0-91-generi", flavours "c" and "c-64k". Each
 * release split alone gives the right answer.
 */
static void test_split_flavour_prefix_of_another(void **state)
{
	const char *rels[] = {"5.15.0-91-generic", "5.15.0-91-generic-64k"};
	struct split s;
	do_split(&s, rels, 2);
	assert_int_equal(s.r, 0);
	assert_string_equal(s.kver[0], "5.15.0-91");
	assert_string_equal(s.kver[1], "5.15.0-91");
	assert_string_equal(s.flavour[0], "generic");
	assert_string_equal(s.flavour[1], "generic-64k");
	split_release(&s);
}

/* ---- trees and target files ---- */

/* A prepared tree at DIR/REL; header false writes include/config/kernel.release instead. */
static char *make_tree(const char *dir, const char *rel, const char *release, bool header)
{
	char *tree = kp_path_join(dir, rel);
	tl_write(tree, "Makefile", "# fake top-level Kbuild Makefile\n");
	tl_write(tree, ".config", "# comment\nCONFIG_64BIT=y\nCONFIG_X86_64=y\n");
	if (header) {
		_cleanup_free_ char *h = kp_asprintf("#define UTS_RELEASE \"%s\"\n", release);
		tl_write(tree, "include/generated/utsrelease.h", h);
	} else {
		_cleanup_free_ char *t = kp_asprintf("%s\n", release);
		tl_write(tree, "include/config/kernel.release", t);
	}
	return tree;
}

static char *write_target(const char *dir, const char *text)
{
	tl_write(dir, "targets/t.ini", text);
	return kp_path_join(dir, "targets/t.ini");
}

/* Load must fail with err, logging "FILE:LINE:" and every string in what. */
static void expect_target_error(const char *path, int err, int line, const char *const *what)
{
	struct kb_target *t = NULL;
	tl_log_reset();
	assert_int_equal(kb_target_load(path, &t), err);
	assert_null(t);
	const char *log = tl_log_text();
	if (line > 0) {
		_cleanup_free_ char *at = kp_asprintf("%s:%d: ", path, line);
		if (!strstr(log, at))
			fail_msg("log lacks '%s': %s", at, log);
	}
	for (; what && *what; what++)
		if (!strstr(log, *what))
			fail_msg("log lacks '%s': %s", *what, log);
}

static void test_target_valid(void **state)
{
	struct tl_fixture *fx = *state;
	_cleanup_free_ char *xen = make_tree(fx->dir, "trees/xen", XS_XEN, true);
	_cleanup_free_ char *kdump = make_tree(fx->dir, "trees/kdump", XS_KDUMP, true);
	/* Relative trees are relative to the target file, not the working dir. */
	_cleanup_free_ char *path = write_target(fx->dir, "[target]\n"
							  "name = xenserver-5.5.0\n"
							  "\n"
							  "[flavour xen]\n"
							  "tree = ../trees/xen\n"
							  "[flavour kdump]\n"
							  "tree = ../trees/kdump\n");
	struct kb_target *t = NULL;
	assert_int_equal(kb_target_load(path, &t), 0);
	assert_string_equal(t->name, "xenserver-5.5.0");
	assert_string_equal(t->file, path);
	assert_string_equal(t->arch, "x86_64");
	assert_string_equal(t->module_dir, "extra");
	assert_int_equal(t->nflavours, 2);

	_cleanup_free_ char *rxen = realpath(xen, NULL);
	_cleanup_free_ char *rkdump = realpath(kdump, NULL);
	const struct kb_flavour *f = kb_target_find(t, "xen");
	assert_non_null(f);
	assert_string_equal(f->name, "xen");
	assert_string_equal(f->release, XS_XEN);
	assert_string_equal(f->kver, XS_KVER);
	assert_string_equal(f->arch, "x86_64");
	assert_string_equal(f->tree, rxen);
	f = kb_target_find(t, "kdump");
	assert_non_null(f);
	assert_string_equal(f->release, XS_KDUMP);
	assert_string_equal(f->kver, XS_KVER);
	assert_string_equal(f->tree, rkdump);
	assert_null(kb_target_find(t, "debug"));
	kb_target_free(t);
}

static void test_target_debian_kernel_release_file(void **state)
{
	struct tl_fixture *fx = *state;
	/* No utsrelease.h: the release comes from include/config/kernel.release. */
	_cleanup_free_ char *a = make_tree(fx->dir, "trees/amd64", DEB_AMD64, false);
	_cleanup_free_ char *c = make_tree(fx->dir, "trees/cloud", DEB_CLOUD, true);
	_cleanup_free_ char *text = kp_asprintf("[target]\n"
						"name = debian-12\n"
						"module_dir = updates\n"
						"[flavour amd64]\n"
						"tree = %s\n"
						"[flavour cloud-amd64]\n"
						"tree = %s\n",
						a, c);
	_cleanup_free_ char *path = write_target(fx->dir, text);
	struct kb_target *t = NULL;
	assert_int_equal(kb_target_load(path, &t), 0);
	assert_string_equal(t->module_dir, "updates");
	assert_int_equal(t->nflavours, 2);
	assert_string_equal(t->flavours[0].name, "amd64");
	assert_string_equal(t->flavours[0].release, DEB_AMD64);
	assert_string_equal(t->flavours[0].kver, "6.1.0-56");
	assert_string_equal(t->flavours[1].name, "cloud-amd64");
	assert_string_equal(t->flavours[1].release, DEB_CLOUD);
	assert_string_equal(t->flavours[1].kver, "6.1.0-56");
	kb_target_free(t);

	_cleanup_free_ char *rel = NULL;
	assert_int_equal(kb_tree_read_release(a, &rel), 0);
	assert_string_equal(rel, DEB_AMD64);
}

/* Today's products' conventions (docs/targets.md): keys, defaults, refusals. */
static void test_target_conventions(void **state)
{
	struct tl_fixture *fx = *state;
	_cleanup_free_ char *xen = make_tree(fx->dir, "trees/xen", XS_XEN, true);
	_cleanup_free_ char *text = kp_asprintf("[target]\n"
						"name = xcpng-8.3\n"
						"module_dir = override\n"
						"naming = vendor-alt\n"
						"kernel_requires = kernel-uname-r\n"
						"initrd = dracut\n"
						"[flavour xen]\n"
						"tree = %s\n"
						"devel_version = 4.19.19-8.0.38.1.xcpng8.3\n"
						"devel_tree = /usr/src/kernels/4.19.0+1\n",
						xen);
	_cleanup_free_ char *path = write_target(fx->dir, text);
	struct kb_target *t = NULL;
	assert_int_equal(kb_target_load(path, &t), 0);
	assert_true(kb_target_depmod_override(t));
	assert_int_equal(t->naming, KB_NAMING_VENDOR_ALT);
	assert_string_equal(kb_naming_name(t->naming), "vendor-alt");
	assert_string_equal(t->kernel_requires, "kernel-uname-r");
	assert_int_equal(t->initrd, KB_INITRD_DRACUT);
	/* devel_version alone names the products' kernel-devel */
	assert_string_equal(t->flavours[0].devel_package, "kernel-devel");
	assert_string_equal(t->flavours[0].devel_version, "4.19.19-8.0.38.1.xcpng8.3");
	/* the path inside the build root, not relative to the target file */
	assert_string_equal(t->flavours[0].devel_tree, "/usr/src/kernels/4.19.0+1");
	kb_target_free(t);

	/* Defaults: the guide's conventions. */
	free(text);
	free(path);
	text = kp_asprintf("[target]\nname = t\nkernel_requires = none\n[flavour xen]\ntree = %s\n",
			   xen);
	path = write_target(fx->dir, text);
	assert_int_equal(kb_target_load(path, &t), 0);
	assert_int_equal(t->naming, KB_NAMING_GUIDE);
	assert_null(t->kernel_requires);
	assert_int_equal(t->initrd, KB_INITRD_NONE);
	assert_false(kb_target_depmod_override(t));
	assert_null(t->flavours[0].devel_package);
	kb_target_free(t);

	free(text);
	free(path);
	text = kp_asprintf("[target]\nname = t\nnaming = vendr\n[flavour xen]\ntree = %s\n", xen);
	path = write_target(fx->dir, text);
	expect_target_error(path, -KP_EINPUT, 3,
			    (const char *const[]){"target.naming: 'vendr' is not a choice",
						  "did you mean 'vendor'?",
						  "guide, module, module-alt, vendor, vendor-alt", NULL});
	free(text);
	free(path);
	text = kp_asprintf("[target]\nname = t\nkernel_requires = kernel uname\n"
			   "[flavour xen]\ntree = %s\n",
			   xen);
	path = write_target(fx->dir, text);
	expect_target_error(path, -KP_EINPUT, 3,
			    (const char *const[]){"target.kernel_requires", "e.g. kernel-uname-r",
						  NULL});
	free(text);
	free(path);
	text = kp_asprintf("[target]\nname = t\n[flavour xen]\ntree = %s\n"
			   "devel_tree = usr/src/kernels/x\n",
			   xen);
	path = write_target(fx->dir, text);
	expect_target_error(path, -KP_EINPUT, 5,
			    (const char *const[]){"flavour xen: devel_tree", "absolute path", NULL});
	free(text);
	free(path);
	text = kp_asprintf("[target]\nname = t\ninitrd = mkinitrd\n[flavour xen]\ntree = %s\n",
			   xen);
	path = write_target(fx->dir, text);
	expect_target_error(path, -KP_EINPUT, 3,
			    (const char *const[]){"target.initrd", "one of: none, dracut", NULL});
}

static void test_target_stated_overrides(void **state)
{
	struct tl_fixture *fx = *state;
	_cleanup_free_ char *xen = make_tree(fx->dir, "trees/xen", XS_XEN, true);
	_cleanup_free_ char *kdump = make_tree(fx->dir, "trees/kdump", XS_KDUMP, true);
	_cleanup_free_ char *text = kp_asprintf("[target]\n"
						"name = custom\n"
						"arch = i686\n"
						"[flavour xen]\n"
						"tree = %s\n"
						"release = 2.6.18-164.el5xen\n"
						"kver = 2.6.18-164\n"
						"[flavour kdump]\n"
						"tree = %s\n"
						"release = 2.6.18-164.el5kdump\n",
						xen, kdump);
	_cleanup_free_ char *path = write_target(fx->dir, text);
	struct kb_target *t = NULL;
	assert_int_equal(kb_target_load(path, &t), 0);
	assert_string_equal(t->arch, "i686");
	const struct kb_flavour *f = kb_target_find(t, "xen");
	assert_non_null(f);
	/* Stated release and kver win over the tree's. */
	assert_string_equal(f->release, "2.6.18-164.el5xen");
	assert_string_equal(f->kver, "2.6.18-164");
	/* A stated release without kver is split like one read from a tree. */
	f = kb_target_find(t, "kdump");
	assert_non_null(f);
	assert_string_equal(f->release, "2.6.18-164.el5kdump");
	assert_string_equal(f->kver, "2.6.18-164.el5");
	kb_target_free(t);
}

static void test_target_unknown_key(void **state)
{
	struct tl_fixture *fx = *state;
	_cleanup_free_ char *xen = make_tree(fx->dir, "trees/xen", XS_XEN, true);
	_cleanup_free_ char *text = kp_asprintf("[target]\n"
						"name = t\n"
						"colour = blue\n"
						"[flavour xen]\n"
						"tree = %s\n",
						xen);
	_cleanup_free_ char *path = write_target(fx->dir, text);
	expect_target_error(path, -KP_EINPUT, 3,
			    (const char *const[]){"target.colour", "unknown key", NULL});

	free(text);
	free(path);
	text = kp_asprintf("[target]\n"
			   "name = t\n"
			   "[flavour xen]\n"
			   "tree = %s\n"
			   "trees = %s\n",
			   xen, xen);
	path = write_target(fx->dir, text);
	expect_target_error(path, -KP_EINPUT, 5,
			    (const char *const[]){"flavour xen", "unknown key 'trees'",
						  "did you mean 'tree'?", NULL});

	free(text);
	free(path);
	text = kp_asprintf("[target]\n"
			   "name = t\n"
			   "Module_Dir = extra\n"
			   "[flavour xen]\n"
			   "tree = %s\n",
			   xen);
	path = write_target(fx->dir, text);
	expect_target_error(
	    path, -KP_EINPUT, 3,
	    (const char *const[]){"target.Module_Dir", "did you mean 'module_dir'?", NULL});
}

static void test_target_unknown_section(void **state)
{
	struct tl_fixture *fx = *state;
	_cleanup_free_ char *xen = make_tree(fx->dir, "trees/xen", XS_XEN, true);
	_cleanup_free_ char *text = kp_asprintf("[target]\n"
						"name = t\n"
						"[flavor xen]\n"
						"tree = %s\n",
						xen);
	_cleanup_free_ char *path = write_target(fx->dir, text);
	expect_target_error(path, -KP_EINPUT, 3,
			    (const char *const[]){"unknown section [flavor xen]",
						  "did you mean [flavour xen]?", NULL});

	free(text);
	free(path);
	text = kp_asprintf("[targets]\n"
			   "name = t\n"
			   "[flavour xen]\n"
			   "tree = %s\n",
			   xen);
	path = write_target(fx->dir, text);
	expect_target_error(
	    path, -KP_EINPUT, 1,
	    (const char *const[]){"unknown section [targets]", "did you mean [target]?", NULL});
}

static void test_target_missing_tree(void **state)
{
	struct tl_fixture *fx = *state;
	_cleanup_free_ char *xen = make_tree(fx->dir, "trees/xen", XS_XEN, true);
	_cleanup_free_ char *text = kp_asprintf("[target]\n"
						"name = t\n"
						"[flavour xen]\n"
						"tree = %s\n"
						"[flavour kdump]\n"
						"release = " XS_KDUMP "\n",
						xen);
	_cleanup_free_ char *path = write_target(fx->dir, text);
	expect_target_error(path, -KP_EINPUT, 5,
			    (const char *const[]){"flavour kdump", "'tree' is missing", NULL});
}

/*
 * Regression (fixed): a [flavour NAME] section with no keys at all (the user forgot the
 * tree) is silently dropped: inih reports no entry for it, so the target
 * loads without that flavour and its RPM is never built.
 */
static void test_target_empty_flavour_section(void **state)
{
	struct tl_fixture *fx = *state;
	_cleanup_free_ char *xen = make_tree(fx->dir, "trees/xen", XS_XEN, true);
	_cleanup_free_ char *text = kp_asprintf("[target]\n"
						"name = t\n"
						"[flavour xen]\n"
						"tree = %s\n"
						"[flavour kdump]\n",
						xen);
	_cleanup_free_ char *path = write_target(fx->dir, text);
	expect_target_error(path, -KP_EINPUT, 5, (const char *const[]){"kdump", "tree", NULL});
}

static void test_target_bad_flavour_name(void **state)
{
	struct tl_fixture *fx = *state;
	_cleanup_free_ char *xen = make_tree(fx->dir, "trees/xen", XS_XEN, true);
	_cleanup_free_ char *text = kp_asprintf("[target]\n"
						"name = t\n"
						"[flavour Xen]\n"
						"tree = %s\n",
						xen);
	_cleanup_free_ char *path = write_target(fx->dir, text);
	expect_target_error(path, -KP_EINPUT, 3,
			    (const char *const[]){"flavour name 'Xen'", "lowercase", NULL});

	/* A tree path with shell or rpm syntax is refused too (it reaches %build). */
	free(text);
	free(path);
	text = kp_asprintf("[target]\n"
			   "name = t\n"
			   "[flavour xen]\n"
			   "tree = %s/$(reboot)\n",
			   xen);
	path = write_target(fx->dir, text);
	expect_target_error(path, -KP_EINPUT, 4,
			    (const char *const[]){"flavour xen", "tree", NULL});
}

/*
 * Regression (fixed): a second [flavour xen] section (a copy-paste slip, or two trees
 * meant as two flavours) is merged into the first: the later tree silently
 * replaces the earlier one and the target loads with one flavour. Two
 * flavours of the same name should be refused with the file and line, as
 * complete_flavours() does for names that collide after splitting.
 */
static void test_target_duplicate_flavour_names(void **state)
{
	struct tl_fixture *fx = *state;
	_cleanup_free_ char *a = make_tree(fx->dir, "trees/a", DEB_AMD64, true);
	_cleanup_free_ char *b = make_tree(fx->dir, "trees/b", DEB_CLOUD, true);
	_cleanup_free_ char *text = kp_asprintf("[target]\n"
						"name = t\n"
						"[flavour amd64]\n"
						"tree = %s\n"
						"[flavour amd64]\n"
						"tree = %s\n",
						a, b);
	_cleanup_free_ char *path = write_target(fx->dir, text);
	expect_target_error(path, -KP_EINPUT, 5,
			    (const char *const[]){"amd64", "given twice", NULL});
}

static void test_tree_not_prepared(void **state)
{
	struct tl_fixture *fx = *state;
	_cleanup_free_ char *tree = kp_path_join(fx->dir, "trees/raw");
	tl_write(tree, "Makefile", "# unprepared\n");
	_cleanup_free_ char *rel = NULL;
	tl_log_reset();
	assert_int_equal(kb_tree_read_release(tree, &rel), -KP_EENV);
	assert_null(rel);
	assert_non_null(strstr(tl_log_text(), tree));
	assert_non_null(strstr(tl_log_text(), "make modules_prepare"));

	/* Through a target file: the same kind, so the CLI exits 3. */
	_cleanup_free_ char *real = realpath(tree, NULL);
	_cleanup_free_ char *text = kp_asprintf("[target]\n"
						"name = t\n"
						"[flavour xen]\n"
						"tree = %s\n",
						tree);
	_cleanup_free_ char *path = write_target(fx->dir, text);
	expect_target_error(path, -KP_EENV, 0,
			    (const char *const[]){real, "make modules_prepare", NULL});
}

static void test_tree_missing_or_not_kbuild(void **state)
{
	struct tl_fixture *fx = *state;
	_cleanup_free_ char *none = kp_path_join(fx->dir, "trees/none");
	_cleanup_free_ char *rel = NULL;
	tl_log_reset();
	assert_int_equal(kb_tree_read_release(none, &rel), -KP_EENV);
	assert_non_null(strstr(tl_log_text(), "does not exist"));
	/* Not where Debian puts headers: no Debian package to suggest. */
	assert_null(strstr(tl_log_text(), "apt-get"));
	assert_non_null(strstr(tl_log_text(), "kernel development package"));

	/* A directory without a Makefile is not a Kbuild tree. */
	_cleanup_free_ char *empty = kp_path_join(fx->dir, "trees/empty");
	tl_write(empty, "include/config/kernel.release", DEB_AMD64 "\n");
	tl_log_reset();
	assert_int_equal(kb_tree_read_release(empty, &rel), -KP_EENV);
	assert_null(rel);
	assert_non_null(strstr(tl_log_text(), "no Makefile"));

	/* A release with characters that would reach the spec is refused. */
	_cleanup_free_ char *odd = make_tree(fx->dir, "trees/odd", "6.1.0 %{lua:x}", true);
	tl_log_reset();
	assert_int_equal(kb_tree_read_release(odd, &rel), -KP_EENV);
	assert_null(rel);
	assert_non_null(strstr(tl_log_text(), "unusable release"));
}

/* Two flavours of one tree would package the same files: refused at the second's header. */
static void test_target_same_tree_twice(void **state)
{
	struct tl_fixture *fx = *state;
	_cleanup_free_ char *a = make_tree(fx->dir, "trees/amd64", DEB_AMD64, true);
	_cleanup_free_ char *text = kp_asprintf("[target]\n"
						"name = t\n"
						"[flavour amd64]\n"
						"tree = %s\n"
						"[flavour other]\n"
						"tree = %s/.\n",
						a, a);
	_cleanup_free_ char *path = write_target(fx->dir, text);
	expect_target_error(path, -KP_EINPUT, 5,
			    (const char *const[]){"flavour other", "flavour amd64's already (line 3)",
						  "same modules", NULL});
	/* The same tree stated as two releases installs in two places: fine. */
	_cleanup_free_ char *ok = kp_asprintf("[target]\n"
					      "name = t\n"
					      "[flavour a]\n"
					      "tree = %s\n"
					      "release = 6.1.0-56-amd64\n"
					      "[flavour b]\n"
					      "tree = %s\n"
					      "release = 6.1.0-56-b\n",
					      a, a);
	_cleanup_free_ char *okpath = write_target(fx->dir, ok);
	struct kb_target *t = NULL;
	assert_int_equal(kb_target_load(okpath, &t), 0);
	kb_target_free(t);
}

/*
 * Every missing tree is named with its file:line, and Debian's headers
 * package is suggested only for a tree where Debian installs one.
 */
static void test_target_missing_trees_all_named(void **state)
{
	struct tl_fixture *fx = *state;
	_cleanup_free_ char *text = kp_asprintf("[target]\n"
						"name = xs\n"
						"[flavour xen]\n"
						"tree = %s/kernels/2.6.18-xen\n"
						"[flavour amd64]\n"
						"tree = /usr/src/linux-headers-0.0.0-99-amd64\n"
						"[flavour old]\n"
						"tree = /lib/modules/0.0.0-98-old/build\n",
						fx->dir);
	_cleanup_free_ char *path = write_target(fx->dir, text);
	expect_target_error(path, -KP_EENV, 3, NULL);
	const char *log = tl_log_text();
	_cleanup_free_ char *l5 = kp_asprintf("%s:5: flavour amd64: ", path);
	_cleanup_free_ char *l7 = kp_asprintf("%s:7: flavour old: ", path);
	assert_non_null(strstr(log, l5));
	assert_non_null(strstr(log, l7));
	assert_non_null(strstr(log, "apt-get install linux-headers-0.0.0-99-amd64"));
	assert_non_null(strstr(log, "apt-get install linux-headers-0.0.0-98-old"));
	/* The product tree's line suggests no Debian package. */
	_cleanup_free_ char *l3 = kp_asprintf("%s:3: flavour xen: ", path);
	const char *xen = strstr(log, l3);
	assert_non_null(xen);
	const char *end = strchr(xen, '\n');
	_cleanup_free_ char *xenline = kp_strndup(xen, end ? (size_t)(end - xen) : strlen(xen));
	assert_null(strstr(xenline, "apt-get"));
	assert_non_null(strstr(xenline, "kernel development package"));
}

int main(void)
{
#define T(fn) cmocka_unit_test_setup_teardown(fn, tl_setup_tmpdir, tl_teardown_tmpdir)
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_split_xenserver_pair),
	    cmocka_unit_test(test_split_debian_pair),
	    cmocka_unit_test(test_split_lone),
	    cmocka_unit_test(test_split_three),
	    cmocka_unit_test(test_split_no_suffix),
	    cmocka_unit_test(test_split_flavour_prefix_of_another),
	    T(test_target_valid),
	    T(test_target_debian_kernel_release_file),
	    T(test_target_stated_overrides),
	    T(test_target_conventions),
	    T(test_target_unknown_key),
	    T(test_target_unknown_section),
	    T(test_target_missing_tree),
	    T(test_target_empty_flavour_section),
	    T(test_target_bad_flavour_name),
	    T(test_target_duplicate_flavour_names),
	    T(test_target_same_tree_twice),
	    T(test_target_missing_trees_all_named),
	    T(test_tree_not_prepared),
	    T(test_tree_missing_or_not_kbuild),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
