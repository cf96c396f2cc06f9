// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * specgen/escape.c: any text through the escaper the first byte picks, as
 * the spec writer (and pack's update RPM) hands it user text. Beyond not
 * crashing, what the escaper returns must be inert in a spec file, so the
 * harness checks its promise from the outside, by undoing the escape:
 *
 *  - no '%' that rpm would expand: each is "%%" (a literal '%'), or the
 *    "%{nil}" after a backslash, or in a %files path a run of eight;
 *  - undone, the text is the input (less the blanks rpm drops);
 *  - no line that rpm reads as spec syntax ('%' first), a comment ('#')
 *    or, in a changelog, a new entry ('*'); no newline in a one-line tag.
 *
 * A broken promise aborts, so libFuzzer (and the replay) report it.
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/util.h"
#include "specgen/escape.h"
#include "tests/fuzz/fuzz.h"

#define broken(...)                                                                               \
	do {                                                                                      \
		fprintf(stderr, "fuzz-escape: " __VA_ARGS__);                                     \
		fputc('\n', stderr);                                                              \
		abort();                                                                          \
	} while (0)

/* Undo add_escaped's two rules; abort on any other '%' or '\\'. Caller frees. */
static char *unescape(const char *out)
{
	size_t n = strlen(out);
	char *d = kp_malloc(n + 1), *q = d;
	for (const char *p = out; *p;) {
		if (p[0] == '%' && p[1] == '%') {
			*q++ = '%';
			p += 2;
		} else if (p[0] == '\\' && strncmp(p + 1, "%{nil}", 6) == 0) {
			*q++ = '\\';
			p += 7;
		} else if (*p == '%' || *p == '\\') {
			broken("a live '%c' at byte %zu of '%s'", *p, (size_t)(p - out), out);
		} else {
			*q++ = *p++;
		}
	}
	*q = '\0';
	return d;
}

/* s without blanks and newlines, for bodies whose blanks rpm drops. Caller frees. */
static char *no_blanks(const char *s)
{
	char *d = kp_malloc(strlen(s) + 1), *q = d;
	for (; *s; s++)
		if (*s != ' ' && *s != '\t' && *s != '\n')
			*q++ = *s;
	*q = '\0';
	return d;
}

/* Every line of s: nothing rpm reads as syntax, a comment or a new entry. */
static void check_lines(const char *s, const char *starts_refused, bool changelog)
{
	for (const char *line = s; line;) {
		const char *p = line + strspn(line, " \t");
		if (*p && *p != '\n' && strchr(starts_refused, *p))
			broken("a line starts with '%c': '%s'", *p, s);
		if (changelog && *line == '*')
			broken("a changelog line starts with '*': '%s'", s);
		line = strchr(line, '\n');
		line = line ? line + 1 : NULL;
	}
}

static void check_one_line(const char *in, const char *out, bool token)
{
	_cleanup_free_ char *d = unescape(out);
	if (strcmp(d, in) != 0)
		broken("'%s' escaped to '%s', which reads back as '%s'", in, out, d);
	size_t n = strlen(d);
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)d[i] < 0x20 || d[i] == 0x7f || (token && d[i] == ' '))
			broken("byte 0x%02x kept in a one-line value '%s'", (unsigned char)d[i], in);
	if (n == 0 || d[0] == ' ' || d[n - 1] == ' ')
		broken("an empty or space-bounded value kept: '%s'", in);
}

static void check_body(const char *in, const char *out, bool changelog)
{
	_cleanup_free_ char *d = unescape(out);
	check_lines(d, "%#", changelog);
	size_t n = strlen(d);
	if (n == 0 || d[n - 1] == '\n')
		broken("an empty body, or a trailing empty line, kept: '%s'", out);
	_cleanup_free_ char *a = no_blanks(in), *b = no_blanks(d);
	if (strcmp(a, b) != 0)
		broken("'%s' escaped to '%s': more than blanks changed", in, out);
}

