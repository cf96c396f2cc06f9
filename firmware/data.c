// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * [data] resolution: manifest entries -> the files of the data RPM.
 *
 * Placement rules (docs/data-rpm.md is the user's version):
 *  - firmware, doc, config are *trees*: a directory's tree goes under the
 *    base (/lib/firmware, the doc dir, /etc) keeping relative paths; a
 *    single file goes to BASE/<file name>; a glob's matches keep their path
 *    relative to the part of the pattern before its first wildcard.
 *  - udev, modprobe, eula are *flat*: files, or the files directly inside
 *    a directory, go to BASE/<file name>.
 *  - bugtool is a tree under /etc/xensource/bugtool laid out as guide 6.5
 *    wants (<category>.xml, <category>/<x>.xml); a single file named
 *    without a glob is placed by its root element instead, so that
 *    `bugtool = x/mycat/stuff.xml` lands in mycat/.
 *
 * An item may give a destination, "SRC -> DEST": DEST is absolute under the
 * key's root of guide 7.2 (/lib/firmware, /etc/udev/rules.d, /etc/modprobe.d,
 * /etc, /usr/share/doc) or relative to the key's base; ending in '/' (or for a
 * directory or glob source) it is a directory the items go into, else the new
 * name of a single file. The items are then placed relative to the root, so
 * the package owns the directories between the root and the file.
 *
 * Sources may be anywhere inside the manifest's dir or the driver's source
 * dir (DKMS drivers keep their debian/NAME.udev there), never outside both.
 *
 * Every problem is reported (not just the first) so that a vendor fixes
 * the manifest in one round.
 */
#include "firmware/data.h"
#include "specgen/escape.h"

#include <dirent.h>
#include <errno.h>
#include <glob.h>
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/fs.h"
#include "common/log.h"
#include "common/suggest.h"
#include "firmware/bugtool.h"

#define FIRMWARE_BASE "/lib/firmware"
#define UDEV_BASE     "/etc/udev/rules.d"
#define MODPROBE_BASE "/etc/modprobe.d"
#define CONFIG_BASE   "/etc"
#define BUGTOOL_BASE  "/etc/xensource/bugtool"

static const char *const kind_names[] = {
    [FW_KIND_FIRMWARE] = "firmware", [FW_KIND_UDEV] = "udev", [FW_KIND_MODPROBE] = "modprobe",
    [FW_KIND_CONFIG] = "config",     [FW_KIND_DOC] = "doc",   [FW_KIND_BUGTOOL] = "bugtool",
    [FW_KIND_EULA] = "eula",
};

const char *fw_kind_name(enum fw_kind kind)
{
	return (unsigned)kind < KP_ARRAY_SIZE(kind_names) ? kind_names[kind] : "?";
}

/*
 * Directories under /etc that belong to the system: a config tree may put
 * files into them but the data RPM must not claim them (rpm -e would try
 * to remove them, and other packages own them).
 */
static const char *const etc_system_dirs[] = {
    "cron.d", "default",   "init.d",	  "ld.so.conf.d", "logrotate.d", "modprobe.d",
    "pam.d",  "profile.d", "rc.d",	  "security",	  "sysconfig",	 "sysctl.d",
    "udev",   "xensource", "yum.repos.d", NULL,
};

struct resolver {
	const struct fw_data_opts *o;
	char *mdir;  /* the manifest's directory, as given (for display and joining) */
	char *droot; /* realpath of the driver dir */
	char *sroot; /* realpath of the source dir, or NULL */
	struct fw_data *d;
	size_t alloc;
	int n_bad;
};

static void resolver_release(struct resolver *r)
{
	free(r->mdir);
	free(r->droot);
	free(r->sroot);
	fw_data_free(r->d);
	*r = (struct resolver){0};
}

static void KP_PRINTF(3, 4) bad(struct resolver *r, const struct kp_kv *kv, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	_cleanup_free_ char *msg = kp_vasprintf(fmt, ap);
	va_end(ap);
	kp_err("%s:%d: data.%s: %s", r->o->manifest, kv->line, kv->key, msg);
	r->n_bad++;
}

static void add(struct resolver *r, const struct kp_kv *kv, enum fw_kind kind, const char *src,
		char *dest, bool is_dir)
{
	struct fw_data *d = r->d;
	if (d->n_files == r->alloc) {
		r->alloc = r->alloc ? r->alloc * 2 : 16;
		d->files = kp_reallocarray(d->files, r->alloc, sizeof(*d->files));
	}
	d->files[d->n_files++] = (struct fw_file){
	    .src = src ? kp_strdup(src) : NULL,
	    .dest = dest,
	    .mode = is_dir ? 0755 : 0644,
	    .is_dir = is_dir,
	    .kind = kind,
	    .line = kv->line,
	};
}

