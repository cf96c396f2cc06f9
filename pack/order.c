// SPDX-License-Identifier: GPL-2.0-or-later
#include "pack/order.h"

#include "common/log.h"

#define MODULES_DIR "/lib/modules/"

/* The release directory a module path installs into, or NULL. Owned by the caller. */
static char *release_of(const char *path)
{
	if (!kp_startswith(path, MODULES_DIR))
		return NULL;
	const char *rel = path + strlen(MODULES_DIR);
	size_t n = strcspn(rel, "/");
	return n ? kp_strndup(rel, n) : NULL;
}

int pk_kind_of(const struct pk_rpm *r, struct pk_kind *out)
{
	struct kp_strv releases = {0};
	bool kernel_image = false;
	const char *module_file = NULL;
	for (size_t i = 0; i < r->nfiles; i++) {
		const char *p = r->files[i].path;
		_cleanup_free_ char *rel = release_of(p);
		if (rel && !kp_strv_contains(&releases, rel))
			kp_strv_push(&releases, rel);
		if (rel && !module_file)
			module_file = p;
		kernel_image |= kp_startswith(p, "/boot/vmlinu");
	}
	kp_strv_sort(&releases);

	int ret = 0;
	*out = (struct pk_kind){.type = kp_endswith(r->group, "/Kernel") ? PK_PKG_DRIVER_RPM
									 : PK_PKG_RPM};
	if (out->type == PK_PKG_RPM && releases.n) {
		kp_err("'%s' installs %s but its Group '%s' does not end in '/Kernel': the "
		       "installer would not treat it as a driver; package modules with Group "
		       "'System Environment/Kernel' (guide 7.1)",
		       r->path, module_file, r->group);
		ret = -KP_EINPUT;
	} else if (releases.n > 1 && !kernel_image) {
		struct kp_buf b = {0};
		for (size_t i = 0; i < releases.n; i++)
			kp_buf_addf(&b, "%s%s", i ? ", " : "", releases.v[i]);
		kp_err("'%s' installs modules for several kernels (%s): a driver RPM belongs to "
		       "one kernel release; build one RPM per flavour (guide 7.7.2)",
		       r->path, b.s);
		kp_buf_release(&b);
		ret = -KP_EINPUT;
	} else if (out->type == PK_PKG_DRIVER_RPM) {
		out->kernel = kp_strdup(releases.n ? releases.v[0] : "any");
	}
	/* Kernels live side by side: the installer adds them with -i, never upgrades one away. */
	if (kernel_image)
		out->options = "-i";
	kp_strv_release(&releases);
	return ret;
}

void pk_kind_release(struct pk_kind *k)
{
	free(k->kernel);
	k->kernel = NULL;
}

/* True when b provides what a requires (by name and version, or by file path). */
static bool needs(const struct pk_rpm *a, const struct pk_rpm *b, const struct pk_dep **why)
{
	for (size_t i = 0; i < a->nrequires; i++) {
		const struct pk_dep *req = &a->requires[i];
		*why = req;
		for (size_t j = 0; j < b->nprovides; j++)
			if (pk_dep_satisfies(req, &b->provides[j]))
				return true;
		if (req->name[0] != '/')
			continue;
		for (size_t j = 0; j < b->nfiles; j++)
			if (!strcmp(req->name, b->files[j].path))
				return true;
	}
	return false;
}

/* Follow edges among the packages not yet placed until one repeats: that is a cycle. */
static void report_cycle(struct pk_rpm *const *rpms, size_t n, const bool *edge, const bool *done)
{
	size_t start = 0;
	while (done[start])
		start++;
	size_t *path = kp_calloc(n + 1, sizeof(*path));
	size_t *seen_at = kp_calloc(n, sizeof(*seen_at)); /* position in path + 1 */
	size_t len = 0, cur = start;
	while (!seen_at[cur]) {
		seen_at[cur] = ++len;
		path[len - 1] = cur;
		size_t next = n;
		for (size_t j = 0; j < n && next == n; j++)
			if (!done[j] && edge[cur * n + j])
				next = j;
		cur = next; /* every unplaced package waits for another unplaced one */
	}
	struct kp_buf c = {0};
	for (size_t k = seen_at[cur] - 1; k < len; k++)
		kp_buf_addf(&c, "%s requires ", rpms[path[k]]->name);
	kp_buf_adds(&c, rpms[cur]->name);
	kp_err("the packages require each other in a cycle (%s): the installer cannot order "
	       "them (guide 6.2); break the cycle in their specs",
	       c.s);
	kp_buf_release(&c);
	free(path);
	free(seen_at);
}

int pk_order(struct pk_rpm *const *rpms, size_t n, bool reorder, size_t *order,
	     struct kp_strv *warnings)
{
	/* edge[i*n+j]: i requires something j provides, so j goes first. */
	bool *edge = kp_calloc(n * n + 1, sizeof(*edge));
	for (size_t i = 0; i < n; i++)
		for (size_t j = 0; j < n; j++) {
			const struct pk_dep *why = NULL;
			if (i != j && needs(rpms[i], rpms[j], &why)) {
				edge[i * n + j] = true;
				if (!reorder && j > i) {
					_cleanup_free_ char *s = pk_dep_str(why);
					kp_strv_pushf(warnings,
						      "%s requires %s, which %s provides but comes "
						      "later (--no-reorder keeps the given order)",
						      rpms[i]->filename, s, rpms[j]->filename);
				}
			}
		}
	int ret = 0;
	if (!reorder) {
		for (size_t i = 0; i < n; i++)
			order[i] = i;
		free(edge);
		return 0;
	}
	/* Kahn's algorithm, always taking the first ready package: stable. */
	bool *done = kp_calloc(n + 1, sizeof(*done));
	for (size_t k = 0; k < n && ret == 0; k++) {
		size_t pick = n;
		for (size_t i = 0; i < n && pick == n; i++) {
			if (done[i])
				continue;
			bool ready = true;
			for (size_t j = 0; j < n && ready; j++)
				ready = done[j] || !edge[i * n + j];
			if (ready)
				pick = i;
		}
		if (pick == n) {
			report_cycle(rpms, n, edge, done);
			ret = -KP_EINPUT;
			break;
		}
		done[pick] = true;
		order[k] = pick;
	}
	free(done);
	free(edge);
	return ret;
}
