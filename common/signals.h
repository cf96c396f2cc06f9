/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * SIGINT/SIGTERM/SIGHUP become a flag that long-running loops poll, so a
 * build can kill its children, remove its staging area and exit 128+sig
 * instead of dying with half-written files.
 */
#ifndef KP_SIGNALS_H
#define KP_SIGNALS_H

#include <signal.h>

extern volatile sig_atomic_t kp_interrupted; /* the signal number, 0 if none */

void kp_signals_install(void);
/* Returns -(KP_EINTR_BASE + sig) when interrupted, else 0. */
int kp_check_interrupted(void);

#endif
