/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Library code never prints: it reports through this callback, which the
 * command line installs (kmod's log_fn idea). Error codes are -errno, or one
 * of the KP_E* kinds below when the kind decides the exit status.
 */
#ifndef KP_LOG_H
#define KP_LOG_H

#include "common/util.h"

enum kp_log_prio { KP_LOG_ERR, KP_LOG_WARN, KP_LOG_INFO, KP_LOG_DEBUG };

typedef void (*kp_log_fn)(void *data, enum kp_log_prio prio, const char *msg);
void kp_log_set(kp_log_fn fn, void *data);
void kp_log(enum kp_log_prio prio, const char *fmt, ...) KP_PRINTF(2, 3);

#define kp_err(...)  kp_log(KP_LOG_ERR, __VA_ARGS__)
#define kp_warn(...) kp_log(KP_LOG_WARN, __VA_ARGS__)
#define kp_info(...) kp_log(KP_LOG_INFO, __VA_ARGS__)
#define kp_dbg(...)  kp_log(KP_LOG_DEBUG, __VA_ARGS__)

/*
 * Error kinds beyond errno. A function returns -KP_EINPUT after it has
 * logged what was wrong with the user's input; the CLI maps kinds to exit
 * statuses in one place (kp_exit_status).
 */
enum {
	KP_EINPUT = 4096, /* bad input or usage: exit 2 */
	KP_EENV,	  /* environment lacks a tree or tool: exit 3 */
	KP_EFAILED,	  /* the work failed (compile error, check failed): exit 1 */
	KP_EINTR_BASE,	  /* -(KP_EINTR_BASE + sig): interrupted by signal sig */
};

int kp_exit_status(int err);
const char *kp_strerror(int err);

#endif
