// SPDX-License-Identifier: GPL-2.0-or-later
#include "common/pathcheck.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/util.h"

int kp_path_clean(const char *name, char **out)
{
	*out = NULL;
	if (name[0] == '/')
		return -EINVAL;
	struct kp_buf b = {0};
	const char *p = name;
	while (*p) {
		size_t n = strcspn(p, "/");
		if (n == 2 && p[0] == '.' && p[1] == '.') {
			kp_buf_release(&b);
			return -EINVAL;
		}
		if (n && !(n == 1 && p[0] == '.')) {
			if (b.len)
				kp_buf_addc(&b, '/');
			kp_buf_add(&b, p, n);
		}
		p += n;
		p += *p == '/';
	}
	*out = kp_buf_steal(&b);
	return 0;
}

/*
 * Components still to walk, kept as a stack of strings (the last one is
 * walked first) so a symlink's target can be pushed in front of the rest.
 */
static void push_components(struct kp_strv *todo, const char *path)
{
	struct kp_strv parts = {0};
	kp_strv_split_on(&parts, path, "/");
	for (size_t i = parts.n; i-- > 0;)
		kp_strv_push(todo, parts.v[i]);
	kp_strv_release(&parts);
}

static char *pop(struct kp_strv *sv)
{
	char *s = sv->v[--sv->n];
	sv->v[sv->n] = NULL;
	return s;
}

/* The walked prefix as a path below dirfd ("." for the top). */
static char *joined(const struct kp_strv *done)
{
	struct kp_buf b = {0};
	for (size_t i = 0; i < done->n; i++) {
		if (i)
			kp_buf_addc(&b, '/');
		kp_buf_adds(&b, done->v[i]);
	}
	if (!b.len)
		kp_buf_adds(&b, ".");
	return kp_buf_steal(&b);
}

int kp_path_resolve_in(int dirfd, const char *base, const char *target, char **out)
{
	if (out)
		*out = NULL;
	if (target[0] == '/' || !target[0])
		return target[0] ? -EXDEV : -ENOENT;
	struct kp_strv todo = {0}, done = {0};
	push_components(&todo, target);
	push_components(&todo, base);
	int links = 0, r = 0;
	while (todo.n && r == 0) {
		_cleanup_free_ char *c = pop(&todo);
		if (!c[0] || !strcmp(c, "."))
			continue;
		if (!strcmp(c, "..")) {
			if (done.n == 0)
				r = -EXDEV;
			else
				free(pop(&done));
			continue;
		}
		kp_strv_push(&done, c);
		_cleanup_free_ char *path = joined(&done);
		char link[PATH_MAX];
		ssize_t n = readlinkat(dirfd, path, link, sizeof(link) - 1);
		if (n < 0)
			continue; /* not a symlink, or not there (yet): a plain name */
		link[n] = '\0';
		if (++links > KP_PATH_MAX_LINKS) {
			r = -ELOOP;
		} else if (link[0] == '/' || n == 0) {
			r = -EXDEV;
		} else {
			free(pop(&done));
			push_components(&todo, link);
		}
	}
	if (r == 0 && out)
		*out = done.n ? joined(&done) : kp_strdup("");
	kp_strv_release(&todo);
	kp_strv_release(&done);
	return r;
}

int kp_path_through_symlink(int dirfd, const char *rel, char **link)
{
	*link = NULL;
	for (const char *s = strchr(rel, '/'); s; s = strchr(s + 1, '/')) {
		_cleanup_free_ char *prefix = kp_strndup(rel, s - rel);
		struct stat st;
		if (fstatat(dirfd, prefix, &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISLNK(st.st_mode)) {
			*link = TAKE_PTR(prefix);
			return 1;
		}
	}
	return 0;
}
