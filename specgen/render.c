// SPDX-License-Identifier: GPL-2.0-or-later
#include "specgen/render.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdint.h>
#include <string.h>

#include "common/log.h"
#include "common/util.h"

struct var {
	char *name;
	char *value;		  /* a value, or NULL for a list */
	struct spec_vars **items; /* a list */
	size_t nitems;
};

struct spec_vars {
	struct var *v;
	size_t n;
};

/* Where names are looked up: an item of a @for@, then what encloses it. */
struct scope {
	const struct spec_vars *v;
	const struct scope *up;
};

struct spec_vars *spec_vars_new(void)
{
	return kp_calloc(1, sizeof(struct spec_vars));
}

void spec_vars_free(struct spec_vars *v)
{
	if (!v)
		return;
	for (size_t i = 0; i < v->n; i++) {
		free(v->v[i].name);
		free(v->v[i].value);
		for (size_t j = 0; j < v->v[i].nitems; j++)
			spec_vars_free(v->v[i].items[j]);
		free(v->v[i].items);
	}
	free(v->v);
	free(v);
}

static struct var *find_own(const struct spec_vars *v, const char *name, size_t len)
{
	for (size_t i = 0; i < v->n; i++)
		if (strlen(v->v[i].name) == len && !memcmp(v->v[i].name, name, len))
			return &v->v[i];
	return NULL;
}

static struct var *get_or_add(struct spec_vars *v, const char *name)
{
	struct var *x = find_own(v, name, strlen(name));
	if (x)
		return x;
	v->v = kp_reallocarray(v->v, v->n + 1, sizeof(*v->v));
	x = &v->v[v->n++];
	*x = (struct var){.name = kp_strdup(name)};
	return x;
}

void spec_vars_set(struct spec_vars *v, const char *name, const char *value)
{
	struct var *x = get_or_add(v, name);
	free(x->value);
	x->value = kp_strdup(value ? value : "");
}

void spec_vars_setf(struct spec_vars *v, const char *name, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	_cleanup_free_ char *s = kp_vasprintf(fmt, ap);
	va_end(ap);
	spec_vars_set(v, name, s);
}

void spec_vars_list(struct spec_vars *v, const char *list)
{
	struct var *x = get_or_add(v, list);
	free(x->value);
	x->value = NULL;
}

struct spec_vars *spec_vars_add(struct spec_vars *v, const char *list)
{
	struct var *x = get_or_add(v, list);
	x->items = kp_reallocarray(x->items, x->nitems + 1, sizeof(*x->items));
	return x->items[x->nitems++] = spec_vars_new();
}

static const struct var *lookup(const struct scope *sc, const char *name, size_t len)
{
	for (; sc; sc = sc->up) {
		const struct var *x = find_own(sc->v, name, len);
		if (x)
			return x;
	}
	return NULL;
}

/*
 * Bounds that keep a damaged or hostile template from running for hours.
 * A step is one directive and the text before it (or a last run of text),
 * each time a block repeats it. A template that walks its model
 * (flavours, their modules, their aliases) takes at most one step per
 * directive and item, so the budget grows with both:
 * SPEC_RENDER_STEPS_PER times (directives and text runs) times (items + 1),
 * and never less than SPEC_RENDER_MIN_STEPS. The shipped template renders
 * the example driver in under 200 steps; a driver with 1,500 aliases built
 * for 40 kernels needs about 120,000 and is given millions; loops that
 * multiply (@for flavours@ inside @for flavours@, 20 deep) run into the
 * bound at once. A fixed bound of 1,000,000 steps had the render fuzzer
 * spend most of its time running up to it (705 exec/s; 3,280 with these
 * bounds).
 */
#define SPEC_RENDER_MAX_DEPTH 64
#define SPEC_RENDER_MIN_STEPS 100000
#define SPEC_RENDER_STEPS_PER 16
#define SPEC_RENDER_MAX_OUT   (256u << 20)

struct renderer {
	const char *name;
	const char *start;
	struct kp_buf out;
	int depth;
	size_t steps, max_steps;
};

/* The items of every list in v, at every level. */
static size_t count_items(const struct spec_vars *v)
{
	size_t n = 0;
	for (size_t i = 0; i < v->n; i++) {
		n += v->v[i].nitems;
		for (size_t j = 0; j < v->v[i].nitems; j++)
			n += count_items(v->v[i].items[j]);
	}
	return n;
}

/* See SPEC_RENDER_MIN_STEPS; saturates rather than wraps. */
static size_t step_budget(const char *tmpl, const struct spec_vars *v)
{
	size_t runs = 1;
	for (const char *p = tmpl; (p = strchr(p, '@')); p++)
		runs += 2;
	size_t items = count_items(v) + 1, max = SIZE_MAX / SPEC_RENDER_STEPS_PER;
	size_t n = runs > max / items ? max : runs * items;
	n *= SPEC_RENDER_STEPS_PER;
	return n < SPEC_RENDER_MIN_STEPS ? SPEC_RENDER_MIN_STEPS : n;
}

static int line_of(const struct renderer *r, const char *p)
{
	int line = 1;
	for (const char *q = r->start; q < p; q++)
		line += *q == '\n';
	return line;
}

/* A directive is @word@ or @word arg@; returns its length or 0. */
static size_t directive(const char *p, const char **word, size_t *wlen, const char **arg,
			size_t *alen)
{
	const char *q = p + 1;
	*word = q;
	while (isalnum((unsigned char)*q) || *q == '_')
		q++;
	*wlen = q - *word;
	*arg = NULL;
	*alen = 0;
	if (*q == ' ') {
		*arg = ++q;
		while (isalnum((unsigned char)*q) || *q == '_')
			q++;
		*alen = q - *arg;
	}
	if (*q != '@' || *wlen == 0 || (*arg && *alen == 0))
		return 0;
	return q + 1 - p;
}

