// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Validation of Server Status Report XML (guide 6.5) with libxml2.
 *
 * The files come from a vendor's source tree and end up in dom0, so they
 * are parsed as untrusted input: the bytes are read by us and handed to
 * libxml2 from memory, no network (XML_PARSE_NONET), no entity
 * substitution (no XML_PARSE_NOENT), no DTD loading, and an external
 * entity loader that refuses everything. A DOCTYPE is a violation of its
 * own: the guide's files never need one.
 *
 * The rules are the guide's, checked against xen-bugtool's own reader
 * (load_plugins()), which is laxer in places: it also takes yes/no for
 * booleans and ignores unknown pii/mime values; we hold vendors to what the
 * guide documents.
 */
#include "firmware/bugtool.h"

#include <errno.h>
#include <limits.h>
#include <regex.h>
#include <string.h>

#include <libxml/parser.h>
#include <libxml/tree.h>
#include <libxml/xmlerror.h>

#include "common/fs.h"
#include "common/log.h"
#include "common/util.h"

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

/* --- parsing --- */

struct parse_state {
	const char *path;
	int n_errors;
};

#if LIBXML_VERSION >= 21200
#define FW_XML_ERROR_CONST const
#else
#define FW_XML_ERROR_CONST
#endif

static void on_xml_error(void *data, FW_XML_ERROR_CONST xmlError *e)
{
	struct parse_state *st = data;
	if (e->level < XML_ERR_ERROR)
		return;
	_cleanup_free_ char *msg = kp_strdup(e->message ? e->message : "malformed XML");
	kp_strstrip(msg);
	kp_err("%s:%d: malformed XML: %s", st->path, e->line, msg);
	st->n_errors++;
}

/* Nothing outside the file itself is ever read: no DTD, no external entity. */
static xmlParserInputPtr refuse_entity(const char *url, const char *id, xmlParserCtxtPtr ctxt)
{
	return NULL;
}

static int line_of(const char *buf, const char *at)
{
	int line = 1;
	for (const char *p = buf; p < at; p++)
		if (*p == '\n')
			line++;
	return line;
}

/* Parse path; logs and returns -KP_EINPUT when it is not well-formed or has a DOCTYPE. */
static int parse(const char *path, xmlDocPtr *out)
{
	_cleanup_free_ char *buf = NULL;
	size_t len;
	int r = kp_read_file(path, &buf, &len);
	if (r < 0) {
		kp_err("%s: cannot read: %s", path, strerror(-r));
		return -KP_EINPUT;
	}
	if (len > INT_MAX) {
		kp_err("%s: too large for a bugtool file", path);
		return -KP_EINPUT;
	}

	struct parse_state st = {.path = path};
	xmlExternalEntityLoader old_loader = xmlGetExternalEntityLoader();
	xmlSetExternalEntityLoader(refuse_entity);
	xmlSetStructuredErrorFunc(&st, on_xml_error);

	xmlDocPtr doc = NULL;
	xmlParserCtxtPtr ctxt = xmlNewParserCtxt();
	if (ctxt)
		doc = xmlCtxtReadMemory(ctxt, buf, (int)len, path, NULL, XML_PARSE_NONET);

	xmlSetStructuredErrorFunc(NULL, NULL);
	xmlSetExternalEntityLoader(old_loader);
	if (!ctxt)
		return -ENOMEM;
	bool wellformed = ctxt->wellFormed;
	xmlFreeParserCtxt(ctxt);

	if (!doc || !wellformed || st.n_errors) {
		if (st.n_errors == 0)
			kp_err("%s:1: malformed XML", path);
		xmlFreeDoc(doc);
		return -KP_EINPUT;
	}
	if (doc->intSubset || doc->extSubset) {
		const char *at = strstr(buf, "<!DOCTYPE");
		kp_err("%s:%d: a DOCTYPE is not allowed in a bugtool file (no DTD or entity is "
		       "loaded)",
		       path, at ? line_of(buf, at) : 1);
		xmlFreeDoc(doc);
		return -KP_EINPUT;
	}
	if (!xmlDocGetRootElement(doc)) {
		kp_err("%s:1: no root element", path);
		xmlFreeDoc(doc);
		return -KP_EINPUT;
	}
	*out = doc;
	return 0;
}

KP_DEFINE_TRIVIAL_CLEANUP_FUNC(xmlDocPtr, xmlFreeDoc);

