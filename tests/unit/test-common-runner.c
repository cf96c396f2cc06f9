// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * common/runner.c: one command with its output in a log, and several makes
 * under one job budget. Toy Makefiles record, in each recipe, how many
 * recipes (of any make) are running at that moment: a lock dir per running
 * recipe, counted with ls. kmodpack is the jobserver, so with -j N at most
 * N recipes run in total, however many makes share the budget.
 */
#include "tests/unit/testlib.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/fs.h"
#include "common/log.h"
#include "common/runner.h"
#include "common/util.h"

static char *slurp(const char *path)
{
	char *text = NULL;
	if (kp_read_file(path, &text, NULL) < 0)
		fail_msg("cannot read '%s'", path);
	return text;
}

static void test_run_captures_output_and_status(void **state)
{
	struct tl_fixture *fx = *state;
	_cleanup_free_ char *log = kp_path_join(fx->dir, "cmd.log");
	char *const argv[] = {"sh", "-c", "echo to-stdout; echo to-stderr >&2; pwd; exit 3", NULL};
	assert_int_equal(kp_run(argv, fx->dir, log), 3);
	_cleanup_free_ char *text = slurp(log);
	assert_non_null(strstr(text, "to-stdout\n"));
	assert_non_null(strstr(text, "to-stderr\n"));
	/* It ran in cwd. */
	_cleanup_free_ char *real = realpath(fx->dir, NULL);
	_cleanup_free_ char *pwd = kp_asprintf("%s\n", real);
	assert_non_null(strstr(text, pwd));

	/* The log is truncated, not appended to. */
	char *const ok[] = {"sh", "-c", "echo second", NULL};
	assert_int_equal(kp_run(ok, NULL, log), 0);
	_cleanup_free_ char *again = slurp(log);
	assert_string_equal(again, "second\n");

	/* Arguments are passed as they are: no shell splits or expands them. */
	char *const args[] = {"printf", "[%s]\n", "a b", "$HOME", "*", NULL};
	assert_int_equal(kp_run(args, fx->dir, log), 0);
	_cleanup_free_ char *printed = slurp(log);
	assert_string_equal(printed, "[a b]\n[$HOME]\n[*]\n");
}

static void test_run_signal_status(void **state)
{
	struct tl_fixture *fx = *state;
	_cleanup_free_ char *log = kp_path_join(fx->dir, "cmd.log");
	char *const argv[] = {"sh", "-c", "kill -TERM $$", NULL};
	assert_int_equal(kp_run(argv, NULL, log), 128 + 15);
}

static void test_run_no_makeflags_leak(void **state)
{
	struct tl_fixture *fx = *state;
	_cleanup_free_ char *log = kp_path_join(fx->dir, "env.log");
	/* kmodpack itself may run under make: its MAKEFLAGS must not reach children. */
	setenv("MAKEFLAGS", " -j64 --jobserver-auth=98,99", 1);
	setenv("MAKELEVEL", "3", 1);
	char *const argv[] = {"sh", "-c", "echo \"[$MAKEFLAGS][$MAKELEVEL]\"", NULL};
	int r = kp_run(argv, NULL, log);
	unsetenv("MAKEFLAGS");
	unsetenv("MAKELEVEL");
	assert_int_equal(r, 0);
	_cleanup_free_ char *text = slurp(log);
	assert_string_equal(text, "[][]\n");
}

static void test_run_missing_program(void **state)
{
	struct tl_fixture *fx = *state;
	_cleanup_free_ char *log = kp_path_join(fx->dir, "missing.log");
	char *const argv[] = {"kmodpack-no-such-program", "x", NULL};
	assert_int_equal(kp_run(argv, NULL, log), -KP_EENV);
	/* The message says why itself: the log may be gone (a staging dir) by then. */
	assert_non_null(strstr(tl_log_text(), "could not run 'kmodpack-no-such-program'"));
	assert_non_null(strstr(tl_log_text(), "No such file or directory"));
	_cleanup_free_ char *text = slurp(log);
	assert_non_null(strstr(text, "No such file or directory"));

	/*
	 * A cwd that does not exist is reported in the log too, and the
	 * command does not run elsewhere: 126, not true's 0 or exec's 127.
	 */
	_cleanup_free_ char *nodir = kp_path_join(fx->dir, "nodir");
	char *const sh[] = {"sh", "-c", "true", NULL};
	assert_int_equal(kp_run(sh, nodir, log), 126);
	_cleanup_free_ char *text2 = slurp(log);
	_cleanup_free_ char *want =
	    kp_asprintf("cannot enter '%s': No such file or directory", nodir);
	if (!strstr(text2, want))
		fail_msg("log lacks \"%s\": %s", want, text2);
}

/*
 * A Makefile of NTARGETS independent targets. Each recipe makes a lock dir
 * while it runs, waits (at most ~WAITMAX tenths of a second) until WANT
 * recipes run at once, lingers, and appends how many were running to
 * COUNTS. START/END lines in EVENTS show the order across makes.
 */
