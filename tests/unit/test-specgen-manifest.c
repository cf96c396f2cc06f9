// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * specgen/manifest.c: a valid kmodpack.ini becomes the model (with its
 * defaults), and every invalid input is refused with -KP_EINPUT and a
 * message "FILE:LINE: key: why" that points at the offending line.
 */
#include "tests/unit/testlib.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/fs.h"
#include "common/log.h"
#include "common/util.h"
#include "specgen/manifest.h"

struct fixture {
	char *dir;
	char *real; /* realpath of dir: messages name the manifest absolutely */
};

static int setup(void **state)
{
	struct fixture *fx = kp_calloc(1, sizeof(*fx));
	fx->dir = tl_tmpdir();
	fx->real = realpath(fx->dir, NULL);
	assert_non_null(fx->real);
	tl_write(fx->dir, "src/Kbuild", "obj-m := hello.o\n");
	tl_write(fx->dir, "src/hello.c", "/* module */\n");
	tl_log_capture();
	tl_log_reset();
	*state = fx;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *fx = *state;
	tl_tmpdir_free(fx->dir);
	free(fx->real);
	free(fx);
	tl_log_reset();
	return 0;
}

/* A minimal valid manifest; tests add or replace lines after it. */
#define DRIVER                                                                                     \
	"[driver]\n"		   /* 1 */                                                         \
	"name = hello\n"	   /* 2 */                                                         \
	"version = 1.0\n"	   /* 3 */                                                         \
	"summary = Hello driver\n" /* 4 */                                                         \
	"license = GPL-2.0-only\n" /* 5 */                                                         \
	"source = src\n"	   /* 6 */
#define VENDOR                                                                                     \
	"[vendor]\n"		      /* 7 */                                                      \
	"code = acme\n"		      /* 8 */                                                      \
	"name = Acme Devices, Inc.\n" /* 9 */

static struct spec_manifest *load_ok(const struct fixture *fx, const char *text)
{
	tl_write(fx->dir, SPEC_MANIFEST_NAME, text);
	struct spec_manifest *m = NULL;
	tl_log_reset();
	int r = spec_manifest_load(fx->dir, &m);
	if (r != 0)
		fail_msg("load failed (%d): %s", r, tl_log_text());
	assert_non_null(m);
	return m;
}

/* Loading must fail and the log must hold "FILE:LINE: key: " and what. */
static void expect_bad(const struct fixture *fx, const char *text, int line, const char *key,
		       const char *what)
{
	tl_write(fx->dir, SPEC_MANIFEST_NAME, text);
	struct spec_manifest *m = NULL;
	tl_log_reset();
	assert_int_equal(spec_manifest_load(fx->dir, &m), -KP_EINPUT);
	assert_null(m);
	/* line 0: a problem of the whole file (no line to point at). */
	_cleanup_free_ char *at =
	    line == 0 ? kp_asprintf("%s/%s: ", fx->real, SPEC_MANIFEST_NAME)
	    : key     ? kp_asprintf("%s/%s:%d: %s: ", fx->real, SPEC_MANIFEST_NAME, line, key)
		      : kp_asprintf("%s/%s:%d: ", fx->real, SPEC_MANIFEST_NAME, line);
	const char *log = tl_log_text();
	if (!strstr(log, at) || (what && !strstr(log, what)))
		fail_msg("log lacks '%s' or '%s': %s", at, what ? what : "", log);
}