int fw_bugtool_role(const char *path, enum fw_bugtool_role *role)
{
	_cleanup_(xmlFreeDocp) xmlDocPtr doc = NULL;
	int r = parse(path, &doc);
	if (r < 0)
		return r;
	xmlNodePtr root = xmlDocGetRootElement(doc);
	if (xmlStrEqual(root->name, BAD_CAST "capability")) {
		*role = FW_BUGTOOL_CATEGORY;
		return 0;
	}
	if (xmlStrEqual(root->name, BAD_CAST "collect")) {
		*role = FW_BUGTOOL_COLLECT;
		return 0;
	}
	kp_err("%s:%ld: root element is <%s>: a bugtool file holds <capability> (a new category) "
	       "or <collect> (what a category collects)",
	       path, xmlGetLineNo(root), (const char *)root->name);
	return -KP_EINPUT;
}

/* --- checking --- */

struct check {
	const char *path;
	int n_bad;
};

static void KP_PRINTF(3, 4) bad(struct check *c, xmlNodePtr at, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	_cleanup_free_ char *msg = kp_vasprintf(fmt, ap);
	va_end(ap);
	kp_err("%s:%ld: %s", c->path, at ? xmlGetLineNo(at) : 1L, msg);
	c->n_bad++;
}

static char *attr(xmlNodePtr n, const char *name)
{
	xmlChar *v = xmlGetNoNsProp(n, BAD_CAST name);
	if (!v)
		return NULL;
	char *s = kp_strdup((const char *)v);
	xmlFree(v);
	return s;
}

/* Text content of an element that must hold text only. */
static char *text_only(struct check *c, xmlNodePtr el)
{
	struct kp_buf b = {0};
	for (xmlNodePtr n = el->children; n; n = n->next) {
		if (n->type == XML_TEXT_NODE || n->type == XML_CDATA_SECTION_NODE)
			kp_buf_adds(&b, (const char *)n->content);
		else if (n->type == XML_ELEMENT_NODE)
			bad(c, n, "<%s> may hold text only, not <%s>", (const char *)el->name,
			    (const char *)n->name);
		else if (n->type == XML_ENTITY_REF_NODE)
			bad(c, n, "<%s>: entity reference '&%s;' is not allowed",
			    (const char *)el->name, (const char *)n->name);
	}
	return kp_buf_steal(&b);
}

static bool in_list(const char *s, const char *const *list)
{
	for (; *list; list++)
		if (strcmp(s, *list) == 0)
			return true;
	return false;
}

/* Attributes an element may carry; anything else is most likely a typo. */
static void check_attr_names(struct check *c, xmlNodePtr el, const char *const *allowed)
{
	for (xmlAttrPtr a = el->properties; a; a = a->next) {
		if (in_list((const char *)a->name, allowed))
			continue;
		struct kp_buf l = {0};
		for (const char *const *p = allowed; *p; p++)
			kp_buf_addf(&l, "%s%s", l.len ? ", " : "", *p);
		_cleanup_free_ char *list = kp_buf_steal(&l);
		bad(c, el, "<%s>: unknown attribute '%s' (known: %s)", (const char *)el->name,
		    (const char *)a->name, *list ? list : "none");
	}
}

static void check_bool(struct check *c, xmlNodePtr el, const char *name)
{
	_cleanup_free_ char *v = attr(el, name);
	if (v && strcmp(v, "true") != 0 && strcmp(v, "false") != 0)
		bad(c, el, "<%s>: %s=\"%s\" must be true or false", (const char *)el->name, name,
		    v);
}

/* Returns true and sets *out when the attribute is present and valid. */
static bool check_uint(struct check *c, xmlNodePtr el, const char *name, long long *out)
{
	_cleanup_free_ char *v = attr(el, name);
	if (!v)
		return false;
	bool ok = *v != '\0' && strspn(v, "0123456789") == strlen(v) && strlen(v) <= 18;
	if (!ok) {
		bad(c, el, "<%s>: %s=\"%s\" must be a non-negative integer", (const char *)el->name,
		    name, v);
		return false;
	}
	*out = strtoll(v, NULL, 10);
	return true;
}

static void check_enum(struct check *c, xmlNodePtr el, const char *name, const char *const *values,
		       const char *shown)
{
	_cleanup_free_ char *v = attr(el, name);
	if (v && !in_list(v, values))
		bad(c, el, "<%s>: %s=\"%s\" must be one of %s", (const char *)el->name, name, v,
		    shown);
}

static void check_capability(struct check *c, xmlNodePtr el)
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
		bad(c, el, "<capability>: min_size %lld is above max_size %lld", min_size,
		    max_size);
	if (has_min_time && has_max_time && min_time > max_time)
		bad(c, el, "<capability>: min_time %lld is above max_time %lld", min_time,
		    max_time);

	for (xmlNodePtr n = el->children; n; n = n->next)
		if (n->type == XML_ELEMENT_NODE)
			bad(c, n, "<capability> must be empty, found <%s>", (const char *)n->name);
}

