// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * dkms/conf.c: dkms.conf read as data. The idioms are the ones public
 * drivers' dkms.conf files use (quoted 'make', -j$(nproc) with a cap,
 * ${kernelver}, arrays, continuation lines); everything that needs a shell
 * is refused with file:line.
 */
#include "tests/unit/testlib.h"

#include <string.h>

#include "common/log.h"
#include "dkms/conf.h"

static struct dk_conf *parse(const char *text)
{
	struct dk_conf *c = NULL;
	int r = dk_conf_parse("d/dkms.conf", text, strlen(text), &c);
	assert_true(r == 0 || !c);
	return c;
}

static const char *get(const struct dk_conf *c, const char *name, int index)
{
	const struct dk_var *v = dk_conf_get(c, name, index);
	assert_non_null(v);
	return v->value;
}

static void test_quoting(void **state)
{
	_cleanup_(dk_conf_freep) struct dk_conf *c =
	    parse("# a comment\n"
		  "PACKAGE_NAME=\"realtek-rtl88xxau\"\n"
		  "PACKAGE_VERSION='5.6.4.2~2020'   # trailing comment\n"
		  "CLEAN=\"'make' clean\"\n"
		  "BUILT_MODULE_NAME[0]=88XXau\n"
		  "DEST_MODULE_LOCATION[0]=\"/updates\"\n"
		  "MAKE=\"make a \\\n   b\"\n"
		  "X=un\\ quoted#not-a-comment\n"
		  "Y=a\"b c\"'d e'\n"
		  "AUTOINSTALL=yes REMAKE_INITRD=no\n");
	assert_non_null(c);
	assert_string_equal(get(c, "PACKAGE_NAME", -1), "realtek-rtl88xxau");
	assert_string_equal(get(c, "PACKAGE_VERSION", -1), "5.6.4.2~2020");
	assert_string_equal(get(c, "CLEAN", -1), "'make' clean");
	assert_string_equal(get(c, "BUILT_MODULE_NAME", 0), "88XXau");
	assert_string_equal(get(c, "MAKE", 0), "make a    b");
	assert_string_equal(get(c, "X", -1), "un quoted#not-a-comment");
	assert_string_equal(get(c, "Y", -1), "ab cd e");
	assert_string_equal(get(c, "REMAKE_INITRD", -1), "no");
	assert_int_equal(dk_conf_get(c, "MAKE", 0)->line, 7);
	assert_int_equal(dk_conf_get(c, "AUTOINSTALL", -1)->line, 11);
	assert_int_equal(c->notes.n, 0);
}

static void test_arrays_and_append(void **state)
{
	_cleanup_(dk_conf_freep) struct dk_conf *c = parse("BUILT_MODULE_NAME=(\n"
							   "  \"rtw_core\" # core\n"
							   "  rtw_pci\n"
							   ")\n"
							   "BUILT_MODULE_NAME[3]=rtw_usb\n"
							   "V=1\nV+=.2\n");
	assert_non_null(c);
	assert_string_equal(get(c, "BUILT_MODULE_NAME", 0), "rtw_core");
	assert_string_equal(get(c, "BUILT_MODULE_NAME", 1), "rtw_pci");
	assert_null(dk_conf_get(c, "BUILT_MODULE_NAME", 2));
	assert_int_equal(dk_conf_max_index(c, "BUILT_MODULE_NAME"), 3);
	assert_string_equal(get(c, "V", -1), "1.2");
}

static void test_dkms_variables(void **state)
{
	_cleanup_(dk_conf_freep) struct dk_conf *c =
	    parse("PACKAGE_NAME=tn40xx\n"
		  "PACKAGE_VERSION=006\n"
		  "MAKE[0]=\"make -C ${kernel_source_dir} "
		  "M=${dkms_tree}/${PACKAGE_NAME}/${PACKAGE_VERSION}/build KVERSION=$kernelver\"\n"
		  "A=\"$arch ${parallel_jobs+-j$parallel_jobs} ${UNSET:-dflt} ${UNSET+no}\"\n"
		  "B='$kernelver stays for the second reading'\n"
		  "C=\"{literal} \\$kernelver\"\n");
	assert_non_null(c);
	assert_string_equal(get(c, "MAKE", 0),
			    "make -C {tree} M={dkms_tree}/tn40xx/006/build KVERSION={release}");
	assert_string_equal(get(c, "A", -1), "{arch} -j{jobs} dflt ");
	assert_string_equal(get(c, "B", -1), "$kernelver stays for the second reading");
	assert_string_equal(get(c, "C", -1), "{{literal} $kernelver");
}

static void test_job_count_idioms(void **state)
{
	_cleanup_(dk_conf_freep) struct dk_conf *c =
	    parse("PROCS_NUM=`nproc`\n"
		  "[ $PROCS_NUM -gt 16 ] && PROCS_NUM=16\n"
		  "J=$(nproc --all)\n"
		  "MAKE=\"'make' -j$PROCS_NUM KVER=${kernelver} "
		  "KSRC=/lib/modules/${kernelver}/build\"\n");
	assert_non_null(c);
	assert_string_equal(get(c, "MAKE", -1),
			    "'make' -j{jobs} KVER={release} KSRC=/lib/modules/{release}/build");
	assert_string_equal(get(c, "J", -1), "{jobs}");
	assert_int_equal(c->notes.n, 1);
	assert_non_null(strstr(c->notes.v[0], "d/dkms.conf:2: '[ $PROCS_NUM -gt 16 ]"));
}

