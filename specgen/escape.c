// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * User text made inert in a spec file. The rules follow what rpm 4.18
 * (Debian 12) was observed to do, with `rpmspec -P`, `rpmspec -q` and
 * spec_rpm_build (see docs/spec-safety.md for the full table):
 *
 *  - Every line of a spec is macro-expanded when it is read: preamble tag
 *    values, %description, %files and %changelog alike (4.18 expands the
 *    changelog: `%(touch x)` there runs). `%(...)` runs a shell,
 *    `%{lua:...}` runs Lua, `%{expand:...}`, `%[expr]`, `%{name}` are
 *    evaluated. `%%` is read as one literal '%', and after `%%` nothing
 *    runs: "%%(touch x)" is the text "%(touch x)".
 *  - Section and directive detection happens AFTER expansion: a
 *    description line "%%files" expands to "%files" and starts a new
 *    %files section; "%%post" starts a scriptlet, "  %%include /etc/x"
 *    pastes a file of the build host into the package, "%%endif" breaks
 *    the parse. Section names are matched case-insensitively at column 0,
 *    directives (%if, %include, ...) after leading blanks. So a line that
 *    starts with '%' can never be carried safely, escaped or not: refused.
 *  - A line that starts (after blanks) with '#' is a comment in
 *    %description and %changelog: its text is silently dropped. Refused.
 *  - Before expanding, rpm joins lines: a trailing backslash continues the
 *    line, and an unbalanced "%{", "%(" or "%[" pulls in following lines
 *    until balanced. Its scanner takes "\x" as an escaped x, so user text
 *    "\%{" escaped naively to "\%%{" opens a brace ("unclosed macro").
 *    Every backslash is therefore followed by "%{nil}", which expands to
 *    nothing and gives the scanner's skip something harmless to eat.
 *  - Trailing blanks of each line are stripped (tags and %description),
 *    leading blanks of a tag value too; tabs inside text are kept.
 *  - URL and BugURL take a single token ("Tag takes single token only").
 *  - In %changelog, a line starting with '*' begins the next entry.
 *  - Bytes that are not UTF-8 make rpm fail ("invalid utf-8 encoding in
 *    Summary"): refused here first, with the field named.
 *  - %files paths are expanded three times (the line, then twice inside
 *    rpmGenPath), so '%' needs eight '%'; one or two levels let
 *    "%{lua:...}" in a file name run. rpm globs a path containing '*',
 *    '?', '[' or a brace pair ("{a,b}", GLOB_BRACE) and then packages
 *    every match: "st*r" would also take "stXr". A bracket expression
 *    "[*]" matches only the literal character. In glob mode rpm splits the
 *    pattern on blanks (popt), so a space there is written "\ "; braces
 *    and backslashes could not be made to match literally and are refused,
 *    as is '"' (it ends a quoted entry). %attr, %config, %lang... are found
 *    anywhere in the expanded line (strstr), so '%' before a letter is
 *    refused too.
 */
#include "specgen/escape.h"

#include <stdarg.h>

#include <ctype.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "common/log.h"
#include "common/util.h"

/* Length of the UTF-8 sequence at s (1-4), or 0 if it is not valid UTF-8. */
static size_t utf8_len(const unsigned char *s)
{
	if (s[0] < 0x80)
		return 1;
	size_t n;
	uint32_t cp;
	if ((s[0] & 0xe0) == 0xc0) {
		n = 2;
		cp = s[0] & 0x1f;
	} else if ((s[0] & 0xf0) == 0xe0) {
		n = 3;
		cp = s[0] & 0x0f;
	} else if ((s[0] & 0xf8) == 0xf0) {
		n = 4;
		cp = s[0] & 0x07;
	} else {
		return 0;
	}
	for (size_t i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = (cp << 6) | (s[i] & 0x3f);
	}
	static const uint32_t min[] = {0, 0, 0x80, 0x800, 0x10000};
	if (cp < min[n] || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
		return 0;
	return n;
}

/*
 * An error at line of a multi-line text: "FILE:LINE: ..." (kp_err_at, so
 * --json gives the file and line) when the text is file's, else
 * "FIELD: line N: ...".
 */
static void KP_PRINTF(4, 5)
    line_err(const char *field, const char *file, int line, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	_cleanup_free_ char *msg = kp_vasprintf(fmt, ap);
	va_end(ap);
	if (file)
		kp_err_at(&(struct kp_log_where){.file = file, .line = line}, "%s", msg);
	else
		kp_err("%s: line %d: %s", field, line, msg);
}

/*
 * Check encoding and control characters. multiline: text where '\n'
 * separates lines and '\t' is kept; file: the file it was read from, or
 * NULL. Logs and returns -KP_EINPUT.
 */
static int check_chars(const char *field, const char *file, const char *s, bool multiline)
{
	int line = 1;
	for (const unsigned char *p = (const unsigned char *)s; *p;) {
		size_t n = utf8_len(p);
		if (n == 0) {
			if (multiline)
				line_err(field, file, line, "not valid UTF-8 (byte 0x%02x)", *p);
			else
				kp_err("%s: not valid UTF-8 (byte 0x%02x)", field, *p);
			return -KP_EINPUT;
		}
		if (n == 1 && (*p < 0x20 || *p == 0x7f)) {
			if (multiline && (*p == '\n' || *p == '\t')) {
				line += *p == '\n';
			} else if (*p == '\n') {
				kp_err("%s: must be one line (contains a newline)", field);
				return -KP_EINPUT;
			} else {
				if (multiline)
					line_err(field, file, line,
						 "control character 0x%02x is not allowed", *p);
				else
					kp_err("%s: control character 0x%02x is not allowed", field,
					       *p);
				return -KP_EINPUT;
			}
		}
		p += n;
	}
	return 0;
}

/* Append s[0..n) with '%' doubled and a harmless %{nil} after each '\\'. */
static void add_escaped(struct kp_buf *b, const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '%')
			kp_buf_adds(b, "%%");
		else if (s[i] == '\\')
			kp_buf_adds(b, "\\%{nil}");
		else
			kp_buf_addc(b, s[i]);
	}
}

