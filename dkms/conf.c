// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The bash subset of dkms.conf (see conf.h). One lexer serves the file
 * (assignments) and the commands inside MAKE/CLEAN values (dk_conf_words):
 * DKMS evaluates those a second time when it runs them.
 */
#include "dkms/conf.h"

#include <ctype.h>
#include <errno.h>
#include <regex.h>

#include "common/fs.h"
#include "common/log.h"

/* DKMS's run-time variables (dkms(8) "DKMS.CONF VARIABLES", and what dkms sets before sourcing). */
static const struct {
	const char *name, *token;
} runtime_vars[] = {
    {"kernelver", "{release}"},
    {"kernel_source_dir", "{tree}"},
    {"arch", "{arch}"},
    {"dkms_tree", "{dkms_tree}"},
    {"source_tree", "{dkms_source_tree}"},
    {"install_tree", "{install_tree}"},
    {"parallel_jobs", "{jobs}"},
};

struct lexer {
	struct dk_conf *c;
	const char *p, *end;
	int line;
	bool command; /* words of a command (MAKE), not assignments of the file */
	bool failed;
};

KP_PRINTF(3, 4) static int refuse(struct lexer *lx, int line, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	_cleanup_free_ char *why = kp_vasprintf(fmt, ap);
	va_end(ap);
	if (!lx->failed)
		kp_err("%s:%d: %s", lx->c->path, line, why);
	lx->failed = true;
	return -KP_EINPUT;
}

static int needs_shell(struct lexer *lx, const char *what)
{
	return refuse(lx, lx->line,
		      "%s needs a shell: kmodpack reads dkms.conf as data and never runs it; "
		      "write a kmodpack.ini instead (see docs/from-dkms.md)",
		      what);
}

static bool is_name_start(char ch)
{
	return isalpha((unsigned char)ch) || ch == '_';
}

static bool is_name_char(char ch)
{
	return isalnum((unsigned char)ch) || ch == '_';
}

/* The value of $name, or NULL when neither DKMS nor the file sets it. */
static const char *lookup(const struct dk_conf *c, const char *name, bool *runtime)
{
	*runtime = false;
	/* $module and $module_version are DKMS's names for the package's own. */
	if (!strcmp(name, "module"))
		name = "PACKAGE_NAME";
	else if (!strcmp(name, "module_version"))
		name = "PACKAGE_VERSION";
	for (size_t i = 0; i < KP_ARRAY_SIZE(runtime_vars); i++)
		if (!strcmp(runtime_vars[i].name, name)) {
			*runtime = true;
			return runtime_vars[i].token;
		}
	const struct dk_var *v = dk_conf_get(c, name, -1);
	return v ? v->value : NULL;
}

static void advance(struct lexer *lx)
{
	if (*lx->p == '\n')
		lx->line++;
	lx->p++;
}

static bool at(const struct lexer *lx, const char *s)
{
	size_t n = strlen(s);
	return (size_t)(lx->end - lx->p) >= n && !memcmp(lx->p, s, n);
}

/* Copy a literal byte; '{' doubles so it cannot be read as a placeholder. */
static void add_literal(struct kp_buf *b, char ch, bool raw)
{
	kp_buf_addc(b, ch);
	if (ch == '{' && raw)
		kp_buf_addc(b, '{');
}

/* The text up to the ')' or '`' closing a command substitution, or NULL. */
static char *read_until(struct lexer *lx, char close)
{
	const char *start = lx->p;
	int depth = 0;
	while (lx->p < lx->end) {
		char ch = *lx->p;
		if (ch == '(' && close == ')')
			depth++;
		if (ch == close && depth-- == 0) {
			char *s = kp_strndup(start, lx->p - start);
			advance(lx);
			return s;
		}
		advance(lx);
	}
	return NULL;
}

/*
 * $(nproc), `nproc --all`, $(getconf _NPROCESSORS_ONLN): the job count,
 * which kmodpack's own budget (-j) replaces. Any other command is refused.
 */
