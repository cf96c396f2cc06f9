// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Yum repository metadata with createrepo_c, in process: what
 * `createrepo_c --groupfile comps.xml --no-database --revision EPOCH
 * --set-timestamp-to-revision` writes, with the packages' file times pinned
 * too, so that two runs over the same packages give the same bytes. gzip
 * through zlib writes no time into its header.
 */
#include "pack/repo.h"

#include <createrepo_c/createrepo_c.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "common/fs.h"
#include "common/log.h"
#include "common/pathcheck.h"
#include "common/util.h"
#include "common/xml.h"

/*
 * createrepo_c reports through GLib's log (g_critical on malformed XML,
 * straight to stderr by default). The library never prints: while repo.c
 * calls into it, its domain goes to kp_log as debug messages; the error
 * that matters comes back as a GError and is logged with its context.
 */
static void glib_log(const gchar *domain, GLogLevelFlags level, const gchar *msg, gpointer data)
{
	kp_dbg("createrepo_c: %s", msg);
}

static guint quiet_glib(void)
{
	return g_log_set_handler("C_CREATEREPOLIB",
				 G_LOG_LEVEL_MASK | G_LOG_FLAG_FATAL | G_LOG_FLAG_RECURSION,
				 glib_log, NULL);
}

/* A GError as a logged message; frees it. */
static int gerr(GError **e, const char *what, const char *path)
{
	kp_err("%s%s%s: %s", what, path ? " " : "", path ? path : "",
	       *e && (*e)->message ? (*e)->message : "createrepo_c failed");
	g_clear_error(e);
	return -KP_EFAILED;
}

struct lists {
	cr_XmlFile *f[3];
	cr_ContentStat *st[3];
	char *path[3];
};

static const char *const list_type[3] = {"primary", "filelists", "other"};

static int lists_open(const char *repodata, size_t n, struct lists *l)
{
	GError *e = NULL;
	for (int i = 0; i < 3; i++) {
		l->path[i] = kp_asprintf("%s/%s.xml.gz", repodata, list_type[i]);
		l->st[i] = cr_contentstat_new(CR_CHECKSUM_SHA256, &e);
		if (l->st[i])
			l->f[i] = cr_xmlfile_sopen(l->path[i],
						   i == 0   ? CR_XMLFILE_PRIMARY
						   : i == 1 ? CR_XMLFILE_FILELISTS
							    : CR_XMLFILE_OTHER,
						   CR_CW_GZ_COMPRESSION, l->st[i], &e);
		if (!l->f[i] || cr_xmlfile_set_num_of_pkgs(l->f[i], (long)n, &e))
			return gerr(&e, "cannot write", l->path[i]);
	}
	return 0;
}

static int lists_close(struct lists *l, int r)
{
	GError *e = NULL;
	for (int i = 0; i < 3; i++) {
		if (l->f[i] && cr_xmlfile_close(l->f[i], &e) && r == 0)
			r = gerr(&e, "cannot write", l->path[i]);
		g_clear_error(&e);
		l->f[i] = NULL;
	}
	return r;
}

static void lists_release(struct lists *l)
{
	for (int i = 0; i < 3; i++) {
		if (l->st[i])
			cr_contentstat_free(l->st[i], NULL);
		free(l->path[i]);
	}
}

/* One package into the three lists, its file time pinned to epoch. */
static int add_package(const char *root, const char *href, long long epoch, struct lists *l)
{
	_cleanup_free_ char *path = kp_path_join(root, href);
	struct stat st;
	if (stat(path, &st) < 0) {
		kp_err("cannot read '%s': %s", path, strerror(errno));
		return -errno;
	}
	st.st_mtime = (time_t)epoch;
	GError *e = NULL;
	cr_Package *pkg =
	    cr_package_from_rpm(path, CR_CHECKSUM_SHA256, href, NULL, 10, &st, CR_HDRR_NONE, &e);
	if (!pkg) {
		gerr(&e, "createrepo_c cannot read the package", path);
		return -KP_EINPUT;
	}
	struct cr_XmlStruct x = cr_xml_dump(pkg, &e);
	int r = 0;
	if (e)
		r = gerr(&e, "createrepo_c cannot describe", path);
	else if (cr_xmlfile_add_chunk(l->f[0], x.primary, &e) ||
		 cr_xmlfile_add_chunk(l->f[1], x.filelists, &e) ||
		 cr_xmlfile_add_chunk(l->f[2], x.other, &e))
		r = gerr(&e, "cannot write the repo lists for", path);
	g_free(x.primary);
	g_free(x.filelists);
	g_free(x.other);
	cr_package_free(pkg);
	return r;
}