static bool is_blank(char c)
{
	return c == ' ' || c == '\t';
}

int spec_escape_line(const char *field, const char *value, char **out)
{
	int r = check_chars(field, NULL, value, false);
	if (r < 0)
		return r;
	size_t n = strlen(value);
	if (n == 0) {
		kp_err("%s: is empty", field);
		return -KP_EINPUT;
	}
	if (value[0] == ' ' || value[n - 1] == ' ') {
		kp_err("%s: starts or ends with a space (rpm would strip it)", field);
		return -KP_EINPUT;
	}
	struct kp_buf b = {0};
	add_escaped(&b, value, n);
	*out = kp_buf_steal(&b);
	return 0;
}

int spec_escape_token(const char *field, const char *value, char **out)
{
	if (strchr(value, ' ')) {
		kp_err("%s: must be a single word (contains a space)", field);
		return -KP_EINPUT;
	}
	return spec_escape_line(field, value, out);
}

enum body_kind { BODY_DESCRIPTION, BODY_CHANGELOG };

static int escape_body(const char *field, const char *text, enum body_kind kind, char **out)
{
	int r = check_chars(field, NULL, text, true);
	if (r < 0)
		return r;

	_cleanup_buf_ struct kp_buf b = {0};
	size_t pending_nl = 0; /* empty lines held back: dropped if nothing follows */
	bool started = false;
	int lineno = 0;
	for (const char *line = text; *line || lineno == 0;) {
		lineno++;
		size_t len = strcspn(line, "\n");
		const char *next = line[len] ? line + len + 1 : line + len;
		while (len > 0 && is_blank(line[len - 1]))
			len--;

		size_t lead = 0;
		while (lead < len && is_blank(line[lead]))
			lead++;
		if (kind == BODY_CHANGELOG && !started) {
			/* rpm skips white space before an entry's text */
			line += lead;
			len -= lead;
			lead = 0;
		}

		if (len == 0) {
			if (started || kind == BODY_DESCRIPTION)
				pending_nl++;
			if (!*next)
				break;
			line = next;
			continue;
		}
		if (line[lead] == '%') {
			kp_err("%s: line %d starts with '%%', which rpm reads as spec syntax "
			       "(%%files, %%post, %%include...) even when escaped",
			       field, lineno);
			return -KP_EINPUT;
		}
		if (line[lead] == '#') {
			kp_err("%s: line %d starts with '#', which rpm drops as a comment", field,
			       lineno);
			return -KP_EINPUT;
		}
		if (kind == BODY_CHANGELOG && line[0] == '*') {
			kp_err("%s: line %d starts with '*', which rpm reads as a new changelog "
			       "entry",
			       field, lineno);
			return -KP_EINPUT;
		}

		if (started)
			pending_nl++;
		for (; pending_nl > 0; pending_nl--)
			kp_buf_addc(&b, '\n');
		add_escaped(&b, line, len);
		started = true;
		if (!*next)
			break;
		line = next;
	}
	if (!started) {
		kp_err("%s: is empty", field);
		return -KP_EINPUT;
	}
	*out = kp_buf_steal(&b);
	return 0;
}

