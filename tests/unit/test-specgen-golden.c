// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The spec kmodpack ships, pinned: the real templates/kmod.spec.in rendered
 * by the real spec generator for the example driver's manifest
 * (drivers/example-helloworld, with its data package) and a fixed
 * two-flavour target, compared with tests/expected/specgen/. A change to
 * the template, the generator, the escaping or the example shows up here
 * as a diff. After reviewing it, KMODPACK_REGEN_EXPECTED=1 rewrites the
 * expected files:
 *
 *	KMODPACK_REGEN_EXPECTED=1 ctest --test-dir build -R specgen-golden
 */
#include "tests/unit/testlib.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "common/log.h"
#include "common/util.h"
#include "firmware/data.h"
#include "kbuild/target.h"
#include "specgen/manifest.h"
#include "specgen/spec.h"

/* The guide's example product: releases ...1014xen and ...1014kdump share one kver. */
#define KVER "2.6.18-128.1.6.el5.xs5.5.0.502.1014"
static struct kb_flavour flavours[] = {
    {.name = "xen",
     .tree = "/usr/src/kernels/" KVER "-xen",
     .release = KVER "xen",
     .kver = KVER,
     .arch = "i386"},
    {.name = "kdump",
     .tree = "/usr/src/kernels/" KVER "-kdump",
     .release = KVER "kdump",
     .kver = KVER,
     .arch = "i386"},
};
static const struct kb_target target = {.name = "xenserver-5.5.0",
					.arch = "i386",
					.module_dir = "extra",
					.flavours = flavours,
					.nflavours = KP_ARRAY_SIZE(flavours)};

struct golden {
	struct spec_manifest *m;
	struct fw_data *data;
	char *data_files, *source0, *source1;
	struct spec_module mods[2];
	struct spec_flavour sf[2];
	struct spec_input in;
};

static int setup(void **state)
{
	tl_log_capture();
	tl_log_reset();
	/* The template in this source tree, not an installed one. */
	_cleanup_free_ char *templates = tl_src("templates");
	setenv("KMODPACK_TEMPLATES", templates, 1);

	struct golden *g = kp_calloc(1, sizeof(*g));
	_cleanup_free_ char *drv = tl_src("drivers/example-helloworld");
	if (spec_manifest_load(drv, &g->m) < 0)
		fail_msg("example manifest: %s", tl_log_text());
	const struct spec_manifest *m = g->m;
	struct fw_data_opts fo = {.manifest = m->path,
				  .driver_dir = m->dir,
				  .name = m->name,
				  .version = m->version,
				  .release = m->release};
	if (fw_data_load(&fo, m->data, m->ndata, &g->data) < 0 ||
	    fw_data_render_files(g->data, &g->data_files) < 0)
		fail_msg("example data: %s", tl_log_text());

	/* Two modules in xen, one of them in kdump: the loops over both. */
	g->mods[0].name = kp_strdup("helloworld");
	kp_strv_push(&g->mods[0].aliases, "pci:v00001B36d00000005sv*sd*bc*sc*i*");
	g->mods[1].name = kp_strdup("helloworld_extra");
	kp_strv_push(&g->mods[1].aliases, "pci:v00008086d000010FBsv*sd*bc*sc*i*");
	kp_strv_push(&g->mods[1].aliases, "pci:v*d*sv*sd*bc02sc00i*");
	g->sf[0] = (struct spec_flavour){.f = &flavours[0], .mods = g->mods, .nmods = 2};
	g->sf[1] = (struct spec_flavour){.f = &flavours[1], .mods = g->mods, .nmods = 1};

	/* The input as the build makes it (builder's package step). */
	_cleanup_free_ char *setup_dir = spec_setup_dir(m);
	g->source0 = kp_asprintf("%s.tar.gz", setup_dir);
	g->source1 = kp_asprintf("%s-data-%s.tar.gz", m->name, g->data->version);
	g->in = (struct spec_input){.m = m,
				    .t = &target,
				    .flavours = g->sf,
				    .nflavours = KP_ARRAY_SIZE(g->sf),
				    .source0 = g->source0,
				    .source_date_epoch = m->source_date_epoch,
				    .data_files = g->data_files,
				    .data_source = g->source1,
				    .data_version = g->data->version,
				    .data_release = g->data->release};
	*state = g;
	return 0;
}

static int teardown(void **state)
{
	struct golden *g = *state;
	for (size_t i = 0; i < KP_ARRAY_SIZE(g->mods); i++) {
		free(g->mods[i].name);
		kp_strv_release(&g->mods[i].aliases);
	}
	free(g->source0);
	free(g->source1);
	free(g->data_files);
	fw_data_free(g->data);
	spec_manifest_free(g->m);
	free(g);
	unsetenv("KMODPACK_TEMPLATES");
	tl_log_reset();
	return 0;
}

/* Render, and compare with the expected file; kmodpack's own version is left out. */
static void expect_spec(struct golden *g, bool build_scripts, const char *expected)
{
	g->in.build_scripts = build_scripts;
	_cleanup_free_ char *spec = NULL;
	if (spec_generate(&g->in, &spec) < 0)
		fail_msg("spec_generate: %s", tl_log_text());
	_cleanup_free_ char *stable =
	    tl_replace(spec, "kmodpack " KMODPACK_VERSION " ", "kmodpack @KMODPACK_VERSION@ ");
	tl_expect_file(expected, stable);
}

/* SPECS/<name>.spec: what the SRPM carries, build scripts included. */
static void test_srpm_spec(void **state)
{
	expect_spec(*state, true, "tests/expected/specgen/helloworld.spec");
}

/* The spec the binary packages are built from: no %prep/%build/%install. */
static void test_packaging_spec(void **state)
{
	expect_spec(*state, false, "tests/expected/specgen/helloworld-packaging.spec");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_srpm_spec, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_packaging_spec, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
