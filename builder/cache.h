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

/* Build the key (a text listing every input with its sha256). */
int bld_cache_key(const struct spec_manifest *m, const struct kb_target *t,
		  const struct fw_data *data, long long sde, const char *outdir, char **key);
/*
 * True when statedir holds this key and outdir still holds that build's
 * artifacts; then *report is the published build report (owned).
 */
bool bld_cache_fresh(const char *statedir, const char *outdir, const char *key,
		     struct rp_build **report);
/* The key the last successful publish stored (owned), or -errno (-ENOENT: none). */
int bld_cache_load(const char *statedir, char **key);
/* Remember key after a successful publish. */
int bld_cache_store(const char *statedir, const char *key);

#endif
