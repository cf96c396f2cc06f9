// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * install.sh: the one quoting function against hostile strings (read back
 * by a real sh), and the rendered script with hostile pack values, checked
 * by sh -n and run far enough to show the values stay data.
 */
#include "tests/unit/testlib.h"

#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "common/fs.h"
#include "common/log.h"
#include "common/util.h"
#include "pack/installsh.h"

static const char *const hostile[] = {
    "",
    "plain",
    "it's",
    "'",
    "''''",
    "'; touch /tmp/kmodpack-pwned; '",
    "$(touch /tmp/kmodpack-pwned)",
    "`touch /tmp/kmodpack-pwned`",
    "\"$HOME\" ${PATH} $0 $@ $* $1",
    "back\\slash\\'",
    "new\nline\n",
    "tab\there",
    "* ? [a-z] ~root",
    "-n",
    "--root=/",
    "\x01\x7f\xc3\xa9",
    "a;b|c&d>e<f(g)h{i}j!k#l",
};

static void test_quote(void **state)
{
	char *dir = tl_tmpdir();
	for (size_t i = 0; i < KP_ARRAY_SIZE(hostile); i++) {
		_cleanup_free_ char *q = pk_sh_quote(hostile[i]);
		/* printf '%s' WORD through a real sh prints the string back, byte for byte. */
		_cleanup_free_ char *script = kp_asprintf("printf '%%s' %s > %s/out\n", q, dir);
		tl_write(dir, "t.sh", script);
		free(tl_run("sh %s/t.sh", dir));
		_cleanup_free_ char *out = kp_path_join(dir, "out");
		_cleanup_free_ char *got = NULL;
		size_t len = 0;
		assert_int_equal(kp_read_file(out, &got, &len), 0);
		assert_int_equal(len, strlen(hostile[i]));
		assert_memory_equal(got, hostile[i], len);
	}
	struct stat st;
	assert_int_not_equal(stat("/tmp/kmodpack-pwned", &st), 0);
	tl_tmpdir_free(dir);
}

static void test_cpio_pattern(void **state)
{
	_cleanup_free_ char *p = pk_cpio_pattern("/usr/share/doc/a*b?[c]\\d-EULA");
	assert_string_equal(p, "./usr/share/doc/a\\*b\\?\\[c\\]\\\\d-EULA");
	struct pk_file f = {.path = "/usr/share/doc/x/my-pack-EULA", .mode = 0100644};
	assert_true(pk_is_eula(&f));
	f.mode = 0040755;
	assert_false(pk_is_eula(&f));
	f = (struct pk_file){.path = "/usr/share/doc/EULA.txt", .mode = 0100644};
	assert_false(pk_is_eula(&f));
}

static void test_render(void **state)
{
	struct pk_meta m;
	pk_meta_init(&m);
	m.vendor_code = kp_strdup("acme");
	m.label = kp_strdup("p");
	m.text = kp_strdup("'; touch /tmp/kmodpack-pwned; '");
	m.product = kp_strdup("$(touch /tmp/kmodpack-pwned)");
	m.version = kp_strdup("1.0");
	m.req = kp_calloc(1, sizeof(*m.req));
	m.nreq = 1;
	m.req[0] = (struct pk_requires){.originator = kp_strdup("xs"),
					.name = kp_strdup("main"),
					.test = kp_strdup("ge"),
					.product = kp_strdup("`touch /tmp/kmodpack-pwned`"),
					.version = kp_strdup("6.5.0")};
	struct pk_file files[] = {{.path = "/usr/share/doc/a'b-EULA", .mode = 0100644}};
	struct pk_rpm r = {.name = "x$(id)",
			   .version = "1",
			   .release = "1",
			   .filename = "x'`id`.rpm",
			   .size = 3,
			   .files = files,
			   .nfiles = 1};
	strcpy(r.md5, "0123456789abcdef0123456789abcdef");
	struct pk_entry e = {.rpm = &r, .kind = {.type = PK_PKG_RPM}};
	_cleanup_free_ char *sh = NULL;
	assert_int_equal(pk_install_sh(&m, &e, 1, &sh), 0);
	assert_non_null(strstr(sh, "pack_text=''\\''; touch /tmp/kmodpack-pwned; '\\'''\n"));
	assert_non_null(strstr(sh, "\t\"$@\" 'x'\\''`id`.rpm' 'x$(id)' '1-1' "
				   "'0123456789abcdef0123456789abcdef' '3' 'U' || return\n"));

	char *dir = tl_tmpdir();
	tl_write(dir, "install.sh", sh);
	free(tl_run("sh -n %s/install.sh", dir));
	/* Run it against an empty root: it stops at the product check, having run nothing. */
	tl_write(dir, "root/etc/xensource-inventory", "PRODUCT_BRAND='XenServer'\n");
	_cleanup_free_ char *out =
	    tl_run("sh %s/install.sh --root %s/root 2>&1; echo \"status=$?\"", dir, dir);
	assert_non_null(strstr(out, "this pack is for $(touch /tmp/kmodpack-pwned); the host "
				    "runs XenServer"));
	assert_non_null(strstr(out, "status=2"));
	_cleanup_free_ char *help = tl_run("sh %s/install.sh --help", dir);
	assert_non_null(strstr(help, "4  a EULA was not accepted"));
	struct stat st;
	assert_int_not_equal(stat("/tmp/kmodpack-pwned", &st), 0);
	tl_tmpdir_free(dir);
	pk_meta_release(&m);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_quote),
	    cmocka_unit_test(test_cpio_pattern),
	    cmocka_unit_test(test_render),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
