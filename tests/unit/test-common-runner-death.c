// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * common/runner.c when kmodpack itself is SIGKILLed: make and its recipes
 * must die with it, or the next run takes the lock and builds in the dirs
 * they still write to.
 */
#include "tests/unit/testlib.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "common/fs.h"
#include "common/log.h"
#include "common/runner.h"
#include "common/util.h"

static pid_t read_pid(const char *path)
{
	_cleanup_free_ char *text = NULL;
	if (kp_read_file(path, &text, NULL) < 0 || !strchr(text, '\n'))
		return 0;
	return (pid_t)strtol(text, NULL, 10);
}

/* Running, not a zombie waiting for whoever adopted it to reap it. */
static bool alive(pid_t pid)
{
	_cleanup_free_ char *path = kp_asprintf("/proc/%d/stat", (int)pid);
	_cleanup_free_ char *stat = NULL;
	if (kp_read_file(path, &stat, NULL) < 0)
		return false;
	const char *close = strrchr(stat, ')');
	return close && close[1] == ' ' && close[2] != 'Z';
}

static void test_make_dies_with_killed_parent(void **state)
{
	struct tl_fixture *fx = *state;
	/* The recipe records its pid, then becomes a long sleep with that pid. */
	tl_write(fx->dir, "Makefile",
		 "all:\n\techo $$$$ >recipe.pid.tmp; mv recipe.pid.tmp "
		 "recipe.pid; exec sleep 60\n");
	_cleanup_free_ char *pidfile = kp_path_join(fx->dir, "recipe.pid");
	_cleanup_free_ char *log = kp_path_join(fx->dir, "make.log");

	pid_t kmodpack = fork();
	assert_true(kmodpack >= 0);
	if (kmodpack == 0) {
		char *const argv[] = {"make", "-s", NULL};
		struct kp_job j = {
		    .name = "toy", .argv = argv, .cwd = fx->dir, .logpath = log, .make = true};
		kp_run_jobs(&j, 1, 2, NULL, NULL);
		_exit(0);
	}
	pid_t recipe = 0;
	for (int i = 0; i < 200 && !(recipe = read_pid(pidfile)); i++)
		usleep(25000);
	assert_true(recipe > 0);
	assert_true(alive(recipe));

	kill(kmodpack, SIGKILL);
	waitpid(kmodpack, NULL, 0);
	/* make gets SIGTERM and takes its recipe with it; allow it a moment. */
	for (int i = 0; i < 100 && alive(recipe); i++)
		usleep(20000);
	bool survived = alive(recipe);
	if (survived)
		kill(recipe, SIGKILL);
	assert_false(survived);
}

/*
 * What make does not know it started dies too: $(shell ...) while make
 * reads its Makefile, and a recipe's background command.
 */
static void test_group_dies_with_killed_parent(void **state)
{
	struct tl_fixture *fx = *state;
	tl_write(fx->dir, "Makefile",
		 "x := $(shell (exec sleep 61) >/dev/null & echo $$! >shell.pid.tmp; "
		 "mv shell.pid.tmp shell.pid)\n"
		 "all:\n\t(exec sleep 62) & echo $$! >bg.pid.tmp; mv bg.pid.tmp bg.pid; "
		 "exec sleep 63\n");
	_cleanup_free_ char *shell = kp_path_join(fx->dir, "shell.pid");
	_cleanup_free_ char *bg = kp_path_join(fx->dir, "bg.pid");
	_cleanup_free_ char *log = kp_path_join(fx->dir, "make.log");

	pid_t kmodpack = fork();
	assert_true(kmodpack >= 0);
	if (kmodpack == 0) {
		char *const argv[] = {"make", "-s", NULL};
		struct kp_job j = {
		    .name = "toy", .argv = argv, .cwd = fx->dir, .logpath = log, .make = true};
		kp_run_jobs(&j, 1, 2, NULL, NULL);
		_exit(0);
	}
	pid_t a = 0, b = 0;
	for (int i = 0; i < 200 && !((a = read_pid(shell)) && (b = read_pid(bg))); i++)
		usleep(25000);
	assert_true(a > 0 && b > 0);
	assert_true(alive(a) && alive(b));

	kill(kmodpack, SIGKILL);
	waitpid(kmodpack, NULL, 0);
	for (int i = 0; i < 250 && (alive(a) || alive(b)); i++)
		usleep(20000);
	bool survived = alive(a) || alive(b);
	kill(a, SIGKILL);
	kill(b, SIGKILL);
	assert_false(survived);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_make_dies_with_killed_parent, tl_setup_tmpdir,
					    tl_teardown_tmpdir),
	    cmocka_unit_test_setup_teardown(test_group_dies_with_killed_parent, tl_setup_tmpdir,
					    tl_teardown_tmpdir),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