/* Checksums, sizes and the sha256-prefixed name, as createrepo_c's records. */
static int fill(cr_RepomdRecord *rec, long long epoch, const char *path)
{
	GError *e = NULL;
	if (cr_repomd_record_fill(rec, CR_CHECKSUM_SHA256, &e))
		return gerr(&e, "cannot digest", path);
	cr_repomd_record_set_timestamp(rec, epoch);
	if (cr_repomd_record_rename_file(rec, &e))
		return gerr(&e, "cannot rename", path);
	return 0;
}

static int add_groups(const char *repodata, const char *comps, long long epoch, cr_Repomd *md)
{
	_cleanup_free_ char *path = kp_path_join(repodata, "comps.xml");
	int r = kp_write_file(path, comps, strlen(comps), 0644);
	if (r < 0) {
		kp_err("cannot write '%s': %s", path, strerror(-r));
		return r;
	}
	GError *e = NULL;
	cr_RepomdRecord *plain = cr_repomd_record_new("group", path);
	cr_RepomdRecord *gz = cr_repomd_record_new("group_gz", NULL);
	if (cr_repomd_record_compress_and_fill(plain, gz, CR_CHECKSUM_SHA256, CR_CW_GZ_COMPRESSION,
					       NULL, &e)) {
		cr_repomd_record_free(plain);
		cr_repomd_record_free(gz);
		return gerr(&e, "cannot compress", path);
	}
	cr_repomd_record_set_timestamp(plain, epoch);
	cr_repomd_record_set_timestamp(gz, epoch);
	if (cr_repomd_record_rename_file(plain, &e) || cr_repomd_record_rename_file(gz, &e)) {
		cr_repomd_record_free(plain);
		cr_repomd_record_free(gz);
		return gerr(&e, "cannot rename", path);
	}
	cr_repomd_set_record(md, plain);
	cr_repomd_set_record(md, gz);
	return 0;
}

static int write_repomd(const char *repodata, cr_Repomd *md, long long epoch)
{
	char rev[32];
	snprintf(rev, sizeof(rev), "%lld", epoch);
	cr_repomd_set_revision(md, rev);
	cr_repomd_sort_records(md);
	GError *e = NULL;
	char *xml = cr_xml_dump_repomd(md, &e);
	if (!xml)
		return gerr(&e, "cannot write", "repomd.xml");
	_cleanup_free_ char *path = kp_path_join(repodata, "repomd.xml");
	int r = kp_write_file(path, xml, strlen(xml), 0644);
	g_free(xml);
	if (r < 0)
		kp_err("cannot write '%s': %s", path, strerror(-r));
	return r;
}

int pk_repo_write(const char *root, const char *const *hrefs, size_t n, const char *comps,
		  long long epoch)
{
	_cleanup_free_ char *repodata = kp_path_join(root, "repodata");
	int r = kp_mkdir_p(repodata, 0755);
	if (r < 0) {
		kp_err("cannot create '%s': %s", repodata, strerror(-r));
		return r;
	}
	guint h = quiet_glib();
	cr_xml_dump_init();
	cr_package_parser_init();
	struct lists l = {0};
	r = lists_open(repodata, n, &l);
	for (size_t i = 0; r == 0 && i < n; i++)
		r = add_package(root, hrefs[i], epoch, &l);
	r = lists_close(&l, r);
	cr_Repomd *md = cr_repomd_new();
	for (int i = 0; r == 0 && i < 3; i++) {
		cr_RepomdRecord *rec = cr_repomd_record_new(list_type[i], l.path[i]);
		cr_repomd_record_load_contentstat(rec, l.st[i]);
		if ((r = fill(rec, epoch, l.path[i])) < 0)
			cr_repomd_record_free(rec);
		else
			cr_repomd_set_record(md, rec);
	}
	if (r == 0 && comps)
		r = add_groups(repodata, comps, epoch, md);
	if (r == 0)
		r = write_repomd(repodata, md, epoch);
	cr_repomd_free(md);
	lists_release(&l);
	cr_package_parser_cleanup();
	cr_xml_dump_cleanup();
	g_log_remove_handler("C_CREATEREPOLIB", h);
	return r;
}