/*
 * Render from p until an @end@ (returned through *endp) or the end of the
 * text. With emit false the block is only parsed (skipped).
 */
static int render_block(struct renderer *r, const char *p, const struct scope *v, bool emit,
			const char **endp);

/* render_block one level deeper, within the bounds above. */
static int render_nested(struct renderer *r, const char *at, const char *p, const struct scope *v,
			 bool emit, const char **endp)
{
	if (r->depth >= SPEC_RENDER_MAX_DEPTH) {
		kp_err("%s:%d: blocks nested deeper than %d", r->name, line_of(r, at),
		       SPEC_RENDER_MAX_DEPTH);
		return -KP_EINPUT;
	}
	r->depth++;
	int rc = render_block(r, p, v, emit, endp);
	r->depth--;
	return rc;
}

/*
 * The body of @for NAME@ or @if NAME@ (its text starts at p, the directive
 * at at): rendered once, per item, or only parsed; *end is past its @end@.
 */
static int render_directive(struct renderer *r, const char *at, const char *p,
			    const struct scope *v, bool emit, bool is_if, const char *arg,
			    size_t alen, const char **end)
{
	const struct var *x = emit ? lookup(v, arg, alen) : NULL;
	if (!emit)
		return render_nested(r, at, p, v, false, end);
	if (!x) {
		kp_err("%s:%d: '%.*s' is not known to the template", r->name, line_of(r, at),
		       (int)alen, arg);
		return -KP_EINPUT;
	}
	if (is_if) {
		bool on = x->value ? x->value[0] != '\0' : x->nitems > 0;
		return render_nested(r, at, p, v, on, end);
	}
	if (x->value) {
		kp_err("%s:%d: '%.*s' is a value, not a list", r->name, line_of(r, at), (int)alen,
		       arg);
		return -KP_EINPUT;
	}
	/*
	 * An empty list is parsed once so its errors show regardless; a full
	 * one is parsed by its items, and parsing it on top of that made
	 * nested blocks quadratic in their depth.
	 */
	int rc = 0;
	if (!x->nitems)
		rc = render_nested(r, at, p, v, false, end);
	for (size_t i = 0; rc == 0 && i < x->nitems; i++) {
		struct scope item = {.v = x->items[i], .up = v};
		rc = render_nested(r, at, p, &item, true, end);
	}
	return rc;
}

static int render_block(struct renderer *r, const char *p, const struct scope *v, bool emit,
			const char **endp)
{
	while (*p) {
		if (++r->steps > r->max_steps || r->out.len > SPEC_RENDER_MAX_OUT) {
			kp_err("%s:%d: the template expands beyond %zu steps (%d per directive "
			       "and item) or %u MiB: look for loops nested in loops over "
			       "the same list",
			       r->name, line_of(r, p), r->max_steps, SPEC_RENDER_STEPS_PER,
			       SPEC_RENDER_MAX_OUT >> 20);
			return -KP_EINPUT;
		}
		const char *at = strchr(p, '@');
		if (!at) {
			if (emit)
				kp_buf_adds(&r->out, p);
			p += strlen(p);
			break;
		}
		if (emit)
			kp_buf_add(&r->out, p, at - p);
		if (at[1] == '@') {
			if (emit)
				kp_buf_addc(&r->out, '@');
			p = at + 2;
			continue;
		}
		const char *word, *arg;
		size_t wlen, alen, dlen = directive(at, &word, &wlen, &arg, &alen);
		if (!dlen) {
			kp_err("%s:%d: stray '@' (write @@ for a literal @)", r->name,
			       line_of(r, at));
			return -KP_EINPUT;
		}
		p = at + dlen;
		bool is_for = arg && wlen == 3 && !memcmp(word, "for", 3);
		bool is_if = arg && wlen == 2 && !memcmp(word, "if", 2);
		if (!arg && wlen == 3 && !memcmp(word, "end", 3)) {
			if (!endp) {
				kp_err("%s:%d: @end@ without @for@ or @if@", r->name,
				       line_of(r, at));
				return -KP_EINPUT;
			}
			*endp = p;
			return 0;
		}
		if (!is_for && !is_if) {
			if (arg) {
				kp_err("%s:%d: unknown directive '@%.*s ...@'", r->name,
				       line_of(r, at), (int)wlen, word);
				return -KP_EINPUT;
			}
			if (!emit)
				continue; /* a skipped block may name what only its items have */
			const struct var *x = lookup(v, word, wlen);
			if (!x || !x->value) {
				kp_err("%s:%d: '%.*s' is not a value known to the template",
				       r->name, line_of(r, at), (int)wlen, word);
				return -KP_EINPUT;
			}
			if (emit)
				kp_buf_adds(&r->out, x->value);
			continue;
		}
		const char *end = NULL;
		int rc = render_directive(r, at, p, v, emit, is_if, arg, alen, &end);
		if (rc < 0)
			return rc;
		if (!end) {
			kp_err("%s:%d: @%.*s %.*s@ has no @end@", r->name, line_of(r, at),
			       (int)wlen, word, (int)alen, arg);
			return -KP_EINPUT;
		}
		p = end;
	}
	if (endp)
		*endp = NULL;
	return 0;
}

int spec_render(const char *name, const char *tmpl, const struct spec_vars *v, char **out)
{
	struct renderer r = {.name = name, .start = tmpl, .max_steps = step_budget(tmpl, v)};
	struct scope top = {.v = v};
	int rc = render_block(&r, tmpl, &top, true, NULL);
	if (rc < 0) {
		kp_buf_release(&r.out);
		return rc;
	}
	*out = kp_buf_steal(&r.out);
	return 0;
}
