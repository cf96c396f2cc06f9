// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Validation of Server Status Report XML (guide 6.5).
 *
 * The files come from a vendor's source tree and end up in dom0, so they
 * are parsed as untrusted input by common/xml.c (libxml2 from memory, no
 * network, no entity substitution, no DTD, a DOCTYPE refused: the guide's
 * files never need one); this file checks the tree it returns.
 *
 * The rules are the guide's, checked against xen-bugtool's own reader
 * (load_plugins()), which is laxer in places: it also takes yes/no for
 * booleans and ignores unknown pii/mime values; we hold vendors to what the
 * guide documents.
 */
#include "firmware/bugtool.h"

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <regex.h>
#include <stdlib.h>
#include <string.h>

#include "common/fs.h"
#include "common/log.h"
#include "common/util.h"
#include "common/xml.h"

/*
 * Guide 6.5.1, "Existing categories". The guide's table prints "XYes1" and
 * "XYes1-auth": a transcription slip for X11 / X11-auth (a global "1" to
 * "Yes" replace over its PII column); xen-bugtool's names are 'X11' and
 * 'X11-auth', so those are what we accept.
 */
static const char *const existing_categories[] = {
    "blobs",
    "boot-loader",
    "CVSM",
    "disk-info",
    "firstboot",
    "hardware-info",
    "high-availability",
    "host-crashdump-dumps",
    "host-crashdump-logs",
    "kernel-info",
    "loopback-devices",
    "multipath",
    "network-status",
    "pam",
    "process-list",
    "persistent-stats",
    "system-logs",
    "system-services",
    "tapdisk-logs",
    "vncterm",
    "wlb",
    "X11",
    "X11-auth",
    "xapi-subprocess",
    "xenserver-config",
    "xenserver-domains",
    "xenserver-databases",
    "xenserver-install",
    "xenserver-logs",
    "xen-info",
    "xha-liveset",
    "yum",
};

bool fw_bugtool_is_existing_category(const char *name)
{
	for (size_t i = 0; i < KP_ARRAY_SIZE(existing_categories); i++)
		if (strcmp(existing_categories[i], name) == 0)
			return true;
	return false;
}

/* --- parsing: common/xml.c, as untrusted input --- */

/* A file's bytes, or bytes already in memory (data != NULL): both through kp_xml_parse(). */
static int parse(const char *path, const void *data, size_t len, struct kp_xml_node **out)
{
	int r = data ? kp_xml_parse(path, data, len, out) : kp_xml_read(path, out);
	return r == -KP_EINPUT || r == 0 ? r : -KP_EINPUT;
}

static int role_of(const char *path, const void *data, size_t len, enum fw_bugtool_role *role)
{
	_cleanup_(kp_xml_freep) struct kp_xml_node *root = NULL;
	int r = parse(path, data, len, &root);
	if (r < 0)
		return r;
	if (!strcmp(root->name, "capability")) {
		*role = FW_BUGTOOL_CATEGORY;
		return 0;
	}
	if (!strcmp(root->name, "collect")) {
		*role = FW_BUGTOOL_COLLECT;
		return 0;
	}
	kp_err("%s:%d: root element is <%s>: a bugtool file holds <capability> (a new category) "
	       "or <collect> (what a category collects)",
	       path, root->line, root->name);
	return -KP_EINPUT;
}

int fw_bugtool_role(const char *path, enum fw_bugtool_role *role)
{
	return role_of(path, NULL, 0, role);
}

int fw_bugtool_role_mem(const char *path, const char *data, size_t len, enum fw_bugtool_role *role)
{
	return role_of(path, data ? data : "", len, role);
}

/* --- checking --- */

struct check {
	const char *path;
	int n_bad;
};

static void KP_PRINTF(3, 4) bad(struct check *c, int line, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	_cleanup_free_ char *msg = kp_vasprintf(fmt, ap);
	va_end(ap);
	kp_err("%s:%d: %s", c->path, line > 0 ? line : 1, msg);
	c->n_bad++;
}

static char *attr(const struct kp_xml_node *n, const char *name)
{
	const char *v = kp_xml_attr(n, name);
	return v ? kp_strdup(v) : NULL;
}

