// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Pack metadata: validation with where each value came from, and the
 * XS-REPOSITORY / XS-PACKAGES bytes the installer reads (escaping, layout,
 * the metadata md5 recomputed with md5sum).
 */
#include "tests/unit/testlib.h"

#include <stdio.h>
#include <string.h>

#include "common/fs.h"
#include "common/log.h"
#include "common/util.h"
#include "pack/meta.h"
#include "specgen/manifest.h"

static void full(struct pk_meta *m)
{
	pk_meta_init(m);
	pk_meta_set(m, "vendor-code", "acme", "--vendor-code");
	pk_meta_set(m, "vendor-name", "ACME & Sons \"Drivers\"", "--vendor-name");
	pk_meta_set(m, "label", "acme-nic", "--label");
	pk_meta_set(m, "text", "NIC <fast> & \"quiet\" 'x'", "--text");
	pk_meta_set(m, "version", "2.10.3", "--version");
	pk_meta_set(m, "build", "77", "--build");
	pk_meta_set(m, "mem", "20", "--mem");
	pk_meta_set(m, "homogeneous", "true", "--homogeneous");
	pk_meta_set(m, "requires",
		    "originator=xs name=main test=ge version=6.5.0\n"
		    "originator=acme name=base-tools test=eq version=1.2 build=3 product=Other",
		    "t.ini:4: requires");
}

static void test_repository_bytes(void **state)
{
	struct pk_meta m;
	full(&m);
	assert_int_equal(pk_meta_finish(&m), 0);
	_cleanup_free_ char *x = pk_xs_repository(&m);
	assert_string_equal(
	    x, "<repository originator=\"acme\" name=\"acme-nic\" product=\"XenServer\" "
	       "version=\"2.10.3\" build=\"77\" memory-requirement-mb=\"20\" "
	       "enforce-homogeneity=\"true\">\n"
	       "  <description>NIC &lt;fast&gt; &amp; \"quiet\" 'x'</description>\n"
	       "  <requires originator=\"xs\" name=\"main\" test=\"ge\" product=\"XenServer\" "
	       "version=\"6.5.0\"/>\n"
	       "  <requires originator=\"acme\" name=\"base-tools\" test=\"eq\" product=\"Other\" "
	       "version=\"1.2\" build=\"3\"/>\n"
	       "</repository>\n");
	/* xmllint agrees it is well-formed. */
	char *dir = tl_tmpdir();
	tl_write(dir, "XS-REPOSITORY", x);
	free(tl_run("xmllint --noout %s/XS-REPOSITORY", dir));
	tl_tmpdir_free(dir);
	pk_meta_release(&m);

	/* Optional attributes left out when not given. */
	pk_meta_init(&m);
	pk_meta_set(&m, "vendor-code", "acme", "--vendor-code");
	pk_meta_set(&m, "vendor-name", "ACME", "--vendor-name");
	pk_meta_set(&m, "label", "p", "--label");
	pk_meta_set(&m, "text", "T", "--text");
	pk_meta_set(&m, "version", "1.0", "--version");
	assert_int_equal(pk_meta_finish(&m), 0);
	_cleanup_free_ char *y = pk_xs_repository(&m);
	assert_string_equal(y, "<repository originator=\"acme\" name=\"p\" product=\"XenServer\" "
			       "version=\"1.0\">\n  <description>T</description>\n</repository>\n");
	pk_meta_release(&m);
}

