// SPDX-License-Identifier: GPL-2.0-or-later
#include "common/log.h"

#include <stdio.h>

static kp_log_fn log_fn;
static void *log_data;

void kp_log_set(kp_log_fn fn, void *data)
{
	log_fn = fn;
	log_data = data;
}

static kp_log_observer_fn observer_fn;
static void *observer_data;

void kp_log_set_observer(kp_log_observer_fn fn, void *data)
{
	observer_fn = fn;
	observer_data = data;
}

void kp_log(enum kp_log_prio prio, const char *fmt, ...)
{
	va_list ap;
	if (!log_fn && !observer_fn)
		return;
	va_start(ap, fmt);
	_cleanup_free_ char *msg = kp_vasprintf(fmt, ap);
	va_end(ap);
	if (log_fn)
		log_fn(log_data, prio, msg);
	if (observer_fn)
		observer_fn(observer_data, prio, NULL, msg);
}

void kp_log_at(enum kp_log_prio prio, const struct kp_log_where *w, const char *fmt, ...)
{
	va_list ap;
	if (!log_fn && !observer_fn)
		return;
	va_start(ap, fmt);
	_cleanup_free_ char *msg = kp_vasprintf(fmt, ap);
	va_end(ap);
	if (log_fn) {
		_cleanup_free_ char *text = !w || !w->file ? kp_strdup(msg)
					    : w->line
						? kp_asprintf("%s:%d: %s", w->file, w->line, msg)
						: kp_asprintf("%s: %s", w->file, msg);
		log_fn(log_data, prio, text);
	}
	if (observer_fn)
		observer_fn(observer_data, prio, w, msg);
}

int kp_exit_status(int err)
{
	if (err >= 0)
		return 0;
	err = -err;
	if (err == KP_EINPUT)
		return 2;
	if (err == KP_EENV)
		return 3;
	if (err > KP_EINTR_BASE && err < KP_EINTR_BASE + 65)
		return 128 + (err - KP_EINTR_BASE);
	return 1;
}

const char *kp_strerror(int err)
{
	if (err < 0)
		err = -err;
	switch (err) {
	case KP_EINPUT:
		return "bad input";
	case KP_EENV:
		return "missing from the environment";
	case KP_EFAILED:
		return "failed";
	}
	if (err > KP_EINTR_BASE)
		return "interrupted";
	return strerror(err);
}
