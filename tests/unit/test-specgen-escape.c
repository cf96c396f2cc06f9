// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * specgen/escape.c: expected escapes, refusals that name the field, and
 * hostile text through the real rpm: escaped, rendered into
 * tests/fixtures/specgen/hostile.spec, built with spec_rpm_build and
 * expanded with `rpmspec -P`. Nothing may run (no marker file) and
 * `rpm -qp` must give back the original text.
 */
#include "tests/unit/testlib.h"

#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "common/fs.h"
#include "common/log.h"
#include "common/util.h"
#include "specgen/escape.h"
#include "specgen/rpm.h"

static void expect_line(const char *in, const char *want)
{
	_cleanup_free_ char *out = NULL;
	assert_int_equal(spec_escape_line("summary", in, &out), 0);
	assert_string_equal(out, want);
}

static void expect_text(const char *in, const char *want)
{
	_cleanup_free_ char *out = NULL;
	assert_int_equal(spec_escape_text("description", in, &out), 0);
	assert_string_equal(out, want);
}

static void expect_path(const char *in, const char *want)
{
	_cleanup_free_ char *out = NULL;
	assert_int_equal(spec_files_path(in, &out), 0);
	assert_string_equal(out, want);
}

/* The refusal is logged as "FIELD: ..." and mentions what. */
static void expect_refused(int (*fn)(const char *, const char *, char **), const char *field,
			   const char *in, const char *what)
{
	_cleanup_free_ char *out = NULL;
	tl_log_reset();
	assert_int_equal(fn(field, in, &out), -KP_EINPUT);
	assert_null(out);
	_cleanup_free_ char *prefix = kp_asprintf("%s: ", field);
	if (!kp_startswith(tl_log_text(), prefix) || !strstr(tl_log_text(), what))
		fail_msg("log '%s' lacks '%s' or '%s'", tl_log_text(), prefix, what);
}

static void expect_path_refused(const char *in, const char *what)
{
	_cleanup_free_ char *out = NULL;
	tl_log_reset();
	assert_int_equal(spec_files_path(in, &out), -KP_EINPUT);
	assert_null(out);
	if (!kp_startswith(tl_log_text(), "%files: ") || !strstr(tl_log_text(), what))
		fail_msg("log '%s' lacks '%s'", tl_log_text(), what);
}

static void test_line(void **state)
{
	expect_line("Example driver", "Example driver");
	expect_line("100% %(rm -rf /) %{lua:x}", "100%% %%(rm -rf /) %%{lua:x}");
	expect_line("a\\%{x}\\", "a\\%{nil}%%{x}\\%{nil}");
	expect_line("café ✓", "café ✓");

	expect_refused(spec_escape_line, "summary", "one\ntwo", "newline");
	expect_refused(spec_escape_line, "summary", "tab\there", "control character 0x09");
	expect_refused(spec_escape_line, "vendor", "bell\a", "control character 0x07");
	expect_refused(spec_escape_line, "license", "caf\xe9", "not valid UTF-8");
	expect_refused(spec_escape_line, "url", "\xc0\xaf", "not valid UTF-8"); /* overlong */
	expect_refused(spec_escape_line, "packager", "", "empty");
	expect_refused(spec_escape_line, "summary", " lead", "space");
	expect_refused(spec_escape_token, "url", "http://x/a b", "single word");
}

static void test_text(void **state)
{
	expect_text("An example.\n\nSecond paragraph.", "An example.\n\nSecond paragraph.");
	expect_text("100% of %{name}, %(id)\n  indented\tand tab",
		    "100%% of %%{name}, %%(id)\n  indented\tand tab");
	/* Trailing blanks and trailing empty lines go, as rpm drops them. */
	expect_text("a  \nb\t\n\n\n", "a\nb");
	expect_text("ends in \\\nnext", "ends in \\%{nil}\nnext");

	expect_refused(spec_escape_text, "description", "ok\n%files\n/etc/passwd", "line 2");
	expect_refused(spec_escape_text, "description", "%%files", "starts with '%'");
	expect_refused(spec_escape_text, "description", "ok\n%POST\nrm -rf /", "starts with '%'");
	expect_refused(spec_escape_text, "description", "ok\n  %include /etc/shadow",
		       "line 2 starts with '%'");
	expect_refused(spec_escape_text, "description", "ok\n\t%endif", "starts with '%'");
	expect_refused(spec_escape_text, "description", "# Features", "comment");
	expect_refused(spec_escape_text, "description", "ok\r\n", "line 1: control character 0x0d");
	expect_refused(spec_escape_text, "description", "ok\nbad \xff", "line 2: not valid UTF-8");
	expect_refused(spec_escape_text, "description", " \n\n", "empty");
}

