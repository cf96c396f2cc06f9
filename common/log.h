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

/*
 * Where a message is about, for readers that want it as data (the CLI's
 * --json error document, docs/json.md): a file and line of the user's
 * input, a flavour, a log file. Any of them may be NULL/0.
 */
struct kp_log_where {
	const char *file;
	int line;
	const char *flavour;
	const char *log;
};

/*
 * kp_log with where it is about: the text the log callback gets is
 * "file:line: msg" (or "file: msg" without a line), as kp_log("%s:%d: ...")
 * gave before; observers get msg and w apart.
 */
void kp_log_at(enum kp_log_prio prio, const struct kp_log_where *w, const char *fmt, ...)
    KP_PRINTF(3, 4);
#define kp_err_at(w, ...) kp_log_at(KP_LOG_ERR, w, __VA_ARGS__)

/*
 * A second receiver of every message, besides the log callback: gets the
 * message without the "file:line: " that kp_log_at adds, and w (NULL from
 * plain kp_log). The CLI installs one for --json.
 */
typedef void (*kp_log_observer_fn)(void *data, enum kp_log_prio prio, const struct kp_log_where *w,
				   const char *msg);
void kp_log_set_observer(kp_log_observer_fn fn, void *data);

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