static void test_valid_all_keys(void **state)
{
	struct fixture *fx = *state;
	tl_write(fx->dir, "src/kbuild/Makefile", "obj-m := hello.o world.o\n");
	struct spec_manifest *m = load_ok(
	    fx, "; the example driver\n"
		"[driver]\n"
		"name = hello_world-2\n"
		"version = 1.0.3~rc1\n"
		"release = 2.xs\n"
		"summary = Hello driver for Acme cards\n"
		"license = GPL-2.0-only\n"
		"url = https://example.com/hello\n"
		"source = src\n"
		"subdir = kbuild\n"
		"modules = hello, world.ko\n"
		"make_args = CONFIG_HELLO=m EXTRA_DIR=a/b:c\n"
		"description = Drives Acme cards.\n"
		"  It has two lines.\n"
		"  .\n"
		"  And a second paragraph.\n"
		"changelog = * Wed Nov 25 2026 Jane Doe <jane@example.com> - 1.0.3~rc1-2.xs\n"
		"  - First package\n"
		"source_date_epoch = 1700000000\n"
		"\n"
		"[vendor]\n"
		"code = acme_2\n"
		"name = Acme Devices, Inc.\n"
		"[data]\n"
		"firmware = fw/*.bin\n");
	assert_string_equal(m->name, "hello_world-2");
	assert_string_equal(m->version, "1.0.3~rc1");
	assert_string_equal(m->release, "2.xs");
	assert_string_equal(m->summary, "Hello driver for Acme cards");
	assert_string_equal(m->license, "GPL-2.0-only");
	assert_string_equal(m->url, "https://example.com/hello");
	_cleanup_free_ char *src = kp_path_join(fx->real, "src");
	assert_string_equal(m->source, src);
	assert_false(m->source_is_archive);
	assert_string_equal(m->subdir, "kbuild");
	assert_int_equal(m->modules.n, 2);
	assert_string_equal(m->modules.v[0], "hello");
	assert_string_equal(m->modules.v[1], "world");
	assert_int_equal(m->make_args.n, 2);
	assert_string_equal(m->make_args.v[0], "CONFIG_HELLO=m");
	assert_string_equal(m->make_args.v[1], "EXTRA_DIR=a/b:c");
	/* Continuation lines join with newlines; "." is an empty line. */
	assert_string_equal(m->description,
			    "Drives Acme cards.\nIt has two lines.\n\nAnd a second paragraph.");
	assert_string_equal(
	    m->changelog,
	    "* Wed Nov 25 2026 Jane Doe <jane@example.com> - 1.0.3~rc1-2.xs\n- First package");
	/* A stated epoch wins over the changelog's date. */
	assert_int_equal(m->source_date_epoch, 1700000000);
	assert_string_equal(m->vendor_code, "acme_2");
	assert_string_equal(m->vendor_name, "Acme Devices, Inc.");
	assert_int_equal(m->ndata, 1);
	assert_string_equal(m->data[0].key, "firmware");
	assert_string_equal(m->data[0].value, "fw/*.bin");
	assert_int_equal(m->data[0].line, 25);
	assert_int_equal(m->data_line, 25);
	_cleanup_free_ char *path = kp_path_join(fx->real, SPEC_MANIFEST_NAME);
	assert_string_equal(m->path, path);
	assert_string_equal(m->dir, fx->real);
	spec_manifest_free(m);
}

static void test_defaults(void **state)
{
	struct fixture *fx = *state;
	/* No source: the driver dir itself is the source. */
	struct spec_manifest *m = load_ok(fx, "[driver]\n"
					      "name = hello\n"
					      "version = 1.0\n"
					      "summary = Hello driver\n"
					      "license = GPL-2.0-only\n" VENDOR);
	assert_string_equal(m->release, "1");
	assert_string_equal(m->description, "Hello driver");
	assert_string_equal(m->subdir, "");
	assert_string_equal(m->source, fx->real);
	assert_false(m->source_is_archive);
	assert_null(m->url);
	assert_null(m->changelog);
	assert_int_equal(m->modules.n, 0);
	assert_int_equal(m->make_args.n, 0);
	assert_int_equal(m->source_date_epoch, -1);
	assert_int_equal(m->ndata, 0);
	assert_int_equal(m->data_line, 0);
	spec_manifest_free(m);

	/* The manifest may also be named as a file. */
	_cleanup_free_ char *file = kp_path_join(fx->dir, SPEC_MANIFEST_NAME);
	tl_log_reset();
	assert_int_equal(spec_manifest_load(file, &m), 0);
	assert_string_equal(m->name, "hello");
	spec_manifest_free(m);
}

static void test_changelog_epoch(void **state)
{
	struct fixture *fx = *state;
	struct spec_manifest *m =
	    load_ok(fx, DRIVER "changelog = * Wed Nov 25 2026 Jane <j@example.com> - 1.0-1\n"
			       "  - First\n" VENDOR);
	/* 2026-11-25 00:00:00 UTC */
	assert_int_equal(m->source_date_epoch, 1795564800LL);
	spec_manifest_free(m);

	assert_int_equal(spec_changelog_epoch("* Thu Jan 01 1970 A <a@b> - 1-1"), 0);
	assert_int_equal(spec_changelog_epoch("Thu Jan 01 1970"), -1);
	assert_int_equal(spec_changelog_epoch(NULL), -1);
}