static void test_changelog(void **state)
{
	_cleanup_free_ char *out = NULL;
	assert_int_equal(spec_escape_changelog("changelog", "\n  - Fix 100% of %{bugs}\n- b", &out),
			 0);
	assert_string_equal(out, "- Fix 100%% of %%{bugs}\n- b");
	expect_refused(spec_escape_changelog, "changelog", "- a\n* Thu Jan 01 2015 x", "'*'");
	expect_refused(spec_escape_changelog, "changelog", "- a\n%(touch x)", "'%'");
}

static void test_script(void **state)
{
	_cleanup_free_ char *out = NULL;
	assert_int_equal(spec_escape_script("post", "echo 100%\n\n", &out), 0);
	assert_string_equal(out, "echo 100%%");
	expect_refused(spec_escape_script, "post", "true\n  %post -n other\n",
		       "line 2 starts with '%'");
	expect_refused(spec_escape_script, "post", "%if 1\n", "line 1 starts with '%'");
	expect_refused(spec_escape_script, "post", " \n\t\n", "is empty");
	expect_refused(spec_escape_script, "post", "echo a\r\n", "control character 0x0d");
	/* Read from a file: the errors name it and the line, as data for --json. */
	static const struct {
		const char *text, *log;
	} in[] = {
	    {"true\n  %post -n other\n", "scripts/post.sh:2: starts with '%'"},
	    {"true\necho \xff\n", "scripts/post.sh:2: not valid UTF-8 (byte 0xff)"},
	    {"\x01\n", "scripts/post.sh:1: control character 0x01"},
	    {" \n", "scripts/post.sh: is empty"},
	};
	for (size_t i = 0; i < KP_ARRAY_SIZE(in); i++) {
		_cleanup_free_ char *o = NULL;
		tl_log_reset();
		assert_int_equal(spec_escape_script_file("post", "scripts/post.sh", in[i].text, &o),
				 -KP_EINPUT);
		if (!kp_startswith(tl_log_text(), in[i].log))
			fail_msg("log '%s' does not start with '%s'", tl_log_text(), in[i].log);
	}
	expect_refused(spec_escape_script, "post", "echo \xff\n", "not valid UTF-8");
}

static void test_files_path(void **state)
{
	expect_path("/lib/modules/6.1.0-1-amd64/extra/x.ko",
		    "\"/lib/modules/6.1.0-1-amd64/extra/x.ko\"");
	expect_path("/usr/share/doc/x/read me", "\"/usr/share/doc/x/read me\"");
	expect_path("/a/100%", "\"/a/100%%%%%%%%\"");
	expect_path("/a/st*r?[x]", "\"/a/st[*]r[?][[]x]\"");
	expect_path("/a/b c*", "\"/a/b\\ c[*]\"");
	expect_path("/a/it's ~$;,]", "\"/a/it's ~$;,]\"");
	/* In glob mode rpm splits the pattern with popt: blanks and ' need '\\'. */
	expect_path("/a/it's *", "\"/a/it\\'s\\ [*]\"");

	expect_path_refused("lib/x.ko", "absolute");
	expect_path_refused("/lib/", "directory");
	expect_path_refused("/lib/../etc/passwd", "canonical");
	expect_path_refused("/lib//x", "canonical");
	expect_path_refused("/a/\"q\"", "'\"'");
	expect_path_refused("/a/b\\c", "'\\'");
	expect_path_refused("/a/{x,y}", "brace");
	expect_path_refused("/a/%attr(4755,root,root)x", "letter");
	expect_path_refused("/a/new\nline", "newline");
	expect_path_refused("/a/tab\tx", "control character");
	expect_path_refused("/a/\xff", "UTF-8");
}

/* ---- hostile text through the real rpm ---- */

struct hostile {
	const char *line;      /* one-line fields: summary, license, vendor, url, packager */
	const char *text;      /* description */
	const char *changelog; /* changelog entry text */
	const char *file;      /* a file name under /usr/share/hostile/ */
	const char *token;     /* URL */
	const char *script;    /* a vendor scriptlet file's content (%post, %preun) */
};

/*
 * Every attack writes "pwned" (relative: the test runs in its temp dir) if
 * it gets to run. The lua ones also try an absolute path under /tmp.
 */
