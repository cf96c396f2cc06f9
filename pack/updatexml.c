// SPDX-License-Identifier: GPL-2.0-or-later
#include "pack/updatexml.h"

#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "common/digest.h"
#include "common/log.h"
#include "common/xml.h"
#include "pack/meta.h"

void pk_update_info_release(struct pk_update_info *u)
{
	free(u->name_label);
	free(u->version);
	free(u->uuid);
	free(u->description);
	free(u->guidance);
	free(u->key);
	free(u->control);
	*u = (struct pk_update_info){0};
}

bool pk_guidance_valid(const char *s)
{
	static const char *const ok[] = {"restartHVM", "restartPV", "restartHost", "restartXAPI"};
	for (size_t i = 0; i < KP_ARRAY_SIZE(ok); i++)
		if (!strcmp(s, ok[i]))
			return true;
	return false;
}

bool pk_uuid_valid(const char *s)
{
	for (int i = 0; i < 36; i++) {
		bool dash = i == 8 || i == 13 || i == 18 || i == 23;
		if (dash ? s[i] != '-'
			 : !(isdigit((unsigned char)s[i]) || (s[i] >= 'a' && s[i] <= 'f')))
			return false;
	}
	return s[36] == '\0';
}

void pk_uuid_from_name(const char *name, char out[37])
{
	/* A fixed namespace of kmodpack's own, so no other scheme's names collide. */
	_cleanup_free_ char *in = kp_asprintf("kmodpack update uuid\n%s", name);
	char hex[KP_DIGEST_HEX_MAX];
	kp_digest_buf(KP_DIGEST_SHA256, in, strlen(in), hex);
	hex[12] = '8'; /* version 8 */
	int v = isdigit((unsigned char)hex[16]) ? hex[16] - '0' : hex[16] - 'a' + 10;
	hex[16] = "89ab"[v & 3]; /* variant 10xx */
	char *o = out;
	for (int i = 0; i < 32; i++) {
		if (i == 8 || i == 12 || i == 16 || i == 20)
			*o++ = '-';
		*o++ = hex[i];
	}
	*o = '\0';
}

char *pk_update_xml(const struct pk_update_info *u)
{
	struct kp_buf b = {0};
	kp_buf_adds(&b, "<?xml version=\"1.0\" ?>\n<update name-label=\"");
	pk_xml_escape(&b, u->name_label, true);
	kp_buf_adds(&b, "\" version=\"");
	pk_xml_escape(&b, u->version, true);
	kp_buf_addf(&b, "\" uuid=\"%s\" installation-size=\"%llu\"", u->uuid, u->installation_size);
	if (u->guidance) {
		kp_buf_adds(&b, " after-apply-guidance=\"");
		pk_xml_escape(&b, u->guidance, true);
		kp_buf_adds(&b, "\"");
	}
	if (u->key) {
		kp_buf_adds(&b, " key=\"");
		pk_xml_escape(&b, u->key, true);
		kp_buf_adds(&b, "\"");
	}
	if (u->control) {
		kp_buf_adds(&b, " control=\"");
		pk_xml_escape(&b, u->control, true);
		kp_buf_adds(&b, "\"");
	}
	kp_buf_adds(&b, ">\n  <name-description>");
	pk_xml_escape(&b, u->description, false);
	kp_buf_adds(&b, "</name-description>\n</update>\n");
	return kp_buf_steal(&b);
}

static char *dup_attr(const struct kp_xml_node *n, const char *name)
{
	const char *v = kp_xml_attr(n, name);
	return v ? kp_strdup(v) : NULL;
}

/* Every value of after-apply-guidance: xapi splits on ',' (older) or ' ' (newer). */
static bool guidance_ok(const char *s)
{
	_cleanup_free_ char *copy = kp_strdup(s);
	char *save = NULL;
	size_t n = 0;
	for (char *t = strtok_r(copy, ", ", &save); t; t = strtok_r(NULL, ", ", &save), n++)
		if (!pk_guidance_valid(t))
			return false;
	return n > 0;
}

static int check_update(const char *name, const struct kp_xml_node *root, struct pk_update_info *u)
{
	int bad = 0;
	static const char *const need[] = {"name-label", "version", "uuid"};
	for (size_t i = 0; i < KP_ARRAY_SIZE(need); i++)
		if (!kp_xml_attr(root, need[i]) || !*kp_xml_attr(root, need[i])) {
			kp_err("%s:%d: <update> has no %s= (xapi refuses the update)", name,
			       root->line, need[i]);
			bad++;
		}
	if (u->uuid && *u->uuid && !pk_uuid_valid(u->uuid)) {
		kp_err("%s:%d: uuid=\"%s\" is not a UUID (8-4-4-4-12 lowercase hex digits)", name,
		       root->line, u->uuid);
		bad++;
	}
	const char *size = kp_xml_attr(root, "installation-size");
	if (size) {
		char *end = NULL;
		errno = 0;
		u->installation_size = strtoull(size, &end, 10);
		if (!*size || *end || errno || !isdigit((unsigned char)*size)) {
			kp_err("%s:%d: installation-size=\"%s\" is not a number of bytes", name,
			       root->line, size);
			bad++;
		}
	}
	if (u->guidance && *u->guidance && !guidance_ok(u->guidance)) {
		kp_err("%s:%d: after-apply-guidance=\"%s\": each value must be restartHVM, "
		       "restartPV, restartHost or restartXAPI",
		       name, root->line, u->guidance);
		bad++;
	}
	for (size_t i = 0; i < root->nchildren && !u->description; i++)
		if (!strcmp(root->children[i].name, "name-description"))
			u->description = kp_strdup(root->children[i].text);
	if (!u->description) {
		kp_err("%s:%d: <update> has no <name-description> (xapi refuses the update)", name,
		       root->line);
		bad++;
	}
	return bad ? -KP_EINPUT : 0;
}