static void test_tarball_source(void **state)
{
	struct fixture *fx = *state;
	static const char *const names[] = {"hello-1.0.tar.xz", "hello-1.0.tar.gz", "hello-1.0.tgz",
					    "hello-1.0.tar.bz2", "hello-1.0.tar"};
	for (size_t i = 0; i < KP_ARRAY_SIZE(names); i++) {
		tl_write(fx->dir, names[i], "not really an archive");
		_cleanup_free_ char *text = kp_asprintf("[driver]\n"
							"name = hello\n"
							"version = 1.0\n"
							"summary = Hello driver\n"
							"license = GPL-2.0-only\n"
							"source = %s\n" VENDOR,
							names[i]);
		struct spec_manifest *m = load_ok(fx, text);
		_cleanup_free_ char *want = kp_path_join(fx->real, names[i]);
		assert_string_equal(m->source, want);
		assert_true(m->source_is_archive);
		spec_manifest_free(m);
	}
}

static void test_bad_name(void **state)
{
	struct fixture *fx = *state;
	expect_bad(fx,
		   "[driver]\n"
		   "name = HelloWorld\n"
		   "version = 1.0\n"
		   "summary = Hello driver\n"
		   "license = GPL-2.0-only\n" VENDOR,
		   2, "name", "'HelloWorld' must be 1 to 64 characters: lowercase");
	/* 65 characters: the message states the limit it enforces. */
	expect_bad(fx,
		   "[driver]\n"
		   "name = aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\n"
		   "version = 1.0\n"
		   "summary = Hello driver\n"
		   "license = GPL-2.0-only\n" VENDOR,
		   2, "name", "must be 1 to 64 characters");
	expect_bad(fx,
		   "[driver]\n"
		   "version = 1.0\n"
		   "name = hello world\n"
		   "summary = Hello driver\n"
		   "license = GPL-2.0-only\n" VENDOR,
		   3, "name", "'hello world'");
	expect_bad(fx,
		   "[driver]\n"
		   "name = ../evil\n"
		   "version = 1.0\n"
		   "summary = Hello driver\n"
		   "license = GPL-2.0-only\n" VENDOR,
		   2, "name", "'../evil'");
}

static void test_bad_version(void **state)
{
	struct fixture *fx = *state;
	expect_bad(fx,
		   "[driver]\n"
		   "name = hello\n"
		   "version = 1.0-1\n"
		   "summary = Hello driver\n"
		   "license = GPL-2.0-only\n" VENDOR,
		   3, "version", "'1.0-1' is not usable as an RPM version");
	expect_bad(fx, DRIVER "release = 1 beta\n" VENDOR, 7, "release", "'1 beta'");
	expect_bad(fx, DRIVER "release = %{lua:x}\n" VENDOR, 7, "release", "RPM release");
}

static void test_summary_two_lines(void **state)
{
	struct fixture *fx = *state;
	expect_bad(fx,
		   "[driver]\n"
		   "name = hello\n"
		   "version = 1.0\n"
		   "summary = Hello\n"
		   "  driver\n"
		   "license = GPL-2.0-only\n" VENDOR,
		   4, "summary", "one line");
	expect_bad(fx,
		   "[driver]\n"
		   "name = hello\n"
		   "version = 1.0\n"
		   "license = GPL-2.0-only\n"
		   "summary =\n" VENDOR,
		   5, "summary", "empty");
}

static void test_vendor(void **state)
{
	struct fixture *fx = *state;
	expect_bad(fx,
		   DRIVER "[vendor]\n"
			  "code = xs\n"
			  "name = Acme\n",
		   8, "code", "reserved");
	expect_bad(fx,
		   DRIVER "[vendor]\n"
			  "name = Acme\n"
			  "code = Acme Inc\n",
		   9, "code", "'Acme Inc'");
	expect_bad(fx,
		   DRIVER "[vendor]\n"
			  "code = acme\n"
			  "name = Acme\n"
			  "  Devices\n",
		   9, "name", "one non-empty line");
	expect_bad(fx, DRIVER VENDOR "mail = a@b\n", 10, "mail", "unknown key in [vendor]");
}

static void test_unknown_key(void **state)
{
	struct fixture *fx = *state;
	expect_bad(fx, DRIVER "colour = red\n" VENDOR, 7, "colour", "unknown key in [driver]");
}

static void test_duplicate_key(void **state)
{
	struct fixture *fx = *state;
	expect_bad(fx, DRIVER "version = 2.0\n" VENDOR, 7, "version", "given twice in [driver]");
	expect_bad(fx, DRIVER VENDOR "code = other\n", 10, "code", "given twice in [vendor]");
}

static void test_unknown_section(void **state)
{
	struct fixture *fx = *state;
	expect_bad(fx, DRIVER VENDOR "[drivers]\nname = x\n", 10, NULL,
		   "unknown section [drivers]");
}

