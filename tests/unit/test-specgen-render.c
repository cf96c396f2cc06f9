// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * specgen/render.c: the spec template language. Values, @@, @for@ (nested,
 * with names falling back to the enclosing item and then the top), @if@ on
 * values and lists, and errors that name the template line.
 */
#include "tests/unit/testlib.h"

#include <string.h>

#include "common/log.h"
#include "common/util.h"
#include "specgen/render.h"

static int setup(void **state)
{
	tl_log_capture();
	tl_log_reset();
	*state = spec_vars_new();
	return 0;
}

static int teardown(void **state)
{
	spec_vars_free(*state);
	tl_log_reset();
	return 0;
}

static void expect_render(const struct spec_vars *v, const char *tmpl, const char *want)
{
	_cleanup_free_ char *out = NULL;
	tl_log_reset();
	int r = spec_render("t.spec.in", tmpl, v, &out);
	if (r != 0)
		fail_msg("render failed (%d): %s", r, tl_log_text());
	assert_string_equal(out, want);
}

/* Rendering must fail, log "t.spec.in:LINE: " and what, and hand back nothing. */
static void expect_error(const struct spec_vars *v, const char *tmpl, int line, const char *what)
{
	char *out = NULL;
	tl_log_reset();
	assert_int_equal(spec_render("t.spec.in", tmpl, v, &out), -KP_EINPUT);
	assert_null(out);
	_cleanup_free_ char *at = kp_asprintf("t.spec.in:%d: ", line);
	if (!kp_startswith(tl_log_text(), at) || !strstr(tl_log_text(), what))
		fail_msg("log lacks '%s' or '%s': %s", at, what, tl_log_text());
}

/* A driver with two flavours of two modules each, and a top-level list. */
static void two_flavours(struct spec_vars *v)
{
	spec_vars_set(v, "name", "hello");
	spec_vars_set(v, "version", "1.0");
	spec_vars_set(v, "kver", "6.1.0-56");
	static const char *const fl[] = {"amd64", "cloud-amd64"};
	for (size_t i = 0; i < KP_ARRAY_SIZE(fl); i++) {
		struct spec_vars *f = spec_vars_add(v, "flavours");
		spec_vars_set(f, "flavour", fl[i]);
		spec_vars_setf(f, "release", "6.1.0-56-%s", fl[i]);
		struct spec_vars *m = spec_vars_add(f, "modules");
		spec_vars_set(m, "module", "hello");
		m = spec_vars_add(f, "modules");
		spec_vars_set(m, "module", "world");
		/* This item's own version hides the top-level one. */
		if (i == 1)
			spec_vars_set(f, "version", "1.0.cloud");
	}
	struct spec_vars *d = spec_vars_add(v, "docs");
	spec_vars_set(d, "doc", "README");
}

static void test_values(void **state)
{
	struct spec_vars *v = *state;
	spec_vars_set(v, "name", "hello");
	spec_vars_setf(v, "version", "%d.%d", 1, 2);
	spec_vars_set(v, "empty", "");
	spec_vars_set(v, "nullvalue", NULL);
	expect_render(v, "Name: @name@\nVersion: @version@\n[@empty@][@nullvalue@]\n",
		      "Name: hello\nVersion: 1.2\n[][]\n");
	/* Setting again replaces. */
	spec_vars_set(v, "name", "world");
	expect_render(v, "@name@@name@", "worldworld");
	/* Values are inserted as is: escaping is the caller's job, done before. */
	spec_vars_set(v, "raw", "%{x} @name@");
	expect_render(v, "@raw@", "%{x} @name@");
	expect_render(v, "", "");
	expect_render(v, "no directives at all\n", "no directives at all\n");
}

static void test_literal_at(void **state)
{
	struct spec_vars *v = *state;
	spec_vars_set(v, "user", "jane");
	expect_render(v, "@user@@@example.com\n@@@@\n", "jane@example.com\n@@\n");
}