/* --- values --- */

struct token {
	char *s;
	bool quoted; /* "..." is a literal name: no glob, may hold spaces and commas */
	char *dest;  /* "SRC -> DEST": where it goes, or NULL */
};

static void tokens_free(struct token *t, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(t[i].s);
		free(t[i].dest);
	}
	free(t);
}

/* Length of an unquoted word: up to a separator, a quote or "->". */
static size_t word_len(const char *s)
{
	size_t n = 0;
	while (s[n] && !strchr(" \t\r\n,\"", s[n]) && !(s[n] == '-' && s[n + 1] == '>'))
		n++;
	return n;
}

/*
 * White space or commas separate items; double quotes keep one literally;
 * "->" gives the item before it the destination after it.
 */
static int split_value(struct resolver *r, const struct kp_kv *kv, struct token **out, size_t *n)
{
	struct token *v = NULL;
	size_t cnt = 0;
	bool arrow = false; /* the next word is the destination of v[cnt - 1] */
	const char *s = kv->value ? kv->value : "";
	while (*s) {
		s += strspn(s, " \t\r\n,");
		if (!*s)
			break;
		if (s[0] == '-' && s[1] == '>') {
			if (!cnt || arrow || v[cnt - 1].dest) {
				bad(r, kv, "'->' must stand between a file and its destination");
				tokens_free(v, cnt);
				return -KP_EINPUT;
			}
			arrow = true;
			s += 2;
			continue;
		}
		struct token t = {0};
		if (*s == '"') {
			const char *e = strchr(s + 1, '"');
			if (!e) {
				bad(r, kv, "unterminated quote in '%s'", s);
				tokens_free(v, cnt);
				return -KP_EINPUT;
			}
			t.s = kp_strndup(s + 1, e - s - 1);
			t.quoted = true;
			s = e + 1;
		} else {
			size_t len = word_len(s);
			t.s = kp_strndup(s, len);
			s += len;
		}
		if (arrow) {
			v[cnt - 1].dest = t.s;
			arrow = false;
			continue;
		}
		v = kp_reallocarray(v, cnt + 1, sizeof(*v));
		v[cnt++] = t;
	}
	if (arrow) {
		bad(r, kv, "'->' at the end: give the destination after it");
		tokens_free(v, cnt);
		return -KP_EINPUT;
	}
	*out = v;
	*n = cnt;
	return 0;
}

