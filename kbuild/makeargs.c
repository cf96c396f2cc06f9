// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * make_args: the manifest's extra make arguments, split into words (one
 * argv entry each, never a shell) and the per-flavour variables in them
 * ({tree}, {release}, ...) checked at load and expanded per flavour.
 */
#include "kbuild/makeargs.h"

#include <ctype.h>
#include <errno.h>

#include "kbuild/target.h"

static const char *const var_names[] = {"tree", "source_tree", "release",
					"kver", "arch",	       "flavour"};

static const char *var_value(const struct kb_make_vars *v, const char *name, size_t len)
{
	const char *vals[] = {v->tree, v->source_tree, v->release, v->kver, v->arch, v->flavour};
	for (size_t i = 0; i < KP_ARRAY_SIZE(var_names); i++)
		if (strlen(var_names[i]) == len && !strncmp(var_names[i], name, len))
			return vals[i] ? vals[i] : "";
	return NULL;
}

int kb_make_args_split(const char *text, struct kp_strv *words, char **why)
{
	struct kp_buf w = {0};
	bool in_word = false, quoted = false;
	for (const char *p = text;; p++) {
		if (*p == '\0' || (!quoted && isspace((unsigned char)*p))) {
			if (quoted) {
				kp_buf_release(&w);
				*why = kp_strdup("a '\"' is not closed");
				return -EINVAL;
			}
			if (in_word)
				kp_strv_push_take(words, w.s ? kp_buf_steal(&w) : kp_strdup(""));
			in_word = false;
			if (*p == '\0')
				return 0;
		} else if (*p == '"') {
			quoted = !quoted;
			in_word = true;
		} else if (quoted && (*p == '\n' || *p == '\r')) {
			kp_buf_release(&w);
			*why = kp_strdup("a quoted value must stay on one line");
			return -EINVAL;
		} else {
			kp_buf_add(&w, p, 1);
			in_word = true;
		}
	}
}

static bool value_char_ok(char c)
{
	return isalnum((unsigned char)c) || strchr("._,/:+=- }", c);
}

int kb_make_arg_check(const char *arg, char **why)
{
	const char *eq = strchr(arg, '=');
	bool name_ok = eq && eq != arg;
	for (const char *p = arg; name_ok && p < eq; p++)
		name_ok = isalnum((unsigned char)*p) || *p == '_';
	if (!name_ok) {
		*why = kp_asprintf("'%s' must be NAME=VALUE (a make variable: letters, digits "
				   "and '_' before the '=')",
				   arg);
		return -EINVAL;
	}
	for (const char *p = eq + 1; *p; p++) {
		if (p[0] == '{' && p[1] == '{') {
			p++;
			continue;
		}
		if (*p == '{') {
			const char *end = strchr(p, '}');
			size_t len = end ? (size_t)(end - p - 1) : 0;
			struct kb_make_vars none = {0};
			if (!end) {
				*why =
				    kp_asprintf("'%s': a '{' is not closed by '}' (a literal '{' "
						"is written '{{')",
						arg);
				return -EINVAL;
			}
			if (!var_value(&none, p + 1, len)) {
				*why = kp_asprintf("'%s': {%.*s} is not a variable (known: {tree}, "
						   "{source_tree}, {release}, {kver}, {arch}, "
						   "{flavour}; a literal '{' is written '{{')",
						   arg, (int)len, p + 1);
				return -EINVAL;
			}
			p = end;
			continue;
		}
		if (!value_char_ok(*p)) {
			*why = kp_asprintf("'%s': the value may hold letters, digits, ._,/:+=- , "
					   "spaces inside \"...\" and {variables} only, not '%c'",
					   arg, *p);
			return -EINVAL;
		}
	}
	return 0;
}

char *kb_make_arg_expand(const char *arg, const struct kb_make_vars *v)
{
	struct kp_buf b = {0};
	const char *eq = strchr(arg, '=');
	const char *p = arg;
	if (eq) {
		kp_buf_add(&b, arg, eq + 1 - arg);
		p = eq + 1;
	}
	for (; *p; p++) {
		if (p[0] == '{' && p[1] == '{') {
			kp_buf_add(&b, "{", 1);
			p++;
			continue;
		}
		const char *end = *p == '{' ? strchr(p, '}') : NULL;
		const char *val = end ? var_value(v, p + 1, end - p - 1) : NULL;
		if (val) {
			kp_buf_adds(&b, val);
			p = end;
		} else {
			kp_buf_add(&b, p, 1);
		}
	}
	return b.s ? kp_buf_steal(&b) : kp_strdup("");
}

void kb_make_vars_of(const struct kb_target *t, const struct kb_flavour *f, struct kb_make_vars *v)
{
	*v = (struct kb_make_vars){.tree = f->tree,
				   .source_tree = f->source_tree ? f->source_tree : f->tree,
				   .release = f->release,
				   .kver = f->kver,
				   .arch = f->arch ? f->arch : t->arch,
				   .flavour = f->name};
}