/* How many lines of the log hold s. */
static int log_count(const char *s)
{
	int n = 0;
	for (const char *p = tl_log_text(); (p = strstr(p, s)); p += strlen(s))
		n++;
	return n;
}

/*
 * A misspelt section is one error, at its header line, with the name
 * meant; its keys are neither reported again nor as missing from [driver].
 */
static void test_misspelt_section_once(void **state)
{
	struct fixture *fx = *state;
	expect_bad(fx,
		   "[drivers]\n"	      /* 1 */
		   "name = hello\n"	      /* 2 */
		   "Version = 1.0\n"	      /* 3 */
		   "summary = Hello driver\n" /* 4 */
		   "license = GPL-2.0-only\n" /* 5 */
		   "source = src\n" VENDOR,
		   1, NULL, "unknown section [drivers]: did you mean [driver]?");
	assert_int_equal(log_count("unknown section"), 1);
	assert_int_equal(log_count("is missing"), 0);
	assert_int_equal(log_count("\n"), 1);
	/* Nothing close: no suggestion, still one line. */
	expect_bad(fx, DRIVER VENDOR "[zebra]\nname = x\n", 10, NULL,
		   "unknown section [zebra] (known");
	assert_int_equal(log_count("\n"), 1);
}

/* A misspelt key gets the key meant (case first), and is not also "missing". */
static void test_misspelt_key_suggestion(void **state)
{
	struct fixture *fx = *state;
	static const char *const cases[][2] = {
	    {"Version", "version"}, {"NAME", "name"},	  {"licence", "license"},
	    {"sumary", "summary"},  {"sourse", "source"},
	};
	for (size_t i = 0; i < KP_ARRAY_SIZE(cases); i++) {
		_cleanup_free_ char *to = kp_asprintf("\n%s = ", cases[i][0]);
		_cleanup_free_ char *from = kp_asprintf("\n%s = ", cases[i][1]);
		_cleanup_free_ char *text = tl_replace(DRIVER VENDOR, from, to);
		_cleanup_free_ char *want = kp_asprintf("did you mean '%s'?", cases[i][1]);
		tl_write(fx->dir, SPEC_MANIFEST_NAME, text);
		struct spec_manifest *m = NULL;
		tl_log_reset();
		assert_int_equal(spec_manifest_load(fx->dir, &m), -KP_EINPUT);
		if (!strstr(tl_log_text(), want) || log_count("is missing"))
			fail_msg("%s: %s", cases[i][0], tl_log_text());
	}
	expect_bad(fx, DRIVER "uri = x\n" VENDOR, 7, "uri", "did you mean 'url'?");
	expect_bad(fx, DRIVER "make_arg = V=1\n" VENDOR, 7, "make_arg",
		   "did you mean 'make_args'?");
	expect_bad(fx, DRIVER "[vendor]\ncode = acme\nnmae = Acme\n", 9, "nmae",
		   "did you mean 'name'?");
	assert_int_equal(log_count("is missing"), 0);
}

static void test_missing_required(void **state)
{
	struct fixture *fx = *state;
	tl_write(fx->dir, SPEC_MANIFEST_NAME, "[driver]\nname = hello\n");
	struct spec_manifest *m = NULL;
	tl_log_reset();
	assert_int_equal(spec_manifest_load(fx->dir, &m), -KP_EINPUT);
	assert_null(m);
	/* Every missing key is named at once, not one per run. */
	static const char *const missing[] = {"[driver] version", "[driver] summary",
					      "[driver] license", "[vendor] code", "[vendor] name"};
	for (size_t i = 0; i < KP_ARRAY_SIZE(missing); i++) {
		_cleanup_free_ char *want =
		    kp_asprintf("%s/%s: %s is missing", fx->real, SPEC_MANIFEST_NAME, missing[i]);
		if (!strstr(tl_log_text(), want))
			fail_msg("log lacks '%s': %s", want, tl_log_text());
	}
	assert_null(strstr(tl_log_text(), "[driver] name is missing"));
}

static void test_several_errors_reported(void **state)
{
	struct fixture *fx = *state;
	expect_bad(fx,
		   "[driver]\n"
		   "name = Hello\n"
		   "version = 1-0\n"
		   "summary = Hello driver\n"
		   "license = GPL-2.0-only\n" VENDOR,
		   2, "name", NULL);
	_cleanup_free_ char *second =
	    kp_asprintf("%s/%s:3: version: ", fx->real, SPEC_MANIFEST_NAME);
	assert_non_null(strstr(tl_log_text(), second));
}

