// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * common/ini.c and kp_strstrip against hostile text: bytes an editor does
 * not show, headers inih would truncate, and inputs large enough that a
 * quadratic step would take minutes.
 */
#include "tests/unit/testlib.h"

#include <string.h>

#include "common/fs.h"
#include "common/ini.h"
#include "common/log.h"
#include "common/util.h"
#include "kbuild/target.h"

/* Load the bytes [s, s+n) as an INI file; returns kp_ini_load's code. */
static int load_bytes(const char *dir, const char *s, size_t n, struct kp_ini **out)
{
	_cleanup_free_ char *path = kp_path_join(dir, "x.ini");
	assert_int_equal(kp_write_file(path, s, n, 0644), 0);
	return kp_ini_load(path, out);
}

static void test_nul_byte_refused(void **state)
{
	struct tl_fixture *fx = *state;
	static const char text[] = "[package]\nsummary = before\0after\nname = x\n";
	_cleanup_(kp_ini_freep) struct kp_ini *ini = NULL;
	assert_int_equal(load_bytes(fx->dir, text, sizeof(text) - 1, &ini), -KP_EINPUT);
	assert_null(ini);
	assert_non_null(strstr(tl_log_text(), "x.ini:2: NUL byte"));
}

static void test_control_bytes_refused(void **state)
{
	struct tl_fixture *fx = *state;
	const char *bad[] = {"a = b\x1b[2Jc\n", "a = b\rc = d\n", "a = \x7f\n", "a = b\x01\n"};
	for (size_t i = 0; i < KP_ARRAY_SIZE(bad); i++) {
		tl_log_reset();
		_cleanup_(kp_ini_freep) struct kp_ini *ini = NULL;
		assert_int_equal(load_bytes(fx->dir, bad[i], strlen(bad[i]), &ini), -KP_EINPUT);
		assert_non_null(strstr(tl_log_text(), "x.ini:1: control byte"));
	}
}

static void test_tabs_and_crlf_accepted(void **state)
{
	struct tl_fixture *fx = *state;
	const char *text = "[s]\r\nkey\t=\tone\r\n  two\r\n";
	_cleanup_(kp_ini_freep) struct kp_ini *ini = NULL;
	assert_int_equal(load_bytes(fx->dir, text, strlen(text), &ini), 0);
	assert_int_equal(ini->n, 1);
	assert_string_equal(ini->e[0].kv.value, "one\ntwo");
}

/* A NUL inside a long line once hid the tail from the length check, and inih re-read it as a key.
 */
static void test_no_silent_split(void **state)
{
	struct tl_fixture *fx = *state;
	struct kp_buf b = {0};
	kp_buf_adds(&b, "[package]\nsummary = x");
	kp_buf_addc(&b, '\0');
	for (int i = 0; i < 9000; i++)
		kp_buf_addc(&b, 'y');
	kp_buf_adds(&b, "evil = 1\n");
	_cleanup_(kp_ini_freep) struct kp_ini *ini = NULL;
	assert_int_equal(load_bytes(fx->dir, b.s, b.len, &ini), -KP_EINPUT);
	assert_non_null(strstr(tl_log_text(), "x.ini:2:"));
	kp_buf_release(&b);

	/* Too long without a NUL: refused at its line too, never split. */
	tl_log_reset();
	kp_buf_adds(&b, "[package]\nsummary = ");
	for (int i = 0; i < 1100000; i++)
		kp_buf_addc(&b, 'y');
	kp_buf_adds(&b, "\n");
	_cleanup_(kp_ini_freep) struct kp_ini *ini2 = NULL;
	assert_int_equal(load_bytes(fx->dir, b.s, b.len, &ini2), -KP_EINPUT);
	/* The message states the true limit and the line's length. */
	assert_non_null(strstr(tl_log_text(), "x.ini:2: line is 1100010 bytes long: kmodpack reads "
					      "lines of at most 1048573 bytes"));
	kp_buf_release(&b);
}

/* Lines as long as people write them (and far longer) are read whole. */
static void test_long_lines_read(void **state)
{
	struct tl_fixture *fx = *state;
	static const int lengths[] = {199, 200, 201, 8189, 8190, 100000, 1048573, 1048573};
	for (size_t i = 0; i < KP_ARRAY_SIZE(lengths); i++) {
		struct kp_buf b = {0};
		kp_buf_adds(&b, "[driver]\nsummary = ");
		/* the whole line "summary = yyy..." is lengths[i] bytes */
		for (int k = 0; k < lengths[i] - 10; k++)
			kp_buf_addc(&b, 'y');
		kp_buf_adds(&b, i % 2 ? "\r\n" : "\n");
		kp_buf_adds(&b, "name = after\n");
		_cleanup_(kp_ini_freep) struct kp_ini *ini = NULL;
		tl_log_reset();
		if (load_bytes(fx->dir, b.s, b.len, &ini) != 0)
			fail_msg("%d bytes: %s", lengths[i], tl_log_text());
		assert_int_equal(ini->n, 2);
		assert_int_equal(strlen(ini->e[0].kv.value), (size_t)(lengths[i] - 10));
		assert_string_equal(ini->e[1].kv.value, "after");
		assert_int_equal(ini->e[1].kv.line, 3);
		kp_buf_release(&b);
	}
}

