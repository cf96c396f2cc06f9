/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Making user text inert in a spec file (rpm 4.18). Every function either
 * returns 0 with *out set to text that rpm reads back as exactly the input,
 * running nothing, or logs "FIELD: what is wrong" (the caller adds
 * file:line) and returns -KP_EINPUT. Findings behind the rules: escape.c
 * and docs/spec-safety.md.
 */
#ifndef SPEC_ESCAPE_H
#define SPEC_ESCAPE_H

/*
 * A one-line tag value: Summary, License, Vendor, URL, Packager, the name
 * in a %changelog header. Refuses newlines and other control characters,
 * leading or trailing white space (rpm strips it), empty values and bytes
 * that are not UTF-8.
 */
int spec_escape_line(const char *field, const char *value, char **out);

/*
 * A tag rpm takes as a single token: URL, BugURL (rpm fails on "Tag takes
 * single token only"). As spec_escape_line, and refuses spaces.
 */
int spec_escape_token(const char *field, const char *value, char **out);

/*
 * A %description body. Trailing blanks of each line and trailing empty
 * lines are dropped (rpm drops them too). Refuses a line that starts,
 * after blanks, with '%' (a section or %include/%if) or '#' (rpm drops it
 * as a comment), control characters other than tab, and non-UTF-8.
 */
int spec_escape_text(const char *field, const char *text, char **out);

/*
 * The text of one %changelog entry (the lines after its "* date name"
 * header). As spec_escape_text, and also refuses a line starting with '*'
 * (rpm would read it as the next entry); leading blank lines and blanks
 * are dropped as rpm does.
 */
int spec_escape_changelog(const char *field, const char *text, char **out);

/*
 * A scriptlet body (%pre, %post, %preun, %postun) that rpm stores exactly
 * as given: every line kept with its blanks, '#' lines too (scriptlets are
 * read without stripping), '%' doubled and '\\' guarded as for text, so
 * "%{_libdir}" and "%(cmd)" reach the package as those characters and
 * nothing runs at build time. Refuses what rpm cannot carry: a line whose
 * first non-blank is '%' (rpm matches sections and %if after expansion),
 * control characters other than tab, non-UTF-8, and a body that is only
 * white space. Trailing white space at the end of the body is dropped, as
 * rpm drops it from every scriptlet; *out has no final newline.
 */
int spec_escape_script(const char *field, const char *text, char **out);
/* The same for a scriptlet read from file: its errors name FILE:LINE. */
int spec_escape_script_file(const char *field, const char *file, const char *text, char **out);

/*
 * One path of a %files list, e.g. "/lib/modules/6.1.0-1-amd64/extra/x.ko",
 * as an entry that packages exactly that file: quoted, '%' escaped for
 * rpm's three expansions, '*', '?', '[' as bracket expressions. Refuses
 * relative paths, "." and ".." components, '"', '\\', '{', '}', '%'
 * followed by a letter (rpm's %attr/%config... parsers would see it),
 * control characters and non-UTF-8.
 */
int spec_files_path(const char *path, char **out);

/*
 * One dependency of a Requires/Provides/Conflicts/Obsoletes line:
 * "NAME" or "NAME OP VERSION" (OP one of < <= = >= >), as rpm reads one
 * entry of a comma-separated list. NAME: letters, digits and ._+-/:(),
 * not starting with '(' (a rich dependency) or '-'; VERSION: [EPOCH:]V[-R]
 * with letters, digits and ._+~^. No '%', so nothing is expanded.
 * *out is the entry with single blanks.
 */
int spec_escape_dep(const char *field, const char *dep, char **out);
/* Why spec_escape_dep() refuses dep, or NULL when it does not; logs nothing. */
const char *spec_dep_problem(const char *dep);
/* Why spec_files_path() refuses path, or NULL when it does not; logs nothing. */
const char *spec_files_path_problem(const char *path);

#endif