static const struct hostile attacks[] = {
    {"x %(touch pwned)", "x %(touch pwned)", "- x %(touch pwned)", "x %(touch pwned)",
     "https://example.com/%(touch${IFS}pwned)", "echo %(touch pwned)\n"},
    {"%{lua: os.execute('touch pwned')}", "x %{lua: os.execute('touch pwned')}",
     "- %{lua: os.execute('touch pwned')}", "lua %(touch pwned) [*]?.ko",
     "%{lua:os.execute('touch'..string.char(32)..'pwned')}",
     "#!/bin/sh\nx=%{lua: os.execute('touch pwned')}\n\techo \"%{_libdir}\" 100%\n"},
    {"%{expand:%%(touch pwned)}", "x %{expand:%%(touch pwned)} %%(touch pwned)",
     "- %%(touch pwned) %%%", "100% %%(touch pwned)", "%%(touch${IFS}pwned)",
     "echo %{expand:%%(touch pwned)} %%(touch pwned) %%%\n"},
    {"%[1+1] %{?nosuch} %{name} %define x 1", "x %[1+1] is not 2\nand %define, %global stay text",
     "- %global x %(touch pwned)", "it's a *.ko", "%[1+1]",
     "a=%[1+1] b=%{?nosuch} c=%{name}\n# %global x %(touch pwned)\n"},
    {"\\%{lua: os.execute('touch pwned')}\\",
     "back\\%{lua: os.execute('touch pwned')}\nslash at end \\\ntext then %%files",
     "- trailing \\\n- next", "a b c", "\\%(touch${IFS}pwned)\\",
     "echo back\\%{lua: os.execute('touch pwned')}\ntrailing \\\ncontinued \\\n"},
    {"x %{lua:", "opened %{lua: os.execute('touch pwned')\nand %(touch pwned\nnever closed",
     "- %{\n- %(\n- %[", "x%[y", "%{",
     "echo %{lua: os.execute('touch pwned')\necho %(touch pwned\necho %[\necho 50%"},
    {"tab-less café ✓", "tab\there, café ✓\n\n  indented line\nnot # a comment",
     "- ok # not a comment", "café ✓.ko", "https://example.com/café",
     "echo 'café ✓'\n\n\tindented # a comment, kept  \n   \n\n"},
};