static void test_make_args(void **state)
{
	struct fixture *fx = *state;
	expect_bad(fx, DRIVER "make_args = CONFIG_HELLO=m DEBUG\n" VENDOR, 7, "make_args",
		   "'DEBUG' must be NAME=VALUE");
	expect_bad(fx, DRIVER "make_args = =value\n" VENDOR, 7, "make_args", "'=value'");
	expect_bad(fx, DRIVER "make_args = BAD-NAME=1\n" VENDOR, 7, "make_args", "'BAD-NAME=1'");
	/* Shell and make metacharacters never reach make or the spec's %build. */
	static const char *const hostile[] = {
	    "EXTRA=a;reboot", "EXTRA=$(shell id)", "EXTRA=`id`", "EXTRA=a|b",
	    "EXTRA=a&&b",     "EXTRA=%{lua:x}",	   "EXTRA=a>b",	 "EXTRA=\"a;b\"",
	    "EXTRA=$HOME",    "EXTRA=a\\b",	   "EXTRA=*",	 "EXTRA=\"{tree}'\"",
	};
	for (size_t i = 0; i < KP_ARRAY_SIZE(hostile); i++) {
		_cleanup_free_ char *text =
		    kp_asprintf(DRIVER "make_args = %s\n" VENDOR, hostile[i]);
		expect_bad(fx, text, 7, "make_args", "the value may hold");
	}
}

/* Per-flavour variables and quoted words (kbuild/makeargs.h). */
static void test_make_args_variables(void **state)
{
	struct fixture *fx = *state;
	struct spec_manifest *m = load_ok(
	    fx, DRIVER
	    "make_args = KSRC={tree} BUILD_KERNEL={release} CONFIG_FOO=m\n"
	    "  CC=\"distcc gcc-12\" X={{kver}/{source_tree}:{arch}-{flavour}-{kver}\n" VENDOR);
	assert_int_equal(m->make_args.n, 5);
	assert_string_equal(m->make_args.v[0], "KSRC={tree}");
	assert_string_equal(m->make_args.v[3], "CC=distcc gcc-12");
	assert_string_equal(m->make_args.v[4], "X={{kver}/{source_tree}:{arch}-{flavour}-{kver}");
	spec_manifest_free(m);
	expect_bad(fx, DRIVER "make_args = KSRC={tre}\n" VENDOR, 7, "make_args",
		   "'KSRC={tre}': {tre} is not a variable (known: {tree}");
	expect_bad(fx, DRIVER "make_args = KSRC={tree\n" VENDOR, 7, "make_args",
		   "a '{' is not closed");
	expect_bad(fx, DRIVER "make_args = CC=\"distcc gcc\n" VENDOR, 7, "make_args",
		   "a '\"' is not closed");
	expect_bad(fx, DRIVER "make_args = {tree}=x\n" VENDOR, 7, "make_args",
		   "must be NAME=VALUE");
}

static void test_kernel_requirements(void **state)
{
	struct fixture *fx = *state;
	struct spec_manifest *m = load_ok(fx, DRIVER "kernel_config = CONFIG_USB, !CONFIG_FOO_2\n"
						     "kernel_arch = x86_64 i?86\n" VENDOR);
	assert_int_equal(m->kernel_config.n, 2);
	assert_string_equal(m->kernel_config.v[1], "!CONFIG_FOO_2");
	assert_int_equal(m->kernel_config_line, 7);
	assert_int_equal(m->kernel_arch.n, 2);
	assert_int_equal(m->kernel_arch_line, 8);
	spec_manifest_free(m);
	/*
	 * kernel_arch after the release keys left them as they were: it freed
	 * them, so the build matched releases against freed memory and the
	 * manifest was freed twice (found by the manifest fuzzer).
	 */
	m = load_ok(fx, DRIVER "kernel_release = ^6\\.1\\.\nkernel_min = 5.10\n"
			       "kernel_max = 6.2\nkernel_arch = x86_64\n" VENDOR);
	assert_string_equal(m->kernel_release, "^6\\.1\\.");
	assert_string_equal(m->kernel_min, "5.10");
	assert_string_equal(m->kernel_max, "6.2");
	assert_int_equal(m->kernel_release_line, 7);
	assert_int_equal(m->kernel_max_line, 9);
	assert_int_equal(m->kernel_arch.n, 1);
	spec_manifest_free(m);
	expect_bad(fx, DRIVER "kernel_config = USB\n" VENDOR, 7, "kernel_config",
		   "'USB' is not a kernel option");
	expect_bad(fx, DRIVER "kernel_config = CONFIG_USB=y\n" VENDOR, 7, "kernel_config",
		   "'CONFIG_USB=y'");
	expect_bad(fx, DRIVER "kernel_arch = X86_64\n" VENDOR, 7, "kernel_arch",
		   "'X86_64' is not an architecture");
	expect_bad(fx, DRIVER "kernel_arch =\n" VENDOR, 7, "kernel_arch", "is empty");
}

