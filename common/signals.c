// SPDX-License-Identifier: GPL-2.0-or-later
#include "common/signals.h"

#include <string.h>

#include "common/log.h"

volatile sig_atomic_t kp_interrupted;

static void on_signal(int sig)
{
	if (!kp_interrupted)
		kp_interrupted = sig;
}

void kp_signals_install(void)
{
	struct sigaction sa;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	/* No SA_RESTART: a blocking wait must return EINTR so the loop sees the flag. */
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
}

int kp_check_interrupted(void)
{
	return kp_interrupted ? -(KP_EINTR_BASE + kp_interrupted) : 0;
}
