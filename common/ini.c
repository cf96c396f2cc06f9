// SPDX-License-Identifier: GPL-2.0-or-later
#include "common/ini.h"

#include <errno.h>
#include <ini.h>
#include <stdio.h>

#include "common/fs.h"
#include "common/log.h"

/*
 * inih's line buffer, in bytes: a line (with its CR LF and inih's NUL) must
 * fit, so the longest line kmodpack reads is 3 bytes shorter: 1 MiB, far
 * beyond any line a person writes. Longer lines are refused rather than
 * silently split by inih.
 */
#define KP_INI_MAX_LINE (1 << 20)
/*
 * Debian's inih keeps section names in a 50-byte buffer and truncates
 * longer ones without a word, so a key would land in a section no header
 * names; longer headers are refused instead.
 */
#define KP_INI_MAX_SECTION 49

struct reader {
	FILE *f;
	int line;	   /* number of the line last handed to inih */
	bool continuation; /* that line started with white space */
	bool after_key;	   /* a key came since the last header (inih's prev_name) */
	int bad_line;	   /* the line read_line() refused */
	char *why;	   /* and why */
	char *buf;	   /* getline()'s buffer */
	size_t bufsize;
	struct kp_ini *ini;
};

struct parse {
	struct reader *rd;
	struct kp_ini *ini;
	struct kp_buf value; /* the last entry's value while continuations add to it */
	size_t lines_cap;    /* room in the last entry's lines[] */
};

static char *refuse_line(struct reader *rd, char *why)
{
	rd->bad_line = rd->line;
	rd->why = why;
	return NULL; /* inih stops as at the end of the file */
}

/*
 * A byte an editor does not show (NUL ends a C string and hides the rest of
 * the line; a lone CR overwrites it on a terminal) would let text a reviewer
 * cannot see become a key. Tabs are white space; CR only ends a CRLF line.
 */
static bool control_byte(const char *s, size_t len, unsigned char *byte)
{
	for (size_t i = 0; i < len; i++) {
		unsigned char c = s[i];
		if (c == '\t' || (c == '\n' && i == len - 1) ||
		    (c == '\r' && (i == len - 1 || (i == len - 2 && s[len - 1] == '\n'))))
			continue;
		if (c < 0x20 || c == 0x7f) {
			*byte = c;
			return true;
		}
	}
	return false;
}

