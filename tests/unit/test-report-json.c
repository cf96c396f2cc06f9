// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * report/json.c: build-report.json read into the typed model and written
 * back. The fixture is a report written by kmodpack before the model
 * existed (the example with [data], a flavour with modules_dir and
 * build --verify), so a byte-identical round trip proves the format did
 * not change.
 */
#include "tests/unit/testlib.h"

#include <errno.h>
#include <string.h>

#include "common/fs.h"
#include "common/log.h"
#include "report/report.h"

/* A report of kmodpack 0.1 (build schema 1, no "schema" key) and the same in schema 2. */
#define V1 "tests/fixtures/report/build-report.json"
#define V2 "tests/expected/report/build-report-v2.json"

static char *read_text(const char *rel)
{
	_cleanup_free_ char *p = tl_src(rel);
	char *text = NULL;
	assert_int_equal(kp_read_file(p, &text, NULL), 0);
	return text;
}

static char *fixture_text(void)
{
	return read_text(V2);
}

/* An old report is read and written in the new schema, losing nothing. */
static void test_upgrade(void **state)
{
	_cleanup_free_ char *p = tl_src(V1);
	_cleanup_(rp_build_freep) struct rp_build *b = NULL;
	assert_int_equal(rp_build_read(p, &b), 0);
	_cleanup_free_ char *got = rp_build_to_text(b);
	tl_expect_file(V2, got);
}

static void test_round_trip(void **state)
{
	_cleanup_free_ char *p = tl_src(V2);
	_cleanup_free_ char *want = read_text(V2);
	_cleanup_(rp_build_freep) struct rp_build *b = NULL;
	assert_int_equal(rp_build_read(p, &b), 0);
	_cleanup_free_ char *got = rp_build_to_text(b);
	assert_string_equal(got, want);
	assert_non_null(strstr(got, "{\n  \"schema\":\"kmodpack.build/2\","));
}

static void typed_values(const char *rel)
{
	_cleanup_free_ char *p = tl_src(rel);
	_cleanup_(rp_build_freep) struct rp_build *b = NULL;
	assert_int_equal(rp_build_read(p, &b), 0);
	assert_string_equal(b->driver_name, "helloworld");
	assert_int_equal(b->source_date_epoch, 1700000000);
	assert_int_equal(b->nflavours, 2);
	const struct rp_flavour *f = &b->flavours[0];
	assert_string_equal(f->name, "amd64");
	assert_int_equal(f->nmods, 1);
	assert_string_equal(f->mods[0].firmware.v[0], "helloworld/hello.fw");
	assert_non_null(f->hcl);
	assert_null(b->flavours[1].hcl);
	assert_int_equal(b->nskipped, 1);
	assert_string_equal(b->skipped[0].name, "rt-amd64");
	assert_string_equal(b->skipped[0].release, "6.1.0-56-rt-amd64");
	assert_int_equal(f->hcl->summary[RP_VERDICT_SUPPORTED], 1);
	assert_int_equal(f->hcl->ids[0].verdict, RP_VERDICT_SUPPORTED);
	assert_string_equal(f->hcl->ids[0].claimed_by.v[0], "pci_testdev");
	assert_null(f->hcl->ids[0].subvendor);
	const struct rp_artifact *rpm = rp_build_flavour_rpm(b, "cloud-amd64");
	assert_non_null(rpm);
	assert_int_equal(strlen(rpm->sha256), 64);
	assert_non_null(rp_build_artifact(b, RP_ARTIFACT_DATA_RPM));
	assert_true(b->has_data);
	assert_non_null(b->verify);
	assert_true(b->verify->passed);
	assert_int_equal(b->verify->flavours[1].mods[0].load.status, RP_PASS);
	assert_true(f->compile_seconds > 0);
	assert_non_null(b->verify->flavours[0].console);
}

static void test_typed_values(void **state)
{
	typed_values(V1);
	typed_values(V2);
}

