// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * peak-rss COMMAND [ARGS...]: run COMMAND and print, on stderr, the peak
 * resident set size of that one process (not of its children) as
 * "peak-rss: <KiB> KiB".
 *
 * GNU time's %M (wait4's ru_maxrss) is the maximum over the process and
 * every descendant it waited for, so for kmodpack it reports cc1's RSS. The
 * kernel's per-process high-water mark (VmHWM in /proc/PID/status) is the
 * right number but vanishes when the process exits. So: trace the command
 * with ptrace (PTRACE_O_TRACEEXIT only; children are not traced) and read
 * VmHWM at the exit stop, when the address space still exists.
 *
 * Build: cc -O2 -o peak-rss bench/peak-rss.c
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ptrace.h>
#include <sys/wait.h>
#include <unistd.h>

static long vm_hwm(pid_t pid)
{
	char path[64], line[256];
	snprintf(path, sizeof(path), "/proc/%d/status", (int)pid);
	FILE *f = fopen(path, "r");
	long kb = -1;
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (!strncmp(line, "VmHWM:", 6))
			kb = strtol(line + 6, NULL, 10);
	fclose(f);
	return kb;
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		fprintf(stderr, "usage: peak-rss COMMAND [ARGS...]\n");
		return 2;
	}
	pid_t pid = fork();
	if (pid < 0)
		return perror("fork"), 125;
	if (pid == 0) {
		raise(SIGSTOP); /* wait until the parent has seized us */
		execvp(argv[1], argv + 1);
		fprintf(stderr, "peak-rss: %s: %s\n", argv[1], strerror(errno));
		_exit(127);
	}
	int st;
	if (waitpid(pid, &st, WUNTRACED) < 0 || !WIFSTOPPED(st))
		return perror("waitpid"), 125;
	if (ptrace(PTRACE_SEIZE, pid, 0, (void *)(long)PTRACE_O_TRACEEXIT) < 0)
		return perror("ptrace"), 125;
	kill(pid, SIGCONT);
	long hwm = -1;
	for (;;) {
		if (waitpid(pid, &st, __WALL) < 0) {
			if (errno == EINTR)
				continue;
			return perror("waitpid"), 125;
		}
		if (WIFEXITED(st) || WIFSIGNALED(st))
			break;
		if (!WIFSTOPPED(st))
			continue;
		int sig = WSTOPSIG(st), event = (unsigned)st >> 16;
		if (event == PTRACE_EVENT_EXIT) {
			hwm = vm_hwm(pid);
			sig = 0;
		} else if (event == PTRACE_EVENT_STOP || sig == SIGTRAP) {
			sig = 0;
		}
		/* Deliver real signals (SIGCHLD, SIGINT...) unchanged. */
		ptrace(PTRACE_CONT, pid, 0, (void *)(long)sig);
	}
	fprintf(stderr, "peak-rss: %ld KiB\n", hwm);
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}
