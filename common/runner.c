// SPDX-License-Identifier: GPL-2.0-or-later
#include "common/runner.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <sys/pidfd.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "common/fs.h"
#include "common/log.h"
#include "common/signals.h"
#include "common/util.h"

/* Exit status the child uses when exec fails; the log says why. */
#define EXEC_FAILED 127

/*
 * The group leader between kmodpack and the program: it waits for the
 * program and exits as it did. When kmodpack dies (PR_SET_PDEATHSIG, or a
 * SIGTERM to the group), it terminates the whole group, not only the
 * program: make's $(shell ...) while it reads the Makefiles, and a recipe's
 * background commands, are not make's to kill, and would outlive it.
 * SIGTERM and SIGCHLD are blocked here and taken with sigwaitinfo(), so
 * none is missed between two checks.
 */
_Noreturn static void supervise(pid_t child, const sigset_t *wanted)
{
	int st = 0;
	for (;;) {
		pid_t r = waitpid(child, &st, WNOHANG);
		if (r == child)
			break;
		if (r < 0 && errno != EINTR)
			_exit(EXEC_FAILED);
		if (sigwaitinfo(wanted, NULL) != SIGTERM)
			continue;
		/* As kill_all() does: SIGTERM, a moment for make's cleanup, then SIGKILL. */
		kill(0, SIGTERM); /* blocked here: only the others get it */
		for (int i = 0; i < 150 && waitpid(child, &st, WNOHANG) == 0; i++)
			usleep(20000);
		kill(0, SIGKILL); /* the group, this process with it */
		_exit(128 + SIGKILL);
	}
	_exit(WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st));
}

