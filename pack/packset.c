// SPDX-License-Identifier: GPL-2.0-or-later
#include "pack/packset.h"

#include <errno.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/archive.h"
#include "common/digest.h"
#include "common/fs.h"
#include "common/log.h"
#include "common/pathcheck.h"
#include "common/xml.h"
#include "pack/meta.h"

static void setpack_release(struct pk_setpack *p)
{
	free(p->originator);
	free(p->name);
	free(p->from);
	free(p->dir);
	kp_strv_release(&p->files);
	kp_strv_release(&p->requires);
}

void pk_packset_free(struct pk_packset *s)
{
	if (!s)
		return;
	for (size_t i = 0; i < s->n; i++)
		setpack_release(&s->packs[i]);
	free(s->packs);
	if (s->work)
		kp_rm_rf(s->work);
	free(s->work);
	free(s);
}

/* The pack's regular files, relative, sorted (what combine and remaster copy). */
static void list_files(const char *top, struct kp_strv *out)
{
	_cleanup_strv_ struct kp_strv all = {0};
	kp_list_tree(top, &all);
	for (size_t i = 0; i < all.n; i++) {
		_cleanup_free_ char *full = kp_path_join(top, all.v[i]);
		struct stat st;
		if (lstat(full, &st) == 0 && S_ISREG(st.st_mode))
			kp_strv_push(out, all.v[i]);
	}
}

/* Every package XS-PACKAGES lists is there with its size and md5. */
static int check_packages(const struct pk_setpack *p, const struct kp_xml_node *pkgs)
{
	int bad = 0;
	for (size_t i = 0; i < pkgs->nchildren; i++) {
		const struct kp_xml_node *el = &pkgs->children[i];
		_cleanup_free_ char *file = kp_strdup(el->text);
		kp_strstrip(file);
		const char *md5 = kp_xml_attr(el, "md5"), *size = kp_xml_attr(el, "size");
		_cleanup_free_ char *path = kp_path_join(p->dir, file);
		struct stat st;
		char sum[KP_DIGEST_HEX_MAX] = "";
		if (!*file || strchr(file, '/') || lstat(path, &st) < 0 || !S_ISREG(st.st_mode)) {
			kp_err("%s: XS-PACKAGES:%d lists '%s', which the pack does not hold",
			       p->from, el->line, file);
			bad++;
			continue;
		}
		_cleanup_free_ char *have = kp_asprintf("%lld", (long long)st.st_size);
		if (kp_md5_file(path, sum) < 0 || !md5 || strcmp(md5, sum) || !size ||
		    strcmp(size, have)) {
			kp_err(
			    "%s: %s is damaged: size %s, md5 %s; XS-PACKAGES:%d says size %s, md5 "
			    "%s",
			    p->from, file, have, sum, el->line, size ? size : "(none)",
			    md5 ? md5 : "(none)");
			bad++;
		}
	}
	return bad ? -KP_EINPUT : 0;
}

/* Read the pack unpacked at p->dir. */
static int read_pack(struct pk_setpack *p)
{
	_cleanup_free_ char *rp = kp_path_join(p->dir, "XS-REPOSITORY");
	_cleanup_free_ char *pp = kp_path_join(p->dir, "XS-PACKAGES");
	if (!kp_is_file(rp) || !kp_is_file(pp)) {
		kp_err("%s is not a supplemental pack: it has no XS-REPOSITORY or XS-PACKAGES",
		       p->from);
		return -KP_EINPUT;
	}
	_cleanup_(kp_xml_freep) struct kp_xml_node *repo = NULL, *pkgs = NULL;
	if (kp_xml_read(rp, &repo) < 0 || kp_xml_read(pp, &pkgs) < 0)
		return -KP_EINPUT;
	const char *orig = kp_xml_attr(repo, "originator"), *name = kp_xml_attr(repo, "name");
	if (strcmp(repo->name, "repository") || !orig || !name || !*name || strchr(name, '/') ||
	    name[0] == '.') {
		kp_err("%s: XS-REPOSITORY:%d: not a <repository> with originator= and a plain "
		       "name=",
		       p->from, repo->line);
		return -KP_EINPUT;
	}
	p->originator = kp_strdup(orig);
	p->name = kp_strdup(name);
	for (size_t i = 0; i < repo->nchildren; i++) {
		const struct kp_xml_node *q = &repo->children[i];
		if (!strcmp(q->name, "requires"))
			kp_strv_pushf(&p->requires, "%s:%s", kp_xml_attr(q, "originator") ?: "",
				      kp_xml_attr(q, "name") ?: "");
	}
	struct stat st;
	p->mtime = stat(rp, &st) == 0 ? (long long)st.st_mtime : 0;
	list_files(p->dir, &p->files);
	return check_packages(p, pkgs);
}

