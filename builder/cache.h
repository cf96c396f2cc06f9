/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * "Nothing changed, nothing to do": a key made of everything that decides
 * a build's output (kmodpack's version, the manifest, the target's trees as
 * release + .config + Module.symvers, every source and data file, the spec
 * template, SOURCE_DATE_EPOCH, KCFLAGS). When the key matches the one
 * stored by the last successful publish and every artifact of that build
 * is still in place, byte for byte, the build is skipped and writes nothing.
 */
#ifndef BLD_CACHE_H
#define BLD_CACHE_H

#include <stdbool.h>

#include "common/util.h"

struct kb_target;
struct spec_manifest;
struct fw_data;
struct rp_build;
struct rp_artifact;

/*
 * Build the key (a text listing every input with its sha256). gpg_key: the
 * key the packages are signed with, or NULL; sign_cert: the certificate
 * (file) of the key the modules are signed with, or NULL. The certificate
 * stands for the key, which must match it: the private key's content is
 * never in the key.
 */
int bld_cache_key(const struct spec_manifest *m, const struct kb_target *t,
		  const struct fw_data *data, long long sde, const char *gpg_key,
		  const char *sign_cert, const char *outdir, char **key);
/*
 * True when statedir holds this key and outdir still holds that build's
 * artifacts; then *report is the published build report (owned). A
 * package counts as still in place when its bytes are the build's, or its
 * main header and payload are (spec_rpm_content_sha256): signed since, by
 * `rpmsign --addsign`. When false, *why (owned, may be NULL when there was
 * no build yet) says in one line what changed.
 */
bool bld_cache_fresh(const char *statedir, const char *outdir, const char *key,
		     struct rp_build **report, char **why);
/* The key the last successful publish stored (owned), or -errno (-ENOENT: none). */
int bld_cache_load(const char *statedir, char **key);
/* Whether the file at path is the artifact a (its bytes, or its header and payload). */
bool bld_artifact_same(const struct rp_artifact *a, const char *path);
/* Remember key after a successful publish. */
int bld_cache_store(const char *statedir, const char *key);

#endif
