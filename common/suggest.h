/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * "Did you mean": the known word closest to a misspelt one, for messages
 * about unknown sections, keys and options.
 */
#ifndef KP_SUGGEST_H
#define KP_SUGGEST_H

#include <stddef.h>

/*
 * The index in known[0..n) of the word the user most likely meant by word,
 * or -1 when none is close: a case-insensitive match first, else the
 * smallest edit distance (insert, delete, replace, swap two neighbours),
 * at most 1 for words of up to 4 characters, 2 up to 8 and 3 beyond.
 * Ties go to the earlier entry of known. NULL entries are skipped.
 */
int kp_suggest(const char *word, const char *const *known, size_t n);

/*
 * The tail of an "unknown NAME" message from one table of the known names:
 * ": did you mean 'firmware'? (known: version, release, firmware)", or
 * " (known: ...)" when none is close. NULL entries are skipped. Owned.
 */
char *kp_suggest_phrase(const char *word, const char *const *known, size_t n);

/* Optimal string alignment distance between a and b (exposed for tests). */
size_t kp_edit_distance(const char *a, const char *b);

#endif