static const char toy_makefile[] =
    "T := $(addprefix t,$(shell seq $(NTARGETS)))\n"
    "all: $(T)\n"
    "$(T):\n"
    "\t@d=$(LOCK)/$(ID)-$@; mkdir $$d; echo \"start $(ID)\" >> $(EVENTS); i=0; "
    "while [ $$(ls $(LOCK) | wc -l) -lt $(WANT) ] && [ $$i -lt $(WAITMAX) ]; do "
    "sleep 0.1; i=$$((i+1)); done; sleep 0.2; ls $(LOCK) | wc -l >> $(COUNTS); "
    "echo \"end $(ID)\" >> $(EVENTS); rmdir $$d\n"
    ".PHONY: all $(T)\n";

struct toy {
	char *dir;
	char *lock, *counts, *events;
	struct kp_job jobs[4];
	struct kp_strv argv[4];
	char *logs[4];
	size_t n;
};

static void toy_init(struct toy *t, const char *dir, size_t n, int ntargets, int want, int waitmax)
{
	*t = (struct toy){.dir = kp_strdup(dir), .n = n};
	assert_true(n <= KP_ARRAY_SIZE(t->jobs));
	t->lock = kp_path_join(dir, "lock");
	t->counts = kp_path_join(dir, "counts");
	t->events = kp_path_join(dir, "events");
	assert_int_equal(kp_mkdir_p(t->lock, 0755), 0);
	tl_write(dir, "Makefile", toy_makefile);
	for (size_t i = 0; i < n; i++) {
		struct kp_strv *av = &t->argv[i];
		kp_strv_push(av, "make");
		kp_strv_push(av, "-f");
		kp_strv_push_take(av, kp_path_join(dir, "Makefile"));
		kp_strv_pushf(av, "ID=m%zu", i);
		kp_strv_pushf(av, "NTARGETS=%d", ntargets);
		kp_strv_pushf(av, "WANT=%d", want);
		kp_strv_pushf(av, "WAITMAX=%d", waitmax);
		kp_strv_pushf(av, "LOCK=%s", t->lock);
		kp_strv_pushf(av, "COUNTS=%s", t->counts);
		kp_strv_pushf(av, "EVENTS=%s", t->events);
		t->logs[i] = kp_asprintf("%s/m%zu.log", dir, i);
		t->jobs[i] = (struct kp_job){
		    .name = "toy", .argv = av->v, .cwd = dir, .logpath = t->logs[i], .make = true};
	}
}

static void toy_release(struct toy *t)
{
	for (size_t i = 0; i < t->n; i++) {
		kp_strv_release(&t->argv[i]);
		free(t->logs[i]);
	}
	free(t->dir);
	free(t->lock);
	free(t->counts);
	free(t->events);
}

/* Run the makes; every one must succeed. Returns the most recipes seen at once. */
static int toy_run(struct toy *t, int max_jobs, int *nrecipes)
{
	assert_int_equal(kp_run_jobs(t->jobs, t->n, max_jobs, NULL, NULL), 0);
	for (size_t i = 0; i < t->n; i++) {
		_cleanup_free_ char *log = slurp(t->logs[i]);
		if (t->jobs[i].state != KP_JOB_DONE)
			fail_msg("make %zu failed (%d): %s", i, t->jobs[i].exit_status, log);
		/* A broken jobserver hand-over makes GNU make warn and fall back. */
		if (strstr(log, "jobserver") || strstr(log, "warning"))
			fail_msg("make %zu: %s", i, log);
	}
	_cleanup_free_ char *counts = slurp(t->counts);
	int max = 0, n = 0;
	for (char *p = counts, *e; *p; p = e) {
		long c = strtol(p, &e, 10);
		if (e == p)
			break;
		max = c > max ? (int)c : max;
		n++;
		while (*e == '\n' || *e == ' ')
			e++;
	}
	*nrecipes = n;
	return max;
}

static void test_jobs_share_budget_of_two(void **state)
{
	struct tl_fixture *fx = *state;
	struct toy t;
	/* Two makes of 4 targets; each recipe waits for a third to run beside it. */
	toy_init(&t, fx->dir, 2, 4, 3, 5);
	int n, max = toy_run(&t, 2, &n);
	assert_int_equal(n, 8);
	/* -j2 per make would be 4: the makes share 2 slots in total. */
	assert_true(max <= 2);
	/* ...and do use both: the flavours build at the same time. */
	assert_int_equal(max, 2);
	toy_release(&t);
}

static void test_jobs_share_budget_of_four(void **state)
{
	struct tl_fixture *fx = *state;
	struct toy t;
	/* Two makes of 6 targets; recipes wait until 4 run at once. */
	toy_init(&t, fx->dir, 2, 6, 4, 30);
	int n, max = toy_run(&t, 4, &n);
	assert_int_equal(n, 12);
	/* More than one recipe per make: the tokens in the pipe are shared out... */
	assert_true(max > 2);
	/* ...and never more than the budget (each make alone would take 4). */
	assert_true(max <= 4);
	toy_release(&t);
}

