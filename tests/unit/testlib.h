/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Shared helpers for cmocka unit tests: temp dirs, source paths, captured logs. */
#ifndef KP_TESTLIB_H
#define KP_TESTLIB_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

/*
 * The set-up most tests share, for cmocka_unit_test_setup_teardown():
 * tl_setup_log captures log messages (tl_log_text) and the teardown clears
 * them; tl_setup_tmpdir also makes a fresh temp dir, *state a struct
 * tl_fixture, and its teardown removes the dir with everything in it.
 */
struct tl_fixture {
	char *dir;
};
int tl_setup_log(void **state);
int tl_teardown_log(void **state);
int tl_setup_tmpdir(void **state);
int tl_teardown_tmpdir(void **state);

/* A fresh temp dir (removed by tl_tmpdir_free). */
char *tl_tmpdir(void);
void tl_tmpdir_free(char *dir);
/* Path inside the source tree, e.g. tl_src("tests/fixtures/x"). Caller frees. */
char *tl_src(const char *rel);
/* Write a file (creating parent dirs) under dir. */
void tl_write(const char *dir, const char *rel, const char *content);
/*
 * Run a shell command (tests only: inspecting outputs with rpm -qp and
 * friends) and return its standard output; the test fails when the
 * command does. Caller frees.
 */
char *tl_run(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* s with every from replaced by to. Caller frees. */
char *tl_replace(const char *s, const char *from, const char *to);
/*
 * Compare got with the expected file rel (below the source tree, e.g.
 * "tests/expected/specgen/x.spec"); the test fails with a unified diff
 * when they differ. With KMODPACK_REGEN_EXPECTED=1 in the environment the
 * file is written from got instead: review the diff before committing it.
 */
void tl_expect_file(const char *rel, const char *got);
/* Collect log messages; tl_log_text() returns everything logged since tl_log_reset(). */
void tl_log_capture(void);
void tl_log_reset(void);
const char *tl_log_text(void);

#endif
