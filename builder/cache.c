// SPDX-License-Identifier: GPL-2.0-or-later
#include "builder/cache.h"

#include <dirent.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "builder/internal.h"
#include "common/digest.h"
#include "common/fs.h"
#include "common/log.h"
#include "firmware/data.h"
#include "kbuild/target.h"
#include "report/report.h"
#include "specgen/manifest.h"
#include "specgen/rpm.h"
#include "specgen/spec.h"

#define KEY_FILE "cache-key"

static void add_file(struct kp_buf *b, const char *label, const char *path)
{
	char sum[65];
	if (kp_sha256_file(path, sum) < 0)
		strcpy(sum, "missing");
	kp_buf_addf(b, "%s\t%s\t%s\n", label, path, sum);
}

/* Every file below dir, sorted, as the build would copy it. */
static void add_tree(struct kp_buf *b, const char *dir, const char *rel, const char *outdir)
{
	_cleanup_free_ char *path = rel[0] ? kp_path_join(dir, rel) : kp_strdup(dir);
	struct kp_strv names = {0};
	if (kp_list_dir(path, &names) < 0)
		return;
	for (size_t i = 0; i < names.n; i++) {
		_cleanup_free_ char *sub = kp_path_join(rel, names.v[i]);
		_cleanup_free_ char *full = kp_path_join(dir, sub);
		struct stat st;
		if (bld_source_skip(full, outdir) || lstat(full, &st) < 0)
			continue;
		if (S_ISDIR(st.st_mode)) {
			add_tree(b, dir, sub, outdir);
		} else if (S_ISREG(st.st_mode)) {
			kp_buf_addf(b, "mode\t%s\t%o\n", sub, kp_normal_file_mode(st.st_mode));
			add_file(b, "src", full);
		} else if (S_ISLNK(st.st_mode)) {
			char t[4096];
			ssize_t n = readlink(full, t, sizeof(t) - 1);
			t[n < 0 ? 0 : n] = '\0';
			kp_buf_addf(b, "link\t%s\t%s\n", sub, t);
		}
	}
	kp_strv_release(&names);
}

/* The compiler's name: the CC of make_args less distcc/ccache, else the tree's (.config). */
static char *compiler_name(const struct spec_manifest *m, const char *tree)
{
	for (size_t i = m->make_args.n; i-- > 0;) {
		if (!kp_startswith(m->make_args.v[i], "CC="))
			continue;
		_cleanup_strv_ struct kp_strv w = {0};
		kp_strv_split_on(&w, m->make_args.v[i] + 3, " ");
		for (size_t k = 0; k < w.n; k++) {
			const char *base = strrchr(w.v[k], '/') ? strrchr(w.v[k], '/') + 1 : w.v[k];
			if (strcmp(base, "distcc") && strcmp(base, "ccache"))
				return kp_strdup(w.v[k]);
		}
		return kp_strdup("cc"); /* distcc or ccache alone run cc */
	}
	/* CONFIG_CC_VERSION_TEXT="gcc-12 (Debian 12.2.0-14+deb12u1) 12.2.0" */
	_cleanup_free_ char *cfgpath = kp_path_join(tree, ".config"), *cfg = NULL;
	const char *p = kp_read_file(cfgpath, &cfg, NULL) == 0
			    ? strstr(cfg, "\nCONFIG_CC_VERSION_TEXT=\"")
			    : NULL;
	if (p) {
		p += strlen("\nCONFIG_CC_VERSION_TEXT=\"");
		size_t n = strcspn(p, " \"\n");
		if (n && strncmp(p, "clang", 5))
			return kp_strndup(p, n);
	}
	return kp_strdup("gcc");
}

/*
 * Which compiler a flavour's make will run, by identity: its name, the file
 * it resolves to in PATH, and that file's size and mtime (a new compiler
 * package changes them). So putting another compiler first in PATH, or
 * giving another CC in make_args, builds again.
 */
