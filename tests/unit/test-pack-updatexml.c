// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * update.xml and the comps groups file: the bytes written, read back
 * through the untrusted-XML reader with every problem named by line, the
 * name-based uuid, and real-world comps files (build-update's DOCTYPE).
 */
#include "tests/unit/testlib.h"

#include <string.h>

#include "common/log.h"
#include "common/util.h"
#include "pack/updatexml.h"

static void test_uuid(void **state)
{
	char a[37], b[37], c[37];
	pk_uuid_from_name("acme\nnic\n1.0\n7", a);
	pk_uuid_from_name("acme\nnic\n1.0\n7", b);
	pk_uuid_from_name("acme\nnic\n1.1\n7", c);
	assert_string_equal(a, b);
	assert_string_not_equal(a, c);
	assert_true(pk_uuid_valid(a));
	assert_true(pk_uuid_valid(c));
	assert_int_equal(a[14], '8');		/* version 8 */
	assert_non_null(strchr("89ab", a[19])); /* RFC variant */
	assert_false(pk_uuid_valid("0F5E3C2A-1B2C-4D3E-8F4A-5B6C7D8E9F00"));
	assert_false(pk_uuid_valid("0f5e3c2a-1b2c-4d3e-8f4a-5b6c7d8e9f0"));
	assert_false(pk_uuid_valid("0f5e3c2a1b2c-4d3e-8f4a-5b6c7d8e9f00x"));
	assert_true(pk_uuid_valid("0f5e3c2a-1b2c-4d3e-8f4a-5b6c7d8e9f00"));
}

static void test_roundtrip(void **state)
{
	struct pk_update_info u = {.name_label = "acme-nic",
				   .version = "2.10",
				   .uuid = "0f5e3c2a-1b2c-4d3e-8f4a-5b6c7d8e9f00",
				   .description = "NIC <fast> & \"quiet\"",
				   .guidance = "restartHost",
				   .key = "RPM-GPG-KEY-acme",
				   .installation_size = 123456};
	_cleanup_free_ char *x = pk_update_xml(&u);
	assert_string_equal(
	    x, "<?xml version=\"1.0\" ?>\n<update name-label=\"acme-nic\" version=\"2.10\" "
	       "uuid=\"0f5e3c2a-1b2c-4d3e-8f4a-5b6c7d8e9f00\" installation-size=\"123456\" "
	       "after-apply-guidance=\"restartHost\" key=\"RPM-GPG-KEY-acme\">\n"
	       "  <name-description>NIC &lt;fast&gt; &amp; \"quiet\"</name-description>\n"
	       "</update>\n");
	struct pk_update_info r;
	assert_int_equal(pk_update_parse("update.xml", x, strlen(x), &r), 0);
	assert_string_equal(r.name_label, "acme-nic");
	assert_string_equal(r.description, "NIC <fast> & \"quiet\"");
	assert_string_equal(r.key, "RPM-GPG-KEY-acme");
	assert_null(r.control);
	assert_true(r.installation_size == 123456);
	pk_update_info_release(&r);
}

static void expect_bad(const char *xml, const char *msg)
{
	tl_log_reset();
	struct pk_update_info r;
	assert_int_equal(pk_update_parse("u.xml", xml, strlen(xml), &r), -KP_EINPUT);
	if (!strstr(tl_log_text(), msg))
		fail_msg("log '%s' lacks '%s'", tl_log_text(), msg);
	assert_null(r.name_label);
}

static void test_bad(void **state)
{
	expect_bad("<update name-label='a' version='1' uuid='x'>\n<name-description/></update>",
		   "u.xml:1: uuid=\"x\" is not a UUID");
	expect_bad("\n<update version='1' uuid='0f5e3c2a-1b2c-4d3e-8f4a-5b6c7d8e9f00'/>",
		   "u.xml:2: <update> has no name-label=");
	expect_bad("<update name-label='a' version='1' "
		   "uuid='0f5e3c2a-1b2c-4d3e-8f4a-5b6c7d8e9f00'/>",
		   "has no <name-description>");
	expect_bad("<update name-label='a' version='1' uuid='0f5e3c2a-1b2c-4d3e-8f4a-5b6c7d8e9f00' "
		   "installation-size='-5'><name-description/></update>",
		   "installation-size=\"-5\" is not a number");
	expect_bad("<update name-label='a' version='1' uuid='0f5e3c2a-1b2c-4d3e-8f4a-5b6c7d8e9f00' "
		   "after-apply-guidance='restartHost,reboot'><name-description/></update>",
		   "after-apply-guidance=\"restartHost,reboot\"");
	expect_bad("<patch/>", "the root element is <patch>, not <update>");
	expect_bad("<!DOCTYPE u [<!ENTITY e SYSTEM 'file:///etc/passwd'>]><update>&e;</update>",
		   "u.xml:1:");
	expect_bad("<update", "malformed XML");
}

static void test_comps(void **state)
{
	const char *pkgs[] = {"update-acme", "acme-modules-xen"};
	_cleanup_free_ char *c = pk_comps_xml("acme <nic>", pkgs, 2, true);
	struct pk_comps g;
	assert_int_equal(pk_comps_parse("comps.xml", c, strlen(c), &g), 0);
	assert_int_equal(g.n, 2);
	const struct pk_comps_group *d = pk_comps_group(&g, "drivers");
	assert_non_null(d);
	assert_int_equal(d->packages.n, 2);
	assert_string_equal(d->packages.v[1], "acme-modules-xen");
	assert_non_null(pk_comps_group(&g, "update"));
	pk_comps_release(&g);
	_cleanup_free_ char *u = pk_comps_xml("x", pkgs, 1, false);
	assert_int_equal(pk_comps_parse("comps.xml", u, strlen(u), &g), 0);
	assert_null(pk_comps_group(&g, "drivers"));
	pk_comps_release(&g);

	/* As build-update writes it: a DOCTYPE naming comps.dtd, nothing declared. */
	const char *real = "<!DOCTYPE comps PUBLIC \"-//Red Hat, Inc.//DTD Comps info//EN\" "
			   "\"comps.dtd\">\n<comps>\n  <group>\n   <id>update</id>\n"
			   "    <packagelist>\n      <packagereq type=\"mandatory\">update-x"
			   "</packagereq>\n    </packagelist>\n  </group>\n</comps>\n";
	assert_int_equal(pk_comps_parse("comps.xml", real, strlen(real), &g), 0);
	assert_string_equal(pk_comps_group(&g, "update")->packages.v[0], "update-x");
	pk_comps_release(&g);
	/* One that declares something is still refused. */
	tl_log_reset();
	const char *ent = "<!DOCTYPE comps [<!ENTITY x 'y'>]>\n<comps/>";
	assert_int_equal(pk_comps_parse("c.xml", ent, strlen(ent), &g), -KP_EINPUT);
	assert_non_null(strstr(tl_log_text(), "DOCTYPE is not allowed"));
	tl_log_reset();
	const char *noid = "<comps>\n<group><name>n</name></group></comps>";
	assert_int_equal(pk_comps_parse("c.xml", noid, strlen(noid), &g), -KP_EINPUT);
	assert_non_null(strstr(tl_log_text(), "c.xml:2: <group> has no <id>"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_uuid),
	    cmocka_unit_test_setup_teardown(test_roundtrip, tl_setup_log, tl_teardown_log),
	    cmocka_unit_test_setup_teardown(test_bad, tl_setup_log, tl_teardown_log),
	    cmocka_unit_test_setup_teardown(test_comps, tl_setup_log, tl_teardown_log),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