static void test_words(void **state)
{
	_cleanup_(dk_conf_freep) struct dk_conf *c =
	    parse("PACKAGE_NAME=x\nMAKE=\"'make' -j{x} \\\"A=b c\\\" 'KVER=\\$kernelver'\"\n");
	assert_non_null(c);
	const struct dk_var *v = dk_conf_get(c, "MAKE", 0);
	_cleanup_strv_ struct kp_strv w = {0};
	assert_int_equal(dk_conf_words(c, v->value, v->line, &w), 0);
	assert_int_equal(w.n, 4);
	assert_string_equal(w.v[0], "make");
	assert_string_equal(w.v[1], "-j{{x}");
	assert_string_equal(w.v[2], "A=b c");
	assert_string_equal(w.v[3], "KVER=$kernelver");

	_cleanup_strv_ struct kp_strv w2 = {0};
	assert_int_equal(dk_conf_words(c, "make KVER=$kernelver N=$PACKAGE_NAME", 3, &w2), 0);
	assert_string_equal(w2.v[1], "KVER={release}");
	assert_string_equal(w2.v[2], "N=x");

	static const char *const bad[] = {"make; rm -rf /",	"make | tee log",
					  "make && ./x",	"make *.c",
					  "make\nmake install", "make $(uname -r)"};
	for (size_t i = 0; i < KP_ARRAY_SIZE(bad); i++) {
		tl_log_reset();
		_cleanup_strv_ struct kp_strv wb = {0};
		assert_int_equal(dk_conf_words(c, bad[i], 9, &wb), -KP_EINPUT);
		assert_non_null(strstr(tl_log_text(), "d/dkms.conf:"));
		assert_non_null(strstr(tl_log_text(), "needs a shell"));
	}
}

static void test_shell_refused(void **state)
{
	static const struct {
		const char *text, *msg;
	} cases[] = {
	    {"A=1\nif [ -e /x ]; then\nA=2\nfi\n",
	     "d/dkms.conf:2: the conditional 'if' needs a shell"},
	    {"A=1; B=2\n", "d/dkms.conf:1: ';' needs a shell"},
	    {"A=1\n[ -e /x ] && A=2\n", "d/dkms.conf:2: the test '[' needs a shell"},
	    {"V=$(uname -r)\n",
	     "d/dkms.conf:1: the command substitution '$(uname -r)' needs a shell"},
	    {"V=\"`cat VERSION`\"\n", "the command substitution '`cat VERSION`' needs a shell"},
	    {"\n\nsource ./common.sh\n", "d/dkms.conf:3: the command 'source' needs a shell"},
	    {". ./common.sh\n", "d/dkms.conf:1: the command '.' needs a shell"},
	    {"f() { A=1; }\n", "d/dkms.conf:1: the function 'f()' needs a shell"},
	    {"for i in a b; do A=1; done\n", "the loop 'for' needs a shell"},
	    {"MAKE=\"make KVER=$KVER\"\n", "d/dkms.conf:1: '$KVER' is not set"},
	    {"A=$((1+2))\n", "arithmetic"},
	    {"A=\"unterminated\n", "d/dkms.conf:1: unterminated double quote"},
	    {"A=1 make\n", "the command 'make' after an assignment"},
	    {"A=x|y\n", "'|' needs a shell"},
	    {"A=~/src\n", "'~' (a home directory) needs a shell"},
	    {"A=\"a\"\x01\n", "d/dkms.conf:1: control byte 0x01"},
	};
	for (size_t i = 0; i < KP_ARRAY_SIZE(cases); i++) {
		tl_log_reset();
		struct dk_conf *c = NULL;
		assert_int_equal(
		    dk_conf_parse("d/dkms.conf", cases[i].text, strlen(cases[i].text), &c),
		    -KP_EINPUT);
		assert_null(c);
		if (!strstr(tl_log_text(), cases[i].msg))
			fail_msg("case %zu: '%s' not in '%s'", i, cases[i].msg, tl_log_text());
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_quoting, tl_setup_log, tl_teardown_log),
	    cmocka_unit_test_setup_teardown(test_arrays_and_append, tl_setup_log, tl_teardown_log),
	    cmocka_unit_test_setup_teardown(test_dkms_variables, tl_setup_log, tl_teardown_log),
	    cmocka_unit_test_setup_teardown(test_job_count_idioms, tl_setup_log, tl_teardown_log),
	    cmocka_unit_test_setup_teardown(test_words, tl_setup_log, tl_teardown_log),
	    cmocka_unit_test_setup_teardown(test_shell_refused, tl_setup_log, tl_teardown_log),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
