// SPDX-License-Identifier: GPL-2.0-or-later
#include "kbuild/target.h"

#include <ctype.h>
#include <errno.h>
#include <glob.h>
#include <stdio.h>
#include <sys/utsname.h>

#include "common/fs.h"
#include "common/ini.h"
#include "common/log.h"
#include "common/suggest.h"

/* ---- trees ---- */

static char *read_release_file(const char *tree, const char *rel, bool header)
{
	_cleanup_free_ char *path = kp_path_join(tree, rel);
	_cleanup_free_ char *text = NULL;
	if (kp_read_file(path, &text, NULL) < 0)
		return NULL;
	if (header) {
		/* #define UTS_RELEASE "6.1.0-56-amd64" */
		char *p = strstr(text, "UTS_RELEASE");
		if (!p || !(p = strchr(p, '"')))
			return NULL;
		char *e = strchr(++p, '"');
		return e ? kp_strndup(p, e - p) : NULL;
	}
	return kp_strdup(kp_strstrip(text));
}

static bool release_ok(const char *r)
{
	if (!*r || strlen(r) > 200)
		return false;
	for (const char *p = r; *p; p++)
		if (!isalnum((unsigned char)*p) && !strchr(".-_+~", *p))
			return false;
	return true;
}

/* The release a prepared tree was made for, or NULL; logs nothing. */
static char *tree_read_release_quiet(const char *tree)
{
	char *r = read_release_file(tree, "include/generated/utsrelease.h", true);
	return r ? r : read_release_file(tree, "include/config/kernel.release", false);
}

/*
 * What to install for a missing tree: Debian's headers package for a tree
 * where Debian puts one (/usr/src/linux-headers-REL, /lib/modules/REL/build),
 * else the product's kernel development package.
 */
static char *install_hint(const char *tree)
{
	const char *base = strrchr(tree, '/');
	base = base ? base + 1 : tree;
	if (kp_startswith(tree, "/usr/src/linux-headers-") && !strchr(tree + 23, '/') &&
	    tree[23])
		return kp_asprintf("on Debian: apt-get install linux-headers-%s", tree + 23);
	if (kp_startswith(tree, "/lib/modules/") && !strcmp(base, "build")) {
		size_t len = strlen(tree) - strlen("/lib/modules/") - strlen("/build");
		if (len > 0 && !memchr(tree + 13, '/', len))
			return kp_asprintf("on Debian: apt-get install linux-headers-%.*s", (int)len,
					   tree + 13);
	}
	return kp_strdup("install the product's kernel development package (its build tree)");
}

/*
 * w: the target file, line and flavour of the tree (a flavour of a target
 * file), or NULL: in the --json error document as data, in the text as
 * "FILE:LINE: flavour NAME: ".
 */
static int read_tree_release(const struct kp_log_where *w, const char *tree, char **release)
{
	_cleanup_free_ char *mk = kp_path_join(tree, "Makefile");
	_cleanup_free_ char *fl = w && w->flavour ? kp_asprintf("flavour %s: ", w->flavour)
						  : kp_strdup("");
	if (!kp_is_dir(tree)) {
		_cleanup_free_ char *hint = install_hint(tree);
		kp_err_at(w, "%skernel tree '%s' does not exist: %s, or fix the target file", fl,
			  tree, hint);
		return -KP_EENV;
	}
	if (!kp_is_file(mk)) {
		kp_err_at(w,
			  "%s'%s' is not a Kbuild tree (no Makefile): point the flavour at the "
			  "kernel's build tree, e.g. /lib/modules/<release>/build",
			  fl, tree);
		return -KP_EENV;
	}
	_cleanup_free_ char *r = tree_read_release_quiet(tree);
	if (!r) {
		kp_err_at(w,
			  "%skernel tree '%s' is not prepared (no include/generated/utsrelease.h "
			  "or include/config/kernel.release): run 'make modules_prepare' in it, "
			  "or install the distribution's headers package",
			  fl, tree);
		return -KP_EENV;
	}
	if (!release_ok(r)) {
		kp_err_at(w, "%skernel tree '%s' has an unusable release '%s'", fl, tree, r);
		return -KP_EENV;
	}
	*release = TAKE_PTR(r);
	return 0;
}

int kb_tree_read_release(const char *tree, char **release)
{
	return read_tree_release(NULL, tree, release);
}

char *kb_tree_read_arch(const char *tree)
{
	/* Checked in order: the first option set to y decides. */
	static const struct {
		const char *opt, *arch;
	} map[] = {
	    {"CONFIG_X86_64=y", "x86_64"}, {"CONFIG_X86_32=y", "i686"},
	    {"CONFIG_ARM64=y", "aarch64"}, {"CONFIG_CPU_LITTLE_ENDIAN=y\nCONFIG_PPC64=y", NULL},
	    {"CONFIG_S390=y", "s390x"},	   {"CONFIG_RISCV=y", "riscv64"},
	};
	_cleanup_free_ char *path = kp_path_join(tree, ".config");
	_cleanup_free_ char *cfg = NULL;
	if (kp_read_file(path, &cfg, NULL) < 0)
		return NULL;
	for (size_t i = 0; i < KP_ARRAY_SIZE(map); i++) {
		if (!map[i].arch)
			continue;
		_cleanup_free_ char *needle = kp_asprintf("\n%s\n", map[i].opt);
		if (strstr(cfg, needle) || kp_startswith(cfg, map[i].opt))
			return kp_strdup(map[i].arch);
	}
	if (strstr(cfg, "\nCONFIG_PPC64=y\n"))
		return kp_strdup(strstr(cfg, "\nCONFIG_CPU_LITTLE_ENDIAN=y\n") ? "ppc64le"
									       : "ppc64");
	return NULL;
}