/* The offset of the first byte of s[0..len) that is not UTF-8, or -1. */
static ssize_t bad_utf8(const unsigned char *s, size_t len)
{
	for (size_t i = 0; i < len;) {
		unsigned char c = s[i];
		size_t n = c < 0x80		? 1
			   : (c & 0xe0) == 0xc0 ? 2
			   : (c & 0xf0) == 0xe0 ? 3
			   : (c & 0xf8) == 0xf0 ? 4
						: 0;
		if (n == 0 || i + n > len)
			return (ssize_t)i;
		unsigned cp = n == 1 ? c : c & (0x7f >> n);
		for (size_t k = 1; k < n; k++) {
			if ((s[i + k] & 0xc0) != 0x80)
				return (ssize_t)i;
			cp = cp << 6 | (s[i + k] & 0x3f);
		}
		static const unsigned min[] = {0, 0, 0x80, 0x800, 0x10000};
		if (cp < min[n] || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
			return (ssize_t)i;
		i += n;
	}
	return -1;
}

/* inih's reader: hands over one whole line at a time so we know its number. */
static char *read_line(char *str, int num, void *stream)
{
	struct reader *rd = stream;
	if (rd->bad_line)
		return NULL;
	ssize_t len = getline(&rd->buf, &rd->bufsize, rd->f);
	if (len < 0)
		return NULL;
	rd->line++;
	ssize_t text = len;
	while (text > 0 && (rd->buf[text - 1] == '\n' || rd->buf[text - 1] == '\r'))
		text--;
	/* inih's buffer holds the longest line there can be (load_stream), so a line
	 * within the limit fits it: nothing is split. */
	if (text > KP_INI_MAX_LINE - 3 || len + 1 > num)
		return refuse_line(rd,
				   kp_asprintf("line is %zd bytes long: kmodpack reads lines of "
					       "at most %d bytes",
					       text, KP_INI_MAX_LINE - 3));
	unsigned char c;
	if (control_byte(rd->buf, len, &c))
		return refuse_line(rd, kp_asprintf("%s byte 0x%02x: kmodpack reads only text a "
						   "reviewer can see",
						   c ? "control" : "NUL", c));
	ssize_t bad = bad_utf8((const unsigned char *)rd->buf, len);
	if (bad >= 0)
		return refuse_line(rd,
				   kp_asprintf("byte 0x%02x (column %zd) is not UTF-8: kmodpack "
					       "reads INI files as UTF-8; save the file as UTF-8",
					       (unsigned char)rd->buf[bad], bad + 1));
	memcpy(str, rd->buf, len + 1);

	rd->continuation = str[0] == ' ' || str[0] == '\t';
	/*
	 * inih reports only sections with keys; remember every header. What is
	 * a header must be decided exactly as inih's ini_parse_stream decides,
	 * or a key would land in a section sections[] does not hold: it skips a
	 * UTF-8 BOM on line 1 and leading white space, takes an indented line
	 * after a key as the key's continuation, and anything else starting
	 * with '[' as a header up to the first ']'.
	 */
	const char *start = str;
	if (rd->line == 1 && !memcmp(start, "\xEF\xBB\xBF", 3))
		start += 3;
	while (*start == ' ' || *start == '\t' || *start == '\n' || *start == '\r' ||
	       *start == '\v' || *start == '\f')
		start++;
	bool continues_key = rd->after_key && *start && start > str;
	const char *close = !continues_key && *start == '[' ? strchr(start, ']') : NULL;
	if (close) {
		if (close - start - 1 > KP_INI_MAX_SECTION)
			return refuse_line(rd, kp_asprintf("section name longer than %d bytes",
							   KP_INI_MAX_SECTION));
		struct kp_ini *ini = rd->ini;
		ini->sections =
		    kp_reallocarray(ini->sections, ini->nsections + 1, sizeof(*ini->sections));
		ini->sections[ini->nsections++] = (struct kp_ini_section){
		    .name = kp_strndup(start + 1, close - start - 1), .line = rd->line};
		rd->after_key = false;
	}
	return str;
}

/* The value collected for the last entry becomes its value. */
static void finish_value(struct parse *p)
{
	struct kp_ini *ini = p->ini;
	if (!ini->n)
		return;
	free(ini->e[ini->n - 1].kv.value);
	ini->e[ini->n - 1].kv.value = kp_buf_steal(&p->value);
}

static int on_entry(void *user, const char *section, const char *name, const char *value)
{
	struct parse *p = user;
	struct kp_ini *ini = p->ini;
	struct kp_ini_entry *last = ini->n ? &ini->e[ini->n - 1] : NULL;

	/* Appending to one buffer keeps a long description linear in its length. */
	if (p->rd->continuation && last && !strcmp(last->section, section) &&
	    !strcmp(last->kv.key, name)) {
		/* A first line of "key =" with nothing after it is not a line of the value. */
		if (p->value.len || last->nlines > 1) {
			kp_buf_addc(&p->value, '\n');
			/* Doubling keeps a description of many lines linear too. */
			if (last->nlines == p->lines_cap) {
				p->lines_cap = p->lines_cap ? 2 * p->lines_cap : 8;
				last->lines =
				    kp_reallocarray(last->lines, p->lines_cap, sizeof(int));
			}
			last->nlines++;
		}
		last->lines[last->nlines - 1] = p->rd->line;
		kp_buf_adds(&p->value, strcmp(value, ".") ? value : "");
		return 1;
	}
	finish_value(p);
	p->rd->after_key = true;
	ini->e = kp_reallocarray(ini->e, ini->n + 1, sizeof(*ini->e));
	ini->e[ini->n++] = (struct kp_ini_entry){
	    .section = kp_strdup(section),
	    .kv = {.key = kp_strdup(name), .value = NULL, .line = p->rd->line},
	    .lines = kp_calloc(1, sizeof(int)),
	    .nlines = 1,
	};
	ini->e[ini->n - 1].lines[0] = p->rd->line;
	p->lines_cap = 1;
	kp_buf_adds(&p->value, value);
	return 1;
}

static int load_stream(FILE *f, const char *path, size_t len, struct kp_ini **out);

int kp_ini_load(const char *path, struct kp_ini **out)
{
	_cleanup_free_ char *data = NULL;
	size_t len = 0;
	int r = kp_read_file(path, &data, &len);
	if (r < 0)
		return r;
	return kp_ini_parse_mem(path, data, len, out);
}

int kp_ini_parse(const char *name, const char *text, struct kp_ini **out)
{
	return kp_ini_parse_mem(name, text, strlen(text), out);
}

/* Files, text and fuzz inputs all come here: one reader, so none is read differently. */
int kp_ini_parse_mem(const char *name, const void *data, size_t len, struct kp_ini **out)
{
	static char empty[1]; /* fmemopen wants a buffer even for no bytes */
	FILE *f = fmemopen(len ? (void *)data : empty, len, "r");
	if (!f)
		return -errno;
	return load_stream(f, name, len, out);
}

/* Read f, len bytes (closed here), as the INI file path. */
static int load_stream(FILE *f, const char *path, size_t len, struct kp_ini **out)
{
	_cleanup_(kp_ini_freep) struct kp_ini *ini = kp_calloc(1, sizeof(*ini));
	ini->path = kp_strdup(path);
	struct reader rd = {.f = f, .ini = ini};
	struct parse p = {.rd = &rd, .ini = ini};

	/* Debian's inih reads these at run time; a heap buffer lets us raise the limit. */
	ini_use_stack = false;
	ini_allow_realloc = false;
	/* With a fixed heap buffer, its size is ini_initial_alloc (200 by default): no
	 * line is longer than the file, and a small file gets a small buffer (a
	 * megabyte for every kmodpack.ini would be most of the time reading it). */
	ini_initial_alloc = len + 3 < KP_INI_MAX_LINE ? (int)len + 3 : KP_INI_MAX_LINE;
	ini_max_line = KP_INI_MAX_LINE;
	ini_allow_multiline = true;

	int r = ini_parse_stream(read_line, &rd, on_entry, &p);
	finish_value(&p);
	kp_buf_release(&p.value);
	free(rd.buf);
	fclose(f);
	if (rd.bad_line) {
		kp_err_at(&(struct kp_log_where){.file = path, .line = rd.bad_line}, "%s", rd.why);
		free(rd.why);
		return -KP_EINPUT;
	}
	if (r != 0) {
		if (r < 0)
			kp_err("%s: cannot parse (out of memory?)", path);
		else
			kp_err_at(&(struct kp_log_where){.file = path, .line = r},
				  "not a '[section]' or 'key = value' line");
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
		free(ini->e[i].lines);
	}
	free(ini->e);
	for (size_t i = 0; i < ini->nsections; i++)
		free(ini->sections[i].name);
	free(ini->sections);
	free(ini->path);
	free(ini);
}
