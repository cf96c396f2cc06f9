// SPDX-License-Identifier: GPL-2.0-or-later
#include "common/util.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <time.h>
#include <unistd.h>

#include "common/log.h"

static void *oom(void)
{
	fputs("kmodpack: out of memory\n", stderr);
	abort();
}

void *kp_malloc(size_t n)
{
	void *p = malloc(n ? n : 1);
	return p ? p : oom();
}

void *kp_calloc(size_t n, size_t size)
{
	void *p = calloc(n ? n : 1, size ? size : 1);
	return p ? p : oom();
}

void *kp_realloc(void *p, size_t n)
{
	p = realloc(p, n ? n : 1);
	return p ? p : oom();
}

void *kp_reallocarray(void *p, size_t n, size_t size)
{
	p = reallocarray(p, n ? n : 1, size ? size : 1);
	return p ? p : oom();
}

char *kp_strdup(const char *s)
{
	char *d = strdup(s);
	return d ? d : oom();
}

char *kp_strndup(const char *s, size_t n)
{
	char *d = strndup(s, n);
	return d ? d : oom();
}

char *kp_vasprintf(const char *fmt, va_list ap)
{
	char *s;
	if (vasprintf(&s, fmt, ap) < 0)
		return oom();
	return s;
}

char *kp_asprintf(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char *s = kp_vasprintf(fmt, ap);
	va_end(ap);
	return s;
}

bool kp_startswith(const char *s, const char *prefix)
{
	return strncmp(s, prefix, strlen(prefix)) == 0;
}

bool kp_endswith(const char *s, const char *suffix)
{
	size_t a = strlen(s), b = strlen(suffix);
	return a >= b && memcmp(s + a - b, suffix, b) == 0;
}

char *kp_strstrip(char *s)
{
	/* One move, not one per leading space: linear on hostile input. */
	size_t lead = 0;
	while (isspace((unsigned char)s[lead]))
		lead++;
	if (lead)
		memmove(s, s + lead, strlen(s + lead) + 1);
	char *e = s + strlen(s);
	while (e > s && isspace((unsigned char)e[-1]))
		*--e = '\0';
	return s;
}

void kp_strv_push_take(struct kp_strv *sv, char *s)
{
	if (sv->n + 2 > sv->alloc) {
		sv->alloc = sv->alloc ? sv->alloc * 2 : 8;
		sv->v = kp_reallocarray(sv->v, sv->alloc, sizeof(char *));
	}
	sv->v[sv->n++] = s;
	sv->v[sv->n] = NULL;
}

void kp_strv_push(struct kp_strv *sv, const char *s)
{
	kp_strv_push_take(sv, kp_strdup(s));
}

void kp_strv_pushf(struct kp_strv *sv, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	kp_strv_push_take(sv, kp_vasprintf(fmt, ap));
	va_end(ap);
}

bool kp_strv_contains(const struct kp_strv *sv, const char *s)
{
	for (size_t i = 0; i < sv->n; i++)
		if (strcmp(sv->v[i], s) == 0)
			return true;
	return false;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

void kp_strv_sort(struct kp_strv *sv)
{
	if (sv->n > 1)
		qsort(sv->v, sv->n, sizeof(char *), cmp_str);
}

void kp_strv_release(struct kp_strv *sv)
{
	for (size_t i = 0; i < sv->n; i++)
		free(sv->v[i]);
	free(sv->v);
	*sv = (struct kp_strv){0};
}

void kp_strv_split_on(struct kp_strv *sv, const char *s, const char *seps)
{
	while (*s) {
		size_t n = strcspn(s, seps);
		if (n)
			kp_strv_push_take(sv, kp_strndup(s, n));
		s += n;
		s += strspn(s, seps);
	}
}

void kp_strv_split(struct kp_strv *sv, const char *s)
{
	kp_strv_split_on(sv, s, " \t\r\n,");
}

void kp_buf_add(struct kp_buf *b, const char *s, size_t n)
{
	if (b->len + n + 1 > b->alloc) {
		size_t want = b->alloc ? b->alloc : 64;
		while (want < b->len + n + 1)
			want *= 2;
		b->s = kp_realloc(b->s, want);
		b->alloc = want;
	}
	memcpy(b->s + b->len, s, n);
	b->len += n;
	b->s[b->len] = '\0';
}

void kp_buf_adds(struct kp_buf *b, const char *s)
{
	kp_buf_add(b, s, strlen(s));
}

void kp_buf_addc(struct kp_buf *b, char c)
{
	kp_buf_add(b, &c, 1);
}

void kp_buf_addf(struct kp_buf *b, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	_cleanup_free_ char *s = kp_vasprintf(fmt, ap);
	va_end(ap);
	kp_buf_adds(b, s);
}

char *kp_buf_steal(struct kp_buf *b)
{
	char *s = b->s ? b->s : kp_strdup("");
	*b = (struct kp_buf){0};
	return s;
}

void kp_buf_release(struct kp_buf *b)
{
	free(b->s);
	*b = (struct kp_buf){0};
}

int kp_ncpus(void)
{
	long n = sysconf(_SC_NPROCESSORS_ONLN);
	return n > 0 ? (int)n : 1;
}

double kp_now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

int kp_env_source_date_epoch(long long *epoch)
{
	const char *s = getenv("SOURCE_DATE_EPOCH");
	*epoch = -1;
	if (!s)
		return 0;
	char *end;
	errno = 0;
	long long v = strtoll(s, &end, 10);
	if (!*s || *end || errno || v < 0 || !isdigit((unsigned char)*s)) {
		kp_err("SOURCE_DATE_EPOCH='%s' is not a number of seconds since 1970: set it to "
		       "e.g. $(git log -1 --format=%%ct), or unset it to use the inputs' own dates",
		       s);
		return -KP_EINPUT;
	}
	*epoch = v;
	return 0;
}