static void test_for_nested(void **state)
{
	struct spec_vars *v = *state;
	two_flavours(v);
	expect_render(v,
		      "@for flavours@"
		      "%package -n @name@-modules-@flavour@-@kver@\n"
		      "Version: @version@\n"
		      "@for modules@"
		      "/lib/modules/@release@/extra/@module@.ko\n"
		      "@end@"
		      "@for docs@%doc @doc@ (@flavour@)\n@end@"
		      "@end@"
		      "Version: @version@\n",
		      "%package -n hello-modules-amd64-6.1.0-56\n"
		      "Version: 1.0\n"
		      "/lib/modules/6.1.0-56-amd64/extra/hello.ko\n"
		      "/lib/modules/6.1.0-56-amd64/extra/world.ko\n"
		      "%doc README (amd64)\n"
		      "%package -n hello-modules-cloud-amd64-6.1.0-56\n"
		      "Version: 1.0.cloud\n"
		      "/lib/modules/6.1.0-56-cloud-amd64/extra/hello.ko\n"
		      "/lib/modules/6.1.0-56-cloud-amd64/extra/world.ko\n"
		      "%doc README (cloud-amd64)\n"
		      "Version: 1.0\n");
	/* An item's names are gone once its @for@ ends. */
	expect_error(v, "@for flavours@@end@\n@flavour@\n", 2, "'flavour' is not a value");
}

static void test_empty_lists(void **state)
{
	struct spec_vars *v = *state;
	spec_vars_set(v, "name", "hello");
	spec_vars_list(v, "aliases");
	expect_render(v, "a\n@for aliases@Provides: modalias(@alias@)\n@end@b\n", "a\nb\n");
	expect_render(v, "@if aliases@has aliases@end@", "");
	/* spec_vars_list on a list that has items keeps them. */
	struct spec_vars *a = spec_vars_add(v, "aliases");
	spec_vars_set(a, "alias", "pci:v00008086d*");
	spec_vars_list(v, "aliases");
	expect_render(v, "@for aliases@Provides: modalias(@alias@)\n@end@",
		      "Provides: modalias(pci:v00008086d*)\n");
}

static void test_if(void **state)
{
	struct spec_vars *v = *state;
	spec_vars_set(v, "url", "https://example.com");
	spec_vars_set(v, "changelog", "");
	spec_vars_list(v, "none");
	struct spec_vars *f = spec_vars_add(v, "firmware");
	spec_vars_set(f, "file", "hello.bin");
	expect_render(v,
		      "@if url@URL: @url@\n@end@"
		      "@if changelog@%changelog\n@changelog@\n@end@"
		      "@if firmware@%files firmware\n@for firmware@/lib/firmware/@file@\n@end@@end@"
		      "@if none@none\n@end@"
		      "end\n",
		      "URL: https://example.com\n"
		      "%files firmware\n/lib/firmware/hello.bin\n"
		      "end\n");
	/* Nested @if@: the inner one only matters when the outer is on. */
	expect_render(v, "@if url@a@if changelog@b@end@c@end@|@if changelog@d@if url@e@end@@end@",
		      "ac|");
	/* A skipped block may name what does not exist (names only items have). */
	expect_render(v, "@if changelog@@nothing_here@@end@ok", "ok");
}

static void test_error_unknown_name(void **state)
{
	struct spec_vars *v = *state;
	spec_vars_set(v, "name", "hello");
	expect_error(v, "Name: @name@\nVersion: @verison@\n", 2, "'verison' is not a value known");
	expect_error(v, "\n\n\n@if nosuch@x@end@\n", 4, "'nosuch' is not known");
	expect_error(v, "@for nosuch@x@end@\n", 1, "'nosuch' is not known");
	/* A list is not a value. */
	spec_vars_list(v, "mods");
	expect_error(v, "a\nb\nc @mods@\n", 3, "'mods' is not a value");
	/* Inside an item, on the template's own line. */
	two_flavours(v);
	expect_error(v, "@for flavours@\n@flavour@\n@modul@\n@end@\n", 3, "'modul'");
	/* Directives other than for and if are refused. */
	expect_error(v, "\n@include name@\n", 2, "unknown directive '@include ...@'");
}

