// SPDX-License-Identifier: GPL-2.0-or-later
#include "tests/unit/testlib.h"

#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/fs.h"
#include "common/log.h"

char *tl_tmpdir(void)
{
	char *d = kp_strdup("/tmp/kmodpack-test-XXXXXX");
	assert_non_null(mkdtemp(d));
	return d;
}

void tl_tmpdir_free(char *dir)
{
	if (dir)
		kp_rm_rf(dir);
	free(dir);
}

int tl_setup_log(void **state)
{
	tl_log_capture();
	tl_log_reset();
	return 0;
}

int tl_teardown_log(void **state)
{
	tl_log_reset();
	return 0;
}

int tl_setup_tmpdir(void **state)
{
	struct tl_fixture *fx = kp_calloc(1, sizeof(*fx));
	fx->dir = tl_tmpdir();
	*state = fx;
	return tl_setup_log(state);
}

int tl_teardown_tmpdir(void **state)
{
	struct tl_fixture *fx = *state;
	tl_tmpdir_free(fx->dir);
	free(fx);
	return tl_teardown_log(state);
}

char *tl_src(const char *rel)
{
	const char *top = getenv("KMODPACK_TEST_SRCDIR");
	return kp_path_join(top ? top : KMODPACK_SOURCE_DIR, rel);
}

void tl_write(const char *dir, const char *rel, const char *content)
{
	_cleanup_free_ char *path = kp_path_join(dir, rel);
	_cleanup_free_ char *parent = kp_strdup(path);
	assert_int_equal(kp_mkdir_p(dirname(parent), 0755), 0);
	assert_int_equal(kp_write_file(path, content, strlen(content), 0644), 0);
}

char *tl_run(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	_cleanup_free_ char *cmd = kp_vasprintf(fmt, ap);
	va_end(ap);
	FILE *p = popen(cmd, "r");
	assert_non_null(p);
	struct kp_buf b = {0};
	char buf[4096];
	size_t n;
	while ((n = fread(buf, 1, sizeof(buf), p)) > 0)
		kp_buf_add(&b, buf, n);
	int st = pclose(p);
	if (st != 0)
		fail_msg("command failed (%d): %s", st, cmd);
	return kp_buf_steal(&b);
}

char *tl_replace(const char *s, const char *from, const char *to)
{
	struct kp_buf b = {0};
	const char *p;
	while ((p = strstr(s, from))) {
		kp_buf_add(&b, s, p - s);
		kp_buf_adds(&b, to);
		s = p + strlen(from);
	}
	kp_buf_adds(&b, s);
	return kp_buf_steal(&b);
}

void tl_expect_file(const char *rel, const char *got)
{
	_cleanup_free_ char *path = tl_src(rel);
	const char *regen = getenv("KMODPACK_REGEN_EXPECTED");
	if (regen && strcmp(regen, "1") == 0) {
		tl_write("", path, got); /* path is absolute */
		return;
	}
	_cleanup_free_ char *want = NULL;
	int r = kp_read_file(path, &want, NULL);
	if (r < 0)
		fail_msg("cannot read '%s': %s (KMODPACK_REGEN_EXPECTED=1 writes it)", path,
			 strerror(-r));
	if (strcmp(want, got) == 0)
		return;
	char *dir = tl_tmpdir();
	tl_write(dir, "got", got);
	char *diff = tl_run("cd '%s' && diff -u '%s' got || true", dir, path);
	tl_tmpdir_free(dir);
	/* fail_msg truncates long messages and does not return: print the diff first. */
	fputs(diff, stderr);
	free(diff);
	fail_msg("'%s' differs from the output (diff above); after reviewing it, "
		 "KMODPACK_REGEN_EXPECTED=1 rewrites the file",
		 rel);
}

static struct kp_buf logbuf;

static void capture(void *data, enum kp_log_prio prio, const char *msg)
{
	kp_buf_adds(&logbuf, msg);
	kp_buf_addc(&logbuf, '\n');
}

void tl_log_capture(void)
{
	kp_log_set(capture, NULL);
}

void tl_log_reset(void)
{
	kp_buf_release(&logbuf);
}

const char *tl_log_text(void)
{
	return logbuf.s ? logbuf.s : "";
}
