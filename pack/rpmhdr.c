// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * RPM headers through librpm. Signatures are not checked (a pack carries
 * whatever keys its vendor signed with, and the host installer checks md5
 * sums of its own); the header's digest is, so a damaged header is refused
 * rather than misread. Payload digests are skipped: the pack digests every
 * file itself, and reading each RPM once more would double the I/O.
 *
 * librpm logs through a process-global callback that by default prints to
 * stderr: it is swapped for one that keeps rpm's last message, which the
 * error then quotes, and swapped back.
 */
#include "pack/rpmhdr.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <sys/stat.h>

#include <rpm/header.h>
#include <rpm/rpmds.h>
#include <rpm/rpmfi.h>
#include <rpm/rpmlib.h>
#include <rpm/rpmlog.h>
#include <rpm/rpmts.h>

#include "common/digest.h"
#include "common/log.h"
#include "common/util.h"

static int keep_last(rpmlogRec rec, rpmlogCallbackData data)
{
	char **last = data;
	if (rpmlogRecPriority(rec) <= RPMLOG_ERR) {
		free(*last);
		*last = kp_strdup(rpmlogRecMessage(rec));
		kp_strstrip(*last);
	}
	return 0; /* neither print nor exit: the library never does */
}

static char *get_str(Header h, rpmTagVal tag)
{
	const char *s = headerGetString(h, tag);
	return kp_strdup(s ? s : "");
}

static void read_deps(Header h, rpmTagVal tag, struct pk_dep **out, size_t *n)
{
	rpmds ds = rpmdsNew(h, tag, 0);
	size_t alloc = 0;
	while (rpmdsNext(ds) >= 0) {
		rpmsenseFlags fl = rpmdsFlags(ds);
		/* rpm's own feature markers are met by any rpm that reads the package. */
		if (fl & RPMSENSE_RPMLIB)
			continue;
		if (rpmdsIsRich(ds))
			continue; /* "(a or b)": not something a pack can order by */
		if (*n == alloc) {
			alloc = alloc ? 2 * alloc : 8;
			*out = kp_reallocarray(*out, alloc, sizeof(**out));
		}
		const char *evr = rpmdsEVR(ds);
		(*out)[(*n)++] = (struct pk_dep){
		    .name = kp_strdup(rpmdsN(ds)),
		    .evr = kp_strdup(evr ? evr : ""),
		    .flags = (fl & RPMSENSE_LESS ? PK_DEP_LESS : 0) |
			     (fl & RPMSENSE_GREATER ? PK_DEP_GREATER : 0) |
			     (fl & RPMSENSE_EQUAL ? PK_DEP_EQUAL : 0),
		};
	}
	rpmdsFree(ds);
}

static void read_files(rpmts ts, Header h, struct pk_rpm *r)
{
	rpmfi fi = rpmfiNew(ts, h, RPMTAG_BASENAMES, RPMFI_KEEPHEADER);
	if (!fi)
		return;
	r->files = kp_calloc(rpmfiFC(fi) + 1, sizeof(*r->files));
	while (rpmfiNext(fi) >= 0)
		r->files[r->nfiles++] =
		    (struct pk_file){.path = kp_strdup(rpmfiFN(fi)), .mode = rpmfiFMode(fi)};
	rpmfiFree(fi);
}