static int command_substitution(struct lexer *lx, char close, struct kp_buf *out)
{
	int line = lx->line;
	_cleanup_free_ char *cmd = read_until(lx, close);
	if (!cmd)
		return refuse(lx, line, "unterminated command substitution");
	_cleanup_strv_ struct kp_strv w = {0};
	kp_strv_split_on(&w, cmd, " \t");
	bool jobs = w.n >= 1 && !strcmp(w.v[0], "nproc");
	for (size_t i = 1; jobs && i < w.n; i++)
		jobs = !strcmp(w.v[i], "--all") || kp_startswith(w.v[i], "--ignore=");
	if (w.n == 2 && !strcmp(w.v[0], "getconf") &&
	    (!strcmp(w.v[1], "_NPROCESSORS_ONLN") || !strcmp(w.v[1], "_NPROCESSORS_CONF")))
		jobs = true;
	if (!jobs) {
		_cleanup_free_ char *what = kp_asprintf("the command substitution '%s%s%c'",
							close == ')' ? "$(" : "`", cmd, close);
		return refuse(lx, line,
			      "%s needs a shell: kmodpack reads dkms.conf as data and never runs "
			      "it (only the job count $(nproc) is understood); write a "
			      "kmodpack.ini instead (see docs/from-dkms.md)",
			      what);
	}
	kp_buf_adds(out, "{jobs}");
	return 0;
}

static int expand_text(struct lexer *lx, const char *text, int line, struct kp_buf *out);

/* ${NAME}, ${NAME+word}, ${NAME:-word}...: set means set by DKMS or earlier in the file. */
static int braced(struct lexer *lx, struct kp_buf *out)
{
	int line = lx->line;
	const char *start = lx->p;
	int depth = 0;
	while (lx->p < lx->end && !(*lx->p == '}' && depth == 0)) {
		if (*lx->p == '{')
			depth++;
		else if (*lx->p == '}')
			depth--;
		advance(lx);
	}
	if (lx->p >= lx->end)
		return refuse(lx, line, "unterminated '${'");
	_cleanup_free_ char *body = kp_strndup(start, lx->p - start);
	advance(lx); /* } */
	char *q = body;
	while (is_name_char(*q))
		q++;
	if (q == body || !is_name_start(body[0])) {
		_cleanup_free_ char *what = kp_asprintf("'${%s}'", body);
		return needs_shell(lx, what);
	}
	_cleanup_free_ char *name = kp_strndup(body, q - body);
	bool runtime;
	const char *val = lookup(lx->c, name, &runtime);
	if (!*q) {
		if (!val)
			goto unset;
		kp_buf_adds(out, val);
		return 0;
	}
	bool colon = *q == ':';
	char op = q[colon];
	if (op != '+' && op != '-') {
		_cleanup_free_ char *what = kp_asprintf("'${%s}'", body);
		return needs_shell(lx, what);
	}
	bool set = val && (!colon || *val);
	const char *word = q + colon + 1;
	if ((op == '+') == set)
		return expand_text(lx, word, line, out);
	if (set)
		kp_buf_adds(out, val);
	return 0;
unset:
	return refuse(lx, line,
		      "'$%s' is not set: kmodpack expands DKMS's variables ($kernelver, "
		      "$kernel_source_dir, $arch, $dkms_tree, $source_tree, $parallel_jobs) and "
		      "the ones dkms.conf set above this line",
		      name);
}

/* After a '$': a variable, ${...}, or a command substitution. */
static int dollar(struct lexer *lx, struct kp_buf *out)
{
	int line = lx->line;
	if (at(lx, "((")) {
		return needs_shell(lx, "arithmetic '$((...))'");
	} else if (at(lx, "(")) {
		advance(lx);
		return command_substitution(lx, ')', out);
	} else if (at(lx, "{")) {
		advance(lx);
		return braced(lx, out);
	} else if (lx->p < lx->end && is_name_start(*lx->p)) {
		const char *start = lx->p;
		while (lx->p < lx->end && is_name_char(*lx->p))
			advance(lx);
		_cleanup_free_ char *name = kp_strndup(start, lx->p - start);
		bool runtime;
		const char *val = lookup(lx->c, name, &runtime);
		if (!val)
			return refuse(lx, line,
				      "'$%s' is not set: kmodpack expands DKMS's variables "
				      "($kernelver, $kernel_source_dir, $arch, $dkms_tree, "
				      "$source_tree, $parallel_jobs) and the ones dkms.conf set "
				      "above this line",
				      name);
		kp_buf_adds(out, val);
		return 0;
	} else if (lx->p < lx->end && !isspace((unsigned char)*lx->p) && *lx->p != '"') {
		_cleanup_free_ char *what = kp_asprintf("'$%c'", *lx->p);
		return needs_shell(lx, what);
	}
	kp_buf_addc(out, '$'); /* a lone '$' is itself */
	return 0;
}