/* ---- reading ---- */

void pk_repo_release(struct pk_repo *r)
{
	for (size_t i = 0; i < r->npkgs; i++) {
		struct pk_repo_pkg *p = &r->pkgs[i];
		free(p->name);
		free(p->evr);
		free(p->arch);
		free(p->href);
		free(p->checksum_type);
		free(p->checksum);
	}
	free(r->pkgs);
	free(r->revision);
	free(r->primary_href);
	free(r->group_href);
	*r = (struct pk_repo){0};
}

static int on_package(cr_Package *pkg, void *data, GError **err)
{
	struct pk_repo *r = data;
	r->pkgs = kp_reallocarray(r->pkgs, r->npkgs + 1, sizeof(*r->pkgs));
	const char *ep = pkg->epoch && strcmp(pkg->epoch, "0") ? pkg->epoch : NULL;
	r->pkgs[r->npkgs++] = (struct pk_repo_pkg){
	    .name = kp_strdup(pkg->name ? pkg->name : ""),
	    .evr = kp_asprintf("%s%s%s-%s", ep ? ep : "", ep ? ":" : "",
			       pkg->version ? pkg->version : "", pkg->release ? pkg->release : ""),
	    .arch = kp_strdup(pkg->arch ? pkg->arch : ""),
	    .href = kp_strdup(pkg->location_href ? pkg->location_href : ""),
	    .checksum_type = kp_strdup(pkg->checksum_type ? pkg->checksum_type : ""),
	    .checksum = kp_strdup(pkg->pkgId ? pkg->pkgId : ""),
	    .size = pkg->size_package > 0 ? (unsigned long long)pkg->size_package : 0};
	cr_package_free(pkg);
	return CR_CB_RET_OK;
}

/* A location from repomd.xml, as a path under root, or NULL (logged). */
static char *inside(const char *root, const char *href, const char *what)
{
	_cleanup_free_ char *clean = NULL;
	if (!href || !*href || href[0] == '/' || kp_path_clean(href, &clean) < 0 || !*clean ||
	    kp_startswith(clean, "../") || !strcmp(clean, "..")) {
		kp_err("repodata/repomd.xml: the %s location '%s' is not a file of the repo", what,
		       href ? href : "");
		return NULL;
	}
	return kp_path_join(root, clean);
}

/* The primary file's sha256 must be what repomd.xml says: it is what the signature covers. */
static int check_record(const char *path, const cr_RepomdRecord *rec)
{
	GError *e = NULL;
	if (!rec->checksum_type || strcmp(rec->checksum_type, "sha256") || !rec->checksum) {
		kp_err("repodata/repomd.xml: <data type=\"%s\"> has no sha256 checksum", rec->type);
		return -KP_EINPUT;
	}
	char *sum = cr_checksum_file(path, CR_CHECKSUM_SHA256, &e);
	if (!sum) {
		kp_err("%s: %s", rec->location_href, e && e->message ? e->message : "unreadable");
		g_clear_error(&e);
		return -KP_EINPUT;
	}
	int r = strcmp(sum, rec->checksum) ? -KP_EINPUT : 0;
	if (r)
		kp_err("%s: sha256 %s, repodata/repomd.xml says %s", rec->location_href, sum,
		       rec->checksum);
	g_free(sum);
	return r;
}

static int repo_read(const char *root, struct pk_repo *out);

/* The most a primary list may hold once decompressed. */
#define PRIMARY_MAX (256u << 20)