/* The value of opt (CONFIG_X) in a .config or auto.conf text, or NULL when not set. */
static char *config_value(const char *cfg, const char *opt)
{
	size_t n = strlen(opt);
	for (const char *p = cfg; p && *p;) {
		if (!strncmp(p, opt, n) && p[n] == '=') {
			const char *v = p + n + 1, *e = strchr(v, '\n');
			return kp_strndup(v, e ? (size_t)(e - v) : strlen(v));
		}
		if ((p = strchr(p, '\n')))
			p++;
	}
	return NULL;
}

/* The tree's .config, else include/config/auto.conf; NULL when it has neither. */
static char *read_config(const char *tree)
{
	static const char *const files[] = {".config", "include/config/auto.conf"};
	char *cfg = NULL;
	for (size_t i = 0; i < KP_ARRAY_SIZE(files) && !cfg; i++) {
		_cleanup_free_ char *path = kp_path_join(tree, files[i]);
		if (kp_read_file(path, &cfg, NULL) < 0)
			cfg = NULL;
	}
	return cfg;
}

int kb_flavour_config_value(const struct kb_flavour *f, const char *opt, char **value)
{
	*value = NULL;
	_cleanup_free_ char *cfg = read_config(f->tree);
	if (!cfg)
		return -ENOENT;
	char *v = config_value(cfg, opt);
	size_t n = v ? strlen(v) : 0;
	if (n >= 2 && v[0] == '"' && v[n - 1] == '"') {
		memmove(v, v + 1, n - 2);
		v[n - 2] = '\0';
	}
	*value = v;
	return 0;
}

int kb_flavour_check_config(const struct kb_flavour *f, const struct kp_strv *want,
			    struct kp_strv *unmet)
{
	_cleanup_free_ char *cfg = read_config(f->tree);
	if (!cfg) {
		kp_err_at(&(struct kp_log_where){.flavour = f->name},
			  "flavour %s: cannot check kernel_config: '%s' has no .config or "
			  "include/config/auto.conf (install the full headers package, or remove "
			  "kernel_config)",
			  f->name, f->tree);
		return -KP_EENV;
	}
	for (size_t i = 0; i < want->n; i++) {
		bool neg = want->v[i][0] == '!';
		const char *opt = want->v[i] + neg;
		_cleanup_free_ char *v = config_value(cfg, opt);
		bool on = v && (!strcmp(v, "y") || !strcmp(v, "m"));
		if (!neg && !on)
			kp_strv_pushf(unmet, "%s is not set", opt);
		else if (neg && on)
			kp_strv_pushf(unmet, "%s=%s is set", opt, v);
	}
	return 0;
}

/* ---- release splitting ---- */

static bool is_sep(char c)
{
	return c == '-' || c == '.' || c == '_' || c == '+' || c == '~';
}

/* A lone release: "6.1.0-56-cloud-amd64" -> 6.1.0-56 / cloud-amd64; "...1014xen" -> xen. */
static int split_one(const char *r, char **kver, char **flavour)
{
	for (const char *p = strchr(r, '-'); p; p = strchr(p + 1, '-')) {
		if (isalpha((unsigned char)p[1]) && p > r) {
			*kver = kp_strndup(r, p - r);
			*flavour = kp_strdup(p + 1);
			return 0;
		}
	}
	size_t len = strlen(r), i = len;
	while (i > 0 && isalpha((unsigned char)r[i - 1]))
		i--;
	if (i > 0 && i < len && isdigit((unsigned char)r[i - 1])) {
		*kver = kp_strndup(r, i);
		*flavour = kp_strdup(r + i);
		return 0;
	}
	*kver = kp_strdup(r);
	*flavour = kp_strdup("default");
	return -EINVAL;
}

int kb_split_releases(const char *const *releases, size_t n, char **kvers, char **flavours)
{
	if (n == 0)
		return 0;
	if (n >= 2) {
		size_t lcp = strlen(releases[0]);
		for (size_t i = 1; i < n; i++) {
			size_t j = 0;
			while (j < lcp && releases[i][j] == releases[0][j])
				j++;
			lcp = j;
		}
		/*
		 * The suffix must start with a letter in every release, right
		 * after a separator or a digit: back off until it does, so
		 * "generic"/"generic-64k" split before "generic", not inside it.
		 */
		for (;;) {
			bool ok = lcp > 0 && (is_sep(releases[0][lcp - 1]) ||
					      isdigit((unsigned char)releases[0][lcp - 1]));
			for (size_t i = 0; ok && i < n; i++)
				ok = isalpha((unsigned char)releases[i][lcp]);
			if (ok || lcp == 0)
				break;
			lcp--;
		}
		size_t klen = lcp;
		while (klen > 0 && is_sep(releases[0][klen - 1]))
			klen--;
		if (lcp > 0 && klen > 0) {
			for (size_t i = 0; i < n; i++) {
				kvers[i] = kp_strndup(releases[i], klen);
				flavours[i] = kp_strdup(releases[i] + lcp);
			}
			return 0;
		}
	}
	int r = 0;
	for (size_t i = 0; i < n; i++)
		if (split_one(releases[i], &kvers[i], &flavours[i]) < 0)
			r = -EINVAL;
	return r;
}