static struct pk_setpack *add(struct pk_packset *s, const char *from, const char *dir)
{
	s->packs = kp_reallocarray(s->packs, s->n + 1, sizeof(*s->packs));
	struct pk_setpack *p = &s->packs[s->n++];
	*p = (struct pk_setpack){.from = kp_strdup(from), .dir = kp_strdup(dir)};
	return p;
}

/* One ISO: a pack, or a combined ISO whose XS-REPOSITORY-LIST names its packs' dirs. */
static int load_iso(struct pk_packset *s, const char *iso, size_t k)
{
	_cleanup_free_ char *name = kp_asprintf("iso%zu", k);
	_cleanup_free_ char *dir = kp_path_join(s->work, name);
	struct kp_extract_opts xo = {
	    .what = "pack ISO", .formats = KP_ARCHIVE_ISO9660, .limits = &kp_iso_limits};
	int r = kp_archive_extract(iso, dir, &xo);
	if (r < 0)
		return r;
	_cleanup_strv_ struct kp_strv subs = {0};
	r = pk_repository_list_read(iso, dir, &subs);
	if (r == -ENOENT)
		return read_pack(add(s, iso, dir));
	for (size_t i = 0; i < subs.n && r == 0; i++) {
		const char *sub = subs.v[i];
		_cleanup_free_ char *from = kp_asprintf("%s (%s)", iso, sub);
		_cleanup_free_ char *subdir = kp_path_join(dir, sub);
		r = read_pack(add(s, from, subdir));
	}
	return r;
}

int pk_packset_load(const char *const *isos, size_t n, struct pk_packset **out)
{
	_cleanup_(pk_packset_freep) struct pk_packset *s = kp_calloc(1, sizeof(*s));
	const char *tmp = getenv("TMPDIR");
	s->work = kp_asprintf("%s/kmodpack-packs-XXXXXX", tmp && *tmp ? tmp : "/tmp");
	if (!mkdtemp(s->work)) {
		int r = -errno;
		kp_err("cannot create a temp dir '%s': %s", s->work, strerror(-r));
		free(TAKE_PTR(s->work));
		return r;
	}
	for (size_t i = 0; i < n; i++) {
		int r = load_iso(s, isos[i], i);
		if (r < 0)
			return r;
	}
	for (size_t i = 0; i < s->n; i++)
		for (size_t j = 0; j < i; j++)
			if (!strcmp(s->packs[i].name, s->packs[j].name)) {
				kp_err("%s and %s are both packs named '%s': their directories "
				       "(packages.%s) would collide; give each pack once",
				       s->packs[j].from, s->packs[i].from, s->packs[i].name,
				       s->packs[i].name);
				return -KP_EINPUT;
			}
	*out = TAKE_PTR(s);
	return 0;
}

static ssize_t find(const struct pk_packset *s, const char *id)
{
	for (size_t i = 0; i < s->n; i++) {
		_cleanup_free_ char *have =
		    kp_asprintf("%s:%s", s->packs[i].originator, s->packs[i].name);
		if (!strcmp(have, id))
			return (ssize_t)i;
	}
	return -1;
}

int pk_packset_order(struct pk_packset *s)
{
	size_t n = s->n, done = 0;
	bool *placed = kp_calloc(n ? n : 1, sizeof(bool));
	struct pk_setpack *sorted = kp_calloc(n ? n : 1, sizeof(*sorted));
	/* Each round takes the first pack whose requirements from the set are all placed. */
	while (done < n) {
		size_t pick = n;
		for (size_t i = 0; i < n && pick == n; i++) {
			if (placed[i])
				continue;
			bool ready = true;
			for (size_t k = 0; k < s->packs[i].requires.n && ready; k++) {
				ssize_t d = find(s, s->packs[i].requires.v[k]);
				ready = d < 0 || (size_t)d == i || placed[d];
			}
			if (ready)
				pick = i;
		}
		if (pick == n)
			break;
		placed[pick] = true;
		sorted[done++] = s->packs[pick];
	}
	if (done < n) {
		struct kp_buf b = {0};
		for (size_t i = 0; i < n; i++)
			if (!placed[i])
				kp_buf_addf(&b, "%s%s:%s", b.len ? ", " : "",
					    s->packs[i].originator, s->packs[i].name);
		_cleanup_free_ char *names = kp_buf_steal(&b);
		kp_err("these packs require each other in a cycle, so none can be installed first: "
		       "%s",
		       names);
		free(placed);
		free(sorted);
		return -KP_EINPUT;
	}
	if (n)
		memcpy(s->packs, sorted, n * sizeof(*sorted));
	free(placed);
	free(sorted);
	return 0;
}

long long pk_packset_epoch(const struct pk_packset *s)
{
	long long t = 0;
	for (size_t i = 0; i < s->n; i++)
		if (s->packs[i].mtime > t)
			t = s->packs[i].mtime;
	return t;
}
