// SPDX-License-Identifier: GPL-2.0-or-later
#include "common/ini.h"

#include <errno.h>
#include <ini.h>
#include <stdio.h>

#include "common/log.h"

/* Lines longer than this are refused rather than silently split by inih. */
#define KP_INI_MAX_LINE 8192

struct reader {
	FILE *f;
	int line;	   /* number of the line last handed to inih */
	bool continuation; /* that line started with white space */
	int too_long;	   /* first line that exceeded KP_INI_MAX_LINE */
	struct kp_ini *ini;
};

struct parse {
	struct reader *rd;
	struct kp_ini *ini;
	int bad_line;
};

/* inih's reader: hands over one line at a time so we know its number. */
static char *read_line(char *str, int num, void *stream)
{
	struct reader *rd = stream;
	if (!fgets(str, num, rd->f))
		return NULL;
	rd->line++;
	size_t len = strlen(str);
	if (len == (size_t)num - 1 && str[len - 1] != '\n' && !feof(rd->f)) {
		if (!rd->too_long)
			rd->too_long = rd->line;
		int c;
		while ((c = fgetc(rd->f)) != EOF && c != '\n')
			;
	}
	rd->continuation = str[0] == ' ' || str[0] == '\t';
	/* inih reports only sections with keys; remember every header. */
	char *close = str[0] == '[' ? strchr(str, ']') : NULL;
	if (close) {
		struct kp_ini *ini = rd->ini;
		ini->sections =
		    kp_reallocarray(ini->sections, ini->nsections + 1, sizeof(*ini->sections));
		ini->sections[ini->nsections++] = (struct kp_ini_section){
		    .name = kp_strndup(str + 1, close - str - 1), .line = rd->line};
	}
	return str;
}

static int on_entry(void *user, const char *section, const char *name, const char *value)
{
	struct parse *p = user;
	struct kp_ini *ini = p->ini;
	struct kp_ini_entry *last = ini->n ? &ini->e[ini->n - 1] : NULL;

	if (p->rd->continuation && last && !strcmp(last->section, section) &&
	    !strcmp(last->kv.key, name)) {
		_cleanup_free_ char *old = last->kv.value;
		const char *add = strcmp(value, ".") ? value : "";
		last->kv.value = old[0] ? kp_asprintf("%s\n%s", old, add) : kp_strdup(add);
		return 1;
	}
	ini->e = kp_reallocarray(ini->e, ini->n + 1, sizeof(*ini->e));
	ini->e[ini->n++] = (struct kp_ini_entry){
	    .section = kp_strdup(section),
	    .kv = {.key = kp_strdup(name), .value = kp_strdup(value), .line = p->rd->line},
	};
	return 1;
}

int kp_ini_load(const char *path, struct kp_ini **out)
{
	FILE *f = fopen(path, "re");
	if (!f)
		return -errno;

	_cleanup_(kp_ini_freep) struct kp_ini *ini = kp_calloc(1, sizeof(*ini));
	ini->path = kp_strdup(path);
	struct reader rd = {.f = f, .ini = ini};
	struct parse p = {.rd = &rd, .ini = ini};

	/* Debian's inih reads these at run time; a heap buffer lets us raise the limit. */
	ini_use_stack = false;
	ini_allow_realloc = false;
	ini_max_line = KP_INI_MAX_LINE;
	ini_allow_multiline = true;

	int r = ini_parse_stream(read_line, &rd, on_entry, &p);
	fclose(f);
	if (rd.too_long) {
		kp_err("%s:%d: line longer than %d bytes", path, rd.too_long, KP_INI_MAX_LINE - 3);
		return -KP_EINPUT;
	}
	if (r != 0) {
		if (r < 0)
			kp_err("%s: cannot parse (out of memory?)", path);
		else
			kp_err("%s:%d: not a '[section]' or 'key = value' line", path, r);
		return -KP_EINPUT;
	}
	*out = TAKE_PTR(ini);
	return 0;
}

void kp_ini_free(struct kp_ini *ini)
{
	if (!ini)
		return;
	for (size_t i = 0; i < ini->n; i++) {
		free(ini->e[i].section);
		free(ini->e[i].kv.key);
		free(ini->e[i].kv.value);
	}
	free(ini->e);
	for (size_t i = 0; i < ini->nsections; i++)
		free(ini->sections[i].name);
	free(ini->sections);
	free(ini->path);
	free(ini);
}