/* ---- targets ---- */

static bool name_ok(const char *s)
{
	if (!*s || strlen(s) > 64)
		return false;
	for (const char *p = s; *p; p++)
		if (!islower((unsigned char)*p) && !isdigit((unsigned char)*p) &&
		    !strchr("-_.", *p))
			return false;
	return true;
}

static bool path_ok(const char *s)
{
	/* Paths end up in the spec's %build; keep them free of shell and rpm syntax. */
	for (const char *p = s; *p; p++)
		if (!isalnum((unsigned char)*p) && !strchr("/._-+~", *p))
			return false;
	return *s != '\0';
}

static struct kb_flavour *add_flavour(struct kb_target *t)
{
	t->flavours = kp_reallocarray(t->flavours, t->nflavours + 1, sizeof(*t->flavours));
	struct kb_flavour *f = &t->flavours[t->nflavours++];
	*f = (struct kb_flavour){0};
	return f;
}

static void flavour_release(struct kb_flavour *f)
{
	free(f->name);
	free(f->pkg_flavour);
	free(f->tree);
	free(f->source_tree);
	free(f->release);
	free(f->kver);
	free(f->arch);
	free(f->modules_dir);
	free(f->image);
	free(f->devel_package);
	free(f->devel_version);
	free(f->devel_tree);
	*f = (struct kb_flavour){0};
}

void kb_target_free(struct kb_target *t)
{
	if (!t)
		return;
	for (size_t i = 0; i < t->nflavours; i++)
		flavour_release(&t->flavours[i]);
	for (size_t i = 0; i < t->nskipped; i++)
		free(t->skipped[i]);
	free(t->skipped);
	kp_strv_release(&t->select);
	free(t->flavours);
	free(t->name);
	free(t->file);
	free(t->arch);
	free(t->module_dir);
	free(t->kernel_requires);
	free(t->sign_key);
	free(t->sign_cert);
	free(t);
}

void kb_target_remove(struct kb_target *t, size_t i)
{
	flavour_release(&t->flavours[i]);
	memmove(&t->flavours[i], &t->flavours[i + 1],
		(t->nflavours - i - 1) * sizeof(*t->flavours));
	t->nflavours--;
}

const struct kb_flavour *kb_target_find(const struct kb_target *t, const char *flavour)
{
	for (size_t i = 0; i < t->nflavours; i++)
		if (!strcmp(t->flavours[i].name, flavour))
			return &t->flavours[i];
	return NULL;
}

/* kver and flavour name, where the target file left them out, from splitting the releases. */
static void split_flavour_releases(struct kb_target *t)
{
	size_t n = t->nflavours;
	_cleanup_free_ const char **rels = kp_calloc(n, sizeof(char *));
	_cleanup_free_ char **kv = kp_calloc(n, sizeof(char *));
	_cleanup_free_ char **fl = kp_calloc(n, sizeof(char *));
	for (size_t i = 0; i < n; i++)
		rels[i] = t->flavours[i].release;
	kb_split_releases(rels, n, kv, fl);
	for (size_t i = 0; i < n; i++) {
		struct kb_flavour *f = &t->flavours[i];
		if (!f->kver)
			f->kver = TAKE_PTR(kv[i]);
		if (!f->name)
			f->name = TAKE_PTR(fl[i]);
		free(kv[i]);
		free(fl[i]);
	}
}

/* A directory usable as a source tree (it reaches the spec), resolved; else NULL. */
static char *source_dir(const char *path)
{
	char *real = path ? realpath(path, NULL) : NULL;
	if (real && (!kp_is_dir(real) || !path_ok(real))) {
		free(real);
		real = NULL;
	}
	return real;
}

/*
 * The kernel source a build tree was made from: its 'source' link (an O=
 * build), /lib/modules/<release>/source when that release's build link is
 * this tree, or the tree Debian's one-line headers Makefile includes
 * ("include /usr/src/linux-headers-6.1.0-57-common/Makefile"); else the tree.
 */
static char *tree_source(const char *tree, const char *release)
{
	_cleanup_free_ char *link = kp_path_join(tree, "source");
	char *src = source_dir(link);
	if (src)
		return src;
	_cleanup_free_ char *build = kp_asprintf("/lib/modules/%s/build", release);
	_cleanup_free_ char *mlink = kp_asprintf("/lib/modules/%s/source", release);
	_cleanup_free_ char *rb = realpath(build, NULL);
	if (rb && !strcmp(rb, tree) && (src = source_dir(mlink)))
		return src;
	_cleanup_free_ char *mk = kp_path_join(tree, "Makefile");
	_cleanup_free_ char *text = NULL;
	if (kp_read_file(mk, &text, NULL) == 0) {
		for (char *line = strtok(text, "\n"); line && !src; line = strtok(NULL, "\n")) {
			line = kp_strstrip(line);
			if (!*line || *line == '#')
				continue;
			if (kp_startswith(line, "include ") && kp_endswith(line, "/Makefile")) {
				_cleanup_free_ char *dir =
				    kp_strndup(line + 8, strlen(line) - 8 - strlen("/Makefile"));
				src = source_dir(kp_strstrip(dir));
			}
			break;
		}
	}
	return src ? src : kp_strdup(tree);
}

