// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The spec input, assembled in one place for `kmodpack build` (step 9)
 * and `kmodpack spec`: the tarball names, the date, the data package.
 */
#include "builder/internal.h"

#include "common/log.h"
#include "firmware/data.h"
#include "kbuild/target.h"
#include "specgen/manifest.h"
#include "specgen/spec.h"

int bld_spec_init(struct bld_spec *s, const struct bld_inputs *in, const struct spec_flavour *sf)
{
	const struct spec_manifest *m = in->m;
	_cleanup_free_ char *setup = spec_setup_dir(m);
	*s = (struct bld_spec){.source0 = kp_asprintf("%s.tar.gz", setup)};
	s->in = (struct spec_input){.m = m,
				    .t = in->t,
				    .flavours = sf,
				    .nflavours = in->t->nflavours,
				    .source0 = s->source0,
				    .source_date_epoch = in->sde,
				    .build_scripts = true};
	if (!in->data)
		return 0;
	int r = fw_data_render_files(in->data, &s->data_files);
	if (r < 0)
		return r;
	s->source1 = kp_asprintf("%s-data-%s.tar.gz", m->name, in->data->version);
	s->in.data_files = s->data_files;
	s->in.data_source = s->source1;
	s->in.data_version = in->data->version;
	s->in.data_release = in->data->release;
	return 0;
}

void bld_spec_release(struct bld_spec *s)
{
	free(s->source0);
	free(s->source1);
	free(s->data_files);
	*s = (struct bld_spec){0};
}

int bld_spec_render(const char *driver_dir, const char *target_file,
		    const struct bld_select *select, char **spec)
{
	struct bld_inputs in;
	int r = bld_inputs_load(driver_dir, target_file, select, false, &in);
	if (r < 0) {
		bld_inputs_release(&in);
		return r;
	}
	/* Nothing is built: the manifest's module names (or the driver's) stand in. */
	const struct spec_manifest *m = in.m;
	size_t n = in.t->nflavours, nmods = m->modules.n ? m->modules.n : 1;
	struct spec_flavour *sf = kp_calloc(n, sizeof(*sf));
	for (size_t i = 0; i < n; i++) {
		sf[i].f = &in.t->flavours[i];
		sf[i].nmods = nmods;
		sf[i].mods = kp_calloc(nmods, sizeof(struct spec_module));
		for (size_t k = 0; k < nmods; k++) /* borrowed */
			sf[i].mods[k].name = m->modules.n ? m->modules.v[k] : m->name;
	}
	struct bld_spec s;
	r = bld_spec_init(&s, &in, sf);
	if (r == 0)
		r = spec_generate(&s.in, spec);
	bld_spec_release(&s);
	for (size_t i = 0; i < n; i++)
		free(sf[i].mods);
	free(sf);
	bld_inputs_release(&in);
	return r;
}