static void test_long_section_refused(void **state)
{
	struct tl_fixture *fx = *state;
	const char *text =
	    "[flavour abcdefghijabcdefghijabcdefghijabcdefghijabcdefghij]\ntree = /\n";
	_cleanup_(kp_ini_freep) struct kp_ini *ini = NULL;
	assert_int_equal(load_bytes(fx->dir, text, strlen(text), &ini), -KP_EINPUT);
	assert_non_null(strstr(tl_log_text(), "x.ini:1: section name longer than"));
}

/* kmodpack targets -t FILE died with SIGSEGV on this file. */
static void test_target_long_flavour(void **state)
{
	struct tl_fixture *fx = *state;
	tl_write(fx->dir, "t.ini",
		 "[target]\nname = x\n"
		 "[flavour abcdefghijabcdefghijabcdefghijabcdefghijabcdefghij]\n"
		 "tree = /usr/src\n");
	_cleanup_free_ char *path = kp_path_join(fx->dir, "t.ini");
	_cleanup_(kb_target_freep) struct kb_target *t = NULL;
	assert_int_equal(kb_target_load(path, &t), -KP_EINPUT);
	assert_non_null(strstr(tl_log_text(), "t.ini:3: section name longer than"));
}

/*
 * Every section a key is reported in is one sections[] holds, at its header's
 * line: inih also reads an indented header (before any key of its section) and
 * one after a UTF-8 byte order mark as headers. kmodpack targets -t FILE died
 * with SIGSEGV on both (found by fuzz-target).
 */
static void test_headers_as_inih_reads_them(void **state)
{
	(void)state;
	static const struct {
		const char *text, *section;
		int line;
	} in[] = {
	    {"[target]\n [flavour a]\ntree = /\n", "flavour a", 2},
	    {"\t[flavour a]\ntree = /\n", "flavour a", 1},
	    {"\xEF\xBB\xBF[flavour a]\ntree = /\n", "flavour a", 1},
	    {"\xEF\xBB\xBF  [flavour a]\ntree = /\n", "flavour a", 1},
	    /* After a key, an indented line continues its value: no header. */
	    {"[s]\nkey = one\n [two]\n", "s", 1},
	};
	for (size_t i = 0; i < KP_ARRAY_SIZE(in); i++) {
		_cleanup_(kp_ini_freep) struct kp_ini *ini = NULL;
		assert_int_equal(kp_ini_parse("m.ini", in[i].text, &ini), 0);
		assert_int_equal(ini->n, 1);
		assert_string_equal(ini->e[0].section, in[i].section);
		bool held = false;
		for (size_t k = 0; k < ini->nsections; k++)
			if (!strcmp(ini->sections[k].name, in[i].section)) {
				held = true;
				assert_int_equal(ini->sections[k].line, in[i].line);
			}
		assert_true(held);
	}
	_cleanup_(kp_ini_freep) struct kp_ini *ini = NULL;
	assert_int_equal(kp_ini_parse("m.ini", "[s]\nkey = one\n [two]\n", &ini), 0);
	assert_string_equal(ini->e[0].kv.value, "one\n[two]");
	assert_int_equal(ini->nsections, 1);
}

/* The same indented header in a target file: its flavour, not a crash. */
static void test_target_indented_flavour(void **state)
{
	struct tl_fixture *fx = *state;
	tl_write(fx->dir, "t.ini", "[target]\nname = x\n [flavour a]\ntree = /\n");
	_cleanup_free_ char *path = kp_path_join(fx->dir, "t.ini");
	_cleanup_(kb_target_freep) struct kb_target *t = NULL;
	/* The tree / is no kernel tree: an error about it, at the flavour. */
	assert_int_equal(kb_target_load(path, &t), -KP_EINPUT);
	assert_non_null(strstr(tl_log_text(), "flavour a"));
}