static void render_and_build(const char *dir, const struct hostile *h)
{
	_cleanup_free_ char *line = NULL, *text = NULL, *clog = NULL, *file = NULL;
	assert_int_equal(spec_escape_line("summary", h->line, &line), 0);
	assert_int_equal(spec_escape_text("description", h->text, &text), 0);
	assert_int_equal(spec_escape_changelog("changelog", h->changelog, &clog), 0);
	_cleanup_free_ char *path = kp_asprintf("/usr/share/hostile/%s", h->file);
	assert_int_equal(spec_files_path(path, &file), 0);

	_cleanup_free_ char *fx = tl_src("tests/fixtures/specgen/hostile.spec");
	_cleanup_free_ char *t0 = NULL;
	size_t len;
	assert_int_equal(kp_read_file(fx, &t0, &len), 0);
	_cleanup_free_ char *url = NULL;
	assert_int_equal(spec_escape_token("url", h->token, &url), 0);
	_cleanup_free_ char *tu = tl_replace(t0, "@URL@", url);
	free(t0);
	t0 = TAKE_PTR(tu);
	const char *keys[] = {"@SUMMARY@", "@LICENSE@", "@VENDOR@", "@PACKAGER@"};
	for (size_t i = 0; i < KP_ARRAY_SIZE(keys); i++) {
		char *t = tl_replace(t0, keys[i], line);
		free(t0);
		t0 = t;
	}
	_cleanup_free_ char *t1 = tl_replace(t0, "@DESCRIPTION@", text);
	_cleanup_free_ char *t2 = tl_replace(t1, "@CHANGELOG@", clog);
	_cleanup_free_ char *script = NULL;
	assert_int_equal(spec_escape_script("post", h->script, &script), 0);
	_cleanup_free_ char *t3 = tl_replace(t2, "@SCRIPT@", script);
	_cleanup_free_ char *spec = tl_replace(t3, "@FILE@", file);
	tl_write(dir, "SPECS/hostile.spec", spec);
	_cleanup_free_ char *staged = kp_asprintf("root%s", path);
	tl_write(dir, staged, "data\n");
	tl_write(dir, "SOURCES/hostile-1.0.tar.gz", "not a tarball\n");

	_cleanup_free_ char *specfile = kp_path_join(dir, "SPECS/hostile.spec");
	_cleanup_free_ char *root = kp_path_join(dir, "root");
	_cleanup_free_ char *src = kp_path_join(dir, "SOURCES");
	_cleanup_free_ char *rpms = kp_path_join(dir, "RPMS");
	_cleanup_free_ char *srpms = kp_path_join(dir, "SRPMS");
	_cleanup_free_ char *work = kp_path_join(dir, "work");
	struct spec_rpm_opts o = {
	    .specfile = specfile,
	    .buildroot = root,
	    .sourcedir = src,
	    .rpmdir = rpms,
	    .srpmdir = srpms,
	    .workdir = work,
	    .arch = "x86_64",
	    .source_date_epoch = 1420070400,
	    .binary = true,
	    .source = true,
	};
	tl_log_reset();
	int r = spec_rpm_build(&o);
	if (r != 0)
		fail_msg("build failed: %s\n--- spec ---\n%s", tl_log_text(), spec);

	/* rpmspec -P expands the whole spec, scriptlets included. */
	free(tl_run("cd '%s' && rpmspec -P SPECS/hostile.spec", dir));
	_cleanup_free_ char *marker = kp_path_join(dir, "pwned");
	assert_false(kp_is_file(marker));

	_cleanup_free_ char *rpm = kp_path_join(dir, "RPMS/x86_64/hostile-1.0-1.x86_64.rpm");
	_cleanup_free_ char *got_url = tl_run("rpm -qp --qf '%%{URL}' '%s'", rpm);
	assert_string_equal(got_url, h->token);
	const char *tags[] = {"SUMMARY", "LICENSE", "VENDOR", "PACKAGER"};
	for (size_t i = 0; i < KP_ARRAY_SIZE(tags); i++) {
		_cleanup_free_ char *got = tl_run("rpm -qp --qf '%%{%s}' '%s'", tags[i], rpm);
		assert_string_equal(got, h->line);
	}
	_cleanup_free_ char *desc = tl_run("rpm -qp --qf '%%{DESCRIPTION}' '%s'", rpm);
	assert_string_equal(desc, h->text);
	_cleanup_free_ char *cl = tl_run("rpm -qp --qf '%%{CHANGELOGTEXT}' '%s'", rpm);
	assert_string_equal(cl, h->changelog);
	_cleanup_free_ char *cn = tl_run("rpm -qp --qf '%%{CHANGELOGNAME}' '%s'", rpm);
	_cleanup_free_ char *want_cn = kp_asprintf("%s - 1.0-1", h->line);
	assert_string_equal(cn, want_cn);
	/* The scriptlet is the file, less the trailing white space rpm strips. */
	_cleanup_free_ char *want_script = kp_strdup(h->script);
	size_t n = strlen(want_script);
	while (n && strchr(" \t\n", want_script[n - 1]))
		want_script[--n] = '\0';
	const char *stags[] = {"POSTIN", "PREUN"};
	for (size_t i = 0; i < KP_ARRAY_SIZE(stags); i++) {
		_cleanup_free_ char *got = tl_run("rpm -qp --qf '%%{%s}' '%s'", stags[i], rpm);
		assert_string_equal(got, want_script);
	}
	_cleanup_free_ char *files = tl_run("rpm -qpl '%s'", rpm);
	_cleanup_free_ char *want_files = kp_asprintf("%s\n", path);
	assert_string_equal(files, want_files);
	_cleanup_free_ char *srpm = kp_path_join(dir, "SRPMS/hostile-1.0-1.src.rpm");
	_cleanup_free_ char *sdesc = tl_run("rpm -qp --qf '%%{DESCRIPTION}' '%s'", srpm);
	assert_string_equal(sdesc, h->text);
	assert_false(kp_is_file(marker));
}

static void test_hostile_text_runs_nothing(void **state)
{
	char cwd[4096];
	assert_non_null(getcwd(cwd, sizeof(cwd)));
	for (size_t i = 0; i < KP_ARRAY_SIZE(attacks); i++) {
		_cleanup_free_ char *dir = tl_tmpdir();
		/* rpm runs %(...) in the caller's cwd: make "pwned" land here. */
		assert_int_equal(chdir(dir), 0);
		render_and_build(dir, &attacks[i]);
		assert_int_equal(chdir(cwd), 0);
		tl_tmpdir_free(TAKE_PTR(dir));
	}
}

/* The unescaped text does run: proves the marker check can fail. */
static void test_unescaped_text_runs(void **state)
{
	_cleanup_free_ char *dir = tl_tmpdir();
	tl_write(dir, "t.spec",
		 "Name: t\nVersion: 1\nRelease: 1\nSummary: s\nLicense: MIT\n\n"
		 "%description\nx %(touch pwned)\n");
	free(tl_run("cd '%s' && rpmspec -P t.spec", dir));
	_cleanup_free_ char *marker = kp_path_join(dir, "pwned");
	assert_true(kp_is_file(marker));
	tl_tmpdir_free(TAKE_PTR(dir));
}

int main(void)
{
#define T(fn) cmocka_unit_test_setup_teardown(fn, tl_setup_log, tl_teardown_log)
	const struct CMUnitTest tests[] = {
	    T(test_line),
	    T(test_text),
	    T(test_changelog),
	    T(test_script),
	    T(test_files_path),
	    T(test_hostile_text_runs_nothing),
	    T(test_unescaped_text_runs),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