/* RPM's rules for Version and Release: no '-', no white space, no macros. */
static bool valid_evr_part(const char *s)
{
	if (!*s ||
	    !((*s >= '0' && *s <= '9') || (*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z')))
		return false;
	for (; *s; s++) {
		bool alnum = (*s >= '0' && *s <= '9') || (*s >= 'a' && *s <= 'z') ||
			     (*s >= 'A' && *s <= 'Z');
		if (!alnum && !strchr("._+~^", *s))
			return false;
	}
	return true;
}

/* --- paths --- */

/* Absolute, with ".", ".." and "//" folded away, without touching the disk. */
static char *lexical_abs(const char *path)
{
	_cleanup_free_ char *full = NULL;
	if (path[0] == '/') {
		full = kp_strdup(path);
	} else {
		char cwd[PATH_MAX];
		if (!getcwd(cwd, sizeof(cwd)))
			return kp_strdup(path);
		full = kp_path_join(cwd, path);
	}
	struct kp_buf b = {0};
	for (char *save = NULL, *c = strtok_r(full, "/", &save); c;
	     c = strtok_r(NULL, "/", &save)) {
		if (strcmp(c, ".") == 0)
			continue;
		if (strcmp(c, "..") == 0) {
			char *slash = b.s ? strrchr(b.s, '/') : NULL;
			if (slash) {
				*slash = '\0';
				b.len = slash - b.s;
			}
			continue;
		}
		kp_buf_addc(&b, '/');
		kp_buf_adds(&b, c);
	}
	if (!b.len)
		kp_buf_addc(&b, '/');
	return kp_buf_steal(&b);
}

static bool under(const char *path, const char *root)
{
	size_t n = strlen(root);
	return strncmp(path, root, n) == 0 && (path[n] == '/' || path[n] == '\0');
}

/*
 * Returns the realpath of shown (a path as the user wrote it, joined to the
 * manifest dir) when it exists and stays inside the driver dir, else logs
 * why not and returns NULL.
 */
static char *inside(struct resolver *r, const struct kp_kv *kv, const char *shown)
{
	struct stat st;
	if (lstat(shown, &st) < 0) {
		if (errno == ENOENT)
			bad(r, kv, "'%s' does not exist", shown);
		else
			bad(r, kv, "cannot read '%s': %s", shown, strerror(errno));
		return NULL;
	}
	_cleanup_free_ char *lex = lexical_abs(shown);
	_cleanup_free_ char *lexroot = lexical_abs(r->o->driver_dir);
	_cleanup_free_ char *lexsrc = r->o->source_dir ? lexical_abs(r->o->source_dir) : NULL;
	bool in_src = r->sroot && (under(lex, lexsrc) || under(lex, r->sroot));
	if (!under(lex, lexroot) && !under(lex, r->droot) && !in_src) {
		if (r->sroot)
			bad(r, kv, "'%s' is neither in the driver dir '%s' nor in the source '%s'",
			    shown, r->o->driver_dir, r->o->source_dir);
		else
			bad(r, kv, "'%s' leaves the driver dir '%s'", shown, r->o->driver_dir);
		return NULL;
	}
	_cleanup_free_ char *real = realpath(shown, NULL);
	if (!real) {
		if (S_ISLNK(st.st_mode))
			bad(r, kv, "'%s' is a dangling symlink", shown);
		else
			bad(r, kv, "cannot resolve '%s': %s", shown, strerror(errno));
		return NULL;
	}
	if (!under(real, r->droot) && !(r->sroot && under(real, r->sroot))) {
		bad(r, kv, "'%s' is a symlink pointing outside the driver dir%s (to '%s')", shown,
		    r->sroot ? " and the source" : "", real);
		return NULL;
	}
	return TAKE_PTR(real);
}

/* --- placement --- */

static bool is_tree_kind(enum fw_kind k)
{
	return k == FW_KIND_FIRMWARE || k == FW_KIND_DOC || k == FW_KIND_CONFIG ||
	       k == FW_KIND_BUGTOOL;
}

static const char *base_of(struct resolver *r, enum fw_kind k)
{
	switch (k) {
	case FW_KIND_FIRMWARE:
		return FIRMWARE_BASE;
	case FW_KIND_UDEV:
		return UDEV_BASE;
	case FW_KIND_MODPROBE:
		return MODPROBE_BASE;
	case FW_KIND_CONFIG:
		return CONFIG_BASE;
	case FW_KIND_BUGTOOL:
		return BUGTOOL_BASE;
	case FW_KIND_DOC:
	case FW_KIND_EULA:
		return r->d->docdir;
	}
	return "/";
}

/* Does the package own the directory BASE/rel (rel without trailing slash)? */
static bool owns_dir(enum fw_kind k, const char *rel)
{
	if (k == FW_KIND_CONFIG) {
		size_t n = strcspn(rel, "/");
		for (const char *const *p = etc_system_dirs; *p; p++)
			if (strlen(*p) == n && strncmp(rel, *p, n) == 0)
				return false;
	}
	return true;
}

/* The directory guide 7.2 allows a key's destinations under. */
static const char *root_of(enum fw_kind k)
{
	switch (k) {
	case FW_KIND_DOC:
	case FW_KIND_EULA:
		return "/usr/share/doc";
	default:
		return NULL; /* the base itself */
	}
}

/* Add a %dir entry for every directory between base and base/rel (exclusive). */
static void add_parents(struct resolver *r, const struct kp_kv *kv, enum fw_kind k,
			const char *base, const char *rel)
{
	_cleanup_free_ char *p = kp_strdup(rel);
	for (char *s = strchr(p, '/'); s; s = strchr(s + 1, '/')) {
		*s = '\0';
		if (owns_dir(k, p))
			add(r, kv, k, NULL, kp_asprintf("%s/%s", base, p), true);
		*s = '/';
	}
}

static void place_file(struct resolver *r, const struct kp_kv *kv, enum fw_kind k,
		       const char *shown, const char *real, const char *base, const char *rel)
{
	const char *name = strrchr(rel, '/') ? strrchr(rel, '/') + 1 : rel;
	switch (k) {
	case FW_KIND_UDEV:
		/* udev reads nothing else from rules.d. */
		if (!kp_endswith(name, ".rules"))
			bad(r, kv, "'%s': udev only reads files whose name ends in .rules", shown);
		break;
	case FW_KIND_MODPROBE:
		/* kmod's modprobe reads only *.conf from modprobe.d. */
		if (!kp_endswith(name, ".conf"))
			bad(r, kv, "'%s': modprobe only reads files whose name ends in .conf",
			    shown);
		break;
	case FW_KIND_EULA:
		/* The pack's install.sh finds EULAs by this suffix alone (guide 6.8). */
		if (!kp_endswith(name, "EULA"))
			bad(r, kv,
			    "'%s': a EULA's file name must end in 'EULA' (e.g. helloworld-EULA) "
			    "for the pack installer to show it",
			    shown);
		break;
	case FW_KIND_BUGTOOL:
		if (!kp_endswith(name, ".xml"))
			bad(r, kv, "'%s': xen-bugtool reads only .xml files", shown);
		break;
	default:
		break;
	}
	_cleanup_free_ char *dest = kp_asprintf("%s/%s", base, rel);
	const char *why = spec_files_path_problem(dest);
	if (why) {
		bad(r, kv, "'%s' cannot be packaged: its install path %s", shown, why);
		return;
	}
	if (is_tree_kind(k) || strcmp(base, base_of(r, k)) != 0)
		add_parents(r, kv, k, base, rel);
	add(r, kv, k, real, TAKE_PTR(dest), false);
}

/* Walk a directory; rel is where it lands under base ("" for base itself). */
static void place_dir(struct resolver *r, const struct kp_kv *kv, enum fw_kind k, const char *shown,
		      const char *real, const char *base, const char *rel, int depth)
{
	if (!is_tree_kind(k) && depth > 0) {
		bad(r, kv, "'%s': %s files are installed flat; subdirectories are not allowed",
		    shown, kv->key);
		return;
	}
	if (*rel) {
		if (is_tree_kind(k) && owns_dir(k, rel)) {
			add_parents(r, kv, k, base, rel);
			add(r, kv, k, real, kp_asprintf("%s/%s", base, rel), true);
		}
	}

	DIR *dir = opendir(real);
	if (!dir) {
		bad(r, kv, "cannot read directory '%s': %s", shown, strerror(errno));
		return;
	}
	_cleanup_strv_ struct kp_strv names = {0};
	struct dirent *de;
	while ((de = readdir(dir)))
		if (strcmp(de->d_name, ".") && strcmp(de->d_name, ".."))
			kp_strv_push(&names, de->d_name);
	closedir(dir);
	/* Sorted so that messages come in a stable order. */
	kp_strv_sort(&names);

	for (size_t i = 0; i < names.n; i++) {
		_cleanup_free_ char *s = kp_path_join(shown, names.v[i]);
		_cleanup_free_ char *sub =
		    *rel ? kp_asprintf("%s/%s", rel, names.v[i]) : kp_strdup(names.v[i]);
		/* Flat kinds take the files directly inside, by name. */
		struct stat lst, st;
		if (lstat(s, &lst) < 0) {
			bad(r, kv, "cannot read '%s': %s", s, strerror(errno));
			continue;
		}
		_cleanup_free_ char *rs = inside(r, kv, s);
		if (!rs)
			continue;
		if (stat(rs, &st) < 0) {
			bad(r, kv, "cannot read '%s': %s", s, strerror(errno));
			continue;
		}
		if (S_ISDIR(st.st_mode)) {
			/* Following directory links could loop; a tree must be real. */
			if (S_ISLNK(lst.st_mode))
				bad(r, kv, "'%s' is a symlink to a directory: not supported", s);
			else
				place_dir(r, kv, k, s, rs, base, sub, depth + 1);
		} else if (S_ISREG(st.st_mode)) {
			place_file(r, kv, k, s, rs, base, sub);
		} else {
			bad(r, kv, "'%s' is not a regular file or directory", s);
		}
	}
}

/* Where a single bugtool file named without a glob goes: by its root element. */
static char *bugtool_single_rel(struct resolver *r, const struct kp_kv *kv, const char *shown)
{
	enum fw_bugtool_role role;
	if (fw_bugtool_role(shown, &role) < 0) {
		r->n_bad++;
		return NULL;
	}
	_cleanup_free_ char *a = kp_strdup(shown), *b = kp_strdup(shown);
	const char *name = basename(a);
	if (role == FW_BUGTOOL_CATEGORY)
		return kp_strdup(name);
	_cleanup_free_ char *parent = kp_strdup(dirname(b));
	const char *cat = basename(parent);
	if (!*cat || strcmp(cat, ".") == 0 || strcmp(cat, "/") == 0) {
		bad(r, kv, "'%s': a collect file must sit in a directory named after its category",
		    shown);
		return NULL;
	}
	return kp_asprintf("%s/%s", cat, name);
}

static bool has_glob_magic(const char *s)
{
	return strpbrk(s, "*?[") != NULL;
}

/* Where "SRC -> DEST" puts things (see resolve_dest). */
struct dest {
	const char *base; /* the key's root (or base): items are placed relative to it */
	char *prefix;	  /* DEST below base: a directory ("" for base itself) or a new name */
	bool is_dir;
};

/*
 * DEST absolute under the key's root (guide 7.2), or relative to its base.
 * Ending in '/' it is a directory, else a single file's new name. Flat
 * kinds take no subdirectory. Returns false after logging.
 */
static bool resolve_dest(struct resolver *r, const struct kp_kv *kv, enum fw_kind k,
			 const char *dest, struct dest *out)
{
	const char *root = root_of(k) ? root_of(k) : base_of(r, k);
	if (k == FW_KIND_BUGTOOL) {
		bad(r, kv, "'-> %s': bugtool files take no destination: they are placed by "
			   "category (guide 6.5)",
		    dest);
		return false;
	}
	if (!*dest) {
		bad(r, kv, "an empty destination after '->'");
		return false;
	}
	_cleanup_free_ char *copy = kp_strdup(dest);
	for (char *save = NULL, *c = strtok_r(copy, "/", &save); c;
	     c = strtok_r(NULL, "/", &save))
		if (!strcmp(c, ".") || !strcmp(c, "..")) {
			bad(r, kv, "destination '%s': no '.' or '..' components", dest);
			return false;
		}
	_cleanup_free_ char *full =
	    dest[0] == '/' ? lexical_abs(dest) : kp_asprintf("%s/%s", base_of(r, k), dest);
	if (dest[0] != '/') {
		char *norm = lexical_abs(full);
		free(full);
		full = norm;
	}
	if (!under(full, root)) {
		bad(r, kv,
		    "destination '%s' is outside %s: guide 7.2 puts %s files there (allowed "
		    "roots: /lib/firmware, /etc/udev/rules.d, /etc/modprobe.d, /etc, "
		    "/usr/share/doc)",
		    dest, root, kv->key);
		return false;
	}
	out->base = root;
	out->prefix = kp_strdup(full[strlen(root)] ? full + strlen(root) + 1 : "");
	out->is_dir = kp_endswith(dest, "/") || !*out->prefix;
	if (!is_tree_kind(k)) {
		/* Flat: the base itself, or a new name directly in it. */
		const char *flat = base_of(r, k);
		_cleanup_free_ char *parent = kp_strdup(full);
		char *slash = strrchr(parent, '/');
		if (slash)
			*slash = '\0';
		if (out->is_dir ? strcmp(full, flat) != 0 : strcmp(parent, flat) != 0) {
			bad(r, kv,
			    "destination '%s': %s files are installed flat in %s (give a new "
			    "name, or %s/)",
			    dest, kv->key, flat, flat);
			free(out->prefix);
			return false;
		}
	}
	return true;
}

/* rel below the destination's directory. */
static char *under_prefix(const struct dest *d, const char *rel)
{
	if (!*d->prefix)
		return kp_strdup(rel);
	if (!*rel)
		return kp_strdup(d->prefix);
	return kp_asprintf("%s/%s", d->prefix, rel);
}

/* A path as written: relative to the manifest dir, or absolute inside it or the source. */
static char *shown_path(struct resolver *r, const struct kp_kv *kv, const char *s)
{
	if (s[0] != '/')
		return kp_path_join(r->mdir, s);
	_cleanup_free_ char *lex = lexical_abs(s);
	_cleanup_free_ char *lexroot = lexical_abs(r->o->driver_dir);
	_cleanup_free_ char *lexsrc = r->o->source_dir ? lexical_abs(r->o->source_dir) : NULL;
	if (under(lex, lexroot) || (lexsrc && under(lex, lexsrc)))
		return kp_strdup(s);
	bad(r, kv, "'%s' is an absolute path outside the driver dir%s: give it relative to the "
		   "manifest",
	    s, lexsrc ? " and the source" : "");
	return NULL;
}

/* One item of a file-list key: a name, or a glob, with its destination if any. */
static void place_token(struct resolver *r, const struct kp_kv *kv, enum fw_kind k,
			const struct token *t)
{
	_cleanup_free_ char *shown = shown_path(r, kv, t->s);
	if (!shown)
		return;
	struct dest dst = {.base = base_of(r, k), .prefix = NULL};
	if (t->dest && !resolve_dest(r, kv, k, t->dest, &dst))
		return;
	_cleanup_free_ char *prefix = dst.prefix;
	if (!prefix)
		dst.prefix = prefix = kp_strdup("");
	bool globbed = !t->quoted && has_glob_magic(t->s);

	_cleanup_strv_ struct kp_strv matches = {0};
	/* The glob's base: what comes before the component with the first wildcard. */
	size_t base_len = 0;
	if (globbed) {
		size_t magic = strcspn(t->s, "*?[");
		for (size_t i = 0; i < magic; i++)
			if (t->s[i] == '/')
				base_len = i + 1;
		glob_t g;
		int rc = glob(shown, GLOB_ERR, NULL, &g);
		if (rc == GLOB_NOMATCH) {
			bad(r, kv, "'%s' matches no file", t->s);
			return;
		}
		if (rc != 0) {
			bad(r, kv, "cannot expand '%s'", t->s);
			return;
		}
		for (size_t i = 0; i < g.gl_pathc; i++)
			kp_strv_push(&matches, g.gl_pathv[i]);
		globfree(&g);
	} else {
		kp_strv_push(&matches, shown);
	}

	_cleanup_free_ char *base_shown = kp_path_join(r->mdir, "");
	if (globbed && base_len) {
		free(base_shown);
		_cleanup_free_ char *b = kp_strndup(t->s, base_len);
		base_shown = t->s[0] == '/' ? kp_strdup(b) : kp_path_join(r->mdir, b);
	}

	for (size_t i = 0; i < matches.n; i++) {
		const char *m = matches.v[i];
		_cleanup_free_ char *real = inside(r, kv, m);
		if (!real)
			continue;
		struct stat st;
		if (stat(real, &st) < 0) {
			bad(r, kv, "cannot read '%s': %s", m, strerror(errno));
			continue;
		}
		/* A new name for one file: exactly there. */
		if (t->dest && !dst.is_dir && !globbed && S_ISREG(st.st_mode)) {
			place_file(r, kv, k, m, real, dst.base, dst.prefix);
			continue;
		}
		_cleanup_free_ char *rel = NULL;
		if (globbed && is_tree_kind(k)) {
			size_t bl = strlen(base_shown);
			rel = kp_strdup(strncmp(m, base_shown, bl) == 0 ? m + bl : m);
		} else if (S_ISDIR(st.st_mode)) {
			rel = kp_strdup("");
		} else if (k == FW_KIND_BUGTOOL) {
			rel = bugtool_single_rel(r, kv, m);
			if (!rel)
				continue;
		} else {
			_cleanup_free_ char *a = kp_strdup(m);
			rel = kp_strdup(basename(a));
		}
		_cleanup_free_ char *placed = under_prefix(&dst, rel);

		if (S_ISDIR(st.st_mode))
			place_dir(r, kv, k, m, real, dst.base, placed, *rel ? 1 : 0);
		else if (S_ISREG(st.st_mode))
			place_file(r, kv, k, m, real, dst.base, placed);
		else
			bad(r, kv, "'%s' is not a regular file or directory", m);
	}
}

static void resolve_external(struct resolver *r, const struct kp_kv *kv, const struct token *t,
			     size_t n)
{
	for (size_t i = 0; i < n; i++) {
		const char *s = t[i].s;
		_cleanup_free_ char *copy = kp_strdup(s);
		bool dotdot = false;
		for (char *save = NULL, *c = strtok_r(copy, "/", &save); c;
		     c = strtok_r(NULL, "/", &save))
			dotdot |= strcmp(c, "..") == 0 || strcmp(c, ".") == 0;
		if (s[0] == '/' || dotdot)
			bad(r, kv,
			    "'%s' is not a firmware name: give it as the module does, relative to "
			    "/lib/firmware",
			    s);
		else if (!kp_strv_contains(&r->d->firmware_external, s))
			kp_strv_push(&r->d->firmware_external, s);
	}
}

/* --- whole-package checks --- */

static int cmp_file(const void *a, const void *b)
{
	const struct fw_file *x = a, *y = b;
	int c = strcmp(x->dest, y->dest);
	if (c)
		return c;
	/* Directories first, then by line, so duplicates keep a stable order. */
	if (x->is_dir != y->is_dir)
		return x->is_dir ? -1 : 1;
	return x->line - y->line;
}

static void file_release(struct fw_file *f)
{
	free(f->src);
	free(f->dest);
}

/* Sort, merge directories claimed twice, refuse two files on one path. */
static void sort_and_merge(struct resolver *r)
{
	struct fw_data *d = r->d;
	if (d->n_files > 1)
		qsort(d->files, d->n_files, sizeof(*d->files), cmp_file);
	size_t w = 0;
	for (size_t i = 0; i < d->n_files; i++) {
		struct fw_file *f = &d->files[i];
		if (w > 0 && strcmp(d->files[w - 1].dest, f->dest) == 0) {
			struct fw_file *prev = &d->files[w - 1];
			if (prev->is_dir && f->is_dir) {
				if (!prev->src && f->src)
					prev->src = TAKE_PTR(f->src);
			} else {
				kp_err("%s:%d: data.%s: '%s' is installed twice (also by data.%s "
				       "at line %d)",
				       r->o->manifest, f->line, fw_kind_name(f->kind), f->dest,
				       fw_kind_name(prev->kind), prev->line);
				r->n_bad++;
			}
			file_release(f);
			continue;
		}
		d->files[w++] = *f;
	}
	d->n_files = w;
}

static bool has_prefix_file(const struct fw_data *d, const char *prefix)
{
	size_t n = strlen(prefix);
	for (size_t i = 0; i < d->n_files; i++)
		if (!d->files[i].is_dir && strncmp(d->files[i].dest, prefix, n) == 0)
			return true;
	return false;
}

/* Guide 6.5: categories and their collect files must fit together. */
static void check_bugtool_layout(struct resolver *r)
{
	struct fw_data *d = r->d;
	const size_t blen = strlen(BUGTOOL_BASE "/");
	for (size_t i = 0; i < d->n_files; i++) {
		const struct fw_file *f = &d->files[i];
		if (f->kind != FW_KIND_BUGTOOL || f->is_dir)
			continue;
		const char *rel = f->dest + blen;
		const char *slash = strchr(rel, '/');
		_cleanup_free_ char *shown = NULL;
		/* Message paths: the source as the user knows it. */
		shown = kp_strdup(f->src);
		if (!slash) {
			_cleanup_free_ char *cat = kp_strndup(rel, strlen(rel) - 4);
			if (fw_bugtool_is_existing_category(cat)) {
				kp_err("%s:%d: data.bugtool: '%s' redefines the existing category "
				       "'%s': to extend it, ship only collect files in %s/",
				       r->o->manifest, f->line, shown, cat, cat);
				r->n_bad++;
			} else {
				_cleanup_free_ char *prefix =
				    kp_asprintf("%s/%s/", BUGTOOL_BASE, cat);
				/* xen-bugtool only looks at categories that have a directory. */
				if (!has_prefix_file(d, prefix)) {
					kp_err(
					    "%s:%d: data.bugtool: new category '%s' has no collect "
					    "file: add %s/<name>.xml with a <collect> element",
					    r->o->manifest, f->line, cat, cat);
					r->n_bad++;
				}
			}
			if (fw_bugtool_check(shown, FW_BUGTOOL_CATEGORY) < 0)
				r->n_bad++;
			continue;
		}
		_cleanup_free_ char *cat = kp_strndup(rel, slash - rel);
		if (strchr(slash + 1, '/')) {
			kp_err("%s:%d: data.bugtool: '%s' is too deep: collect files sit directly "
			       "in %s/%s/",
			       r->o->manifest, f->line, shown, BUGTOOL_BASE, cat);
			r->n_bad++;
			continue;
		}
		_cleanup_free_ char *catfile = kp_asprintf("%s/%s.xml", BUGTOOL_BASE, cat);
		if (!fw_data_find(d, catfile) && !fw_bugtool_is_existing_category(cat)) {
			kp_err("%s:%d: data.bugtool: '%s' extends category '%s', which is neither "
			       "one the guide lists nor a new one shipped here (%s.xml)",
			       r->o->manifest, f->line, shown, cat, cat);
			r->n_bad++;
		}
		if (fw_bugtool_check(shown, FW_BUGTOOL_COLLECT) < 0)
			r->n_bad++;
	}
}

static void collect_eulas(struct fw_data *d)
{
	for (size_t i = 0; i < d->n_files; i++)
		if (!d->files[i].is_dir && kp_endswith(d->files[i].dest, "EULA"))
			kp_strv_push(&d->eulas, d->files[i].dest);
}

/* --- entry points --- */

static const struct {
	const char *key;
	int kind; /* -1: not a file list */
} keys[] = {
    {"version", -1},
    {"release", -1},
    {"firmware", FW_KIND_FIRMWARE},
    {"firmware_external", -1},
    {"udev", FW_KIND_UDEV},
    {"modprobe", FW_KIND_MODPROBE},
    {"config", FW_KIND_CONFIG},
    {"doc", FW_KIND_DOC},
    {"bugtool", FW_KIND_BUGTOOL},
    {"eula", FW_KIND_EULA},
};

static int key_index(const char *key)
{
	for (size_t i = 0; i < KP_ARRAY_SIZE(keys); i++)
		if (strcmp(keys[i].key, key) == 0)
			return (int)i;
	return -1;
}

static void set_evr(struct resolver *r, const struct kp_kv *kv, char **slot)
{
	_cleanup_free_ char *v = kp_strdup(kv->value ? kv->value : "");
	kp_strstrip(v);
	if (!valid_evr_part(v)) {
		bad(r, kv,
		    "'%s' is not a valid RPM %s: use letters, digits and . _ + ~ ^, starting "
		    "with a letter or digit (no '-' or spaces)",
		    v, kv->key);
		return;
	}
	free(*slot);
	*slot = TAKE_PTR(v);
}

int fw_data_load(const struct fw_data_opts *o, const struct kp_kv *kv, size_t n_kv,
		 struct fw_data **out)
{
	_cleanup_(resolver_release) struct resolver r = {.o = o};
	r.d = kp_calloc(1, sizeof(*r.d));
	r.d->version = kp_strdup(o->version);
	r.d->release = kp_strdup(o->release);
	_cleanup_free_ char *m = kp_strdup(o->manifest);
	r.mdir = kp_strdup(dirname(m));
	if (o->source_dir)
		r.sroot = realpath(o->source_dir, NULL); /* missing: the build says so */
	r.droot = realpath(o->driver_dir, NULL);
	if (!r.droot) {
		int e = errno;
		kp_err("%s: cannot resolve the driver dir '%s': %s", o->manifest, o->driver_dir,
		       strerror(e));
		return -KP_EINPUT;
	}

	/* Unknown and repeated keys first, and version before the doc dir depends on it. */
	int seen_line[KP_ARRAY_SIZE(keys)] = {0};
	for (size_t i = 0; i < n_kv; i++) {
		int k = key_index(kv[i].key);
		if (k < 0) {
			const char *names[KP_ARRAY_SIZE(keys)];
			for (size_t j = 0; j < KP_ARRAY_SIZE(keys); j++)
				names[j] = keys[j].key;
			_cleanup_free_ char *tail =
			    kp_suggest_phrase(kv[i].key, names, KP_ARRAY_SIZE(names));
			bad(&r, &kv[i], "unknown key in [data]%s", tail);
			continue;
		}
		if (seen_line[k]) {
			bad(&r, &kv[i], "given twice (first at line %d)", seen_line[k]);
			continue;
		}
		seen_line[k] = kv[i].line;
		if (strcmp(kv[i].key, "version") == 0)
			set_evr(&r, &kv[i], &r.d->version);
		else if (strcmp(kv[i].key, "release") == 0)
			set_evr(&r, &kv[i], &r.d->release);
	}
	r.d->docdir = kp_asprintf("/usr/share/doc/%s-data-%s", o->name, r.d->version);

	for (size_t i = 0; i < n_kv; i++) {
		int k = key_index(kv[i].key);
		if (k < 0 || seen_line[k] != kv[i].line)
			continue;
		if (keys[k].kind < 0 && strcmp(kv[i].key, "firmware_external") != 0)
			continue;
		struct token *t;
		size_t n;
		if (split_value(&r, &kv[i], &t, &n) < 0)
			continue;
		if (keys[k].kind < 0) {
			resolve_external(&r, &kv[i], t, n);
		} else {
			enum fw_kind kind = keys[k].kind;
			size_t before = r.d->n_files;
			for (size_t j = 0; j < n; j++)
				place_token(&r, &kv[i], kind, &t[j]);
			/* The doc dir belongs to the package whenever something goes there. */
			for (size_t j = before; j < r.d->n_files; j++)
				if (under(r.d->files[j].dest, r.d->docdir) &&
				    strcmp(r.d->files[j].dest, r.d->docdir) != 0) {
					add(&r, &kv[i], kind, NULL, kp_strdup(r.d->docdir), true);
					break;
				}
		}
		tokens_free(t, n);
	}

	sort_and_merge(&r);
	check_bugtool_layout(&r);
	collect_eulas(r.d);

	if (r.n_bad)
		return -KP_EINPUT;
	*out = TAKE_PTR(r.d);
	return 0;
}

void fw_data_free(struct fw_data *d)
{
	if (!d)
		return;
	for (size_t i = 0; i < d->n_files; i++)
		file_release(&d->files[i]);
	free(d->files);
	free(d->version);
	free(d->release);
	free(d->docdir);
	kp_strv_release(&d->firmware_external);
	kp_strv_release(&d->eulas);
	free(d);
}

const struct fw_file *fw_data_find(const struct fw_data *d, const char *dest)
{
	size_t lo = 0, hi = d->n_files;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = strcmp(d->files[mid].dest, dest);
		if (c == 0)
			return &d->files[mid];
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}