int pk_update_parse(const char *name, const char *buf, size_t n, struct pk_update_info *out)
{
	*out = (struct pk_update_info){0};
	_cleanup_(kp_xml_freep) struct kp_xml_node *root = NULL;
	int r = kp_xml_parse(name, buf, n, &root);
	if (r < 0)
		return r;
	if (strcmp(root->name, "update")) {
		kp_err("%s:%d: the root element is <%s>, not <update>", name, root->line,
		       root->name);
		return -KP_EINPUT;
	}
	out->name_label = dup_attr(root, "name-label");
	out->version = dup_attr(root, "version");
	out->uuid = dup_attr(root, "uuid");
	out->guidance = dup_attr(root, "after-apply-guidance");
	out->key = dup_attr(root, "key");
	out->control = dup_attr(root, "control");
	if ((r = check_update(name, root, out)) < 0)
		pk_update_info_release(out);
	return r;
}

/* ---- comps ---- */

void pk_comps_release(struct pk_comps *c)
{
	for (size_t i = 0; i < c->n; i++) {
		free(c->groups[i].id);
		kp_strv_release(&c->groups[i].packages);
	}
	free(c->groups);
	*c = (struct pk_comps){0};
}

const struct pk_comps_group *pk_comps_group(const struct pk_comps *c, const char *id)
{
	for (size_t i = 0; i < c->n; i++)
		if (!strcmp(c->groups[i].id, id))
			return &c->groups[i];
	return NULL;
}

static void comps_group(struct kp_buf *b, const char *id, const char *title, const char *name,
			const char *const *packages, size_t n)
{
	kp_buf_addf(b, "  <group>\n    <id>%s</id>\n    <name>%s", id, title);
	pk_xml_escape(b, name, false);
	kp_buf_adds(b, "</name>\n    <description></description>\n    <default>false</default>\n"
		       "    <uservisible>true</uservisible>\n    <packagelist>\n");
	for (size_t i = 0; i < n; i++) {
		kp_buf_adds(b, "      <packagereq type=\"mandatory\">");
		pk_xml_escape(b, packages[i], false);
		kp_buf_adds(b, "</packagereq>\n");
	}
	kp_buf_adds(b, "    </packagelist>\n  </group>\n");
}

char *pk_comps_xml(const char *name, const char *const *packages, size_t n, bool drivers)
{
	struct kp_buf b = {0};
	kp_buf_adds(&b, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<comps>\n");
	comps_group(&b, "update", "Update ", name, packages, n);
	if (drivers)
		comps_group(&b, "drivers", "Host Installer Driver Update ", name, packages, n);
	kp_buf_adds(&b, "</comps>\n");
	return kp_buf_steal(&b);
}

/*
 * createrepo and build-update write comps files with a DOCTYPE naming
 * comps.dtd (an external id, nothing declared). Such a DOCTYPE is blanked
 * (line numbers stay) so common/xml.c, which refuses every DOCTYPE, reads
 * the rest; one with an internal subset ('[') is left for it to refuse.
 */
static char *blank_doctype(const char *buf, size_t n)
{
	char *copy = kp_malloc(n + 1);
	memcpy(copy, buf, n);
	copy[n] = '\0';
	char *d = memmem(copy, n, "<!DOCTYPE", 9);
	char *end = d ? memchr(d, '>', n - (size_t)(d - copy)) : NULL;
	if (d && end && !memchr(d, '[', (size_t)(end - d)))
		for (char *p = d; p <= end; p++)
			if (*p != '\n')
				*p = ' ';
	return copy;
}

int pk_comps_parse(const char *name, const char *buf, size_t n, struct pk_comps *out)
{
	*out = (struct pk_comps){0};
	_cleanup_free_ char *copy = blank_doctype(buf, n);
	_cleanup_(kp_xml_freep) struct kp_xml_node *root = NULL;
	int r = kp_xml_parse(name, copy, n, &root);
	if (r < 0)
		return r;
	if (strcmp(root->name, "comps")) {
		kp_err("%s:%d: the root element is <%s>, not <comps>", name, root->line,
		       root->name);
		return -KP_EINPUT;
	}
	for (size_t i = 0; i < root->nchildren; i++) {
		const struct kp_xml_node *g = &root->children[i];
		if (strcmp(g->name, "group"))
			continue;
		struct pk_comps_group grp = {0};
		for (size_t k = 0; k < g->nchildren; k++) {
			const struct kp_xml_node *c = &g->children[k];
			if (!strcmp(c->name, "id") && !grp.id) {
				grp.id = kp_strdup(c->text);
				kp_strstrip(grp.id);
			} else if (!strcmp(c->name, "packagelist"))
				for (size_t p = 0; p < c->nchildren; p++)
					if (!strcmp(c->children[p].name, "packagereq")) {
						_cleanup_free_ char *pk =
						    kp_strdup(c->children[p].text);
						kp_strstrip(pk);
						kp_strv_push(&grp.packages, pk);
					}
		}
		if (!grp.id || !*grp.id) {
			kp_err("%s:%d: <group> has no <id>", name, g->line);
			free(grp.id);
			kp_strv_release(&grp.packages);
			pk_comps_release(out);
			return -KP_EINPUT;
		}
		out->groups = kp_reallocarray(out->groups, out->n + 1, sizeof(*out->groups));
		out->groups[out->n++] = grp;
	}
	return 0;
}