static void test_bad_modules_and_subdir(void **state)
{
	struct fixture *fx = *state;
	expect_bad(fx, DRIVER "modules = hello, ../x\n" VENDOR, 7, "modules",
		   "'../x' is not a module name");
	expect_bad(fx, DRIVER "subdir = ../outside\n" VENDOR, 7, "subdir", "relative path");
	expect_bad(fx, DRIVER "subdir = /etc\n" VENDOR, 7, "subdir", "relative path");
}

static void test_source_missing(void **state)
{
	struct fixture *fx = *state;
	expect_bad(fx,
		   "[driver]\n"
		   "name = hello\n"
		   "version = 1.0\n"
		   "summary = Hello driver\n"
		   "license = GPL-2.0-only\n"
		   "source = nope\n" VENDOR,
		   6, "source", "does not exist");
	_cleanup_free_ char *src = kp_path_join(fx->real, "nope");
	assert_non_null(strstr(tl_log_text(), src));
	assert_non_null(strstr(tl_log_text(), "does not exist"));
}

static void test_source_zip(void **state)
{
	struct fixture *fx = *state;
	tl_write(fx->dir, "hello-1.0.zip", "PK\3\4");
	expect_bad(fx,
		   "[driver]\n"
		   "name = hello\n"
		   "version = 1.0\n"
		   "summary = Hello driver\n"
		   "license = GPL-2.0-only\n"
		   "source = hello-1.0.zip\n" VENDOR,
		   6, "source", "neither a directory nor");
	assert_non_null(strstr(tl_log_text(), "hello-1.0.zip"));
	assert_non_null(strstr(tl_log_text(), "neither a directory nor"));
}

/*
 * Regression (fixed): source problems are logged as "FILE: source '...' ..." without the
 * line of the source key and without the "key:" part, unlike every other
 * manifest error (issue item 4: "file:line: key: what is wrong").
 */
static void test_source_error_names_line(void **state)
{
	struct fixture *fx = *state;
	tl_write(fx->dir, "hello-1.0.zip", "PK\3\4");
	expect_bad(fx,
		   "[driver]\n"
		   "name = hello\n"
		   "version = 1.0\n"
		   "summary = Hello driver\n"
		   "license = GPL-2.0-only\n"
		   "source = nope\n" VENDOR,
		   6, "source", "does not exist");
	expect_bad(fx,
		   "[driver]\n"
		   "name = hello\n"
		   "version = 1.0\n"
		   "summary = Hello driver\n"
		   "license = GPL-2.0-only\n"
		   "source = hello-1.0.zip\n" VENDOR,
		   6, "source", "neither a directory nor");
}

static void test_bad_changelog(void **state)
{
	struct fixture *fx = *state;
	expect_bad(fx, DRIVER "changelog = Initial release\n" VENDOR, 7, "changelog",
		   "rpm changelog heading");
	expect_bad(fx, DRIVER "changelog = * someday Jane - 1.0-1\n" VENDOR, 7, "changelog",
		   "rpm changelog heading");
}

/*
 * What rpm would refuse or warn about in a changelog, at its line, before
 * anything is built: the first line of the value is line 7.
 */