/*
 * Text content of an element that must hold text only. (An entity
 * reference cannot reach here: without a DOCTYPE, which is refused, every
 * entity but the five predefined ones is malformed XML.)
 */
static char *text_only(struct check *c, const struct kp_xml_node *el)
{
	for (size_t i = 0; i < el->nchildren; i++)
		bad(c, el->children[i].line, "<%s> may hold text only, not <%s>", el->name,
		    el->children[i].name);
	return kp_strdup(el->text);
}

static bool in_list(const char *s, const char *const *list)
{
	for (; *list; list++)
		if (strcmp(s, *list) == 0)
			return true;
	return false;
}

/* Attributes an element may carry; anything else is most likely a typo. */
static void check_attr_names(struct check *c, const struct kp_xml_node *el,
			     const char *const *allowed)
{
	for (size_t i = 0; i < el->nattrs; i++) {
		if (in_list(el->attrs[i].name, allowed))
			continue;
		struct kp_buf l = {0};
		for (const char *const *p = allowed; *p; p++)
			kp_buf_addf(&l, "%s%s", l.len ? ", " : "", *p);
		_cleanup_free_ char *list = kp_buf_steal(&l);
		bad(c, el->line, "<%s>: unknown attribute '%s' (known: %s)", el->name,
		    el->attrs[i].name, *list ? list : "none");
	}
}

static void check_bool(struct check *c, const struct kp_xml_node *el, const char *name)
{
	_cleanup_free_ char *v = attr(el, name);
	if (v && strcmp(v, "true") != 0 && strcmp(v, "false") != 0)
		bad(c, el->line, "<%s>: %s=\"%s\" must be true or false", el->name, name, v);
}

/* Returns true and sets *out when the attribute is present and valid. */
static bool check_uint(struct check *c, const struct kp_xml_node *el, const char *name,
		       long long *out)
{
	_cleanup_free_ char *v = attr(el, name);
	if (!v)
		return false;
	bool ok = *v != '\0' && strspn(v, "0123456789") == strlen(v) && strlen(v) <= 18;
	if (!ok) {
		bad(c, el->line, "<%s>: %s=\"%s\" must be a non-negative integer", el->name, name,
		    v);
		return false;
	}
	*out = strtoll(v, NULL, 10);
	return true;
}

static void check_enum(struct check *c, const struct kp_xml_node *el, const char *name,
		       const char *const *values, const char *shown)
{
	_cleanup_free_ char *v = attr(el, name);
	if (v && !in_list(v, values))
		bad(c, el->line, "<%s>: %s=\"%s\" must be one of %s", el->name, name, v, shown);
}

static void check_capability(struct check *c, const struct kp_xml_node *el)
{
	static const char *const known[] = {"pii",  "min_size", "max_size", "min_time", "max_time",
					    "mime", "checked",	"hidden",   NULL};
	static const char *const pii[] = {"no", "if_customized", "maybe", "yes", NULL};
	static const char *const mime[] = {"application/data", "text/plain", NULL};

	check_attr_names(c, el, known);
	check_enum(c, el, "pii", pii, "no, if_customized, maybe, yes");
	check_enum(c, el, "mime", mime, "application/data, text/plain");
	check_bool(c, el, "checked");
	check_bool(c, el, "hidden");

	long long min_size, max_size, min_time, max_time;
	bool has_min_size = check_uint(c, el, "min_size", &min_size);
	bool has_max_size = check_uint(c, el, "max_size", &max_size);
	bool has_min_time = check_uint(c, el, "min_time", &min_time);
	bool has_max_time = check_uint(c, el, "max_time", &max_time);
	if (has_min_size && has_max_size && min_size > max_size)
		bad(c, el->line, "<capability>: min_size %lld is above max_size %lld", min_size,
		    max_size);
	if (has_min_time && has_max_time && min_time > max_time)
		bad(c, el->line, "<capability>: min_time %lld is above max_time %lld", min_time,
		    max_time);

	for (size_t i = 0; i < el->nchildren; i++)
		bad(c, el->children[i].line, "<capability> must be empty, found <%s>",
		    el->children[i].name);
}

