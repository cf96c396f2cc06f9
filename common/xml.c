// SPDX-License-Identifier: GPL-2.0-or-later
#include "common/xml.h"

#include <errno.h>
#include <limits.h>
#include <string.h>

#include <libxml/parser.h>
#include <libxml/tree.h>
#include <libxml/xmlerror.h>

#include "common/fs.h"
#include "common/log.h"
#include "common/util.h"

struct parse_state {
	const char *name;
	int n_errors;
};

#if LIBXML_VERSION >= 21200
#define KP_XML_ERROR_CONST const
#else
#define KP_XML_ERROR_CONST
#endif

static void on_xml_error(void *data, KP_XML_ERROR_CONST xmlError *e)
{
	struct parse_state *st = data;
	if (e->level < XML_ERR_ERROR)
		return;
	_cleanup_free_ char *msg = kp_strdup(e->message ? e->message : "malformed XML");
	kp_strstrip(msg);
	kp_err("%s:%d: malformed XML: %s", st->name, e->line, msg);
	st->n_errors++;
}

/* Nothing outside the bytes themselves is ever read: no DTD, no external entity. */
static xmlParserInputPtr refuse_entity(const char *url, const char *id, xmlParserCtxtPtr ctxt)
{
	return NULL;
}

static int line_of(const char *buf, const char *at)
{
	int line = 1;
	for (const char *p = buf; p < at; p++)
		line += *p == '\n';
	return line;
}

static int count_newlines(const char *s, size_t n)
{
	int k = 0;
	for (size_t i = 0; i < n && s[i]; i++)
		k += s[i] == '\n';
	return k;
}

/* libxml2 gives a text node the line where it ends; we want its first visible character's. */
static int text_start_line(xmlNodePtr n)
{
	const char *t = (const char *)n->content;
	size_t lead = strspn(t, " \t\r\n");
	return (int)xmlGetLineNo(n) - count_newlines(t, strlen(t)) + count_newlines(t, lead);
}

static void convert(xmlNodePtr el, struct kp_xml_node *out)
{
	out->name = kp_strdup((const char *)el->name);
	out->line = (int)xmlGetLineNo(el);
	for (xmlAttrPtr a = el->properties; a; a = a->next) {
		xmlChar *v = xmlNodeGetContent((xmlNodePtr)a);
		out->attrs = kp_reallocarray(out->attrs, out->nattrs + 1, sizeof(*out->attrs));
		out->attrs[out->nattrs++] =
		    (struct kp_xml_attr){.name = kp_strdup((const char *)a->name),
					 .value = kp_strdup(v ? (const char *)v : "")};
		xmlFree(v);
	}
	struct kp_buf text = {0};
	for (xmlNodePtr n = el->children; n; n = n->next) {
		if (n->type == XML_TEXT_NODE || n->type == XML_CDATA_SECTION_NODE) {
			const char *t = (const char *)n->content;
			if (!out->text_line && t[strspn(t, " \t\r\n")])
				out->text_line = text_start_line(n);
			kp_buf_adds(&text, t);
		} else if (n->type == XML_ELEMENT_NODE) {
			out->children = kp_reallocarray(out->children, out->nchildren + 1,
							sizeof(*out->children));
			struct kp_xml_node *c = &out->children[out->nchildren++];
			*c = (struct kp_xml_node){0};
			convert(n, c);
		}
	}
	out->text = kp_buf_steal(&text);
}

static int check_doc(const char *name, const char *buf, xmlDocPtr doc)
{
	if (doc->intSubset || doc->extSubset) {
		const char *at = strstr(buf, "<!DOCTYPE");
		kp_err("%s:%d: a DOCTYPE is not allowed (no DTD or entity is loaded)", name,
		       at ? line_of(buf, at) : 1);
		return -KP_EINPUT;
	}
	if (!xmlDocGetRootElement(doc)) {
		kp_err("%s:1: no root element", name);
		return -KP_EINPUT;
	}
	return 0;
}

int kp_xml_parse(const char *name, const char *buf, size_t n, struct kp_xml_node **root)
{
	*root = NULL;
	if (n > INT_MAX) {
		kp_err("%s: too large for an XML file kmodpack reads", name);
		return -KP_EINPUT;
	}
	struct parse_state st = {.name = name};
	xmlExternalEntityLoader old_loader = xmlGetExternalEntityLoader();
	xmlSetExternalEntityLoader(refuse_entity);
	xmlSetStructuredErrorFunc(&st, on_xml_error);
	xmlParserCtxtPtr ctxt = xmlNewParserCtxt();
	if (!ctxt)
		abort(); /* allocation, as kp_malloc */
	xmlDocPtr doc = xmlCtxtReadMemory(ctxt, buf, (int)n, name, NULL, XML_PARSE_NONET);
	xmlSetStructuredErrorFunc(NULL, NULL);
	xmlSetExternalEntityLoader(old_loader);
	bool wellformed = ctxt->wellFormed;
	xmlFreeParserCtxt(ctxt);

	int r = 0;
	if (!doc || !wellformed || st.n_errors) {
		if (st.n_errors == 0)
			kp_err("%s:1: malformed XML", name);
		r = -KP_EINPUT;
	} else if ((r = check_doc(name, buf, doc)) == 0) {
		*root = kp_calloc(1, sizeof(**root));
		convert(xmlDocGetRootElement(doc), *root);
	}
	xmlFreeDoc(doc);
	return r;
}

int kp_xml_read(const char *path, struct kp_xml_node **root)
{
	_cleanup_free_ char *buf = NULL;
	size_t len;
	int r = kp_read_file(path, &buf, &len);
	if (r < 0) {
		*root = NULL;
		kp_err("%s: cannot read: %s", path, strerror(-r));
		return r;
	}
	return kp_xml_parse(path, buf, len, root);
}

static void release(struct kp_xml_node *n)
{
	free(n->name);
	for (size_t i = 0; i < n->nattrs; i++) {
		free(n->attrs[i].name);
		free(n->attrs[i].value);
	}
	free(n->attrs);
	free(n->text);
	for (size_t i = 0; i < n->nchildren; i++)
		release(&n->children[i]);
	free(n->children);
}

void kp_xml_free(struct kp_xml_node *root)
{
	if (!root)
		return;
	release(root);
	free(root);
}

const char *kp_xml_attr(const struct kp_xml_node *n, const char *name)
{
	for (size_t i = 0; i < n->nattrs; i++)
		if (!strcmp(n->attrs[i].name, name))
			return n->attrs[i].value;
	return NULL;
}