static void test_packages_bytes(void **state)
{
	struct pk_rpm a = {.name = "a-data", .filename = "a-data-1.0-1.noarch.rpm", .size = 1234};
	struct pk_rpm b = {.name = "a-modules-x", .filename = "a&<b>.rpm", .size = 99};
	strcpy(a.md5, "0123456789abcdef0123456789abcdef");
	strcpy(b.md5, "fedcba9876543210fedcba9876543210");
	struct pk_entry e[] = {
	    {.rpm = &a, .kind = {.type = PK_PKG_RPM}},
	    {.rpm = &b, .kind = {.type = PK_PKG_DRIVER_RPM, .kernel = "6.1.0-9-amd64"}},
	    {.rpm = &b, .kind = {.type = PK_PKG_DRIVER_RPM, .kernel = "any", .options = "-i"}},
	};
	_cleanup_free_ char *x = pk_xs_packages(e, 3);
	assert_string_equal(
	    x, "<packages>\n"
	       "  <package label=\"a-data\" type=\"rpm\" size=\"1234\" "
	       "md5=\"0123456789abcdef0123456789abcdef\">a-data-1.0-1.noarch.rpm</package>\n"
	       "  <package label=\"a-modules-x\" type=\"driver-rpm\" size=\"99\" "
	       "md5=\"fedcba9876543210fedcba9876543210\" "
	       "kernel=\"6.1.0-9-amd64\">a&amp;&lt;b&gt;.rpm</package>\n"
	       "  <package label=\"a-modules-x\" type=\"driver-rpm\" size=\"99\" "
	       "md5=\"fedcba9876543210fedcba9876543210\" kernel=\"any\" "
	       "options=\"-i\">a&amp;&lt;b&gt;.rpm</package>\n"
	       "</packages>\n");

	/* The metadata md5, recomputed by md5sum over the two files. */
	struct pk_meta m;
	full(&m);
	assert_int_equal(pk_meta_finish(&m), 0);
	_cleanup_free_ char *repo = pk_xs_repository(&m);
	_cleanup_free_ char *md5 = pk_metadata_md5(repo, x);
	char *dir = tl_tmpdir();
	tl_write(dir, "XS-REPOSITORY", repo);
	tl_write(dir, "XS-PACKAGES", x);
	_cleanup_free_ char *want =
	    tl_run("cat %s/XS-REPOSITORY %s/XS-PACKAGES | md5sum | cut -c1-32", dir, dir);
	assert_string_equal(md5, want);
	tl_tmpdir_free(dir);
	pk_meta_release(&m);
}

static void expect_bad(const char *key, const char *value, const char *where, const char *msg)
{
	struct pk_meta m;
	pk_meta_init(&m);
	tl_log_capture();
	pk_meta_set(&m, key, value, where);
	if (m.errors != 1 || !strstr(tl_log_text(), msg) || !strstr(tl_log_text(), where))
		fail_msg("%s='%s': got '%s', want '%s'", key, value, tl_log_text(), msg);
	pk_meta_release(&m);
}

static void test_validation(void **state)
{
	expect_bad("text", "123456789012345678901234567890123", "--text",
		   "is 33 characters; at most 32");
	expect_bad("text", "two\nlines", "k.ini:3: text", "one non-empty line");
	expect_bad("text", "caf\xc3\xa9", "--text", "printable ASCII");
	expect_bad("vendor-code", "xs", "k.ini:2: code", "'xs' is reserved");
	expect_bad("vendor-code", "Acme", "--vendor-code", "lowercase letters");
	expect_bad("label", "my pack", "--label", "lowercase letters");
	expect_bad("label", "../x", "--label", "lowercase letters");
	expect_bad("version", "1", "--version", "at least one dot");
	expect_bad("version", "1.0-2", "--version", "give the build with build");
	expect_bad("version", "1..0", "--version", "numbers separated by dots");
	expect_bad("version", ".1", "--version", "numbers separated by dots");
	expect_bad("build", "7 8", "--build", "letters, digits");
	expect_bad("mem", "20MB", "--mem", "whole number of megabytes");
	expect_bad("mem", "-5", "--mem", "whole number of megabytes");
	expect_bad("mem", "", "--mem", "whole number of megabytes");
	expect_bad("homogeneous", "maybe", "--homogeneous", "true or false");
	expect_bad("requires", "originator=xs name=main test=gte version=6.5", "--requires",
		   "must be one of eq, ne, lt, gt, le, ge");
	expect_bad("requires", "originator=xs name=main test=ge", "--requires",
		   "needs originator=, name=, test= and version=");
	expect_bad("requires", "originator=xs name=main test=ge version=6.5 colour=red",
		   "--requires", "unknown key 'colour'");
	expect_bad("requires", "xs:main ge 6.5", "--requires", "is not KEY=VALUE");
	expect_bad("requires", "originator=Xs name=main test=ge version=6.5", "--requires",
		   "lowercase");
	expect_bad("colour", "red", "k.ini:9: colour", "unknown key");
	expect_bad("lable", "hw", "k.ini:9: lable",
		   "unknown key in [pack]: did you mean 'label'? (known: label, text, version, "
		   "build, mem, homogeneous, product, requires)");
	expect_bad("require", "originator=xs name=main test=ge version=6.5", "k.ini:9: require",
		   "did you mean 'requires'?");
	expect_bad("requires", "orignator=xs name=main test=ge version=6.5", "--requires",
		   "unknown key 'orignator': did you mean 'originator'? (known: originator, name, "
		   "test, version, build, product)");

	/* A big mem is allowed, with a warning the report keeps. */
	struct pk_meta m;
	pk_meta_init(&m);
	tl_log_capture();
	pk_meta_set(&m, "mem", "500", "--mem");
	assert_int_equal(m.errors, 0);
	assert_int_equal(m.mem, 500);
	assert_int_equal(m.warnings.n, 1);
	assert_non_null(strstr(m.warnings.v[0], "300 + 500 = 800 MB, past the 752 MB"));

	/* Everything missing, reported at once. */
	tl_log_reset();
	assert_int_equal(pk_meta_finish(&m), -KP_EINPUT);
	const char *log = tl_log_text();
	assert_non_null(strstr(log, "vendor code ([vendor] code, or --vendor-code) is missing"));
	assert_non_null(strstr(log, "label ([pack] label, or --label) is missing"));
	assert_non_null(strstr(log, "text ([pack] text, or --text) is missing"));
	assert_non_null(strstr(log, "version ([pack] version, or --version) is missing"));
	pk_meta_release(&m);

	/* A later value wins: options override the manifest. */
	full(&m);
	pk_meta_set(&m, "text", "Other", "--text");
	assert_int_equal(pk_meta_finish(&m), 0);
	assert_string_equal(m.text, "Other");
	pk_meta_release(&m);
}