static void test_error_for_over_value(void **state)
{
	struct spec_vars *v = *state;
	spec_vars_set(v, "name", "hello");
	expect_error(v, "line 1\n@for name@x@end@\n", 2, "'name' is a value, not a list");
}

static void test_error_missing_end(void **state)
{
	struct spec_vars *v = *state;
	two_flavours(v);
	expect_error(v, "x\n\n@for flavours@\n@flavour@\n", 3, "@for flavours@ has no @end@");
	expect_error(v, "@if name@\nx\n", 1, "@if name@ has no @end@");
	/* The inner block misses its @end@: the outer's @end@ closes the inner. */
	expect_error(v, "@for flavours@\n@for modules@\n@module@\n@end@\n", 1,
		     "@for flavours@ has no @end@");
	/* Even over an empty list or a false @if@, where nothing is rendered. */
	spec_vars_list(v, "empty");
	expect_error(v, "a\n@for empty@\n", 2, "@for empty@ has no @end@");
	spec_vars_set(v, "off", "");
	expect_error(v, "@if off@\n@for empty@\n@end@\n", 1, "@if off@ has no @end@");
}

static void test_error_stray_end(void **state)
{
	struct spec_vars *v = *state;
	spec_vars_set(v, "name", "hello");
	expect_error(v, "Name: @name@\n@end@\n", 2, "@end@ without @for@ or @if@");
	expect_error(v, "@if name@x@end@\n\n@end@", 3, "@end@ without");
}

static void test_error_stray_at(void **state)
{
	struct spec_vars *v = *state;
	spec_vars_set(v, "name", "hello");
	expect_error(v, "Packager: jane@example.com\n", 1, "stray '@'");
	expect_error(v, "a\nb\nlonely @ here\n", 3, "stray '@'");
	expect_error(v, "@name", 1, "stray '@'");
	expect_error(v, "@for @x@end@", 1, "stray '@'");
	/* Also inside blocks that render nothing. */
	spec_vars_list(v, "empty");
	expect_error(v, "@for empty@\n\nme@x.com\n@end@\n", 3, "stray '@'");
}

/*
 * Regression (fixed): a @for@ over a list nested in a @for@ over the same list (every
 * flavour paired with every flavour, e.g. Conflicts: between them) sets the
 * current item's parent to itself and then clears it: here the outer item
 * loses its link to the top level, so @name@ after the inner @end@ is
 * "not a value known"; a top-level name inside the inner body would loop
 * forever in lookup().
 */
static void test_for_same_list_nested(void **state)
{
	struct spec_vars *v = *state;
	spec_vars_set(v, "name", "hello");
	struct spec_vars *a = spec_vars_add(v, "fl");
	spec_vars_set(a, "f", "a");
	struct spec_vars *b = spec_vars_add(v, "fl");
	spec_vars_set(b, "f", "b");
	expect_render(v, "@for fl@@f@:@for fl@@f@,@end@ @name@\n@end@",
		      "a:a,b, hello\nb:a,b, hello\n");
}

int main(void)
{
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
	const struct CMUnitTest tests[] = {
	    T(test_values),
	    T(test_literal_at),
	    T(test_for_nested),
	    T(test_empty_lists),
	    T(test_if),
	    T(test_error_unknown_name),
	    T(test_error_for_over_value),
	    T(test_error_missing_end),
	    T(test_error_stray_end),
	    T(test_error_stray_at),
	    T(test_for_same_list_nested),
	};
#undef T
	return cmocka_run_group_tests(tests, NULL, NULL);
}