/* Inside "...": $ and ` expand, backslash escapes only $ ` " \ and newline. */
static int double_quoted(struct lexer *lx, struct kp_buf *out)
{
	int line = lx->line;
	while (lx->p < lx->end && *lx->p != '"') {
		char ch = *lx->p;
		int r = 0;
		advance(lx);
		if (ch == '\\' && lx->p < lx->end && strchr("$`\"\\\n", *lx->p)) {
			if (*lx->p != '\n')
				add_literal(out, *lx->p, !lx->command);
			advance(lx);
		} else if (ch == '$') {
			r = dollar(lx, out);
		} else if (ch == '`') {
			r = command_substitution(lx, '`', out);
		} else {
			add_literal(out, ch, !lx->command);
		}
		if (r < 0)
			return r;
	}
	if (lx->p >= lx->end)
		return refuse(lx, line, "unterminated double quote");
	advance(lx);
	return 0;
}

/* Expand the word of ${NAME+word} as inside double quotes. */
static int expand_text(struct lexer *lx, const char *text, int line, struct kp_buf *out)
{
	_cleanup_free_ char *quoted = kp_asprintf("%s\"", text);
	struct lexer sub = {.c = lx->c,
			    .p = quoted,
			    .end = quoted + strlen(quoted),
			    .line = line,
			    .command = lx->command,
			    .failed = lx->failed};
	int r = double_quoted(&sub, out);
	lx->failed |= sub.failed;
	return r;
}

static bool word_end(char ch)
{
	return isspace((unsigned char)ch) || strchr(";&|<>()", ch);
}

/*
 * One word at lx->p: quotes removed, variables expanded. *quoted says
 * whether any of it was quoted (a quoted 'make' is still make).
 */
static int read_word(struct lexer *lx, struct kp_buf *out)
{
	if (lx->p < lx->end && *lx->p == '~')
		return needs_shell(lx, "'~' (a home directory)");
	while (lx->p < lx->end && !word_end(*lx->p)) {
		char ch = *lx->p;
		int r = 0;
		advance(lx);
		if (ch == '\\') {
			if (lx->p >= lx->end)
				break;
			if (*lx->p != '\n')
				add_literal(out, *lx->p, !lx->command);
			advance(lx);
		} else if (ch == '\'') {
			int line = lx->line;
			while (lx->p < lx->end && *lx->p != '\'') {
				add_literal(out, *lx->p, !lx->command);
				advance(lx);
			}
			if (lx->p >= lx->end)
				return refuse(lx, line, "unterminated single quote");
			advance(lx);
		} else if (ch == '"') {
			r = double_quoted(lx, out);
		} else if (ch == '$') {
			r = dollar(lx, out);
		} else if (ch == '`') {
			r = command_substitution(lx, '`', out);
		} else if (lx->command && strchr("*?[", ch)) {
			_cleanup_free_ char *what = kp_asprintf("the file name pattern '%c'", ch);
			return needs_shell(lx, what);
		} else {
			add_literal(out, ch, !lx->command);
		}
		if (r < 0)
			return r;
	}
	return 0;
}

/* Blanks and backslash-newlines; a '#' at the start of a word starts a comment. */
static void skip_blanks(struct lexer *lx)
{
	for (;;) {
		if (at(lx, "\\\n")) {
			advance(lx);
			advance(lx);
		} else if (lx->p < lx->end && (*lx->p == ' ' || *lx->p == '\t' || *lx->p == '\r')) {
			advance(lx);
		} else if (lx->p < lx->end && *lx->p == '#') {
			while (lx->p < lx->end && *lx->p != '\n')
				advance(lx);
		} else {
			return;
		}
	}
}

static int operator(struct lexer *lx)
{
	static const char *const ops[] = {"&&", "||", ";;", ";", "&", "|", "<", ">", "(", ")"};
	for (size_t i = 0; i < KP_ARRAY_SIZE(ops); i++)
		if (at(lx, ops[i])) {
			_cleanup_free_ char *what = kp_asprintf("'%s'", ops[i]);
			return needs_shell(lx, what);
		}
	return 0;
}

int dk_conf_words(const struct dk_conf *c, const char *value, int line, struct kp_strv *words)
{
	struct lexer lx = {.c = (struct dk_conf *)c,
			   .p = value,
			   .end = value + strlen(value),
			   .line = line,
			   .command = true};
	for (;;) {
		skip_blanks(&lx);
		if (lx.p < lx.end && *lx.p == '\n') {
			/* a newline inside MAKE="..." separates commands */
			while (lx.p < lx.end && isspace((unsigned char)*lx.p))
				advance(&lx);
			if (lx.p < lx.end)
				return needs_shell(&lx, "a second command in one value");
		}
		if (lx.p >= lx.end)
			return 0;
		if (word_end(*lx.p))
			return operator(&lx);
		_cleanup_buf_ struct kp_buf w = {0};
		int r = read_word(&lx, &w);
		if (r < 0)
			return r;
		kp_strv_push_take(words, kp_buf_steal(&w));
	}
}