static void test_manifest(void **state)
{
	char *dir = tl_tmpdir();
	tl_write(dir, "src/Makefile", "obj-m := x.o\n");
	tl_write(dir, "kmodpack.ini",
		 "[driver]\nname = x\nversion = 1.0\nsummary = s\nlicense = GPL\nsource = src\n"
		 "[vendor]\ncode = acme\nname = ACME\n"
		 "[pack]\nlabel = x-pack\ntext = 123456789012345678901234567890123\n"
		 "version = 1.0\nrequires = originator=xs name=main test=ge version=6.5\n"
		 "  originator=acme name=base test=lt version=2\n");
	struct spec_manifest *man = NULL;
	assert_int_equal(spec_manifest_load(dir, &man), 0);
	struct pk_meta m;
	pk_meta_init(&m);
	tl_log_capture();
	pk_meta_from_manifest(&m, man);
	/* The 33-character text, and the second requires line, named by file and line. */
	_cleanup_free_ char *w1 = kp_asprintf("%s:12: text: '1234", man->path);
	_cleanup_free_ char *w2 = kp_asprintf("%s:15: requires: version '2' must be", man->path);
	assert_non_null(strstr(tl_log_text(), w1));
	assert_non_null(strstr(tl_log_text(), w2));
	assert_int_equal(m.errors, 2);
	assert_string_equal(m.vendor_code, "acme");
	assert_string_equal(m.label, "x-pack");
	assert_int_equal(m.nreq, 1);
	pk_meta_release(&m);
	spec_manifest_free(man);
	tl_tmpdir_free(dir);
}

/* SKIPPED-FLAVOURS.txt: written and read back; a tab or line end in a reason cannot split it. */
static void test_skipped_file(void **state)
{
	(void)state;
	struct pk_skipped in[] = {
	    {.driver = "usbdemo", .modules = "a b", .flavour = "cloud-amd64",
	     .release = "6.1.0-57-cloud-amd64", .reason = "CONFIG_USB is not set\t(x)\nnext"},
	    {.driver = "hw", .modules = "hw", .flavour = "xen", .release = "4.19.0+1",
	     .reason = "not selected (--flavour)"}};
	_cleanup_free_ char *text = pk_skipped_text(in, 2);
	assert_non_null(strstr(text, "usbdemo\ta b\tcloud-amd64\t6.1.0-57-cloud-amd64\t"
				     "CONFIG_USB is not set (x) next\n"));
	struct pk_skipped *out;
	size_t n;
	pk_skipped_parse(text, &out, &n);
	assert_int_equal(n, 2);
	assert_string_equal(out[0].modules, "a b");
	assert_string_equal(out[0].reason, "CONFIG_USB is not set (x) next");
	assert_string_equal(out[1].release, "4.19.0+1");
	for (size_t i = 0; i < n; i++)
		pk_skipped_release(&out[i]);
	free(out);
	/* Comments, short and empty lines are left out. */
	pk_skipped_parse("# x\tb\tc\td\te\nonly\ttwo\n\t\t\t\t\n", &out, &n);
	assert_int_equal(n, 0);
	free(out);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_skipped_file),
	    cmocka_unit_test(test_repository_bytes),
	    cmocka_unit_test(test_packages_bytes),
	    cmocka_unit_test(test_validation),
	    cmocka_unit_test(test_manifest),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
