// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * kmodpack modinfo [-F FIELD] [--json] FILE.ko...
 *
 * The text output follows kmod's modinfo line for line (same padding, parm
 * and parmtype merged into one "parm:" line) so scripts written against
 * modinfo keep working and the two can be diffed in tests. A signed
 * module's signature fields (sig_id, signer, sig_key, sig_hashalgo,
 * signature) come after the .modinfo fields and before parm, as kmod
 * prints them, the signature 20 bytes a line.
 */
#include "cli/cli.h"

#include <getopt.h>
#include <json-c/json.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "modinfo/ko.h"
#include "report/json.h"

static const char usage_text[] =
    "usage: kmodpack modinfo [-F FIELD] [--json] FILE.ko...\n"
    "\n"
    "Print the .modinfo fields of kernel modules (.ko, .ko.xz, .ko.gz, .ko.zst),\n"
    "and a signed module's signer, sig_key and sig_hashalgo.\n"
    "\n"
    "  -F, --field FIELD  print only FIELD's values, one per line (filename: the path)\n"
    "      --json         print {\"modules\": [{\"path\", \"name\", ..., \"fields\": {KEY: "
    "[VALUES]}}]} (docs/json.md)\n"
    "  -h, --help         show this help\n"
    "\n"
    "Exit status: 0 all modules read, 2 a file is missing or not a valid module.\n";

/* kmod prints the path it was given made absolute, without resolving links. */
static char *absolute(const char *path)
{
	if (path[0] == '/')
		return kp_strdup(path);
	char *cwd = getcwd(NULL, 0);
	if (!cwd)
		return kp_strdup(path);
	char *abs = kp_asprintf("%s/%s", cwd, path);
	free(cwd);
	return abs;
}

struct parm {
	const char *name;
	size_t namelen;
	const char *desc; /* NULL when only parmtype was seen */
	const char *type; /* NULL when only parm was seen */
};

/*
 * kmod collects parms in a list it prepends to, so they print last-seen-first;
 * -F parm prints the same merged lines without the "parm:" label.
 */
static void print_parms(const struct mi_ko *ko, const char *label)
{
	struct parm *parms = NULL;
	size_t n = 0;

	for (size_t i = 0; i < mi_ko_nfields(ko); i++) {
		const struct mi_field *f = mi_ko_field(ko, i);
		bool is_type = !strcmp(f->key, "parmtype");
		if (!is_type && strcmp(f->key, "parm") != 0)
			continue;
		const char *colon = strchr(f->value, ':');
		if (!colon)
			continue; /* kmod skips these too, with a complaint */
		size_t namelen = colon - f->value;
		size_t j;
		for (j = 0; j < n; j++)
			if (parms[j].namelen == namelen &&
			    !memcmp(parms[j].name, f->value, namelen))
				break;
		if (j == n) {
			parms = kp_reallocarray(parms, n + 1, sizeof(*parms));
			parms[n++] = (struct parm){f->value, namelen, NULL, NULL};
		}
		if (is_type)
			parms[j].type = colon + 1;
		else
			parms[j].desc = colon + 1;
	}
	int pad = *label ? 16 : 0;
	for (size_t k = n; k-- > 0;) {
		const struct parm *p = &parms[k];
		int nl = (int)p->namelen;
		if (!p->desc)
			printf("%-*s%.*s:%s\n", pad, label, nl, p->name, p->type);
		else if (p->type)
			printf("%-*s%.*s:%s (%s)\n", pad, label, nl, p->name, p->desc, p->type);
		else
			printf("%-*s%.*s:%s\n", pad, label, nl, p->name, p->desc);
	}
	free(parms);
}

/* The signature's fields in kmod's order; n is set to their number. */
static void sig_fields(const struct mi_ko *ko, struct mi_field out[5], size_t *n)
{
	const struct mi_sig *sg = mi_ko_sig(ko);
	*n = 0;
	if (!sg)
		return;
	out[(*n)++] = (struct mi_field){"sig_id", sg->id_type};
	out[(*n)++] = (struct mi_field){"signer", sg->signer};
	out[(*n)++] = (struct mi_field){"sig_key", sg->key};
	out[(*n)++] = (struct mi_field){"sig_hashalgo", sg->hash_algo};
	out[(*n)++] = (struct mi_field){"signature", sg->signature};
}

/* kmod breaks the signature's "AB:CD:..." after every 20 bytes, continuing with two tabs. */
static void print_sig_value(const char *key, const char *v)
{
	if (strcmp(key, "signature") != 0) {
		printf("%s\n", v);
		return;
	}
	for (size_t i = 0; v[i]; i++) {
		putchar(v[i]);
		if (v[i] == ':' && (i + 1) % 60 == 0)
			fputs("\n\t\t", stdout);
	}
	putchar('\n');
}

static void print_sig(const struct mi_ko *ko, const char *field)
{
	struct mi_field sf[5];
	size_t n;
	sig_fields(ko, sf, &n);
	for (size_t i = 0; i < n; i++) {
		if (field && strcmp(field, sf[i].key) != 0)
			continue;
		if (!field)
			printf("%s:%-*s", sf[i].key, 15 - (int)strlen(sf[i].key), "");
		print_sig_value(sf[i].key, sf[i].value);
	}
}

