// SPDX-License-Identifier: GPL-2.0-or-later
/* kmodpack targets: show the flavours a build would use. */
#include <getopt.h>
#include <json-c/json.h>
#include <sys/param.h>

#include "cli/cli.h"
#include "kbuild/target.h"
#include "report/json.h"

static const char usage_text[] =
    "usage: kmodpack targets [-t TARGET] [--all-kernels] [--json]\n"
    "\n"
    "List a target's flavours: name, release, kver, arch and Kbuild tree.\n"
    "Without -t, the built-in 'host' target made from the kernel trees installed here.\n"
    "\n"
    "  -t, --target FILE   target file (INI)\n"
    "      --all-kernels   host target: every installed kernel version, not only the\n"
    "                      running or newest one (flavours are named by release)\n"
    "      --json          machine-readable output\n";

static json_object *targets_json(const struct kb_target *t)
{
	json_object *o = rp_json_document("targets", 1);
	json_object_object_add(o, "name", rp_json_str(t->name));
	json_object_object_add(o, "path", rp_json_path(t->file));
	json_object_object_add(o, "arch", rp_json_str(t->arch));
	json_object_object_add(o, "module_dir", rp_json_str(t->module_dir));
	/* The packaging conventions the target asks for (docs/targets.md). */
	json_object_object_add(o, "naming", rp_json_str(kb_naming_name(t->naming)));
	json_object_object_add(o, "kernel_requires", rp_json_str(t->kernel_requires));
	json_object_object_add(o, "initrd", rp_json_str(kb_initrd_name(t->initrd)));
	json_object_object_add(o, "sign_key", rp_json_path(t->sign_key));
	json_object_object_add(o, "sign_cert", rp_json_path(t->sign_cert));
	json_object *fl = json_object_new_array();
	for (size_t i = 0; i < t->nflavours; i++) {
		const struct kb_flavour *f = &t->flavours[i];
		json_object *j = json_object_new_object();
		json_object_object_add(j, "name", rp_json_str(f->name));
		json_object_object_add(j, "release", rp_json_str(f->release));
		json_object_object_add(j, "kver", rp_json_str(f->kver));
		/* The flavour in package names: the name, or the release's flavour
		 * part when --all-kernels names flavours by release. */
		json_object_object_add(j, "package_flavour", rp_json_str(kb_flavour_pkg(f)));
		json_object_object_add(j, "source_tree", rp_json_str(f->source_tree));
		/* The packages' arch; the tree's own .config may say i686 for i386. */
		json_object_object_add(j, "arch", rp_json_str(t->arch));
		json_object_object_add(j, "tree", rp_json_path(f->tree));
		json_object_object_add(j, "modules_dir", rp_json_path(f->modules_dir));
		json_object_object_add(j, "image", rp_json_path(f->image));
		json_object_object_add(j, "devel_package", rp_json_str(f->devel_package));
		json_object_object_add(j, "devel_version", rp_json_str(f->devel_version));
		json_object_object_add(j, "devel_tree", rp_json_str(f->devel_tree));
		json_object_array_add(fl, j);
	}
	json_object_object_add(o, "flavours", fl);
	json_object *sk = json_object_new_array();
	for (size_t i = 0; i < t->nskipped; i++)
		json_object_array_add(sk, rp_json_str(t->skipped[i]));
	json_object_object_add(o, "skipped", sk);
	return o;
}

static void print_targets(const struct kb_target *t)
{
	printf("target %s (arch %s, modules in /lib/modules/<release>/%s)\n", t->name,
	       t->arch, t->module_dir);
	/* Columns as wide as their longest entry: XenServer releases are long. */
	int wn = 7, wr = 7, wk = 4;
	for (size_t i = 0; i < t->nflavours; i++) {
		const struct kb_flavour *f = &t->flavours[i];
		wn = MAX(wn, (int)strlen(f->name));
		wr = MAX(wr, (int)strlen(f->release));
		wk = MAX(wk, (int)strlen(f->kver));
	}
	printf("  %-*s  %-*s  %-*s  %s\n", wn, "FLAVOUR", wr, "RELEASE", wk, "KVER",
	       "TREE");
	for (size_t i = 0; i < t->nflavours; i++) {
		const struct kb_flavour *f = &t->flavours[i];
		printf("  %-*s  %-*s  %-*s  %s\n", wn, f->name, wr, f->release, wk, f->kver,
		       f->tree);
	}
	for (size_t i = 0; i < t->nskipped; i++)
		printf("  skipped: %s\n", t->skipped[i]);
	/* Today's products' conventions, when the target chooses any (docs/targets.md). */
	if (t->naming != KB_NAMING_GUIDE || t->kernel_requires ||
	    t->initrd != KB_INITRD_NONE || kb_target_depmod_override(t)) {
		printf("  packages: naming %s", kb_naming_name(t->naming));
		if (t->kernel_requires)
			printf(", Requires: %s = <release>", t->kernel_requires);
		if (kb_target_depmod_override(t))
			printf(", /etc/depmod.d override file");
		if (t->initrd != KB_INITRD_NONE)
			printf(", initrd %s", kb_initrd_name(t->initrd));
		printf("\n");
	}
	for (size_t i = 0; i < t->nflavours; i++) {
		const struct kb_flavour *f = &t->flavours[i];
		if (f->devel_package)
			printf("  %s: BuildRequires: %s%s%s, tree %s in the SRPM\n", f->name,
			       f->devel_package, f->devel_version ? " = " : "",
			       f->devel_version ? f->devel_version : "",
			       f->devel_tree ? f->devel_tree : f->tree);
	}
}

int cmd_targets(int argc, char **argv)
{
	static const struct option opts[] = {{"target", required_argument, NULL, 't'},
					     {"json", no_argument, NULL, 'J'},
					     {"all-kernels", no_argument, NULL, 'A'},
					     {"help", no_argument, NULL, 'h'},
					     {0}};
	const char *target = NULL;
	struct kb_load_opts lo = {0};
	bool json = false;
	int c;
	optind = 1;
	while ((c = cli_getopt("targets", argc, argv, "t:h", opts, NULL)) != -1) {
		switch (c) {
		case 't':
			target = optarg;
			break;
		case 'J':
			json = true;
			break;
		case 'A':
			lo.all_kernels = true;
			break;
		case 'h':
			fputs(usage_text, stdout);
			return 0;
		default:
			return cli_usage_error("targets", "unknown option");
		}
	}
	if (optind < argc)
		return cli_usage_error("targets", "unexpected argument '%s'", argv[optind]);

	if (lo.all_kernels && target)
		return cli_usage_error("targets", "--all-kernels is for the host target, not -t");
	if (json)
		cli_json_collect("targets");
	_cleanup_(kb_target_freep) struct kb_target *t = NULL;
	int r = kb_target_load_opts(target, &lo, &t);
	if (r == 0 && json)
		cli_json_print(targets_json(t));
	else if (r == 0)
		print_targets(t);
	return cli_json_exit(r);
}