static void check_files(struct check *c, const struct kp_xml_node *el)
{
	static const char *const known[] = {NULL};
	check_attr_names(c, el, known);
	_cleanup_free_ char *t = text_only(c, el);
	int n = 0;
	/* xen-bugtool splits on white space, hence no spaces inside names (guide 6.5.1). */
	for (char *tok = strtok(t, " \t\r\n"); tok; tok = strtok(NULL, " \t\r\n")) {
		n++;
		if (tok[0] != '/')
			bad(c, el->line,
			    "<files>: '%s' is not an absolute path (xen-bugtool runs from "
			    "any directory)",
			    tok);
	}
	if (n == 0)
		bad(c, el->line,
		    "<files> is empty: list one or more absolute paths separated by spaces");
}

/*
 * glibc's regcomp unrolls repetitions by copying their subexpression, and
 * its DFA grows with every stacked one: ".+++" with a few dozen '+' took
 * more than 2 GB. Before regcomp sees a pattern, its length, nesting and
 * size once unrolled are bounded; Python's re (what xen-bugtool uses)
 * refuses a repeated repetition too ("multiple repeat").
 */
#define FW_PATTERN_MAX_LEN   256
#define FW_PATTERN_MAX_DEPTH 16
#define FW_PATTERN_MAX_SIZE  4096

/* The ']' closing the bracket expression at p, or the byte before the NUL. */
static const char *bracket_end(const char *p)
{
	const char *q = p + 1;
	if (*q == '^')
		q++;
	if (*q == ']')
		q++;
	for (; *q && *q != ']'; q++) {
		if (q[0] == '[' && (q[1] == ':' || q[1] == '.' || q[1] == '=')) {
			const char *close = strchr(q + 2, q[1]);
			while (close && close[1] != ']')
				close = strchr(close + 1, q[1]);
			if (!close)
				break;
			q = close + 1;
		}
	}
	return *q ? q : q - 1;
}

/* How many times "{m}", "{m,}" or "{m,n}" at p makes glibc copy what it follows. */
static size_t interval_copies(const char *p)
{
	unsigned long m = 0, n = 0;
	char *end;
	if (!isdigit((unsigned char)p[1]))
		return 1;
	m = strtoul(p + 1, &end, 10);
	if (*end == ',' && isdigit((unsigned char)end[1]))
		n = strtoul(end + 1, &end, 10);
	unsigned long most = m > n ? m : n;
	return most > 32768 ? 32769 : most + 1;
}

/* Why pattern would cost regcomp too much, or NULL. */
static const char *pattern_too_costly(const char *pattern)
{
	if (strlen(pattern) > FW_PATTERN_MAX_LEN)
		return "longer than 256 bytes";
	size_t size[FW_PATTERN_MAX_DEPTH + 1] = {0}; /* unrolled size of each open group */
	int depth = 0;
	size_t last = 0;       /* size of the item a repetition would apply to */
	bool repeated = false; /* that item already has a repetition */
	for (const char *p = pattern; *p; p++) {
		size_t item = 1;
		switch (*p) {
		case '\\':
			if (p[1])
				p++;
			break;
		case '[':
			p = bracket_end(p);
			break;
		case '(':
			if (depth == FW_PATTERN_MAX_DEPTH)
				return "groups nested deeper than 16";
			size[++depth] = 0;
			last = 0;
			repeated = false;
			continue;
		case ')':
			if (depth)
				item = size[depth--];
			break;
		case '|':
			last = 0;
			repeated = false;
			continue;
		case '*':
		case '+':
		case '?':
		case '{':
			if (repeated)
				return "a repetition of a repetition (such as '++' or '*{2}')";
			size_t copies = *p == '+' ? 2 : *p == '{' ? interval_copies(p) : 1;
			if (*p == '{') {
				const char *close = strchr(p, '}');
				p = close ? close : p + strlen(p) - 1;
			}
			size[depth] += last * (copies - 1);
			last *= copies;
			repeated = true;
			if (size[depth] > FW_PATTERN_MAX_SIZE)
				return "repetitions that unroll to more than 4096 items";
			continue;
		}
		size[depth] += item;
		last = item;
		repeated = false;
		if (size[depth] > FW_PATTERN_MAX_SIZE)
			return "repetitions that unroll to more than 4096 items";
	}
	return NULL;
}