static void check_script(const char *in, const char *out)
{
	_cleanup_free_ char *d = unescape(out);
	check_lines(d, "%", false);
	size_t n = strlen(in);
	while (n > 0 && (in[n - 1] == ' ' || in[n - 1] == '\t' || in[n - 1] == '\n'))
		n--;
	if (n == 0 || strlen(d) != n || strncmp(d, in, n) != 0)
		broken("script '%s' escaped to '%s', which reads back as '%s'", in, out, d);
}

/*
 * A %files entry: "..." with '%' as runs of eight (rpm expands the path
 * three times) and, in a glob, *?[ as bracket expressions and blank or
 * quote after a backslash.
 */
static void check_files_path(const char *in, const char *out)
{
	size_t n = strlen(out);
	if (n < 2 || out[0] != '"' || out[n - 1] != '"')
		broken("%%files entry not quoted: '%s'", out);
	char *d = kp_malloc(n), *q = d;
	for (size_t i = 1; i < n - 1;) {
		char c = out[i];
		if (c == '%') {
			size_t run = strspn(out + i, "%");
			if (run % 8)
				broken("a run of %zu '%%' in %%files entry '%s'", run, out);
			for (size_t k = 0; k < run / 8; k++)
				*q++ = '%';
			i += run;
		} else if (c == '[' && i + 2 < n - 1 && out[i + 2] == ']') {
			*q++ = out[i + 1];
			i += 3;
		} else if (c == '\\' && (out[i + 1] == ' ' || out[i + 1] == '\'')) {
			*q++ = out[i + 1];
			i += 2;
		} else if (c == '"' || c == '\\' || c == '{' || c == '}' || c == '[' ||
			   (unsigned char)c < 0x20) {
			broken("'%c' in %%files entry '%s'", c, out);
		} else {
			*q++ = c;
			i++;
		}
	}
	*q = '\0';
	if (strcmp(d, in) != 0)
		broken("path '%s' escaped to '%s', which reads back as '%s'", in, out, d);
	for (const char *p = strchr(d, '%'); p; p = strchr(p + 1, '%'))
		if ((p[1] >= 'a' && p[1] <= 'z') || (p[1] >= 'A' && p[1] <= 'Z'))
			broken("'%%' before a letter kept in %%files entry '%s'", out);
	free(d);
}

/* NAME or NAME OP VERSION, single blanks, nothing rpm expands or splits on. */
static void check_dep(const char *in, const char *out)
{
	if (strpbrk(out, "%,\t\n{}\\") || out[0] == ' ' || strstr(out, "  ") ||
	    out[strlen(out) - 1] == ' ')
		broken("dependency '%s' escaped to '%s'", in, out);
	_cleanup_free_ char *a = no_blanks(in), *b = no_blanks(out);
	if (strcmp(a, b) != 0)
		broken("dependency '%s' became '%s'", in, out);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1 || size > FZ_MAX_INPUT)
		return 0;
	fz_init();
	_cleanup_free_ char *in = fz_string(data + 1, size - 1);
	_cleanup_free_ char *out = NULL;
	switch (data[0] % 7) {
	case 0:
		if (spec_escape_line("Summary", in, &out) == 0)
			check_one_line(in, out, false);
		break;
	case 1:
		if (spec_escape_token("URL", in, &out) == 0)
			check_one_line(in, out, true);
		break;
	case 2:
		if (spec_escape_text("description", in, &out) == 0)
			check_body(in, out, false);
		break;
	case 3:
		if (spec_escape_changelog("changelog", in, &out) == 0)
			check_body(in, out, true);
		break;
	case 4:
		if (spec_escape_script("%post", in, &out) == 0)
			check_script(in, out);
		break;
	case 5:
		if (spec_files_path(in, &out) == 0)
			check_files_path(in, out);
		break;
	case 6:
		if (spec_escape_dep("Requires", in, &out) == 0)
			check_dep(in, out);
		break;
	}
	return 0;
}