static void test_jobs_one_slot_serialises(void **state)
{
	struct tl_fixture *fx = *state;
	struct toy t;
	toy_init(&t, fx->dir, 3, 2, 2, 3);
	int n, max = toy_run(&t, 1, &n);
	assert_int_equal(n, 6);
	assert_int_equal(max, 1);
	/* One make after another: m0's recipes, then m1's, then m2's. */
	_cleanup_free_ char *events = slurp(t.events);
	assert_string_equal(events, "start m0\nend m0\nstart m0\nend m0\n"
				    "start m1\nend m1\nstart m1\nend m1\n"
				    "start m2\nend m2\nstart m2\nend m2\n");
	for (size_t i = 1; i < t.n; i++)
		assert_true(t.jobs[i].started >= t.jobs[i - 1].ended);
	toy_release(&t);
}

struct progress {
	int calls;
	enum kp_job_state last[2];
};

static void on_progress(void *data, const struct kp_job *jobs, size_t n)
{
	struct progress *p = data;
	p->calls++;
	for (size_t i = 0; i < n && i < 2; i++)
		p->last[i] = jobs[i].state;
}

static void test_jobs_failing_make(void **state)
{
	struct tl_fixture *fx = *state;
	tl_write(fx->dir, "bad/Makefile", "all:\n\t@echo 'hello.c:3:1: error: oops'; exit 3\n");
	tl_write(fx->dir, "good/Makefile", "all:\n\t@echo built\n");
	_cleanup_free_ char *bad = kp_path_join(fx->dir, "bad");
	_cleanup_free_ char *good = kp_path_join(fx->dir, "good");
	_cleanup_free_ char *badlog = kp_path_join(fx->dir, "bad.log");
	_cleanup_free_ char *goodlog = kp_path_join(fx->dir, "good.log");
	char *const argv[] = {"make", NULL};
	struct kp_job jobs[] = {
	    {.name = "xen", .argv = argv, .cwd = bad, .logpath = badlog, .make = true},
	    {.name = "kdump", .argv = argv, .cwd = good, .logpath = goodlog, .make = true},
	};
	struct progress p = {0};
	/* A failed compile is a job result, not a runner error. */
	assert_int_equal(kp_run_jobs(jobs, 2, 2, on_progress, &p), 0);
	assert_int_equal(jobs[0].state, KP_JOB_FAILED);
	/* make's own status for a failed recipe. */
	assert_int_equal(jobs[0].exit_status, 2);
	_cleanup_free_ char *text = slurp(badlog);
	assert_non_null(strstr(text, "hello.c:3:1: error: oops"));
	assert_non_null(strstr(text, "Error 3"));
	/* The other flavour still ran to the end. */
	assert_int_equal(jobs[1].state, KP_JOB_DONE);
	assert_int_equal(jobs[1].exit_status, 0);
	_cleanup_free_ char *built = slurp(goodlog);
	assert_string_equal(built, "built\n");
	assert_true(jobs[0].ended >= jobs[0].started);
	/* The last progress report shows the final states. */
	assert_true(p.calls >= 2);
	assert_int_equal(p.last[0], KP_JOB_FAILED);
	assert_int_equal(p.last[1], KP_JOB_DONE);
}

static void test_jobs_missing_program(void **state)
{
	struct tl_fixture *fx = *state;
	_cleanup_free_ char *log0 = kp_path_join(fx->dir, "0.log");
	_cleanup_free_ char *log1 = kp_path_join(fx->dir, "1.log");
	char *const missing[] = {"kmodpack-no-such-make", NULL};
	char *const ok[] = {"true", NULL};
	struct kp_job jobs[] = {
	    {.name = "amd64", .argv = ok, .logpath = log0},
	    {.name = "cloud-amd64", .argv = missing, .logpath = log1, .make = true},
	};
	assert_int_equal(kp_run_jobs(jobs, 2, 2, NULL, NULL), -KP_EENV);
	assert_int_equal(jobs[0].state, KP_JOB_DONE);
	assert_int_equal(jobs[1].state, KP_JOB_FAILED);
	assert_non_null(strstr(tl_log_text(), "kmodpack-no-such-make"));
	assert_non_null(strstr(tl_log_text(), "cloud-amd64"));
	assert_non_null(strstr(tl_log_text(), "No such file or directory"));
}

int main(void)
{
#define T(fn) cmocka_unit_test_setup_teardown(fn, tl_setup_tmpdir, tl_teardown_tmpdir)
	const struct CMUnitTest tests[] = {
	    T(test_run_captures_output_and_status), T(test_run_signal_status),
	    T(test_run_no_makeflags_leak),	    T(test_run_missing_program),
	    T(test_jobs_share_budget_of_two),	    T(test_jobs_share_budget_of_four),
	    T(test_jobs_one_slot_serialises),	    T(test_jobs_failing_make),
	    T(test_jobs_missing_program),
	};
#undef T
	return cmocka_run_group_tests(tests, NULL, NULL);
}