static void check_files(struct check *c, xmlNodePtr el)
{
	static const char *const known[] = {NULL};
	check_attr_names(c, el, known);
	_cleanup_free_ char *t = text_only(c, el);
	int n = 0;
	/* xen-bugtool splits on white space, hence no spaces inside names (guide 6.5.1). */
	for (char *tok = strtok(t, " \t\r\n"); tok; tok = strtok(NULL, " \t\r\n")) {
		n++;
		if (tok[0] != '/')
			bad(c, el,
			    "<files>: '%s' is not an absolute path (xen-bugtool runs from "
			    "any directory)",
			    tok);
	}
	if (n == 0)
		bad(c, el, "<files> is empty: list one or more absolute paths separated by spaces");
}

static void check_directory(struct check *c, xmlNodePtr el)
{
	static const char *const known[] = {"pattern", "negate", NULL};
	check_attr_names(c, el, known);
	check_bool(c, el, "negate");

	_cleanup_free_ char *t = text_only(c, el);
	kp_strstrip(t);
	if (!*t)
		bad(c, el, "<directory> is empty: give the absolute path of a directory");
	else if (t[0] != '/')
		bad(c, el, "<directory>: '%s' is not an absolute path", t);

	_cleanup_free_ char *pattern = attr(el, "pattern");
	if (!pattern || !*pattern)
		return;
	/*
	 * xen-bugtool compiles the pattern with Python's re; we have POSIX
	 * extended regular expressions. The common subset (., *, +, ?, [],
	 * ^, $, (), |, \.) means the same in both; Python-only syntax such as
	 * (?i) or lazy quantifiers is refused here.
	 */
	regex_t re;
	int rc = regcomp(&re, pattern, REG_EXTENDED | REG_NOSUB);
	if (rc != 0) {
		char why[256];
		regerror(rc, &re, why, sizeof(why));
		bad(c, el,
		    "<directory>: pattern=\"%s\" is not a valid regular expression (%s; checked as "
		    "a POSIX extended regular expression)",
		    pattern, why);
		return;
	}
	regfree(&re);
}

static void check_command(struct check *c, xmlNodePtr el)
{
	static const char *const known[] = {"label", NULL};
	check_attr_names(c, el, known);
	_cleanup_free_ char *t = text_only(c, el);
	kp_strstrip(t);
	if (!*t)
		bad(c, el, "<command> is empty: give the command to run");
	_cleanup_free_ char *label = attr(el, "label");
	/* The label names the output file inside the report. */
	if (label && (!*label || strchr(label, '/')))
		bad(c, el, "<command>: label=\"%s\" must be a non-empty file name without '/'",
		    label);
}

static void check_collect(struct check *c, xmlNodePtr el)
{
	static const char *const known[] = {NULL};
	check_attr_names(c, el, known);
	int n = 0;
	for (xmlNodePtr k = el->children; k; k = k->next) {
		if (k->type == XML_TEXT_NODE) {
			_cleanup_free_ char *t = kp_strdup((const char *)k->content);
			if (*kp_strstrip(t))
				bad(c, k, "<collect>: stray text '%s' outside an element", t);
			continue;
		}
		if (k->type != XML_ELEMENT_NODE)
			continue;
		n++;
		if (xmlStrEqual(k->name, BAD_CAST "files"))
			check_files(c, k);
		else if (xmlStrEqual(k->name, BAD_CAST "directory"))
			check_directory(c, k);
		else if (xmlStrEqual(k->name, BAD_CAST "command"))
			check_command(c, k);
		else
			bad(c, k,
			    "<collect>: unknown element <%s> (the guide knows <files>, "
			    "<directory>, <command>)",
			    (const char *)k->name);
	}
	if (n == 0)
		bad(c, el, "<collect> is empty: it collects nothing");
}

int fw_bugtool_check(const char *path, enum fw_bugtool_role role)
{
	_cleanup_(xmlFreeDocp) xmlDocPtr doc = NULL;
	int r = parse(path, &doc);
	if (r < 0)
		return r;

	struct check c = {.path = path};
	xmlNodePtr root = xmlDocGetRootElement(doc);
	const char *want = role == FW_BUGTOOL_CATEGORY ? "capability" : "collect";
	if (!xmlStrEqual(root->name, BAD_CAST want))
		bad(&c, root, "root element is <%s>, expected <%s>", (const char *)root->name,
		    want);
	else if (role == FW_BUGTOOL_CATEGORY)
		check_capability(&c, root);
	else
		check_collect(&c, root);
	return c.n_bad ? -KP_EINPUT : 0;
}