/* Fill in release, kver, flavour names, arch and source tree for flavours that lack them. */
static int complete_flavours(struct kb_target *t)
{
	size_t n = t->nflavours;
	/* Every missing or unprepared tree is named, not only the first. */
	int err = 0;
	for (size_t i = 0; i < n; i++) {
		struct kb_flavour *f = &t->flavours[i];
		if (!f->release) {
			struct kp_log_where w = {.file = t->file, .line = f->line, .flavour = f->name};
			int r = read_tree_release(&w, f->tree, &f->release);
			if (r < 0) {
				err = err ? err : r;
				continue;
			}
		}
		if (!f->arch)
			f->arch = kb_tree_read_arch(f->tree);
		if (!f->source_tree)
			f->source_tree = tree_source(f->tree, f->release);
	}
	if (err < 0)
		return err;
	split_flavour_releases(t);

	if (!t->arch) {
		for (size_t i = 0; i < n && !t->arch; i++)
			if (t->flavours[i].arch)
				t->arch = kp_strdup(t->flavours[i].arch);
		if (!t->arch) {
			struct utsname u;
			uname(&u);
			t->arch = kp_strdup(u.machine);
		}
	}
	for (size_t i = 0; i < n; i++)
		for (size_t j = i + 1; j < n; j++)
			if (!strcmp(t->flavours[i].name, t->flavours[j].name)) {
				kp_err(
				    "%s: flavours '%s' (%s) and '%s' (%s) have the same name '%s': "
				    "name them in the target file ([flavour NAME])",
				    t->file ? t->file : "host target", t->flavours[i].release,
				    t->flavours[i].tree, t->flavours[j].release,
				    t->flavours[j].tree, t->flavours[i].name);
				return -KP_EINPUT;
			}
	return 0;
}

/* The section meant by an unknown header: [flavor x] is [flavour x], [targets] is [target]. */
static char *suggest_section(const char *sec)
{
	const char *sp = strchr(sec, ' ');
	_cleanup_free_ char *word = sp ? kp_strndup(sec, sp - sec) : kp_strdup(sec);
	static const char *const known[] = {"target", "flavour"};
	int k = kp_suggest(word, known, KP_ARRAY_SIZE(known));
	if (k == 0 && !sp)
		return kp_strdup("target");
	while (sp && *sp == ' ')
		sp++;
	if (k == 1)
		return kp_asprintf("flavour %s", sp && *sp ? sp : "NAME");
	return NULL;
}

/* ", did you mean 'x'?" for an unknown key, or "". */
static char *suggest_key(const char *key, const char *const *known, size_t n)
{
	int k = kp_suggest(key, known, n);
	return k < 0 ? kp_strdup("") : kp_asprintf(": did you mean '%s'?", known[k]);
}

/* [flavour NAME] headers become flavours in file order; an empty or repeated one is an error too.
 */
static int add_file_flavours(const char *path, const struct kp_ini *ini, struct kb_target *t)
{
	for (size_t i = 0; i < ini->nsections; i++) {
		const char *sec = ini->sections[i].name;
		int line = ini->sections[i].line;
		if (!strcmp(sec, "target"))
			continue;
		if (!kp_startswith(sec, "flavour ")) {
			_cleanup_free_ char *meant = suggest_section(sec);
			kp_err_at(&(struct kp_log_where){.file = path, .line = line},
				  "unknown section [%s]%s%s%s (known: [target], [flavour NAME])",
				  sec, meant ? ": did you mean [" : "", meant ? meant : "",
				  meant ? "]?" : "");
			return -KP_EINPUT;
		}
		const char *fname = sec + strlen("flavour ");
		if (!name_ok(fname)) {
			kp_err_at(&(struct kp_log_where){.file = path, .line = line},
				  "flavour name '%s' must be lowercase letters, digits, '-', '_' "
				  "or '.'",
				  fname);
			return -KP_EINPUT;
		}
		const struct kb_flavour *first = kb_target_find(t, fname);
		if (first) {
			kp_err_at(&(struct kp_log_where){.file = path, .line = line},
				  "[flavour %s] given twice (first at line %d)", fname,
				  first->line);
			return -KP_EINPUT;
		}
		struct kb_flavour *f = add_flavour(t);
		f->name = kp_strdup(fname);
		f->line = line;
	}
	return 0;
}

/* [target] flavours = NAMES: the flavours to build (checked against them once all are read). */
static int set_target_select(const char *path, const struct kp_kv *kv, struct kb_target *t)
{
	kp_strv_release(&t->select);
	kp_strv_split(&t->select, kv->value);
	for (size_t i = 0; i < t->select.n; i++)
		if (!name_ok(t->select.v[i])) {
			kp_err_at(&(struct kp_log_where){.file = path, .line = kv->line},
				  "target.flavours: '%s' is not a flavour name (lowercase "
				  "letters, digits, '-', '_' or '.')",
				  t->select.v[i]);
			return -KP_EINPUT;
		}
	if (t->select.n == 0) {
		kp_err_at(&(struct kp_log_where){.file = path, .line = kv->line},
			  "target.flavours: is empty: name the flavours to build, or leave "
			  "the key out to build them all");
		return -KP_EINPUT;
	}
	t->select_line = kv->line;
	return 0;
}

