// SPDX-License-Identifier: GPL-2.0-or-later
/* The safe XML reader packs are read back with (common/xml.c). */
#include "common/xml.h"

#include "common/log.h"
#include "common/util.h"
#include "tests/unit/testlib.h"

static void test_tree(void **state)
{
	static const char doc[] = "<?xml version=\"1.0\"?>\n"
				  "<repository originator=\"acme\" name=\"a&amp;b\">\n"
				  "  <description>Hello <![CDATA[<raw>]]> drivers</description>\n"
				  "  <requires originator=\"xs\" name=\"main\" test=\"ge\"/>\n"
				  "</repository>\n";
	_cleanup_(kp_xml_freep) struct kp_xml_node *root = NULL;
	assert_int_equal(kp_xml_parse("XS-REPOSITORY", doc, sizeof(doc) - 1, &root), 0);
	assert_string_equal(root->name, "repository");
	assert_int_equal(root->line, 2);
	assert_string_equal(kp_xml_attr(root, "name"), "a&b");
	assert_null(kp_xml_attr(root, "missing"));
	assert_int_equal(root->nchildren, 2);
	assert_string_equal(root->children[0].text, "Hello <raw> drivers");
	assert_int_equal(root->children[0].text_line, 3);
	assert_int_equal(root->text_line, 0); /* white space only */
	assert_string_equal(root->children[1].name, "requires");
	assert_int_equal(root->children[1].line, 4);
	assert_string_equal(kp_xml_attr(&root->children[1], "test"), "ge");
}

static void expect_refused(const char *doc, const char *msg)
{
	struct kp_xml_node *root = (struct kp_xml_node *)1;
	tl_log_reset();
	assert_int_equal(kp_xml_parse("f.xml", doc, strlen(doc), &root), -KP_EINPUT);
	assert_null(root);
	if (!strstr(tl_log_text(), msg))
		fail_msg("'%s' not in: %s", msg, tl_log_text());
}

/* Untrusted input: no DOCTYPE, so no entity expansion and nothing fetched. */
static void test_refused(void **state)
{
	tl_log_capture();
	expect_refused("<a><b></a>", "f.xml:1: malformed XML");
	expect_refused("<?xml version=\"1.0\"?>\n<!DOCTYPE a [<!ENTITY x \"y\">]>\n<a>&x;</a>",
		       "f.xml:2: a DOCTYPE is not allowed");
	expect_refused("<!DOCTYPE a SYSTEM \"http://example.com/a.dtd\"><a/>",
		       "a DOCTYPE is not allowed");
	expect_refused("", "malformed XML");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_tree),
	    cmocka_unit_test(test_refused),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