static void test_changelog_as_rpm_reads_it(void **state)
{
	struct fixture *fx = *state;
	/* Nov 25 2026 is a Wednesday: rpm's "bogus date in %changelog". */
	expect_bad(fx, DRIVER "changelog = * Tue Nov 25 2026 J <j@x> - 1.0-1\n  - a\n" VENDOR, 7,
		   "changelog", "that date is a Wed");
	expect_bad(fx, DRIVER "changelog = * Mon Feb 30 2026 J <j@x> - 1.0-1\n  - a\n" VENDOR, 7,
		   "changelog", "Feb 30 2026 is not a date");
	expect_bad(fx, DRIVER "changelog = * Mon Jan 01 1979 J <j@x> - 1.0-1\n  - a\n" VENDOR, 7,
		   "changelog", "year 1979 is outside 1990 to 2105");
	expect_bad(fx, DRIVER "changelog = * Sat Jan 01 2107 J <j@x> - 1.0-1\n  - a\n" VENDOR, 7,
		   "changelog", "year 2107");
	/* An entry without text, and entries out of order, at the entry's line. */
	expect_bad(fx,
		   DRIVER "changelog = * Wed Nov 25 2026 J <j@x> - 1.0-1\n"
			  "  - a\n"
			  "  * Tue Nov 24 2026 J <j@x> - 0.9-1\n" VENDOR,
		   9, "changelog", "no text under its heading");
	expect_bad(fx,
		   DRIVER "changelog = * Wed Nov 25 2026 J <j@x> - 1.0-1\n"
			  "  - a\n"
			  "  ; a comment line between continuation lines\n"
			  "  * Thu Nov 26 2026 J <j@x> - 0.9-1\n"
			  "  - b\n" VENDOR,
		   10, "changelog", "newest first");
	/* A line rpm reads as spec syntax. */
	expect_bad(fx,
		   DRIVER "changelog = * Wed Nov 25 2026 J <j@x> - 1.0-1\n"
			  "  - a\n"
			  "  %post\n" VENDOR,
		   9, "changelog", "starts with '%'");
	/* The newest entry is for another version-release than the package's: rpm
	 * takes it, rpmlint warns; a warning at its line. */
	tl_log_reset();
	spec_manifest_free(
	    load_ok(fx, DRIVER "changelog = * Wed Nov 25 2026 J <j@x> - 1.0-2\n  - a\n" VENDOR));
	_cleanup_free_ char *want =
	    kp_asprintf("%s/%s:7: changelog: the newest entry is for 1.0-2, but [driver] version "
			"and release make 1.0-1",
			fx->real, SPEC_MANIFEST_NAME);
	if (!strstr(tl_log_text(), want))
		fail_msg("no warning '%s': %s", want, tl_log_text());
	/* Right: an epoch in the heading, and a heading without a version-release. */
	spec_manifest_free(
	    load_ok(fx, DRIVER "changelog = * Wed Nov 25 2026 J <j@x> - 3:1.0-1\n  - a\n" VENDOR));
	spec_manifest_free(load_ok(fx, DRIVER "changelog = * Wed Nov 25 2026 J <j@x>\n  - a\n"
					      "  * Tue Nov 24 2026 J <j@x>\n  - b\n" VENDOR));
}

/* Description lines rpm reads as sections or comments, at their line. */
static void test_description_lines(void **state)
{
	struct fixture *fx = *state;
	expect_bad(fx,
		   DRIVER "description = A driver.\n"
			  "  .\n"
			  "  %files\n" VENDOR,
		   9, "description", "starts with '%'");
	expect_bad(fx, DRIVER "description = 100 percent\n  %%install\n" VENDOR, 8, "description",
		   "starts with '%'");
	expect_bad(fx, DRIVER "url = https://x.example/a b\n" VENDOR, 7, "url", "one word");
	spec_manifest_free(load_ok(fx, DRIVER "description = 100 % sure\n" VENDOR));
}

/* Bytes that are not UTF-8 are refused at their line, in any key. */
static void test_not_utf8(void **state)
{
	struct fixture *fx = *state;
	expect_bad(fx, DRIVER "description = caf\xe9 au lait\n" VENDOR, 7, NULL,
		   "byte 0xe9 (column 18) is not UTF-8");
	expect_bad(fx, DRIVER VENDOR "[pack]\ntext = \xc3\x28\n", 11, NULL, "is not UTF-8");
	spec_manifest_free(load_ok(fx, DRIVER "description = caf\xc3\xa9 \xe2\x82\xac\n" VENDOR));
}

static void test_bad_source_date_epoch(void **state)
{
	struct fixture *fx = *state;
	static const char *const bad[] = {"yesterday", "12abc", "-5", "1.5",
					  "99999999999999999999999"};
	for (size_t i = 0; i < KP_ARRAY_SIZE(bad); i++) {
		_cleanup_free_ char *text =
		    kp_asprintf(DRIVER VENDOR "[driver]\nsource_date_epoch = %s\n", bad[i]);
		_cleanup_free_ char *what = kp_asprintf("'%s' is not a number", bad[i]);
		expect_bad(fx, text, 11, "source_date_epoch", what);
	}
	/* rpm keeps times as unsigned 32 bits: 2^32 is one second too late. */
	expect_bad(fx, DRIVER "source_date_epoch = 4294967296\n" VENDOR, 7, "source_date_epoch",
		   "past 4294967295");
	spec_manifest_free(load_ok(fx, DRIVER "source_date_epoch = 4294967295\n" VENDOR));
}