static const char *const naming_names[] = {
    [KB_NAMING_GUIDE] = "guide",	 [KB_NAMING_MODULE] = "module",
    [KB_NAMING_MODULE_ALT] = "module-alt", [KB_NAMING_VENDOR] = "vendor",
    [KB_NAMING_VENDOR_ALT] = "vendor-alt",
};
static const char *const initrd_names[] = {[KB_INITRD_NONE] = "none",
					   [KB_INITRD_DRACUT] = "dracut"};

const char *kb_naming_name(enum kb_naming n)
{
	return naming_names[n];
}

const char *kb_initrd_name(enum kb_initrd i)
{
	return initrd_names[i];
}

bool kb_target_depmod_override(const struct kb_target *t)
{
	return t->module_dir && !strcmp(t->module_dir, "override");
}

/* value as one of names[0..n), or -1 after naming the choices. */
static int pick(const char *path, const struct kp_kv *kv, const char *const *names, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!strcmp(kv->value, names[i]))
			return (int)i;
	_cleanup_buf_ struct kp_buf b = {0};
	for (size_t i = 0; i < n; i++)
		kp_buf_addf(&b, "%s%s", i ? ", " : "", names[i]);
	_cleanup_free_ char *meant = suggest_key(kv->value, names, n);
	kp_err_at(&(struct kp_log_where){.file = path, .line = kv->line},
		  "target.%s: '%s' is not a choice%s (one of: %s)", kv->key, kv->value, meant,
		  b.s);
	return -1;
}

/* An rpm dependency name kmodpack writes as is: letters, digits and -_.+ */
static bool dep_name_ok(const char *s)
{
	if (!*s || strlen(s) > 64 || *s == '-')
		return false;
	for (const char *p = s; *p; p++)
		if (!isalnum((unsigned char)*p) && !strchr("-_.+", *p))
			return false;
	return true;
}

static const char *const target_keys[] = {"name",	  "arch",     "module_dir",
					  "flavours",	  "naming",   "kernel_requires",
					  "initrd",	  "sign_key", "sign_cert"};
#define TARGET_KEYS                                                                               \
	"name, arch, module_dir, flavours, naming, kernel_requires, initrd, sign_key, sign_cert"

static int set_target_key(const char *path, const char *dir, const struct kp_kv *kv,
			  struct kb_target *t)
{
	struct kp_log_where at = {.file = path, .line = kv->line};
	if (!strcmp(kv->key, "flavours"))
		return set_target_select(path, kv, t);
	if (!strcmp(kv->key, "naming")) {
		int k = pick(path, kv, naming_names, KP_ARRAY_SIZE(naming_names));
		if (k < 0)
			return -KP_EINPUT;
		t->naming = (enum kb_naming)k;
		return 0;
	}
	if (!strcmp(kv->key, "initrd")) {
		int k = pick(path, kv, initrd_names, KP_ARRAY_SIZE(initrd_names));
		if (k < 0)
			return -KP_EINPUT;
		t->initrd = (enum kb_initrd)k;
		return 0;
	}
	if (!strcmp(kv->key, "kernel_requires")) {
		free(t->kernel_requires);
		t->kernel_requires = NULL;
		if (!strcmp(kv->value, "none"))
			return 0;
		if (!dep_name_ok(kv->value)) {
			kp_err_at(&at,
				  "target.kernel_requires: '%s' must be 'none' or an rpm "
				  "dependency name (letters, digits, '-', '_', '.', '+'), e.g. "
				  "kernel-uname-r",
				  kv->value);
			return -KP_EINPUT;
		}
		t->kernel_requires = kp_strdup(kv->value);
		return 0;
	}
	/* Module signing: key and certificate files, relative to the target file. */
	char **file = !strcmp(kv->key, "sign_key")    ? &t->sign_key
		      : !strcmp(kv->key, "sign_cert") ? &t->sign_cert
						      : NULL;
	if (file) {
		if (!*kv->value) {
			kp_err_at(&at, "target.%s: is empty: name a file, or leave the key out",
				  kv->key);
			return -KP_EINPUT;
		}
		free(*file);
		*file = kv->value[0] == '/' ? kp_strdup(kv->value) : kp_path_join(dir, kv->value);
		return 0;
	}
	char **slot = !strcmp(kv->key, "name")	       ? &t->name
		      : !strcmp(kv->key, "arch")       ? &t->arch
		      : !strcmp(kv->key, "module_dir") ? &t->module_dir
						       : NULL;
	if (!slot) {
		_cleanup_free_ char *meant =
		    suggest_key(kv->key, target_keys, KP_ARRAY_SIZE(target_keys));
		kp_err_at(&at, "target.%s: unknown key%s (known: " TARGET_KEYS ")", kv->key, meant);
		return -KP_EINPUT;
	}
	if (!name_ok(kv->value)) {
		kp_err_at(&at, "target.%s: '%s' must be lowercase letters, digits, '-', '_' or '.'",
			  kv->key, kv->value);
		return -KP_EINPUT;
	}
	free(*slot);
	*slot = kp_strdup(kv->value);
	return 0;
}