/* 8 MiB of continuation lines: seconds when the merge was quadratic, milliseconds now. */
static void test_continuation_linear(void **state)
{
	struct tl_fixture *fx = *state;
	struct kp_buf b = {0};
	kp_buf_adds(&b, "[package]\ndescription = start\n");
	char line[101];
	memset(line, 'd', sizeof(line) - 1);
	line[0] = ' ';
	line[sizeof(line) - 1] = '\0';
	size_t lines = 8 * 1024 * 1024 / 101;
	for (size_t i = 0; i < lines; i++) {
		kp_buf_adds(&b, line);
		kp_buf_addc(&b, '\n');
	}
	_cleanup_(kp_ini_freep) struct kp_ini *ini = NULL;
	assert_int_equal(load_bytes(fx->dir, b.s, b.len, &ini), 0);
	assert_int_equal(ini->n, 1);
	assert_int_equal(strlen(ini->e[0].kv.value), strlen("start") + lines * 100);
	kp_buf_release(&b);
}

static void test_strstrip_linear(void **state)
{
	size_t n = 4 * 1024 * 1024;
	char *s = kp_malloc(n + 4);
	memset(s, ' ', n);
	memcpy(s + n, "x \t", 4);
	assert_string_equal(kp_strstrip(s), "x");
	free(s);

	char plain[] = "  a b  ";
	assert_string_equal(kp_strstrip(plain), "a b");
	char empty[] = " \t\n";
	assert_string_equal(kp_strstrip(empty), "");
}

/* kp_ini_parse_mem() is the reader kp_ini_load() calls: the same bytes read the same. */
static void test_memory_reads_as_file(void **state)
{
	struct tl_fixture *fx = *state;
	static const struct {
		const char *s;
		size_t n;
	} in[] = {
	    {"", 0},
	    {"[s]\nkey = last line without a newline", 37},
	    {"[s]\nkey = one\n  two\n  .\n  three\n", 32},
	    {"[s]\nsummary = before\0after\n", 27},
	    {"[s]\nkey = \xff\n", 12},
	    {"key\n", 4},
	};
	for (size_t i = 0; i < KP_ARRAY_SIZE(in); i++) {
		_cleanup_(kp_ini_freep) struct kp_ini *a = NULL;
		_cleanup_(kp_ini_freep) struct kp_ini *b = NULL;
		tl_log_reset();
		int ra = load_bytes(fx->dir, in[i].s, in[i].n, &a);
		_cleanup_free_ char *la = kp_strdup(tl_log_text());
		tl_log_reset();
		_cleanup_free_ char *path = kp_path_join(fx->dir, "x.ini");
		int rb = kp_ini_parse_mem(path, in[i].s, in[i].n, &b);
		assert_int_equal(ra, rb);
		assert_string_equal(la, tl_log_text());
		if (ra < 0)
			continue;
		assert_int_equal(a->n, b->n);
		for (size_t k = 0; k < a->n; k++) {
			assert_string_equal(a->e[k].kv.key, b->e[k].kv.key);
			assert_string_equal(a->e[k].kv.value, b->e[k].kv.value);
			assert_int_equal(a->e[k].kv.line, b->e[k].kv.line);
		}
	}
	/* A NUL byte in memory is refused as in a file, not taken for the end of the text. */
	_cleanup_(kp_ini_freep) struct kp_ini *ini = NULL;
	tl_log_reset();
	assert_int_equal(kp_ini_parse_mem("m.ini", "a = b\n\0c = d\n", 13, &ini), -KP_EINPUT);
	assert_non_null(strstr(tl_log_text(), "m.ini:2: NUL byte"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_headers_as_inih_reads_them),
	    cmocka_unit_test_setup_teardown(test_target_indented_flavour, tl_setup_tmpdir,
					    tl_teardown_tmpdir),
	    cmocka_unit_test_setup_teardown(test_nul_byte_refused, tl_setup_tmpdir,
					    tl_teardown_tmpdir),
	    cmocka_unit_test_setup_teardown(test_control_bytes_refused, tl_setup_tmpdir,
					    tl_teardown_tmpdir),
	    cmocka_unit_test_setup_teardown(test_tabs_and_crlf_accepted, tl_setup_tmpdir,
					    tl_teardown_tmpdir),
	    cmocka_unit_test_setup_teardown(test_no_silent_split, tl_setup_tmpdir,
					    tl_teardown_tmpdir),
	    cmocka_unit_test_setup_teardown(test_long_lines_read, tl_setup_tmpdir,
					    tl_teardown_tmpdir),
	    cmocka_unit_test_setup_teardown(test_long_section_refused, tl_setup_tmpdir,
					    tl_teardown_tmpdir),
	    cmocka_unit_test_setup_teardown(test_target_long_flavour, tl_setup_tmpdir,
					    tl_teardown_tmpdir),
	    cmocka_unit_test_setup_teardown(test_continuation_linear, tl_setup_tmpdir,
					    tl_teardown_tmpdir),
	    cmocka_unit_test_setup_teardown(test_memory_reads_as_file, tl_setup_tmpdir,
					    tl_teardown_tmpdir),
	    cmocka_unit_test(test_strstrip_linear),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
