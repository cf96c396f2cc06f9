// SPDX-License-Identifier: GPL-2.0-or-later
/* kmodpack spec: the spec a build would write, without building. */
#include <getopt.h>

#include "builder/build.h"
#include "cli/cli.h"
#include "firmware/data.h"
#include "kbuild/target.h"
#include <time.h>
#include "specgen/manifest.h"
#include "specgen/spec.h"

static const char usage_text[] =
    "usage: kmodpack spec [-t TARGET] DRIVER_DIR\n"
    "\n"
    "Print the spec file kmodpack build would write for DRIVER_DIR, without\n"
    "compiling. Module names come from [driver] modules (default: the driver's\n"
    "name); 'kmodpack build' reads them, and their aliases, from the built modules.\n"
    "\n"
    "  -t, --target FILE   target file (default: the kernel trees installed here)\n";

int cmd_spec(int argc, char **argv)
{
	static const struct option opts[] = {
	    {"target", required_argument, NULL, 't'}, {"help", no_argument, NULL, 'h'}, {0}};
	const char *target = NULL;
	int c;
	optind = 1;
	while ((c = getopt_long(argc, argv, "t:h", opts, NULL)) != -1) {
		switch (c) {
		case 't':
			target = optarg;
			break;
		case 'h':
			fputs(usage_text, stdout);
			return 0;
		default:
			return cli_usage_error("spec", "unknown option");
		}
	}
	if (optind + 1 != argc)
		return cli_usage_error("spec", "one DRIVER_DIR, please");

	struct spec_manifest *m = NULL;
	struct kb_target *t = NULL;
	int r = spec_manifest_load(argv[optind], &m);
	if (r == 0)
		r = kb_target_load(target, &t);
	if (r < 0) {
		spec_manifest_free(m);
		return kp_exit_status(r);
	}
	struct kp_strv names = {0};
	if (m->modules.n)
		for (size_t i = 0; i < m->modules.n; i++)
			kp_strv_push(&names, m->modules.v[i]);
	else
		kp_strv_push(&names, m->name);

	struct spec_flavour *sf = kp_calloc(t->nflavours, sizeof(*sf));
	for (size_t i = 0; i < t->nflavours; i++) {
		sf[i].f = &t->flavours[i];
		sf[i].nmods = names.n;
		sf[i].mods = kp_calloc(names.n, sizeof(struct spec_module));
		for (size_t k = 0; k < names.n; k++)
			sf[i].mods[k].name = names.v[k]; /* borrowed */
	}
	/* The same date as 'kmodpack build': environment, manifest, then now. */
	long long sde;
	if (bld_env_source_date_epoch(&sde) < 0) {
		kb_target_free(t);
		spec_manifest_free(m);
		return 2;
	}
	if (sde < 0)
		sde = m->source_date_epoch;
	if (sde < 0)
		sde = (long long)time(NULL);
	_cleanup_free_ char *source0 = kp_asprintf("%s-%s.tar.gz", m->name, m->version);
	struct spec_input in = {.m = m,
				.t = t,
				.flavours = sf,
				.nflavours = t->nflavours,
				.source0 = source0,
				.source_date_epoch = sde,
				.build_scripts = true};
	/* The data package as the build would render it, without the firmware cross-check. */
	struct fw_data *data = NULL;
	_cleanup_free_ char *data_files = NULL, *source1 = NULL;
	if (m->ndata) {
		struct fw_data_opts fo = {.manifest = m->path,
					  .driver_dir = m->dir,
					  .name = m->name,
					  .version = m->version,
					  .release = m->release};
		r = fw_data_load(&fo, m->data, m->ndata, &data);
		if (r == 0)
			r = fw_data_render_files(data, &data_files);
		if (r == 0) {
			source1 = kp_asprintf("%s-data-%s.tar.gz", m->name, data->version);
			in.data_files = data_files;
			in.data_source = source1;
			in.data_version = data->version;
			in.data_release = data->release;
		}
	}
	_cleanup_free_ char *spec = NULL;
	if (r == 0)
		r = spec_generate(&in, &spec);
	fw_data_free(data);
	if (r == 0)
		fputs(spec, stdout);
	for (size_t i = 0; i < t->nflavours; i++)
		free(sf[i].mods);
	free(sf);
	kp_strv_release(&names);
	kb_target_free(t);
	spec_manifest_free(m);
	return kp_exit_status(r);
}