static int read_header(const char *path, struct pk_rpm *r)
{
	FD_t fd = Fopen(path, "r.ufdio");
	if (!fd || Ferror(fd)) {
		int e = errno ? errno : EIO;
		if (fd)
			Fclose(fd);
		kp_err("cannot open '%s': %s", path, strerror(e));
		return -e;
	}
	char *last = NULL;
	rpmlogCallback old_cb = rpmlogSetCallback(keep_last, &last);
	rpmts ts = rpmtsCreate();
	rpmtsSetVSFlags(ts, RPMVSF_MASK_NOSIGNATURES | RPMVSF_NOPAYLOAD | RPMVSF_NOMD5);
	Header h = NULL;
	rpmRC rc = rpmReadPackageFile(ts, fd, path, &h);
	Fclose(fd);
	rpmlogSetCallback(old_cb, NULL);
	/*
	 * rpmlog keeps a record of every warning and error for the life of
	 * the process, whatever the callback says: without this, each damaged
	 * package a pack or verify reads grows the heap for good. The one
	 * message wanted is in last.
	 */
	rpmlogClose();

	int ret = 0;
	if (rc == RPMRC_NOTFOUND) {
		kp_err("'%s' is not an RPM package", path);
		ret = -KP_EINPUT;
	} else if (rc != RPMRC_OK && rc != RPMRC_NOKEY && rc != RPMRC_NOTTRUSTED) {
		kp_err("'%s': cannot read the RPM header%s%s: the file is damaged", path,
		       last ? ": " : "", last ? last : "");
		ret = -KP_EINPUT;
	} else {
		r->name = get_str(h, RPMTAG_NAME);
		r->version = get_str(h, RPMTAG_VERSION);
		r->release = get_str(h, RPMTAG_RELEASE);
		r->arch = get_str(h, RPMTAG_ARCH);
		r->group = get_str(h, RPMTAG_GROUP);
		r->summary = get_str(h, RPMTAG_SUMMARY);
		r->source = headerIsSource(h);
		r->payload_size = headerGetNumber(h, RPMTAG_LONGSIZE);
		r->buildtime = (long long)headerGetNumber(h, RPMTAG_BUILDTIME);
		read_files(ts, h, r);
		read_deps(h, RPMTAG_REQUIRENAME, &r->requires, &r->nrequires);
		read_deps(h, RPMTAG_PROVIDENAME, &r->provides, &r->nprovides);
	}
	headerFree(h);
	rpmtsFree(ts);
	free(last);
	return ret;
}

int pk_rpm_read(const char *path, struct pk_rpm **out)
{
	struct stat st;
	if (stat(path, &st) < 0) {
		int e = errno;
		kp_err("cannot read '%s': %s", path, strerror(e));
		return e == ENOENT ? -KP_EINPUT : -e;
	}
	if (!S_ISREG(st.st_mode)) {
		kp_err("'%s' is not a file: give RPM packages or build output dirs", path);
		return -KP_EINPUT;
	}
	struct pk_rpm *r = kp_calloc(1, sizeof(*r));
	/* Absolute: the ISO writer reads it later, and needs a path that does not depend on cwd. */
	r->path = realpath(path, NULL);
	if (!r->path)
		r->path = kp_strdup(path);
	const char *slash = strrchr(path, '/');
	r->filename = kp_strdup(slash ? slash + 1 : path);
	r->size = (unsigned long long)st.st_size;
	int ret = read_header(path, r);
	if (ret == 0 && (ret = kp_md5_sha256_file(path, r->md5, r->sha256)) < 0)
		kp_err("cannot read '%s': %s", path, strerror(-ret));
	if (ret < 0) {
		pk_rpm_free(r);
		return ret;
	}
	*out = r;
	return 0;
}

static void free_deps(struct pk_dep *d, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(d[i].name);
		free(d[i].evr);
	}
	free(d);
}

void pk_rpm_free(struct pk_rpm *r)
{
	if (!r)
		return;
	free(r->path);
	free(r->filename);
	free(r->name);
	free(r->version);
	free(r->release);
	free(r->arch);
	free(r->group);
	free(r->summary);
	for (size_t i = 0; i < r->nfiles; i++)
		free(r->files[i].path);
	free(r->files);
	free_deps(r->requires, r->nrequires);
	free_deps(r->provides, r->nprovides);
	free(r);
}

static rpmsenseFlags to_sense(unsigned f)
{
	return (f & PK_DEP_LESS ? RPMSENSE_LESS : 0) | (f & PK_DEP_GREATER ? RPMSENSE_GREATER : 0) |
	       (f & PK_DEP_EQUAL ? RPMSENSE_EQUAL : 0);
}

bool pk_dep_satisfies(const struct pk_dep *req, const struct pk_dep *prov)
{
	if (strcmp(req->name, prov->name) != 0)
		return false;
	rpmds a = rpmdsSingle(RPMTAG_REQUIRENAME, req->name, req->evr, to_sense(req->flags));
	rpmds b = rpmdsSingle(RPMTAG_PROVIDENAME, prov->name, prov->evr, to_sense(prov->flags));
	bool ok = rpmdsCompare(a, b) != 0;
	rpmdsFree(a);
	rpmdsFree(b);
	return ok;
}

char *pk_dep_str(const struct pk_dep *d)
{
	if (!d->flags || !*d->evr)
		return kp_strdup(d->name);
	char op[3] = {0};
	size_t i = 0;
	if (d->flags & PK_DEP_LESS)
		op[i++] = '<';
	if (d->flags & PK_DEP_GREATER)
		op[i++] = '>';
	if (d->flags & PK_DEP_EQUAL)
		op[i++] = '=';
	return kp_asprintf("%s %s %s", d->name, op, d->evr);
}
