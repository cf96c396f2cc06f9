// SPDX-License-Identifier: GPL-2.0-or-later
#include "common/suggest.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "common/util.h"

size_t kp_edit_distance(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);
	/* Three rows of the table: the swap of two neighbours looks two rows back. */
	_cleanup_free_ size_t *buf = kp_calloc(3 * (lb + 1), sizeof(size_t));
	size_t *pp = buf, *p = buf + lb + 1, *c = buf + 2 * (lb + 1);
	for (size_t j = 0; j <= lb; j++)
		p[j] = j;
	for (size_t i = 1; i <= la; i++) {
		c[0] = i;
		for (size_t j = 1; j <= lb; j++) {
			size_t cost = a[i - 1] != b[j - 1];
			size_t d = p[j - 1] + cost;
			if (p[j] + 1 < d)
				d = p[j] + 1;
			if (c[j - 1] + 1 < d)
				d = c[j - 1] + 1;
			if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] &&
			    pp[j - 2] + 1 < d)
				d = pp[j - 2] + 1;
			c[j] = d;
		}
		size_t *t = pp;
		pp = p;
		p = c;
		c = t;
	}
	return p[lb];
}

int kp_suggest(const char *word, const char *const *known, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (known[i] && !strcasecmp(word, known[i]))
			return (int)i;
	size_t len = strlen(word);
	size_t limit = len <= 4 ? 1 : len <= 8 ? 2 : 3;
	int best = -1;
	size_t best_d = limit + 1;
	_cleanup_free_ char *lw = kp_strdup(word);
	for (char *q = lw; *q; q++)
		*q = (char)(*q >= 'A' && *q <= 'Z' ? *q - 'A' + 'a' : *q);
	for (size_t i = 0; i < n; i++) {
		if (!known[i])
			continue;
		size_t d = kp_edit_distance(lw, known[i]);
		if (d < best_d) {
			best_d = d;
			best = (int)i;
		}
	}
	return best;
}

char *kp_suggest_phrase(const char *word, const char *const *known, size_t n)
{
	struct kp_buf list = {0};
	for (size_t i = 0; i < n; i++)
		if (known[i])
			kp_buf_addf(&list, "%s%s", list.len ? ", " : "", known[i]);
	_cleanup_free_ char *names = kp_buf_steal(&list);
	int k = kp_suggest(word, known, n);
	if (k < 0)
		return kp_asprintf(" (known: %s)", names);
	return kp_asprintf(": did you mean '%s'? (known: %s)", known[k], names);
}