static void print_text(const struct mi_ko *ko, const char *field)
{
	_cleanup_free_ char *abs = absolute(mi_ko_path(ko));

	if (field && !strcmp(field, "filename")) {
		printf("%s\n", abs);
		return;
	}
	if (field && !strcmp(field, "parm")) {
		print_parms(ko, "");
		return;
	}
	if (!field)
		printf("%-16s%s\n", "filename:", abs);
	for (size_t i = 0; i < mi_ko_nfields(ko); i++) {
		const struct mi_field *f = mi_ko_field(ko, i);
		if (field) {
			if (!strcmp(field, f->key))
				printf("%s\n", f->value);
			continue;
		}
		if (!strcmp(f->key, "parm") || !strcmp(f->key, "parmtype"))
			continue;
		int pad = 15 - (int)strlen(f->key);
		printf("%s:%-*s%s\n", f->key, pad > 0 ? pad : 0, "", f->value);
	}
	print_sig(ko, field);
	if (!field)
		print_parms(ko, "parm:");
}

/* The values of one .modinfo key as a list; depends= is one comma-separated value. */
static json_object *values_json(const struct mi_ko *ko, const char *key)
{
	json_object *a = json_object_new_array();
	for (size_t i = 0; i < mi_ko_nfields(ko); i++) {
		const struct mi_field *f = mi_ko_field(ko, i);
		if (strcmp(f->key, key))
			continue;
		_cleanup_strv_ struct kp_strv parts = {0};
		if (!strcmp(key, "depends"))
			kp_strv_split_on(&parts, f->value, ",");
		else if (*f->value)
			kp_strv_push(&parts, f->value);
		for (size_t k = 0; k < parts.n; k++)
			if (*parts.v[k])
				json_object_array_add(a, json_object_new_string(parts.v[k]));
	}
	return a;
}

/*
 * One module: the fields every module document has (docs/json.md), then
 * "fields", every .modinfo key with its values (an empty value, as
 * "depends=" of a module without dependencies, is no value).
 */
static json_object *to_json(const struct mi_ko *ko, const char *field)
{
	json_object *o = json_object_new_object();
	json_object *fields = json_object_new_object();

	json_object_object_add(o, "path", rp_json_path(mi_ko_path(ko)));
	json_object_object_add(o, "name", json_object_new_string(mi_ko_name(ko)));
	json_object_object_add(o, "vermagic", rp_json_str(mi_ko_get(ko, "vermagic")));
	json_object_object_add(o, "srcversion", rp_json_str(mi_ko_get(ko, "srcversion")));
	json_object_object_add(o, "aliases", values_json(ko, "alias"));
	json_object_object_add(o, "firmware", values_json(ko, "firmware"));
	json_object_object_add(o, "depends", values_json(ko, "depends"));
	for (size_t i = 0; i < mi_ko_nfields(ko); i++) {
		const struct mi_field *f = mi_ko_field(ko, i);
		if ((field && strcmp(field, f->key) != 0) ||
		    json_object_object_get_ex(fields, f->key, NULL))
			continue;
		json_object_object_add(fields, f->key, values_json(ko, f->key));
	}
	struct mi_field sf[5];
	size_t n;
	sig_fields(ko, sf, &n);
	for (size_t i = 0; i < n; i++) {
		if (field && strcmp(field, sf[i].key) != 0)
			continue;
		json_object *values = json_object_new_array();
		json_object_array_add(values, json_object_new_string(sf[i].value));
		json_object_object_add(fields, sf[i].key, values);
	}
	json_object_object_add(o, "fields", fields);
	return o;
}

int cmd_modinfo(int argc, char **argv)
{
	static const struct option opts[] = {
	    {"field", required_argument, NULL, 'F'},
	    {"json", no_argument, NULL, 'j'},
	    {"help", no_argument, NULL, 'h'},
	    {0},
	};
	const char *field = NULL;
	bool json = false;
	int c, status = 0;

	optind = 0;
	while ((c = cli_getopt("modinfo", argc, argv, "+F:h", opts, NULL)) != -1) {
		switch (c) {
		case 'F':
			field = optarg;
			break;
		case 'j':
			json = true;
			break;
		case 'h':
			fputs(usage_text, stdout);
			return 0;
		default:
			return cli_usage_error("modinfo", "unknown or incomplete option");
		}
	}
	if (optind >= argc)
		return cli_usage_error("modinfo", "no module given");

	if (json)
		cli_json_collect("modinfo");
	json_object *modules = json ? json_object_new_array() : NULL;
	int err = 0;
	for (int i = optind; i < argc; i++) {
		struct mi_ko *ko;
		int r = mi_ko_open(argv[i], &ko);
		if (r < 0) {
			int s = kp_exit_status(r);
			if (s > status) {
				status = s;
				err = r;
			}
			continue;
		}
		if (json)
			json_object_array_add(modules, to_json(ko, field));
		else
			print_text(ko, field);
		mi_ko_free(ko);
	}
	if (json && !err) {
		json_object *top = rp_json_document("modinfo", 1);
		json_object_object_add(top, "modules", modules);
		cli_json_print(top);
	} else if (json) {
		/* A module that could not be read: the error document names it. */
		json_object_put(modules);
	}
	if (json)
		cli_json_exit(err);
	return status;
}
