// SPDX-License-Identifier: GPL-2.0-or-later
/* kmodpack status: what an output dir holds and whether it is up to date. The work is builder/status.c. */
#include <getopt.h>
#include <json-c/json.h>
#include <sys/param.h>

#include "builder/build.h"
#include "cli/cli.h"
#include "report/json.h"
#include "report/report.h"

static const char usage_text[] =
    "usage: kmodpack status [-t TARGET] [--json] [OUTDIR]\n"
    "\n"
    "Show what is built in OUTDIR (default: ./out): the driver, the target, each\n"
    "flavour's kernel and package, and whether 'kmodpack build' of the driver dir\n"
    "its report names would do anything now, and if so why (what changed since;\n"
    "the environment is this shell's). Reads only, takes no lock.\n"
    "\n"
    "  -t, --target FILE   the target to compare with (default: the one the last\n"
    "                      build used, else the host's kernel trees)\n"
    "      --json          print the status as JSON on stdout\n"
    "\n"
    "Exit status: 0 shown (whatever the state); 2 OUTDIR is not a directory or its\n"
    "report cannot be read.\n";

static json_object *status_json(const struct bld_status *st)
{
	const struct rp_build *b = st->report;
	json_object *root = rp_json_document("status", 1);
	json_object_object_add(root, "outdir", rp_json_str(st->outdir));
	json_object_object_add(root, "built", json_object_new_boolean(b != NULL));
	json_object_object_add(root, "busy", json_object_new_boolean(st->busy));
	json_object *driver = NULL, *target = NULL;
	json_object *flavours = json_object_new_array(), *arts = json_object_new_array();
	if (b) {
		driver = json_object_new_object();
		json_object_object_add(driver, "name", rp_json_str(b->driver_name));
		json_object_object_add(driver, "version", rp_json_str(b->driver_version));
		json_object_object_add(driver, "release", rp_json_str(b->driver_release));
		json_object_object_add(driver, "manifest", rp_json_str(b->manifest));
		json_object_object_add(driver, "dir", rp_json_str(st->driver_dir));
		target = json_object_new_object();
		json_object_object_add(target, "name", rp_json_str(b->target_name));
		json_object_object_add(target, "arch", rp_json_str(b->arch));
		json_object_object_add(target, "path", rp_json_str(st->target_file));
		for (size_t i = 0; i < b->nflavours; i++) {
			const struct rp_flavour *f = &b->flavours[i];
			const struct rp_artifact *a = rp_build_flavour_rpm(b, f->name);
			json_object *jf = json_object_new_object();
			json_object_object_add(jf, "name", rp_json_str(f->name));
			json_object_object_add(jf, "release", rp_json_str(f->release));
			json_object_object_add(jf, "kver", rp_json_str(f->kver));
			json_object_object_add(jf, "package", rp_json_str(a ? a->path : NULL));
			json_object_array_add(flavours, jf);
		}
		for (size_t i = 0; i < b->nartifacts; i++) {
			const struct rp_artifact *a = &b->artifacts[i];
			json_object *ja = json_object_new_object();
			json_object_object_add(ja, "kind", rp_json_str(rp_artifact_kind_name(a->kind)));
			json_object_object_add(ja, "path", rp_json_str(a->path));
			json_object_object_add(ja, "flavour", rp_json_str(a->flavour));
			json_object_array_add(arts, ja);
		}
	}
	json_object_object_add(root, "kmodpack_version", rp_json_str(b ? b->kmodpack_version : NULL));
	json_object_object_add(root, "driver", driver);
	json_object_object_add(root, "target", target);
	json_object_object_add(root, "flavours", flavours);
	json_object_object_add(root, "skipped",
			       b ? rp_skipped_to_json(b) : json_object_new_array());
	json_object_object_add(root, "artifacts", arts);
	json_object_object_add(root, "up_to_date",
			       st->fresh == BLD_FRESH_UNKNOWN && b
				   ? NULL
				   : json_object_new_boolean(st->fresh == BLD_FRESH_YES));
	json_object *why = rp_json_strv(&st->why);
	if (!b)
		json_object_array_add(why, json_object_new_string("nothing built here"));
	json_object_object_add(root, "reasons", why);
	json_object_object_add(root, "failed_logs", rp_json_strv(&st->failed_logs));
	return root;
}