/* Each broken report is refused with the file's path and what is wrong. */
static void expect_refused(const char *from, const char *to, const char *why)
{
	_cleanup_free_ char *text = fixture_text();
	_cleanup_free_ char *bad = tl_replace(text, from, to);
	assert_string_not_equal(bad, text);
	char *dir = tl_tmpdir();
	tl_write(dir, "build-report.json", bad);
	_cleanup_free_ char *p = kp_path_join(dir, "build-report.json");
	struct rp_build *b = (struct rp_build *)1;
	tl_log_reset();
	assert_int_equal(rp_build_read(p, &b), -KP_EINPUT);
	assert_null(b);
	assert_non_null(strstr(tl_log_text(), p));
	if (!strstr(tl_log_text(), why))
		fail_msg("expected '%s' in: %s", why, tl_log_text());
	/* The quiet reader refuses the same, without a word. */
	tl_log_reset();
	assert_int_equal(rp_build_try_read(p, &b), -KP_EINPUT);
	assert_string_equal(tl_log_text(), "");
	tl_tmpdir_free(dir);
}

static void test_refused(void **state)
{
	expect_refused("\"kind\":\"srpm\"", "\"kind\":\"tarball\"",
		       "artifacts[3].kind is not rpm, data-rpm, srpm, spec or debuginfo-rpm");
	expect_refused("\"release\":\"6.1.0-57-cloud-amd64\",\n      \"kver\"",
		       "\"release\":7,\n      \"kver\"", "flavours[1].release is not a string");
	expect_refused("\"source_date_epoch\":1700000000,", "", "source_date_epoch is missing");
	expect_refused("\"path\":\"SRPMS/", "\"path\":\"../SRPMS/",
		       "is not a path below the output dir");
	expect_refused("{\n  \"schema\"", "[\n  \"schema\"", "not a JSON build report");
	/* A newer schema is refused, not misread. */
	expect_refused("\"kmodpack.build/2\"", "\"kmodpack.build/3\"",
		       "written by a newer kmodpack (schema kmodpack.build/3");
	expect_refused("\"kmodpack.build/2\"", "\"something\"", "schema is not kmodpack.build/N");
}

/* Signed modules' signatures and --sig-enforce verdicts are read and written back. */
static void test_signature(void **state)
{
	_cleanup_free_ char *text = fixture_text();
	_cleanup_free_ char *t1 = tl_replace(
	    text, "\"signature\":null\n        }",
	    "\"signature\":{\n            \"signer\":\"Example Vendor key\",\n"
	    "            \"sig_key\":\"26:33:18:AB\",\n            \"sig_hashalgo\":\"sha256\"\n"
	    "          }\n        }");
	_cleanup_free_ char *signed_ = tl_replace(t1, "\"signature\":null\n            }",
						 "\"signature\":\"refused-unknown-key\"\n            }");
	assert_string_not_equal(signed_, t1);
	char *dir = tl_tmpdir();
	tl_write(dir, "build-report.json", signed_);
	_cleanup_free_ char *p = kp_path_join(dir, "build-report.json");
	_cleanup_(rp_build_freep) struct rp_build *b = NULL;
	assert_int_equal(rp_build_read(p, &b), 0);
	const struct rp_module *m = &b->flavours[0].mods[0];
	assert_string_equal(m->sig_signer, "Example Vendor key");
	assert_string_equal(m->sig_key, "26:33:18:AB");
	assert_string_equal(m->sig_hashalgo, "sha256");
	assert_string_equal(b->flavours[1].mods[0].sig_key, "26:33:18:AB");
	assert_string_equal(b->verify->flavours[0].mods[0].sig_verdict, "refused-unknown-key");
	assert_string_equal(b->verify->flavours[1].mods[0].sig_verdict, "refused-unknown-key");
	_cleanup_free_ char *got = rp_build_to_text(b);
	assert_string_equal(got, signed_);
	tl_tmpdir_free(dir);
	/* A signature without its key id is refused. */
	expect_refused("\"signature\":null\n        }",
		       "\"signature\":{\"signer\":\"x\",\"sig_hashalgo\":\"sha256\"}\n        }",
		       "flavours[0].modules[0].signature.sig_key is missing");
}

static void test_missing_file(void **state)
{
	struct rp_build *b = NULL;
	tl_log_reset();
	assert_int_equal(rp_build_read("/nonexistent/kmodpack/build-report.json", &b), -ENOENT);
	assert_non_null(strstr(tl_log_text(), "/nonexistent/kmodpack/build-report.json"));
}

int main(void)
{
	tl_log_capture();
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_upgrade),
	    cmocka_unit_test(test_round_trip),
	    cmocka_unit_test(test_typed_values),
	    cmocka_unit_test(test_refused),
	    cmocka_unit_test(test_signature),
	    cmocka_unit_test(test_missing_file),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
