/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Small helpers every module uses: ownership macros, allocation, strings.
 *
 * Allocation failure aborts (as git's xmalloc does): a packaging tool that
 * cannot get a few KiB has nothing sensible left to do, and threading
 * -ENOMEM through every string operation would bury the real error paths.
 */
#ifndef KP_UTIL_H
#define KP_UTIL_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#define KP_ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

static inline void kp_freep(void *p)
{
	free(*(void **)p);
}
/* `_cleanup_free_ char *s = NULL;` owns s until TAKE_PTR() hands it off. */
#define _cleanup_free_ __attribute__((cleanup(kp_freep)))
#define _cleanup_(f)   __attribute__((cleanup(f)))
#define TAKE_PTR(p)                                                                                \
	({                                                                                         \
		__typeof__(p) _tp = (p);                                                           \
		(p) = NULL;                                                                        \
		_tp;                                                                               \
	})

/*
 * KP_DEFINE_TRIVIAL_CLEANUP_FUNC(struct mi_ko *, mi_ko_free) defines
 * mi_ko_freep(), so that `_cleanup_(mi_ko_freep) struct mi_ko *ko = NULL;`
 * frees ko at every return and TAKE_PTR(ko) hands it off. Every heap object
 * type declares one next to its _free (docs/architecture.md, Lifetimes).
 */
#define KP_DEFINE_TRIVIAL_CLEANUP_FUNC(type, func)                                                 \
	static inline void func##p(type *p)                                                        \
	{                                                                                          \
		if (*p)                                                                            \
			func(*p);                                                                  \
	}

#define KP_PRINTF(a, b) __attribute__((format(printf, a, b)))

void *kp_malloc(size_t n);
void *kp_calloc(size_t n, size_t size);
void *kp_realloc(void *p, size_t n);
void *kp_reallocarray(void *p, size_t n, size_t size);
char *kp_strdup(const char *s);
char *kp_strndup(const char *s, size_t n);
char *kp_asprintf(const char *fmt, ...) KP_PRINTF(1, 2);
char *kp_vasprintf(const char *fmt, va_list ap) KP_PRINTF(1, 0);

bool kp_startswith(const char *s, const char *prefix);
bool kp_endswith(const char *s, const char *suffix);
/* Trim ASCII white space at both ends, in place; returns s. */
char *kp_strstrip(char *s);

/* A NULL-terminated array of owned strings. */
struct kp_strv {
	char **v;
	size_t n, alloc;
};
void kp_strv_push(struct kp_strv *sv, const char *s);
void kp_strv_push_take(struct kp_strv *sv, char *s);
void kp_strv_pushf(struct kp_strv *sv, const char *fmt, ...) KP_PRINTF(2, 3);
bool kp_strv_contains(const struct kp_strv *sv, const char *s);
void kp_strv_sort(struct kp_strv *sv);
void kp_strv_release(struct kp_strv *sv);
/* `_cleanup_strv_ struct kp_strv sv = {0};` releases sv at scope exit. */
#define _cleanup_strv_ _cleanup_(kp_strv_release)
/* Split on white space and commas (manifest lists). */
void kp_strv_split(struct kp_strv *sv, const char *s);
/* Split on any of the bytes in seps. */
void kp_strv_split_on(struct kp_strv *sv, const char *s, const char *seps);

/* Growable string buffer. */
struct kp_buf {
	char *s;
	size_t len, alloc;
};
void kp_buf_add(struct kp_buf *b, const char *s, size_t n);
void kp_buf_adds(struct kp_buf *b, const char *s);
void kp_buf_addc(struct kp_buf *b, char c);
void kp_buf_addf(struct kp_buf *b, const char *fmt, ...) KP_PRINTF(2, 3);
/* Returns the owned string (never NULL) and leaves b empty. */
char *kp_buf_steal(struct kp_buf *b);
void kp_buf_release(struct kp_buf *b);
/* `_cleanup_buf_ struct kp_buf b = {0};` releases b at scope exit (kp_buf_steal empties it). */
#define _cleanup_buf_ _cleanup_(kp_buf_release)

/*
 * SOURCE_DATE_EPOCH from the environment, for every output that must be
 * reproducible (RPMs, packs, bundles): 0 and *epoch = -1 when unset,
 * -KP_EINPUT (logged) when it is not a number of seconds since 1970.
 */
int kp_env_source_date_epoch(long long *epoch);

/* Number of online CPUs, at least 1. */
int kp_ncpus(void);
/* Monotonic time in seconds. */
double kp_now(void);

#endif
