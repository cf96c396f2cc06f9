// SPDX-License-Identifier: GPL-2.0-or-later
/* MODULE_FIRMWARE cross-check against the data RPM. */
#include "tests/unit/testlib.h"

#include <string.h>

#include "common/fs.h"
#include "common/log.h"
#include "firmware/data.h"

struct env {
	char *tmp;
	struct fw_data *d;
};

/* A data package shipping hello/fw.bin and spare.bin, with vendor/ucode.bin external. */
static int setup(void **state)
{
	struct env *e = kp_calloc(1, sizeof(*e));
	e->tmp = tl_tmpdir();
	tl_write(e->tmp, "kmodpack.ini", "[data]\n");
	tl_write(e->tmp, "fw/hello/fw.bin", "f");
	tl_write(e->tmp, "fw/spare.bin", "s");
	_cleanup_free_ char *manifest = kp_path_join(e->tmp, "kmodpack.ini");
	struct kp_kv kv[] = {
	    {(char *)"firmware", (char *)"fw", 2},
	    {(char *)"firmware_external", (char *)"vendor/ucode.bin", 3},
	};
	struct fw_data_opts o = {.manifest = manifest,
				 .driver_dir = e->tmp,
				 .name = "hw",
				 .version = "1",
				 .release = "1"};
	tl_log_capture();
	tl_log_reset();
	assert_int_equal(fw_data_load(&o, kv, 2, &e->d), 0);
	*state = e;
	return 0;
}

static int teardown(void **state)
{
	struct env *e = *state;
	fw_data_free(e->d);
	tl_tmpdir_free(e->tmp);
	free(e);
	tl_log_reset();
	return 0;
}

static void test_all_shipped(void **state)
{
	struct env *e = *state;
	const char *a[] = {"hello/fw.bin"};
	const char *b[] = {"spare.bin", "vendor/ucode.bin"};
	struct fw_module_firmware mods[] = {{"helloworld", a, 1}, {"other", b, 2}};
	assert_int_equal(fw_data_check_firmware(e->d, mods, 2), 0);
	assert_string_equal(tl_log_text(), "");
}

static void test_missing_names_module(void **state)
{
	struct env *e = *state;
	const char *a[] = {"hello/fw.bin", "hello/missing.bin", "hello/missing.bin"};
	const char *b[] = {"spare.bin", "gone.bin"};
	struct fw_module_firmware mods[] = {{"helloworld", a, 3}, {"other", b, 2}};
	assert_int_equal(fw_data_check_firmware(e->d, mods, 2), -KP_EFAILED);
	assert_string_equal(tl_log_text(),
			    "firmware 'hello/missing.bin' wanted by module 'helloworld' is not "
			    "shipped: add it to [data] firmware or list it in firmware_external\n"
			    "firmware 'gone.bin' wanted by module 'other' is not shipped: add it "
			    "to [data] firmware or list it in firmware_external\n");
}

/* A module's MODULE_FIRMWARE is untrusted text: names no package can ship say so. */
static void test_names_outside_lib_firmware(void **state)
{
	struct env *e = *state;
	const char *a[] = {"../../etc/shadow", "/lib/firmware/hello/fw.bin", "hello/./fw.bin", "",
			   "hello/*.bin"};
	struct fw_module_firmware mods[] = {{"helloworld", a, 5}};
	assert_int_equal(fw_data_check_firmware(e->d, mods, 1), -KP_EFAILED);
	const char *log = tl_log_text();
	static const char *const outside[] = {"'../../etc/shadow'", "'/lib/firmware/hello/fw.bin'",
					      "'hello/./fw.bin'", "''"};
	for (size_t i = 0; i < KP_ARRAY_SIZE(outside); i++) {
		_cleanup_free_ char *want = kp_asprintf(
		    "firmware %s wanted by module 'helloworld' is not a file under /lib/firmware/: "
		    "no package can ship it; fix MODULE_FIRMWARE",
		    outside[i]);
		if (!strstr(log, want))
			fail_msg("no '%s' in:\n%s", want, log);
	}
	/* A glob is only a strange name: not shipped, the usual advice. */
	assert_non_null(strstr(log, "firmware 'hello/*.bin' wanted by module 'helloworld' is not "
				    "shipped: add it to [data] firmware"));
}

static void test_wrong_path_names_both(void **state)
{
	struct env *e = *state;
	/* shipped at /lib/firmware/spare.bin; the module asks for rtlwifi/spare.bin */
	const char *a[] = {"rtlwifi/spare.bin"};
	struct fw_module_firmware mods[] = {{"r8188eu", a, 1}};
	assert_int_equal(fw_data_check_firmware(e->d, mods, 1), -KP_EFAILED);
	assert_non_null(strstr(tl_log_text(),
			       "firmware 'rtlwifi/spare.bin' wanted by module 'r8188eu' would be "
			       "installed at '/lib/firmware/spare.bin', but the kernel loads "
			       "'/lib/firmware/rtlwifi/spare.bin': give it a destination "
			       "(firmware = SRC -> /lib/firmware/rtlwifi/)"));
}

static void test_directory_is_not_firmware(void **state)
{
	struct env *e = *state;
	/* /lib/firmware/hello is an owned directory, not a firmware file. */
	const char *a[] = {"hello"};
	struct fw_module_firmware mods[] = {{"helloworld", a, 1}};
	assert_int_equal(fw_data_check_firmware(e->d, mods, 1), -KP_EFAILED);
	assert_non_null(strstr(tl_log_text(), "firmware 'hello' wanted by module 'helloworld'"));
}

static void test_unused_is_warning(void **state)
{
	struct env *e = *state;
	const char *a[] = {"hello/fw.bin"};
	struct fw_module_firmware mods[] = {{"helloworld", a, 1}};
	assert_int_equal(fw_data_check_firmware(e->d, mods, 1), 0);
	assert_string_equal(tl_log_text(), "firmware 'spare.bin' is shipped but no module "
					   "declares it (MODULE_FIRMWARE)\n");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_all_shipped, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_missing_names_module, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_names_outside_lib_firmware, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_wrong_path_names_both, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_directory_is_not_firmware, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_unused_is_warning, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