static void check_directory(struct check *c, const struct kp_xml_node *el)
{
	static const char *const known[] = {"pattern", "negate", NULL};
	check_attr_names(c, el, known);
	check_bool(c, el, "negate");

	_cleanup_free_ char *t = text_only(c, el);
	kp_strstrip(t);
	if (!*t)
		bad(c, el->line, "<directory> is empty: give the absolute path of a directory");
	else if (t[0] != '/')
		bad(c, el->line, "<directory>: '%s' is not an absolute path", t);

	_cleanup_free_ char *pattern = attr(el, "pattern");
	if (!pattern || !*pattern)
		return;
	/*
	 * xen-bugtool compiles the pattern with Python's re; we have POSIX
	 * extended regular expressions. The common subset (., *, +, ?, [],
	 * ^, $, (), |, \.) means the same in both; Python-only syntax such as
	 * (?i) or lazy quantifiers is refused here.
	 */
	const char *costly = pattern_too_costly(pattern);
	if (costly) {
		bad(c, el->line,
		    "<directory>: pattern=\"%.64s%s\" is refused (%s): checking it could take "
		    "unbounded time or memory",
		    pattern, strlen(pattern) > 64 ? "..." : "", costly);
		return;
	}
	regex_t re;
	int rc = regcomp(&re, pattern, REG_EXTENDED | REG_NOSUB);
	if (rc != 0) {
		char why[256];
		regerror(rc, &re, why, sizeof(why));
		bad(c, el->line,
		    "<directory>: pattern=\"%s\" is not a valid regular expression (%s; checked as "
		    "a POSIX extended regular expression)",
		    pattern, why);
		return;
	}
	regfree(&re);
}

static void check_command(struct check *c, const struct kp_xml_node *el)
{
	static const char *const known[] = {"label", NULL};
	check_attr_names(c, el, known);
	_cleanup_free_ char *t = text_only(c, el);
	kp_strstrip(t);
	if (!*t)
		bad(c, el->line, "<command> is empty: give the command to run");
	_cleanup_free_ char *label = attr(el, "label");
	/* The label names the output file inside the report. */
	if (label && (!*label || strchr(label, '/')))
		bad(c, el->line,
		    "<command>: label=\"%s\" must be a non-empty file name without '/'", label);
}

static void check_collect(struct check *c, const struct kp_xml_node *el)
{
	static const char *const known[] = {NULL};
	check_attr_names(c, el, known);
	if (el->text_line) {
		_cleanup_free_ char *t = kp_strdup(el->text);
		bad(c, el->text_line, "<collect>: stray text '%s' outside an element",
		    kp_strstrip(t));
	}
	int n = 0;
	for (size_t i = 0; i < el->nchildren; i++) {
		const struct kp_xml_node *k = &el->children[i];
		n++;
		if (!strcmp(k->name, "files"))
			check_files(c, k);
		else if (!strcmp(k->name, "directory"))
			check_directory(c, k);
		else if (!strcmp(k->name, "command"))
			check_command(c, k);
		else
			bad(c, k->line,
			    "<collect>: unknown element <%s> (the guide knows <files>, "
			    "<directory>, <command>)",
			    k->name);
	}
	if (n == 0)
		bad(c, el->line, "<collect> is empty: it collects nothing");
}

static int check_file(const char *path, const void *data, size_t len, enum fw_bugtool_role role)
{
	_cleanup_(kp_xml_freep) struct kp_xml_node *root = NULL;
	int r = parse(path, data, len, &root);
	if (r < 0)
		return r;

	struct check c = {.path = path};
	const char *want = role == FW_BUGTOOL_CATEGORY ? "capability" : "collect";
	if (strcmp(root->name, want))
		bad(&c, root->line, "root element is <%s>, expected <%s>", root->name, want);
	else if (role == FW_BUGTOOL_CATEGORY)
		check_capability(&c, root);
	else
		check_collect(&c, root);
	return c.n_bad ? -KP_EINPUT : 0;
}

int fw_bugtool_check(const char *path, enum fw_bugtool_role role)
{
	return check_file(path, NULL, 0, role);
}

int fw_bugtool_check_mem(const char *path, const char *data, size_t len, enum fw_bugtool_role role)
{
	return check_file(path, data ? data : "", len, role);
}