/* A key of [flavour fname]; paths are relative to dir, the target file's directory. */
static int set_flavour_key(const char *path, const char *dir, const char *fname,
			   const struct kp_kv *kv, struct kb_target *t)
{
	/* Every [flavour NAME] became a flavour in add_file_flavours(). */
	struct kb_flavour *f = NULL;
	for (size_t j = 0; j < t->nflavours && !f; j++)
		if (!strcmp(t->flavours[j].name, fname))
			f = &t->flavours[j];
	if (!f) { /* common/ini.c broke its promise: say so rather than crash */
		kp_err_at(&(struct kp_log_where){.file = path, .line = kv->line},
			  "internal error: key '%s' is in [flavour %s], which was not read as a "
			  "section; please report this with the file",
			  kv->key, fname);
		return -KP_EINPUT;
	}
	char **slot = !strcmp(kv->key, "tree")		? &f->tree
		      : !strcmp(kv->key, "source_tree") ? &f->source_tree
		      : !strcmp(kv->key, "release")	? &f->release
		      : !strcmp(kv->key, "kver")	? &f->kver
		      : !strcmp(kv->key, "modules_dir") ? &f->modules_dir
		      : !strcmp(kv->key, "image")	? &f->image
		      : !strcmp(kv->key, "devel_package") ? &f->devel_package
		      : !strcmp(kv->key, "devel_version") ? &f->devel_version
		      : !strcmp(kv->key, "devel_tree")	  ? &f->devel_tree
							  : NULL;
	if (!slot) {
		static const char *const known[] = {
		    "tree",	     "source_tree",   "release",   "kver",	 "modules_dir",
		    "image", "devel_package", "devel_version", "devel_tree"};
		_cleanup_free_ char *meant = suggest_key(kv->key, known, KP_ARRAY_SIZE(known));
		kp_err_at(&(struct kp_log_where){.file = path, .line = kv->line},
			  "flavour %s: unknown key '%s'%s (known: tree, source_tree, release, "
			  "kver, modules_dir, image, devel_package, devel_version, devel_tree)",
			  fname, kv->key, meant);
		return -KP_EINPUT;
	}
	if (slot == &f->devel_package && !dep_name_ok(kv->value)) {
		kp_err_at(&(struct kp_log_where){.file = path, .line = kv->line},
			  "flavour %s: devel_package '%s' must be an rpm package name (letters, "
			  "digits, '-', '_', '.', '+'), e.g. kernel-devel",
			  fname, kv->value);
		return -KP_EINPUT;
	}
	if (slot == &f->devel_tree && kv->value[0] != '/') {
		kp_err_at(&(struct kp_log_where){.file = path, .line = kv->line},
			  "flavour %s: devel_tree '%s' must be an absolute path (where the "
			  "devel package installs the tree in the build root, e.g. "
			  "/usr/src/kernels/RELEASE)",
			  fname, kv->value);
		return -KP_EINPUT;
	}
	bool is_path = slot == &f->tree || slot == &f->source_tree || slot == &f->modules_dir ||
		       slot == &f->image || slot == &f->devel_tree;
	bool ok = slot == &f->devel_package || (is_path ? path_ok(kv->value) : release_ok(kv->value));
	if (!ok) {
		kp_err_at(&(struct kp_log_where){.file = path, .line = kv->line},
			  "flavour %s: %s '%s' has characters kmodpack does not accept "
			  "(letters, digits and /._-+~ only)",
			  fname, kv->key, kv->value);
		return -KP_EINPUT;
	}
	free(*slot);
	*slot = is_path && slot != &f->devel_tree ? kp_path_join(dir, kv->value)
						  : kp_strdup(kv->value);
	return 0;
}

static int set_file_keys(const char *path, const struct kp_ini *ini, struct kb_target *t)
{
	_cleanup_free_ char *dir = kp_strdup(path);
	char *slash = strrchr(dir, '/');
	if (slash)
		*slash = '\0';
	else
		strcpy(dir, ".");

	for (size_t i = 0; i < ini->n; i++) {
		const char *sec = ini->e[i].section;
		const struct kp_kv *kv = &ini->e[i].kv;
		int r;
		if (!strcmp(sec, "target")) {
			r = set_target_key(path, dir, kv, t);
		} else if (kp_startswith(sec, "flavour ")) {
			r = set_flavour_key(path, dir, sec + strlen("flavour "), kv, t);
		} else {
			kp_err_at(&(struct kp_log_where){.file = path, .line = kv->line},
				  "'%s' is outside any section: put it under [target] or "
				  "[flavour NAME]",
				  kv->key);
			r = -KP_EINPUT;
		}
		if (r < 0)
			return r;
	}
	return 0;
}

/* What a target file must state, checked once every key is read. */
static int check_file_target(const char *path, const struct kb_target *t)
{
	if (!t->name) {
		kp_err_at(&(struct kp_log_where){.file = path}, "[target] name is missing");
		return -KP_EINPUT;
	}
	if (t->nflavours == 0) {
		kp_err_at(&(struct kp_log_where){.file = path},
			  "no [flavour NAME] section: a target needs at least one flavour");
		return -KP_EINPUT;
	}
	for (size_t i = 0; i < t->nflavours; i++) {
		const struct kb_flavour *f = &t->flavours[i];
		if (!f->tree) {
			kp_err_at(&(struct kp_log_where){.file = path, .line = f->line},
				  "flavour %s: 'tree' is missing", f->name);
			return -KP_EINPUT;
		}
	}
	return 0;
}

/*
 * Two flavours of one tree (and so one release, unless one states another)
 * would build the same modules twice and package them for the same
 * /lib/modules/<release>: both packages would own the same files. Every
 * such pair is named.
 */