int spec_escape_script(const char *field, const char *text, char **out)
{
	return spec_escape_script_file(field, NULL, text, out);
}

int spec_escape_script_file(const char *field, const char *file, const char *text, char **out)
{
	int r = check_chars(field, file, text, true);
	if (r < 0)
		return r;
	size_t n = strlen(text);
	while (n > 0 && (is_blank(text[n - 1]) || text[n - 1] == '\n'))
		n--;
	if (n == 0) {
		if (file)
			kp_err_at(&(struct kp_log_where){.file = file}, "is empty");
		else
			kp_err("%s: is empty", field);
		return -KP_EINPUT;
	}
	int lineno = 1;
	for (const char *line = text; line < text + n; lineno++) {
		const char *p = line;
		while (is_blank(*p))
			p++;
		if (*p == '%') {
			static const char why[] = "starts with '%', which rpm reads as spec syntax "
						  "(%files, %post, %if...) even when escaped";
			if (file)
				kp_err_at(&(struct kp_log_where){.file = file, .line = lineno},
					  "%s", why);
			else
				kp_err("%s: line %d %s", field, lineno, why);
			return -KP_EINPUT;
		}
		const char *eol = memchr(line, '\n', text + n - line);
		if (!eol)
			break;
		line = eol + 1;
	}
	struct kp_buf b = {0};
	add_escaped(&b, text, n);
	*out = kp_buf_steal(&b);
	return 0;
}

int spec_escape_text(const char *field, const char *text, char **out)
{
	return escape_body(field, text, BODY_DESCRIPTION, out);
}

int spec_escape_changelog(const char *field, const char *text, char **out)
{
	return escape_body(field, text, BODY_CHANGELOG, out);
}

const char *spec_files_path_problem(const char *path)
{
	if (path[0] != '/')
		return "is not an absolute path";
	if (strcmp(path, "/") == 0 || kp_endswith(path, "/"))
		return "names a directory (trailing '/')";
	if (strstr(path, "//") || strstr(path, "/./") || strstr(path, "/../") ||
	    kp_endswith(path, "/.") || kp_endswith(path, "/.."))
		return "is not a canonical path ('//', '.' or '..')";
	for (const unsigned char *p = (const unsigned char *)path; *p;) {
		size_t n = utf8_len(p);
		if (n == 0)
			return "is not valid UTF-8";
		if (n == 1 && *p == '\n')
			return "contains a newline";
		if (n == 1 && (*p < 0x20 || *p == 0x7f))
			return "contains a control character, which rpm refuses";
		if (*p == '"')
			return "contains '\"', which rpm cannot quote";
		if (*p == '\\')
			return "contains '\\', which rpm cannot package literally";
		if (*p == '{' || *p == '}')
			return "contains a brace, which rpm expands as a glob";
		/* rpm finds %attr(...), %config, %doc... anywhere in the expanded line. */
		if (*p == '%' && ((p[1] >= 'a' && p[1] <= 'z') || (p[1] >= 'A' && p[1] <= 'Z')))
			return "contains '%' before a letter, which rpm reads as a %files "
			       "attribute";
		p += n;
	}
	return NULL;
}

