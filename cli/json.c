// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * --json on stdout: printing a document, and the error document a failed
 * command prints instead of its own (docs/json.md, "Failure is a document
 * too"). The errors come from the log as it happens, with the file, line,
 * flavour and log that kp_log_at() gave where each was raised.
 */
#include <json-c/json.h>
#include <regex.h>
#include <stdlib.h>

#include "cli/cli.h"
#include "report/json.h"

#define CLI_SCHEMA_ERROR 1

struct error {
	char *message, *file, *flavour, *log;
	int line;
};

static struct {
	const char *command; /* NULL: --json was not asked for */
	struct error *e;
	size_t n;
} js;

static char *dup_or_null(const char *s)
{
	return s ? kp_strdup(s) : NULL;
}

/*
 * A message of a module that does not yet say where with kp_log_at() but
 * starts with "/abs/path:LINE: ": the same facts, read back from the text.
 */
static void where_from_text(struct error *e, const char *msg)
{
	regex_t re;
	regmatch_t m[4];
	if (regcomp(&re, "^(/[^: ]+):([0-9]+): (.*)$", REG_EXTENDED) != 0)
		return;
	if (regexec(&re, msg, 4, m, 0) == 0) {
		e->file = kp_strndup(msg + m[1].rm_so, m[1].rm_eo - m[1].rm_so);
		e->line = atoi(msg + m[2].rm_so);
		e->message = kp_strdup(msg + m[3].rm_so);
	}
	regfree(&re);
}

static void observe(void *data, enum kp_log_prio prio, const struct kp_log_where *w,
		    const char *msg)
{
	(void)data;
	if (prio != KP_LOG_ERR)
		return;
	js.e = kp_reallocarray(js.e, js.n + 1, sizeof(*js.e));
	struct error *e = &js.e[js.n++];
	*e = (struct error){0};
	if (w) {
		e->file = dup_or_null(w->file);
		e->line = w->line;
		e->flavour = dup_or_null(w->flavour);
		e->log = dup_or_null(w->log);
	} else {
		where_from_text(e, msg);
	}
	if (!e->message)
		e->message = kp_strdup(msg);
}

void cli_json_collect(const char *command)
{
	js.command = command;
	kp_log_set_observer(observe, NULL);
}

void cli_json_print(struct json_object *o)
{
	_cleanup_free_ char *text = rp_json_text(o);
	puts(text);
	fflush(stdout);
	json_object_put(o);
}

static const char *kind_of(int r)
{
	int e = -r;
	if (e == KP_EINPUT)
		return "input";
	if (e == KP_EENV)
		return "environment";
	if (e == KP_EFAILED)
		return "failed";
	if (e > KP_EINTR_BASE)
		return "interrupted";
	return "system";
}

static struct json_object *error_json(const struct error *e, struct json_object *o)
{
	json_object_object_add(o, "message", json_object_new_string(e->message));
	json_object_object_add(o, "file", rp_json_path(e->file));
	json_object_object_add(o, "line", e->line > 0 ? json_object_new_int(e->line) : NULL);
	json_object_object_add(o, "flavour", rp_json_str(e->flavour));
	json_object_object_add(o, "log", rp_json_path(e->log));
	return o;
}

int cli_json_exit(int r)
{
	int status = kp_exit_status(r);
	if (js.command && r < 0) {
		struct error none = {.message = (char *)kp_strerror(r)};
		struct json_object *o = rp_json_document("error", CLI_SCHEMA_ERROR);
		json_object_object_add(o, "command", json_object_new_string(js.command));
		json_object_object_add(o, "exit_status", json_object_new_int(status));
		json_object_object_add(o, "kind", json_object_new_string(kind_of(r)));
		error_json(js.n ? &js.e[0] : &none, o);
		struct json_object *all = json_object_new_array();
		for (size_t i = 0; i < js.n; i++)
			json_object_array_add(all, error_json(&js.e[i], json_object_new_object()));
		json_object_object_add(o, "errors", all);
		cli_json_print(o);
	}
	kp_log_set_observer(NULL, NULL);
	for (size_t i = 0; i < js.n; i++) {
		free(js.e[i].message);
		free(js.e[i].file);
		free(js.e[i].flavour);
		free(js.e[i].log);
	}
	free(js.e);
	js.e = NULL;
	js.n = 0;
	js.command = NULL;
	return status;
}