static int check_distinct_trees(const char *path, const struct kb_target *t)
{
	int r = 0;
	for (size_t i = 0; i < t->nflavours; i++)
		for (size_t j = 0; j < i; j++) {
			const struct kb_flavour *a = &t->flavours[j], *b = &t->flavours[i];
			if (strcmp(a->tree, b->tree) || strcmp(a->release, b->release))
				continue;
			kp_err_at(&(struct kp_log_where){.file = path, .line = b->line,
							 .flavour = b->name},
				  "flavour %s: tree '%s' is flavour %s's already (line %d): both "
				  "packages would install the same modules; give each flavour its "
				  "own kernel tree",
				  b->name, b->tree, a->name, a->line);
			r = -KP_EINPUT;
			break;
		}
	return r;
}

static char *host_image(const char *rel);

/* The target file path, its len bytes at data: the one reader of target files. */
static int target_from_text(const char *path, const void *data, size_t len, struct kb_target *t)
{
	_cleanup_(kp_ini_freep) struct kp_ini *ini = NULL;
	int r = kp_ini_parse_mem(path, data, len, &ini);
	if (r < 0 && r != -KP_EINPUT) {
		kp_err("cannot read target file '%s': %s", path, strerror(-r));
		return -KP_EINPUT;
	}
	if (r < 0)
		return r;
	if ((r = add_file_flavours(path, ini, t)) < 0 || (r = set_file_keys(path, ini, t)) < 0 ||
	    (r = check_file_target(path, t)) < 0)
		return r;
	/* target.h promises trees with symlinks resolved, as the host target finds them. */
	for (size_t i = 0; i < t->nflavours; i++) {
		char *real = realpath(t->flavours[i].tree, NULL);
		if (real) {
			free(t->flavours[i].tree);
			t->flavours[i].tree = real;
		}
	}
	if ((r = complete_flavours(t)) < 0)
		return r;
	/* Without `image`, the same kernel image the host target would find. */
	for (size_t i = 0; i < t->nflavours; i++)
		if (!t->flavours[i].image)
			t->flavours[i].image = host_image(t->flavours[i].release);
	/* A devel_version alone is the version of the products' kernel-devel. */
	for (size_t i = 0; i < t->nflavours; i++)
		if (t->flavours[i].devel_version && !t->flavours[i].devel_package)
			t->flavours[i].devel_package = kp_strdup("kernel-devel");
	return check_distinct_trees(path, t);
}

static int cmp_release_desc(const void *a, const void *b)
{
	const struct kb_flavour *x = a, *y = b;
	int c = strverscmp(y->kver, x->kver);
	return c ? c : strcmp(x->name, y->name);
}

/*
 * A bootable image for a host flavour: the installed kernel's, else one
 * that scripts/fetch-kernel-images.sh unpacked into kmodpack's cache
 * (images are only booted by verify, never installed).
 */
static char *host_image(const char *rel)
{
	char *img = kp_asprintf("/boot/vmlinuz-%s", rel);
	if (kp_is_file(img))
		return img;
	free(img);
	const char *cache = getenv("KMODPACK_CACHE");
	const char *xdg = getenv("XDG_CACHE_HOME");
	const char *home = getenv("HOME");
	_cleanup_free_ char *dir = cache && *cache ? kp_strdup(cache)
				   : xdg && *xdg   ? kp_asprintf("%s/kmodpack", xdg)
				   : home	   ? kp_asprintf("%s/.cache/kmodpack", home)
						   : NULL;
	if (!dir)
		return NULL;
	img = kp_asprintf("%s/images/%s/vmlinuz-%s", dir, rel, rel);
	if (kp_is_file(img))
		return img;
	free(img);
	return NULL;
}

/* Every prepared tree installed here, once each, as a flavour with its release. */
static void add_host_trees(struct kb_target *t)
{
	static const char *const patterns[] = {"/lib/modules/*/build", "/usr/src/linux-headers-*",
					       "/usr/src/kernels/*"};
	_cleanup_strv_ struct kp_strv seen = {0};
	for (size_t p = 0; p < KP_ARRAY_SIZE(patterns); p++) {
		glob_t g;
		if (glob(patterns[p], 0, NULL, &g) != 0)
			continue;
		for (size_t i = 0; i < g.gl_pathc; i++) {
			_cleanup_free_ char *real = realpath(g.gl_pathv[i], NULL);
			if (!real)
				continue;
			_cleanup_free_ char *mk = kp_path_join(real, "Makefile");
			_cleanup_free_ char *rel = NULL;
			if (kp_strv_contains(&seen, real) || !kp_is_file(mk) ||
			    !(rel = tree_read_release_quiet(real)) || !release_ok(rel))
				continue;
			kp_strv_push(&seen, real);
			struct kb_flavour *f = add_flavour(t);
			f->tree = TAKE_PTR(real);
			f->release = TAKE_PTR(rel);
			_cleanup_free_ char *moddir =
			    kp_asprintf("/lib/modules/%s/kernel", f->release);
			if (kp_is_dir(moddir))
				f->modules_dir = kp_asprintf("/lib/modules/%s", f->release);
			f->image = host_image(f->release);
		}
		globfree(&g);
	}
}

/*
 * Trees of one kernel version are flavours of one product; when several
 * versions are installed, the running kernel's version wins, else the
 * newest, and the rest are listed as skipped.
 */