/*
 * createrepo_c 0.20's XML parsers crash on some malformed documents (a
 * NULL dereference in cr_xml_parser_generic's error path, found by
 * tests/fuzz/fuzz-repo.c with a repomd.xml that is not well-formed). So
 * every file is first read, decompressed, by common/xml.c (libxml2, as
 * untrusted input); only a well-formed document reaches createrepo_c.
 */
static int wellformed(const char *path, const char *name)
{
	GError *e = NULL;
	CR_FILE *f = cr_open(path, CR_CW_MODE_READ, CR_CW_AUTO_DETECT_COMPRESSION, &e);
	if (!f) {
		kp_err("%s: %s", name, e && e->message ? e->message : "cannot be read");
		g_clear_error(&e);
		return -KP_EINPUT;
	}
	struct kp_buf b = {0};
	char chunk[65536];
	int n, r = 0;
	while ((n = cr_read(f, chunk, sizeof(chunk), &e)) > 0) {
		if (b.len + (size_t)n > PRIMARY_MAX) {
			kp_err("%s: larger than %u MiB once decompressed", name, PRIMARY_MAX >> 20);
			r = -KP_EINPUT;
			break;
		}
		kp_buf_add(&b, chunk, (size_t)n);
	}
	if (n < 0 && r == 0) {
		kp_err("%s: %s", name, e && e->message ? e->message : "cannot be decompressed");
		r = -KP_EINPUT;
	}
	g_clear_error(&e);
	cr_close(f, NULL);
	struct kp_xml_node *root = NULL;
	if (r == 0 && kp_xml_parse(name, b.s ? b.s : "", b.len, &root) < 0)
		r = -KP_EINPUT;
	kp_xml_free(root);
	kp_buf_release(&b);
	return r;
}

int pk_repo_read(const char *root, struct pk_repo *out)
{
	guint h = quiet_glib();
	int r = repo_read(root, out);
	g_log_remove_handler("C_CREATEREPOLIB", h);
	return r;
}

static int repo_read(const char *root, struct pk_repo *out)
{
	*out = (struct pk_repo){0};
	_cleanup_free_ char *repomd = kp_path_join(root, "repodata/repomd.xml");
	if (!kp_is_file(repomd)) {
		kp_err("repodata/repomd.xml: missing: not a yum repository");
		return -KP_EINPUT;
	}
	GError *e = NULL;
	cr_Repomd *md = cr_repomd_new();
	int r = 0;
	if (wellformed(repomd, "repodata/repomd.xml") < 0) {
		cr_repomd_free(md);
		return -KP_EINPUT;
	}
	if (cr_xml_parse_repomd(repomd, md, NULL, NULL, &e)) {
		kp_err("repodata/repomd.xml: %s", e && e->message ? e->message : "malformed");
		g_clear_error(&e);
		cr_repomd_free(md);
		return -KP_EINPUT;
	}
	out->revision = kp_strdup(md->revision ? md->revision : "");
	cr_RepomdRecord *prim = cr_repomd_get_record(md, "primary");
	cr_RepomdRecord *grp = cr_repomd_get_record(md, "group");
	_cleanup_free_ char *ppath = prim ? inside(root, prim->location_href, "primary") : NULL;
	if (!prim) {
		kp_err("repodata/repomd.xml: no primary list");
		r = -KP_EINPUT;
	} else if (!ppath || (r = check_record(ppath, prim)) < 0)
		r = -KP_EINPUT;
	if (r == 0) {
		out->primary_href = kp_strdup(prim->location_href);
		if (wellformed(ppath, prim->location_href) < 0)
			r = -KP_EINPUT;
		else if (cr_xml_parse_primary(ppath, NULL, NULL, on_package, out, NULL, NULL, 0,
					      &e)) {
			kp_err("%s: %s", prim->location_href,
			       e && e->message ? e->message : "malformed");
			g_clear_error(&e);
			r = -KP_EINPUT;
		}
	}
	if (r == 0 && grp) {
		_cleanup_free_ char *gpath = inside(root, grp->location_href, "group");
		if (!gpath || check_record(gpath, grp) < 0)
			r = -KP_EINPUT;
		else
			out->group_href = kp_strdup(grp->location_href);
	}
	cr_repomd_free(md);
	if (r < 0)
		pk_repo_release(out);
	return r;
}