/* packager and the dependency keys: each entry checked as rpm would read it, line named. */
static void test_packager_and_deps(void **state)
{
	struct fixture *fx = *state;
	struct spec_manifest *m = load_ok(fx, DRIVER VENDOR);
	assert_string_equal(m->packager, "Acme Devices, Inc."); /* default: the vendor */
	assert_int_equal(m->requires.n, 0);
	spec_manifest_free(m);

	m = load_ok(fx, DRIVER "packager = Jane Doe <jane@example.com>\n"
			       "requires = xenserver-release >= 8.2.1, kmod(dep.ko),\n"
			       "  xcp-ng-release = 1:8.3.0-29\n"
			       "provides = acme-driver = 1.0\n"
			       "conflicts = old-acme < 2\n"
			       "obsoletes = acme-modules-xen\n" VENDOR);
	assert_string_equal(m->packager, "Jane Doe <jane@example.com>");
	assert_int_equal(m->requires.n, 3);
	assert_string_equal(m->requires.v[0], "xenserver-release >= 8.2.1");
	assert_string_equal(m->requires.v[1], "kmod(dep.ko)");
	assert_string_equal(m->requires.v[2], "xcp-ng-release = 1:8.3.0-29");
	assert_string_equal(m->provides.v[0], "acme-driver = 1.0");
	assert_string_equal(m->conflicts.v[0], "old-acme < 2");
	assert_string_equal(m->obsoletes.v[0], "acme-modules-xen");
	spec_manifest_free(m);

	expect_bad(fx, DRIVER "requires = foo >= 1%{lua:os.exit()}\n" VENDOR, 7, "requires",
		   "version may hold only");
	expect_bad(fx, DRIVER "requires = %(id)\n" VENDOR, 7, "requires", "name may hold only");
	expect_bad(fx, DRIVER "provides = (a or b)\n" VENDOR, 7, "provides", "rich dependencies");
	expect_bad(fx, DRIVER "conflicts = a >=\n" VENDOR, 7, "conflicts", "without a version");
	expect_bad(fx, DRIVER "obsoletes = a => 1\n" VENDOR, 7, "obsoletes", "operator");
	expect_bad(fx, DRIVER "requires = a b c d\n" VENDOR, 7, "requires", "more than");
	expect_bad(fx, DRIVER "requires = a, , b\n" VENDOR, 7, "requires", "empty");
	expect_bad(fx, DRIVER "packager = %{packager}\n" VENDOR, 7, "packager", "must not start");
	expect_bad(fx, DRIVER "packager = a\n  b\n" VENDOR, 7, "packager", "one line");
}

static void test_no_manifest(void **state)
{
	struct fixture *fx = *state;
	struct spec_manifest *m = NULL;
	tl_log_reset();
	assert_int_equal(spec_manifest_load(fx->dir, &m), -KP_EINPUT);
	assert_null(m);
	assert_non_null(strstr(tl_log_text(), "kmodpack.ini"));

	_cleanup_free_ char *nodir = kp_path_join(fx->dir, "no-such-driver");
	tl_log_reset();
	assert_int_equal(spec_manifest_load(nodir, &m), -KP_EINPUT);
	assert_non_null(strstr(tl_log_text(), "no such driver directory"));
}

int main(void)
{
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
	const struct CMUnitTest tests[] = {
	    T(test_valid_all_keys),
	    T(test_defaults),
	    T(test_changelog_epoch),
	    T(test_tarball_source),
	    T(test_bad_name),
	    T(test_bad_version),
	    T(test_summary_two_lines),
	    T(test_vendor),
	    T(test_unknown_key),
	    T(test_duplicate_key),
	    T(test_unknown_section),
	    T(test_missing_required),
	    T(test_misspelt_section_once),
	    T(test_misspelt_key_suggestion),
	    T(test_several_errors_reported),
	    T(test_make_args),
	    T(test_make_args_variables),
	    T(test_kernel_requirements),
	    T(test_bad_modules_and_subdir),
	    T(test_source_missing),
	    T(test_source_zip),
	    T(test_source_error_names_line),
	    T(test_bad_changelog),
	    T(test_changelog_as_rpm_reads_it),
	    T(test_description_lines),
	    T(test_not_utf8),
	    T(test_bad_source_date_epoch),
	    T(test_packager_and_deps),
	    T(test_no_manifest),
	};
#undef T
	return cmocka_run_group_tests(tests, NULL, NULL);
}