static void print_status(const struct bld_status *st)
{
	const struct rp_build *b = st->report;
	if (st->busy)
		printf("busy: a kmodpack run is working in %s now (it holds the lock)\n", st->outdir);
	if (!b) {
		printf("nothing built in %s\n", st->outdir);
		return;
	}
	printf("%s: %s %s-%s (manifest %s)\n", st->outdir, b->driver_name, b->driver_version,
	       b->driver_release, b->manifest ? b->manifest : "unknown");
	printf("target %s (arch %s), %s%s, built by kmodpack %s\n", b->target_name, b->arch,
	       st->target_file ? "target file " : "the host's kernel trees",
	       st->target_file ? st->target_file : "", b->kmodpack_version);
	int wn = 7, wr = 7, wk = 4;
	for (size_t i = 0; i < b->nflavours; i++) {
		const struct rp_flavour *f = &b->flavours[i];
		wn = MAX(wn, (int)strlen(f->name));
		wr = MAX(wr, (int)strlen(f->release));
		wk = MAX(wk, (int)strlen(f->kver));
	}
	for (size_t i = 0; i < b->nskipped; i++) {
		wn = MAX(wn, (int)strlen(b->skipped[i].name));
		wr = MAX(wr, (int)strlen(b->skipped[i].release));
	}
	printf("  %-*s  %-*s  %-*s  %s\n", wn, "FLAVOUR", wr, "RELEASE", wk, "KVER", "PACKAGE");
	for (size_t i = 0; i < b->nflavours; i++) {
		const struct rp_flavour *f = &b->flavours[i];
		const struct rp_artifact *a = rp_build_flavour_rpm(b, f->name);
		printf("  %-*s  %-*s  %-*s  %s\n", wn, f->name, wr, f->release, wk, f->kver,
		       a ? a->path : "-");
	}
	for (size_t i = 0; i < b->nskipped; i++)
		printf("  %-*s  %-*s  skipped: %s\n", wn, b->skipped[i].name, wr,
		       b->skipped[i].release, b->skipped[i].reason);
	for (size_t i = 0; i < b->nartifacts; i++)
		if (b->artifacts[i].kind != RP_ARTIFACT_RPM)
			printf("  %-*s  %s\n", wn, rp_artifact_kind_name(b->artifacts[i].kind),
			       b->artifacts[i].path);
	for (size_t i = 0; i < st->failed_logs.n; i++)
		printf("the last run failed: %s\n", st->failed_logs.v[i]);
	if (st->fresh == BLD_FRESH_YES)
		printf("up to date: yes\n");
	else if (st->fresh == BLD_FRESH_UNKNOWN)
		printf("up to date: %s\n", st->why.n ? st->why.v[0] : "cannot tell");
	else
		printf("up to date: no\n");
	for (size_t i = st->fresh == BLD_FRESH_UNKNOWN; i < st->why.n; i++)
		printf("  %s\n", st->why.v[i]);
}

int cmd_status(int argc, char **argv)
{
	static const struct option opts[] = {{"target", required_argument, NULL, 't'},
					     {"json", no_argument, NULL, 'J'},
					     {"help", no_argument, NULL, 'h'},
					     {0}};
	const char *target = NULL;
	bool json = false;
	int c;
	optind = 1;
	while ((c = cli_getopt("status", argc, argv, "t:h", opts, NULL)) != -1) {
		switch (c) {
		case 't':
			target = optarg;
			break;
		case 'J':
			json = true;
			break;
		case 'h':
			fputs(usage_text, stdout);
			return 0;
		default:
			return cli_usage_error("status", "unknown option");
		}
	}
	if (argc - optind > 1)
		return cli_usage_error("status", "only one OUTDIR, please");
	if (json)
		cli_json_collect("status");
	_cleanup_(bld_status_release) struct bld_status st = {0};
	int r = bld_status_read(optind < argc ? argv[optind] : "out", target, &st);
	if (r == 0 && json)
		cli_json_print(status_json(&st));
	else if (r == 0)
		print_status(&st);
	return cli_json_exit(r);
}