static void add_var(struct dk_conf *c, const char *name, int index, char *value, int line)
{
	c->v = kp_reallocarray(c->v, c->n + 1, sizeof(*c->v));
	c->v[c->n++] =
	    (struct dk_var){.name = kp_strdup(name), .index = index, .value = value, .line = line};
}

/* NAME=(word word ...), possibly over several lines with comments. */
static int read_array(struct lexer *lx, const char *name, int line)
{
	int index = 0;
	for (;;) {
		skip_blanks(lx);
		if (lx->p < lx->end && *lx->p == '\n') {
			advance(lx);
			continue;
		}
		if (lx->p >= lx->end)
			return refuse(lx, line, "unterminated array '%s=('", name);
		if (*lx->p == ')') {
			advance(lx);
			return 0;
		}
		if (word_end(*lx->p))
			return operator(lx);
		_cleanup_buf_ struct kp_buf w = {0};
		int wline = lx->line;
		int r = read_word(lx, &w);
		if (r < 0)
			return r;
		add_var(lx->c, name, index++, kp_buf_steal(&w), wline);
	}
}

/* NAME, NAME[#] or NAME+ before '=': the name and index, or false when this is no assignment. */
static bool assignment_head(struct lexer *lx, char **name, int *index, bool *append)
{
	const char *q = lx->p;
	if (q >= lx->end || !is_name_start(*q))
		return false;
	while (q < lx->end && is_name_char(*q))
		q++;
	size_t nlen = q - lx->p;
	*index = -1;
	if (q < lx->end && *q == '[') {
		/* digits within the text: it need not end in a NUL */
		int i = 0;
		const char *d = q + 1;
		for (; d < lx->end && isdigit((unsigned char)*d) && i <= 1023; d++)
			i = i * 10 + (*d - '0');
		if (d == q + 1 || d >= lx->end || *d != ']' || i > 1023)
			return false;
		*index = i;
		q = d + 1;
	}
	*append = q < lx->end && *q == '+';
	q += *append;
	if (q >= lx->end || *q != '=')
		return false;
	*name = kp_strndup(lx->p, nlen);
	while (lx->p <= q)
		advance(lx);
	return true;
}

/*
 * '[ $JOBS -gt 16 ] && JOBS=16' where JOBS holds $(nproc): a cap on make's
 * jobs, which kmodpack's own budget replaces. True when the line is one.
 */
static bool job_cap(struct lexer *lx)
{
	const char *q = lx->p;
	while (q < lx->end && (*q == ' ' || *q == '\t'))
		q++;
	if (q >= lx->end || *q != '[')
		return false;
	const char *eol = memchr(lx->p, '\n', lx->end - lx->p);
	_cleanup_free_ char *line =
	    kp_strndup(lx->p, eol ? (size_t)(eol - lx->p) : (size_t)(lx->end - lx->p));
	kp_strstrip(line);
	regex_t re;
	if (regcomp(
		&re,
		"^\\[\\[? +\"?\\$\\{?([A-Za-z_][A-Za-z0-9_]*)\\}?\"? +-g[te] +[0-9]+ +\\]\\]? +&& "
		"+([A-Za-z_][A-Za-z0-9_]*)=[0-9]+ *$",
		REG_EXTENDED))
		return false;
	regmatch_t m[3];
	bool ok = !regexec(&re, line, 3, m, 0);
	regfree(&re);
	if (!ok)
		return false;
	_cleanup_free_ char *a = kp_strndup(line + m[1].rm_so, m[1].rm_eo - m[1].rm_so);
	_cleanup_free_ char *b = kp_strndup(line + m[2].rm_so, m[2].rm_eo - m[2].rm_so);
	const struct dk_var *v = dk_conf_get(lx->c, a, -1);
	if (strcmp(a, b) || !v || !strstr(v->value, "{jobs}"))
		return false;
	kp_strv_pushf(
	    &lx->c->notes,
	    "%s:%d: '%s' caps make's jobs: kmodpack's own job budget (-j) applies instead",
	    lx->c->path, lx->line, line);
	while (lx->p < lx->end && *lx->p != '\n')
		advance(lx);
	return true;
}