int spec_files_path(const char *path, char **out)
{
	const char *why = spec_files_path_problem(path);
	if (why) {
		kp_err("%%files: '%s': %s", path, why);
		return -KP_EINPUT;
	}
	bool glob = strpbrk(path, "*?[") != NULL;
	struct kp_buf b = {0};
	kp_buf_addc(&b, '"');
	for (const char *p = path; *p; p++) {
		if (*p == '%')
			kp_buf_adds(&b, "%%%%%%%%");
		else if (glob && (*p == '*' || *p == '?' || *p == '['))
			kp_buf_addf(&b, "[%c]", *p);
		else if (glob && (*p == ' ' || *p == '\''))
			kp_buf_addf(&b, "\\%c", *p);
		else
			kp_buf_addc(&b, *p);
	}
	kp_buf_addc(&b, '"');
	*out = kp_buf_steal(&b);
	return 0;
}

static bool dep_name_char(char c)
{
	return isalnum((unsigned char)c) || strchr("._+-/:()", c);
}

static bool dep_version_char(char c)
{
	return isalnum((unsigned char)c) || strchr("._+~^:-", c);
}

/* Split "NAME [OP VERSION]" into its words; NULL when it has not one or three words. */
static const char *dep_words(const char *dep, char words[3][256], size_t *n)
{
	*n = 0;
	for (const char *p = dep; *p;) {
		if (*p == ' ' || *p == '\t') {
			p++;
			continue;
		}
		size_t len = strcspn(p, " \t");
		if (*n == 3)
			return "more than NAME OP VERSION";
		if (len >= 256)
			return "a word longer than 255 characters";
		memcpy(words[*n], p, len);
		words[(*n)++][len] = '\0';
		p += len;
	}
	if (*n == 0)
		return "empty";
	if (*n == 2)
		return "an operator without a version";
	return NULL;
}

const char *spec_dep_problem(const char *dep)
{
	char w[3][256];
	size_t n;
	const char *why = dep_words(dep, w, &n);
	if (why)
		return why;
	if (w[0][0] == '(' || w[0][0] == '-')
		return "the name starts with '(' or '-' (rich dependencies are not supported)";
	int depth = 0;
	for (const char *p = w[0]; *p; p++) {
		if (!dep_name_char(*p))
			return "the name may hold only letters, digits and ._+-/:()";
		depth += *p == '(' ? 1 : *p == ')' ? -1 : 0;
		if (depth < 0 || depth > 1)
			return "the name's parentheses are not balanced";
	}
	if (depth)
		return "the name's parentheses are not balanced";
	if (n == 1)
		return NULL;
	static const char *const ops[] = {"<", "<=", "=", ">=", ">"};
	bool op_ok = false;
	for (size_t i = 0; i < KP_ARRAY_SIZE(ops); i++)
		op_ok |= !strcmp(w[1], ops[i]);
	if (!op_ok)
		return "the operator must be one of < <= = >= >";
	if (!isalnum((unsigned char)w[2][0]))
		return "the version must start with a letter or digit";
	for (const char *p = w[2]; *p; p++)
		if (!dep_version_char(*p))
			return "the version may hold only letters, digits and ._+~^ (EPOCH: and "
			       "-RELEASE allowed)";
	const char *dash = strchr(w[2], '-');
	if (dash && strchr(dash + 1, '-'))
		return "the version has more than one '-' (VERSION-RELEASE)";
	return NULL;
}

int spec_escape_dep(const char *field, const char *dep, char **out)
{
	const char *why = spec_dep_problem(dep);
	if (why) {
		kp_err("%s: '%s' is not an rpm dependency: %s", field, dep, why);
		return -KP_EINPUT;
	}
	char w[3][256];
	size_t n;
	dep_words(dep, w, &n);
	*out = n == 1 ? kp_strdup(w[0]) : kp_asprintf("%s %s %s", w[0], w[1], w[2]);
	return 0;
}