static void keep_one_kernel_version(struct kb_target *t)
{
	/* Split each release alone first, to group trees by kernel version. */
	for (size_t i = 0; i < t->nflavours; i++) {
		struct kb_flavour *f = &t->flavours[i];
		const char *rel = f->release;
		kb_split_releases(&rel, 1, &f->kver, &f->name);
	}
	qsort(t->flavours, t->nflavours, sizeof(*t->flavours), cmp_release_desc);
	struct utsname u;
	uname(&u);
	const char *keep = t->flavours[0].kver;
	for (size_t i = 0; i < t->nflavours; i++)
		if (!strcmp(t->flavours[i].release, u.release))
			keep = t->flavours[i].kver;
	_cleanup_free_ char *kept = kp_strdup(keep);
	size_t w = 0;
	for (size_t i = 0; i < t->nflavours; i++) {
		struct kb_flavour *f = &t->flavours[i];
		if (strcmp(f->kver, kept)) {
			t->skipped = kp_reallocarray(t->skipped, t->nskipped + 1, sizeof(char *));
			t->skipped[t->nskipped++] =
			    kp_asprintf("%s (%s): kernel version %s, not %s", f->tree, f->release,
					f->kver, kept);
			flavour_release(f);
			continue;
		}
		/* Names are decided again over the whole group by complete_flavours(). */
		free(f->kver);
		free(f->name);
		f->kver = f->name = NULL;
		t->flavours[w++] = *f;
	}
	t->nflavours = w;
}

/*
 * --all-kernels: every kernel version's trees. Names are decided within
 * each version's group; with more than one version, a flavour is named by
 * its release (unique) and keeps the group's name for its packages.
 */
static void keep_all_kernel_versions(struct kb_target *t)
{
	for (size_t i = 0; i < t->nflavours; i++) {
		struct kb_flavour *f = &t->flavours[i];
		const char *rel = f->release;
		kb_split_releases(&rel, 1, &f->kver, &f->name);
	}
	qsort(t->flavours, t->nflavours, sizeof(*t->flavours), cmp_release_desc);
	bool several =
	    t->nflavours > 0 && strcmp(t->flavours[0].kver, t->flavours[t->nflavours - 1].kver);
	for (size_t g = 0, e; g < t->nflavours; g = e) {
		for (e = g + 1;
		     e < t->nflavours && !strcmp(t->flavours[e].kver, t->flavours[g].kver); e++)
			;
		_cleanup_free_ const char **rels = kp_calloc(e - g, sizeof(char *));
		_cleanup_free_ char **kv = kp_calloc(e - g, sizeof(char *));
		_cleanup_free_ char **fl = kp_calloc(e - g, sizeof(char *));
		for (size_t i = g; i < e; i++)
			rels[i - g] = t->flavours[i].release;
		kb_split_releases(rels, e - g, kv, fl);
		for (size_t i = g; i < e; i++) {
			struct kb_flavour *f = &t->flavours[i];
			free(f->kver);
			free(f->name);
			f->kver = kv[i - g];
			f->name = several ? kp_strdup(f->release) : fl[i - g];
			f->pkg_flavour = several ? fl[i - g] : NULL;
		}
	}
}

/* The host target: the installed trees of one kernel version, or of all. */
static int target_host(struct kb_target *t, bool all_kernels)
{
	t->name = kp_strdup("host");
	add_host_trees(t);
	if (t->nflavours == 0) {
		kp_err("no kernel trees installed here (looked in /lib/modules/*/build, "
		       "/usr/src/linux-headers-*, /usr/src/kernels/*): install the headers of "
		       "each flavour (on Debian: apt-get install linux-headers-amd64 "
		       "linux-headers-cloud-amd64) or give a target file with -t");
		return -KP_EENV;
	}
	if (all_kernels)
		keep_all_kernel_versions(t);
	else
		keep_one_kernel_version(t);
	return complete_flavours(t);
}

const char *kb_flavour_pkg(const struct kb_flavour *f)
{
	return f->pkg_flavour ? f->pkg_flavour : f->name;
}

int kb_target_load(const char *path, struct kb_target **out)
{
	return kb_target_load_opts(path, &(struct kb_load_opts){0}, out);
}

static int finish_target(struct kb_target *t, int r, struct kb_target **out)
{
	if (r < 0) {
		kb_target_free(t);
		return r;
	}
	if (!t->module_dir)
		t->module_dir = kp_strdup("extra");
	*out = t;
	return 0;
}

int kb_target_load_opts(const char *path, const struct kb_load_opts *o, struct kb_target **out)
{
	if (!path) {
		struct kb_target *t = kp_calloc(1, sizeof(*t));
		return finish_target(t, target_host(t, o->all_kernels), out);
	}
	_cleanup_free_ char *data = NULL;
	size_t len = 0;
	int r = kp_read_file(path, &data, &len);
	if (r < 0) {
		kp_err("cannot read target file '%s': %s", path, strerror(-r));
		return -KP_EINPUT;
	}
	return kb_target_parse(path, data, len, out);
}

int kb_target_parse(const char *path, const void *data, size_t len, struct kb_target **out)
{
	struct kb_target *t = kp_calloc(1, sizeof(*t));
	t->file = kp_strdup(path);
	return finish_target(t, target_from_text(path, data, len, t), out);
}