static void child_exec(const struct kp_job *j, const int js[2], int max_jobs, pid_t parent)
{
	/* Own process group: interrupting kills make and every compiler below it. */
	setpgid(0, 0);
	/*
	 * A SIGKILLed kmodpack cannot kill that group, and its lock dies with
	 * it: the next run would build in dirs this make still writes. SIGTERM
	 * on our death tells supervise() to end the group. A parent that died
	 * before prctl took effect is seen by getppid().
	 */
	sigset_t wanted, none;
	sigemptyset(&wanted);
	sigaddset(&wanted, SIGTERM);
	sigaddset(&wanted, SIGCHLD);
	sigprocmask(SIG_SETMASK, &wanted, NULL);
	signal(SIGTERM, SIG_DFL);
	signal(SIGCHLD, SIG_DFL);
	if (prctl(PR_SET_PDEATHSIG, SIGTERM) < 0 || getppid() != parent)
		_exit(128 + SIGTERM);
	signal(SIGINT, SIG_DFL);
	signal(SIGHUP, SIG_DFL);
	signal(SIGPIPE, SIG_DFL);

	int in = open("/dev/null", O_RDONLY);
	int log = open(j->logpath, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (in < 0 || log < 0)
		_exit(EXEC_FAILED);
	dup2(in, 0);
	dup2(log, 1);
	dup2(log, 2);
	if (j->cwd && chdir(j->cwd) < 0) {
		dprintf(2, "kmodpack: cannot enter '%s': %s\n", j->cwd, strerror(errno));
		_exit(126); /* not EXEC_FAILED: the program is there, the dir is not */
	}
	if (j->make && js) {
		fcntl(js[0], F_SETFD, 0);
		fcntl(js[1], F_SETFD, 0);
		char flags[96];
		snprintf(flags, sizeof(flags), " -j%d --jobserver-auth=%d,%d", max_jobs, js[0],
			 js[1]);
		setenv("MAKEFLAGS", flags, 1);
	} else {
		unsetenv("MAKEFLAGS");
	}
	unsetenv("MAKELEVEL");
	unsetenv("MFLAGS");
	pid_t pid = fork();
	if (pid < 0) {
		dprintf(2, "kmodpack: cannot start '%s': %s\n", j->argv[0], strerror(errno));
		_exit(126);
	}
	if (pid > 0)
		supervise(pid, &wanted);
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	execvp(j->argv[0], j->argv);
	dprintf(2, "%s\n", strerror(errno)); /* the parent names the program */
	_exit(EXEC_FAILED);
}

static int start(struct kp_job *j, const int js[2], int max_jobs)
{
	pid_t parent = getpid();
	pid_t pid = fork();
	if (pid < 0)
		return -errno;
	if (pid == 0)
		child_exec(j, js, max_jobs, parent);
	setpgid(pid, pid); /* also here: no window where a signal misses the group */
	j->pid = pid;
	j->timed_out = false;
	j->state = KP_JOB_RUNNING;
	j->started = kp_now();
	return 0;
}

static void finish(struct kp_job *j, int status)
{
	j->ended = kp_now();
	j->exit_status = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
	j->state = j->exit_status == 0 ? KP_JOB_DONE : KP_JOB_FAILED;
}

static void put_tokens(int fd, int n)
{
	for (; n > 0; n--)
		if (write(fd, "+", 1) != 1)
			break;
}

static void kill_all(struct kp_job *jobs, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (jobs[i].state == KP_JOB_RUNNING)
			kill(-jobs[i].pid, SIGTERM);
	/* Give make a moment to remove its half-written targets, then insist. */
	double deadline = kp_now() + 3.0;
	for (size_t i = 0; i < n; i++) {
		if (jobs[i].state != KP_JOB_RUNNING)
			continue;
		int st;
		while (waitpid(jobs[i].pid, &st, WNOHANG) == 0 && kp_now() < deadline)
			usleep(20000);
		if (waitpid(jobs[i].pid, &st, WNOHANG) == 0) {
			kill(-jobs[i].pid, SIGKILL);
			waitpid(jobs[i].pid, &st, 0);
		}
		kill(-jobs[i].pid, SIGKILL); /* stragglers that left the make */
		finish(&jobs[i], st);
	}
}

int kp_run_jobs(struct kp_job *jobs, size_t n, int max_jobs, kp_progress_fn progress, void *data)
{
	int js[2];
	if (max_jobs < 1)
		max_jobs = 1;
	if (pipe2(js, O_CLOEXEC) < 0)
		return -errno;

	size_t next = 0, running = 0;
	int *pfd = kp_calloc(n, sizeof(int));
	int r = 0;
	for (size_t i = 0; i < n; i++) {
		jobs[i].state = KP_JOB_QUEUED;
		pfd[i] = -1;
	}
	/* Every running make holds one implicit slot; the pipe holds the rest. */
	while (next < n && running < (size_t)max_jobs) {
		if ((r = start(&jobs[next], js, max_jobs)) < 0)
			goto out;
		next++;
		running++;
	}
	put_tokens(js[1], max_jobs - (int)running);
	for (size_t i = 0; i < next; i++)
		pfd[i] = pidfd_open(jobs[i].pid, 0);
	if (progress)
		progress(data, jobs, n);

	while (running > 0) {
		if ((r = kp_check_interrupted()) < 0) {
			kill_all(jobs, n);
			goto out;
		}
		struct pollfd *p = kp_calloc(n, sizeof(*p));
		size_t np = 0;
		for (size_t i = 0; i < n; i++)
			if (jobs[i].state == KP_JOB_RUNNING && pfd[i] >= 0)
				p[np++] = (struct pollfd){.fd = pfd[i], .events = POLLIN};
		/* Without pidfds (old kernels) the timeout alone paces the loop. */
		poll(p, np, np ? 200 : 50);
		free(p);

		/* A child past its time limit (a hung VM) dies with its whole group. */
		double now = kp_now();
		for (size_t i = 0; i < n; i++)
			if (jobs[i].state == KP_JOB_RUNNING && jobs[i].timeout > 0 &&
			    !jobs[i].timed_out && now - jobs[i].started > jobs[i].timeout) {
				kill(-jobs[i].pid, SIGKILL);
				jobs[i].timed_out = true;
			}

		for (size_t i = 0; i < n; i++) {
			int st;
			if (jobs[i].state != KP_JOB_RUNNING ||
			    waitpid(jobs[i].pid, &st, WNOHANG) != jobs[i].pid)
				continue;
			finish(&jobs[i], st);
			if (pfd[i] >= 0)
				close(pfd[i]);
			pfd[i] = -1;
			running--;
			if (next < n) {
				/* The finished make's slot passes to the next flavour. */
				if ((r = start(&jobs[next], js, max_jobs)) < 0) {
					kill_all(jobs, n);
					goto out;
				}
				pfd[next] = pidfd_open(jobs[next].pid, 0);
				next++;
				running++;
			} else {
				put_tokens(js[1], 1);
			}
		}
		if (progress)
			progress(data, jobs, n);
	}
	for (size_t i = 0; i < n; i++)
		if (jobs[i].state == KP_JOB_FAILED && jobs[i].exit_status == EXEC_FAILED) {
			/* The child said why in its log; the log may not outlive the run. */
			_cleanup_free_ char *why = NULL;
			if (kp_read_file(jobs[i].logpath, &why, NULL) == 0)
				kp_strstrip(why);
			kp_err("could not run '%s' for %s: %s (is it installed? on Debian: "
			       "apt-get install make gcc)",
			       jobs[i].argv[0], jobs[i].name, why && *why ? why : "exec failed");
			r = -KP_EENV;
		}
out:
	for (size_t i = 0; i < n; i++)
		if (pfd[i] >= 0)
			close(pfd[i]);
	free(pfd);
	close(js[0]);
	close(js[1]);
	return r;
}

int kp_run(char *const *argv, const char *cwd, const char *logpath)
{
	struct kp_job j = {.name = argv[0], .argv = argv, .cwd = cwd, .logpath = logpath};
	int r = kp_run_jobs(&j, 1, 1, NULL, NULL);
	return r < 0 ? r : j.exit_status;
}