static void add_compiler(struct kp_buf *b, const struct spec_manifest *m, const char *tree)
{
	_cleanup_free_ char *name = compiler_name(m, tree);
	_cleanup_free_ char *found = NULL;
	if (strchr(name, '/')) {
		found = kp_strdup(name);
	} else {
		const char *path = getenv("PATH");
		_cleanup_strv_ struct kp_strv dirs = {0};
		kp_strv_split_on(&dirs, path ? path : "/usr/bin:/bin", ":");
		for (size_t i = 0; i < dirs.n && !found; i++) {
			_cleanup_free_ char *c = kp_path_join(dirs.v[i], name);
			if (access(c, X_OK) == 0)
				found = TAKE_PTR(c);
		}
	}
	_cleanup_free_ char *real = found ? realpath(found, NULL) : NULL;
	struct stat st;
	if (real && stat(real, &st) == 0)
		kp_buf_addf(b, "compiler\t%s\t%s\t%s\t%lld\t%lld\n", name, found, real,
			    (long long)st.st_size, (long long)st.st_mtime);
	else
		kp_buf_addf(b, "compiler\t%s\tmissing\n", name);
}

int bld_cache_key(const struct spec_manifest *m, const struct kb_target *t,
		  const struct fw_data *data, long long sde, const char *gpg_key,
		  const char *sign_cert, const char *outdir, char **key)
{
	struct kp_buf b = {0};
	/* What the environment can change in Kbuild's output (PATH is left out: it
	 * differs between shells far more often than it changes the compiler). */
	static const char *const env[] = {"KCFLAGS",
					  "CC",
					  "LD",
					  "ARCH",
					  "CROSS_COMPILE",
					  "LLVM",
					  "DEBIAN_KERNEL_USE_CCACHE",
					  "KBUILD_BUILD_TIMESTAMP"};
	kp_buf_addf(&b, "kmodpack\t%s\nsde\t%lld\n", KMODPACK_VERSION, sde);
	for (size_t i = 0; i < KP_ARRAY_SIZE(env); i++) {
		const char *v = getenv(env[i]);
		kp_buf_addf(&b, "env\t%s\t%s\n", env[i], v ? v : "(unset)");
	}
	kp_buf_addf(&b, "gpg-key\t%s\n", gpg_key ? gpg_key : "(none)");
	if (sign_cert)
		add_file(&b, "module-sign-cert", sign_cert);
	else
		kp_buf_addf(&b, "module-sign-cert\t(none)\n");
	add_file(&b, "manifest", m->path);
	for (size_t i = 0; i < SPEC_NSCRIPTS; i++)
		if (m->script_path[i])
			add_file(&b, spec_script_key(i), m->script_path[i]);
	if (t->file)
		add_file(&b, "target", t->file);
	kp_buf_addf(&b, "target\t%s\t%s\t%s\n", t->name, t->arch, t->module_dir);
	for (size_t i = 0; i < t->nflavours; i++) {
		const struct kb_flavour *f = &t->flavours[i];
		kp_buf_addf(&b, "flavour\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n", f->name, f->release,
			    f->kver, f->tree, f->source_tree ? f->source_tree : "",
			    f->arch ? f->arch : "", f->modules_dir ? f->modules_dir : "");
		static const char *const files[] = {".config", "Module.symvers",
						    "include/generated/utsrelease.h"};
		for (size_t k = 0; k < KP_ARRAY_SIZE(files); k++) {
			_cleanup_free_ char *p = kp_path_join(f->tree, files[k]);
			add_file(&b, "tree", p);
		}
		if (f->modules_dir) {
			_cleanup_free_ char *p = kp_path_join(f->modules_dir, "modules.alias");
			add_file(&b, "kernel", p);
		}
		add_compiler(&b, m, f->tree);
	}
	if (m->source_is_archive)
		add_file(&b, "archive", m->source);
	else
		add_tree(&b, m->source, "", outdir);
	for (size_t i = 0; data && i < data->n_files; i++)
		if (data->files[i].src)
			add_file(&b, data->files[i].dest, data->files[i].src);
	_cleanup_free_ char *tmpl = spec_template_path("kmod.spec.in");
	add_file(&b, "template", tmpl);
	*key = kp_buf_steal(&b);
	return 0;
}

bool bld_artifact_same(const struct rp_artifact *a, const char *path)
{
	char sum[65];
	if (kp_sha256_file(path, sum) < 0)
		return false;
	if (!strcmp(sum, a->sha256))
		return true;
	return a->content_sha256[0] && spec_rpm_content_sha256(path, sum) == 0 &&
	       !strcmp(sum, a->content_sha256);
}