/* What the word at lx->p is, for the message refusing it. */
static char *command_name(const struct lexer *lx, bool after_assignment)
{
	static const struct {
		const char *word, *kind;
	} kinds[] = {{"if", "the conditional"},	   {"[", "the test"},	      {"[[", "the test"},
		     {"case", "the conditional"},  {"for", "the loop"},	      {"while", "the loop"},
		     {"until", "the loop"},	   {"source", "the command"}, {".", "the command"},
		     {"function", "the function"}, {"export", "the command"}};
	const char *q = lx->p;
	while (q < lx->end && !isspace((unsigned char)*q) && !strchr(";&|<>()", *q) &&
	       q - lx->p < 40)
		q++;
	_cleanup_free_ char *word = kp_strndup(lx->p, q - lx->p);
	if (q < lx->end && *q == '(' && *word)
		return kp_asprintf("the function '%s()'", word);
	for (size_t i = 0; i < KP_ARRAY_SIZE(kinds); i++)
		if (!strcmp(word, kinds[i].word))
			return kp_asprintf("%s '%s'", kinds[i].kind, word);
	return kp_asprintf(
	    after_assignment ? "the command '%s' after an assignment" : "the command '%s'", word);
}

/* One line's statement: assignments only. */
static int statement(struct lexer *lx)
{
	if (job_cap(lx))
		return 0;
	bool any = false;
	for (;;) {
		skip_blanks(lx);
		if (lx->p >= lx->end || *lx->p == '\n')
			return 0;
		int line = lx->line;
		_cleanup_free_ char *name = NULL;
		int index;
		bool append;
		if (!assignment_head(lx, &name, &index, &append)) {
			if (word_end(*lx->p))
				return operator(lx);
			_cleanup_free_ char *what = command_name(lx, any);
			return needs_shell(lx, what);
		}
		any = true;
		if (lx->p < lx->end && *lx->p == '(' && index < 0 && !append) {
			advance(lx);
			int r = read_array(lx, name, line);
			if (r < 0)
				return r;
			continue;
		}
		_cleanup_buf_ struct kp_buf w = {0};
		if (append) {
			const struct dk_var *old = dk_conf_get(lx->c, name, index);
			if (old)
				kp_buf_adds(&w, old->value);
		}
		int r = read_word(lx, &w);
		if (r < 0)
			return r;
		add_var(lx->c, name, index, kp_buf_steal(&w), line);
	}
}

static int check_bytes(struct dk_conf *c, const char *text, size_t len)
{
	int line = 1;
	for (size_t i = 0; i < len; i++) {
		unsigned char ch = text[i];
		if (ch == '\n')
			line++;
		else if ((ch < 0x20 && ch != '\t' && ch != '\r') || ch == 0x7f) {
			kp_err("%s:%d: %s byte 0x%02x: a dkms.conf is text", c->path, line,
			       ch ? "control" : "NUL", ch);
			return -KP_EINPUT;
		}
	}
	return 0;
}

int dk_conf_parse(const char *path, const char *text, size_t len, struct dk_conf **out)
{
	_cleanup_(dk_conf_freep) struct dk_conf *c = kp_calloc(1, sizeof(*c));
	c->path = kp_strdup(path);
	int r = check_bytes(c, text, len);
	if (r < 0)
		return r;
	struct lexer lx = {.c = c, .p = text, .end = text + len, .line = 1};
	while (lx.p < lx.end) {
		if ((r = statement(&lx)) < 0)
			return r;
		if (lx.p < lx.end)
			advance(&lx); /* the newline */
	}
	*out = TAKE_PTR(c);
	return 0;
}

int dk_conf_load(const char *path, struct dk_conf **out)
{
	_cleanup_free_ char *text = NULL;
	size_t len = 0;
	int r = kp_read_file(path, &text, &len);
	if (r < 0) {
		kp_err("cannot read '%s': %s", path, strerror(-r));
		return r;
	}
	return dk_conf_parse(path, text, len, out);
}

const struct dk_var *dk_conf_get(const struct dk_conf *c, const char *name, int index)
{
	for (size_t i = c->n; i-- > 0;) {
		const struct dk_var *v = &c->v[i];
		if (strcmp(v->name, name))
			continue;
		/* bash: NAME= sets NAME[0], and $NAME reads NAME[0] */
		int vi = v->index < 0 ? 0 : v->index, want = index < 0 ? 0 : index;
		if (vi == want)
			return v;
	}
	return NULL;
}

int dk_conf_max_index(const struct dk_conf *c, const char *name)
{
	int max = -1;
	for (size_t i = 0; i < c->n; i++)
		if (!strcmp(c->v[i].name, name) && (c->v[i].index < 0 ? 0 : c->v[i].index) > max)
			max = c->v[i].index < 0 ? 0 : c->v[i].index;
	return max;
}

void dk_conf_free(struct dk_conf *c)
{
	if (!c)
		return;
	for (size_t i = 0; i < c->n; i++) {
		free(c->v[i].name);
		free(c->v[i].value);
	}
	free(c->v);
	kp_strv_release(&c->notes);
	free(c->path);
	free(c);
}
