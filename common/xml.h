/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A small, safe XML reader for files kmodpack reads back: a finished
 * pack's XS-REPOSITORY and XS-PACKAGES, an installer's answerfile. The
 * bytes are parsed as untrusted input through libxml2: no network, no
 * entity substitution, no DTD (a DOCTYPE is refused), and an external
 * entity loader that refuses everything. What comes back is a plain tree
 * of elements with their line numbers, attributes and text, so no caller
 * includes libxml2.
 */
#ifndef KP_XML_H
#define KP_XML_H

#include <stddef.h>

#include "common/util.h"

struct kp_xml_attr {
	char *name, *value;
};

struct kp_xml_node {
	char *name;
	int line;
	struct kp_xml_attr *attrs; /* in document order */
	size_t nattrs;
	char *text;		      /* the element's own text and CDATA, concatenated */
	int text_line;		      /* where its first text that is not white space is, or 0 */
	struct kp_xml_node *children; /* child elements, in document order */
	size_t nchildren;
};

/*
 * Parse n bytes at buf (name is used in messages as name:line) into a new
 * tree. Returns 0, or -KP_EINPUT after logging each problem as
 * "name:line: ..." (not well-formed, a DOCTYPE, no root element).
 */
int kp_xml_parse(const char *name, const char *buf, size_t n, struct kp_xml_node **root);
/* kp_xml_parse of a file's contents; -errno when it cannot be read (logged). */
int kp_xml_read(const char *path, struct kp_xml_node **root);
void kp_xml_free(struct kp_xml_node *root);
KP_DEFINE_TRIVIAL_CLEANUP_FUNC(struct kp_xml_node *, kp_xml_free);

/* The value of attribute name, or NULL (borrowed). */
const char *kp_xml_attr(const struct kp_xml_node *n, const char *name);

#endif