/* The key's first line that differs from the last build's, as "what changed". */
static char *key_change(const char *old, const char *key)
{
	const char *o = old, *k = key;
	while (*o && *k) {
		size_t on = strcspn(o, "\n"), kn = strcspn(k, "\n");
		if (on != kn || memcmp(o, k, on))
			break;
		o += on + (o[on] == '\n');
		k += kn + (k[kn] == '\n');
	}
	if (!*k)
		return kp_strdup("an input was removed since the last build");
	/* label \t what [\t sum]: name the label and what */
	_cleanup_free_ char *line = kp_strndup(k, strcspn(k, "\n"));
	_cleanup_strv_ struct kp_strv f = {0};
	kp_strv_split_on(&f, line, "\t");
	if (f.n >= 2 && !strcmp(f.v[0], "gpg-key"))
		return kp_asprintf("the gpg key is now %s", f.v[1]);
	if (f.n >= 2 && !strcmp(f.v[0], "module-sign-cert"))
		return !strcmp(f.v[1], "(none)")
			   ? kp_strdup("modules are no longer signed")
			   : kp_asprintf("the module signing certificate '%s' is new or changed",
					 f.v[1]);
	if (f.n >= 3 &&
	    (!strcmp(f.v[0], "env") || !strcmp(f.v[0], "mode") || !strcmp(f.v[0], "link")))
		return kp_asprintf("%s %s changed (now %s)", f.v[0], f.v[1], f.v[2]);
	if (f.n >= 2)
		return kp_asprintf("%s %s changed", f.v[0], f.v[1]);
	return kp_asprintf("%s changed", line);
}

int bld_inputs_key(const struct bld_inputs *in, const char *gpg_key, const char *sign_cert,
		   const char *outdir, char **key)
{
	int r = bld_cache_key(in->m, in->t, in->data, in->sde, gpg_key, sign_cert, outdir, key);
	/* The choice of host kernels, which status replays (its flavours are named by release). */
	if (r == 0 && in->all_kernels) {
		char *k = kp_asprintf("%sall-kernels\tyes\n", *key);
		free(*key);
		*key = k;
	}
	for (size_t i = 0; r == 0 && i < in->nskipped; i++) {
		char *k = kp_asprintf("%sskipped\t%s\t%s\t%s\n", *key, in->skipped[i].name,
				      in->skipped[i].release, in->skipped[i].reason);
		free(*key);
		*key = k;
	}
	return r;
}

bool bld_cache_fresh(const char *statedir, const char *outdir, const char *key,
		     struct rp_build **report, char **why)
{
	_cleanup_free_ char *kf = kp_path_join(statedir, KEY_FILE);
	_cleanup_free_ char *old = NULL;
	*why = NULL;
	if (kp_read_file(kf, &old, NULL) < 0)
		return false;
	if (strcmp(old, key)) {
		*why = key_change(old, key);
		return false;
	}
	/* The key says the inputs match; the artifacts must match the report too. */
	_cleanup_free_ char *rp = kp_path_join(outdir, RP_BUILD_REPORT_NAME);
	struct rp_build *rep = NULL;
	/* An unreadable report only means a rebuild, nothing to complain about. */
	int r = rp_build_try_read(rp, &rep);
	bool ok = r == 0 && rep->nartifacts > 0;
	if (!ok)
		*why = kp_asprintf("%s is missing or unreadable", RP_BUILD_REPORT_NAME);
	for (size_t i = 0; ok && i < rep->nartifacts; i++) {
		const struct rp_artifact *a = &rep->artifacts[i];
		_cleanup_free_ char *p = kp_path_join(outdir, a->path);
		ok = bld_artifact_same(a, p);
		if (!ok)
			*why =
			    kp_asprintf("%s was changed or removed since the last build", a->path);
	}
	if (ok)
		*report = rep;
	else
		rp_build_free(rep);
	return ok;
}

int bld_cache_load(const char *statedir, char **key)
{
	_cleanup_free_ char *kf = kp_path_join(statedir, KEY_FILE);
	return kp_read_file(kf, key, NULL);
}

int bld_cache_store(const char *statedir, const char *key)
{
	_cleanup_free_ char *kf = kp_path_join(statedir, KEY_FILE);
	return kp_write_file_atomic(kf, key, strlen(key), 0644);
}
