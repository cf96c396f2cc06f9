// SPDX-License-Identifier: GPL-2.0-or-later
/* pci.ids parsing: CRLF, no final newline, unknown IDs, the class section, junk lines. */
#include "tests/unit/testlib.h"

#include <string.h>

#include "common/fs.h"
#include "common/log.h"
#include "hcl/pciids.h"

static struct hcl_pciids *open_text(const char *text)
{
	char *dir = tl_tmpdir();
	tl_write(dir, "pci.ids", text);
	char *p = kp_path_join(dir, "pci.ids");
	struct hcl_pciids *ids = NULL;
	assert_int_equal(hcl_pciids_open(p, &ids), 0);
	free(p);
	tl_tmpdir_free(dir);
	return ids;
}

static const char sample[] = "#\tList of PCI ID's\n"
			     "\n"
			     "8086  Intel Corporation\n"
			     "\t10fb  82599ES 10-Gigabit SFI/SFP+ Network Connection\n"
			     "\t\t1028 1f72  Ethernet 10G 4P X520/I350 rNDC\n"
			     "# a comment inside a vendor keeps the vendor\n"
			     "\t1528  Ethernet Controller 10-Gigabit X540-AT2\n"
			     "zzzz  not a vendor line\n"
			     "\tdead  belongs to no valid vendor\n"
			     "144d  Samsung Electronics Co Ltd\n"
			     "\ta808  NVMe SSD Controller SM981/PM981/PM983\n"
			     "C 01  Mass storage controller\n"
			     "\t08  Non-Volatile memory controller\n"
			     "\t\t02  NVM Express\n";

static void test_lookup(void **state)
{
	struct hcl_pciids *ids = open_text(sample);
	assert_string_equal(hcl_pciids_vendor(ids, 0x8086), "Intel Corporation");
	assert_string_equal(hcl_pciids_device(ids, 0x8086, 0x10fb),
			    "82599ES 10-Gigabit SFI/SFP+ Network Connection");
	assert_string_equal(hcl_pciids_device(ids, 0x8086, 0x1528),
			    "Ethernet Controller 10-Gigabit X540-AT2");
	assert_string_equal(hcl_pciids_subsystem(ids, 0x8086, 0x10fb, 0x1028, 0x1f72),
			    "Ethernet 10G 4P X520/I350 rNDC");
	assert_string_equal(hcl_pciids_device(ids, 0x144d, 0xa808),
			    "NVMe SSD Controller SM981/PM981/PM983");
	/* unknown IDs */
	assert_null(hcl_pciids_vendor(ids, 0x1234));
	assert_null(hcl_pciids_device(ids, 0x8086, 0xffff));
	assert_null(hcl_pciids_subsystem(ids, 0x8086, 0x10fb, 0x1028, 0x0000));
	/* the class section is not read as vendors; a device under a bad vendor is dropped */
	assert_null(hcl_pciids_vendor(ids, 0x0001));
	assert_null(hcl_pciids_device(ids, 0x144d, 0xdead));
	hcl_pciids_free(ids);
}

static void test_crlf_and_no_final_newline(void **state)
{
	struct hcl_pciids *ids = open_text("8086  Intel Corporation\r\n"
					   "\t10fb  82599ES\r\n"
					   "10de  NVIDIA Corporation");
	assert_string_equal(hcl_pciids_vendor(ids, 0x8086), "Intel Corporation");
	assert_string_equal(hcl_pciids_device(ids, 0x8086, 0x10fb), "82599ES");
	assert_string_equal(hcl_pciids_vendor(ids, 0x10de), "NVIDIA Corporation");
	hcl_pciids_free(ids);
}

static void test_missing_and_empty(void **state)
{
	struct hcl_pciids *ids = NULL;
	tl_log_capture();
	tl_log_reset();
	assert_int_equal(hcl_pciids_open("/nonexistent/pci.ids", &ids), -KP_EENV);
	assert_non_null(strstr(tl_log_text(), "--pci-ids"));
	tl_log_reset();
	ids = open_text("");
	assert_non_null(strstr(tl_log_text(), "no vendor entries"));
	assert_null(hcl_pciids_vendor(ids, 0x8086));
	hcl_pciids_free(ids);
	tl_log_reset();
}

static void test_real_database(void **state)
{
	struct hcl_pciids *ids = NULL;
	if (hcl_pciids_open("/usr/share/misc/pci.ids", &ids) < 0)
		skip();
	assert_string_equal(hcl_pciids_vendor(ids, 0x8086), "Intel Corporation");
	assert_non_null(strstr(hcl_pciids_device(ids, 0x8086, 0x10fb), "82599"));
	hcl_pciids_free(ids);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_lookup),
	    cmocka_unit_test(test_crlf_and_no_final_newline),
	    cmocka_unit_test(test_missing_and_empty),
	    cmocka_unit_test(test_real_database),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
