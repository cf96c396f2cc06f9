// SPDX-License-Identifier: GPL-2.0-or-later
/* kmodpack build: options, progress on the terminal, the summary. The work is builder/build.c. */
#include <getopt.h>
#include <unistd.h>

#include "builder/build.h"
#include "cli/cli.h"
#include "common/signals.h"
#include "report/report.h"

static const char usage_text[] =
    "usage: kmodpack build [-t TARGET] [-o OUTDIR] [-j N] [-f] [-q] [--json] [--verify] "
    "DRIVER_DIR\n"
    "\n"
    "Build the driver in DRIVER_DIR (its kmodpack.ini) with Kbuild for every flavour\n"
    "of the target at once and package it: a module RPM per flavour, an SRPM, the\n"
    "spec, and a build report, published into OUTDIR all together or not at all.\n"
    "\n"
    "  -t, --target FILE   target file (default: the kernel trees installed here)\n"
    "  -o, --output DIR    output dir (default: ./out)\n"
    "  -j, --jobs N        compile jobs in total, shared by all flavours (default: CPUs)\n"
    "      --json          print the build report (JSON) on stdout\n"
    "  -f, --force         build even when nothing changed since the last build\n"
    "      --verify        check the staged packages as 'kmodpack verify' does (install,\n"
    "                      symbols, load under qemu) and publish only if they pass\n"
    "  -q, --quiet         no progress, only errors and the result\n"
    "\n"
    "Exit status: 0 built; 1 the build failed; 2 bad input; 3 a kernel tree or tool is\n"
    "missing; 128+N interrupted by signal N.\n";

static const char *const stage_name[] = {"queued",    "compiling", "compiled", "packaging",
					 "verifying", "done",	   "failed"};

struct progress {
	bool tty;
	bool drawn;
	size_t nlines;
	enum bld_stage *last; /* what the plain output last printed, per flavour */
	double start;
};

static void show(void *data, const struct bld_flavour_status *st, size_t n)
{
	struct progress *p = data;
	double now = kp_now();
	if (cli_quiet)
		return;
	if (!p->last) {
		p->last = calloc(n, sizeof(*p->last));
		for (size_t i = 0; i < n; i++)
			p->last[i] = (enum bld_stage) - 1;
	}
	if (p->tty) {
		/* Redraw one line per flavour in place. */
		if (p->drawn)
			fprintf(stderr, "\033[%zuA", n);
		for (size_t i = 0; i < n; i++) {
			double t0 = st[i].started ? st[i].started : p->start;
			double t1 = st[i].stage == BLD_DONE || st[i].stage == BLD_FAILED
					? st[i].ended
					: now;
			if (st[i].stage == BLD_QUEUED)
				t1 = t0;
			fprintf(stderr, "\033[2K  %-16s %-10s %6.1fs\n", st[i].name,
				stage_name[st[i].stage], t1 > t0 ? t1 - t0 : 0.0);
		}
		p->drawn = true;
		fflush(stderr);
		return;
	}
	for (size_t i = 0; i < n; i++) {
		if (p->last[i] == st[i].stage)
			continue;
		p->last[i] = st[i].stage;
		if (st[i].stage == BLD_QUEUED)
			continue;
		fprintf(stderr, "kmodpack: %s: %s (%.1fs)\n", st[i].name, stage_name[st[i].stage],
			now - p->start);
	}
}

int cmd_build(int argc, char **argv)
{
	static const struct option opts[] = {{"target", required_argument, NULL, 't'},
					     {"output", required_argument, NULL, 'o'},
					     {"jobs", required_argument, NULL, 'j'},
					     {"json", no_argument, NULL, 'J'},
					     {"quiet", no_argument, NULL, 'q'},
					     {"force", no_argument, NULL, 'f'},
					     {"verify", no_argument, NULL, 'V'},
					     {"help", no_argument, NULL, 'h'},
					     {0}};
	struct bld_build_opts o = {.outdir = "out"};
	bool json = false;
	int c;
	optind = 1;
	while ((c = getopt_long(argc, argv, "t:o:j:qfh", opts, NULL)) != -1) {
		switch (c) {
		case 't':
			o.target_file = optarg;
			break;
		case 'o':
			o.outdir = optarg;
			break;
		case 'j':
			if ((o.jobs = cli_parse_jobs(optarg)) < 0)
				return cli_usage_error(
				    "build", "-j needs a number of jobs, not '%s'", optarg);
			break;
		case 'J':
			json = true;
			break;
		case 'q':
			cli_quiet = true;
			break;
		case 'f':
			o.force = true;
			break;
		case 'V':
			o.verify = true;
			break;
		case 'h':
			fputs(usage_text, stdout);
			return 0;
		default:
			return cli_usage_error("build", "unknown option");
		}
	}
	if (optind + 1 != argc)
		return cli_usage_error("build", optind == argc ? "DRIVER_DIR is missing"
							       : "only one DRIVER_DIR, please");
	o.driver_dir = argv[optind];

	struct progress p = {.tty = isatty(2) && !getenv("KMODPACK_PLAIN"), .start = kp_now()};
	o.progress = show;
	o.progress_data = &p;
	kp_signals_install();

	struct bld_build_result res;
	int r = bld_build(&o, &res);
	free(p.last);
	if (r < 0) {
		if (r <= -KP_EINTR_BASE)
			kp_err("interrupted: the output dir is as it was");
		else if (kp_exit_status(r) == 1)
			kp_err("build failed: the output dir '%s' is as it was", o.outdir);
		return kp_exit_status(r);
	}
	if (json) {
		_cleanup_free_ char *text = rp_build_to_text(res.report);
		puts(text);
	} else if (!cli_quiet) {
		if (res.up_to_date)
			fprintf(stderr,
				"kmodpack: up to date (nothing changed since the last build); "
				"packages in %s:\n",
				res.outdir);
		else
			fprintf(stderr, "kmodpack: built in %.1fs; packages in %s:\n",
				kp_now() - p.start, res.outdir);
		for (size_t i = 0; i < res.report->nartifacts; i++) {
			const struct rp_artifact *a = &res.report->artifacts[i];
			if (a->kind != RP_ARTIFACT_SPEC)
				printf("%s/%s\n", res.outdir, a->path);
		}
		fprintf(stderr, "kmodpack: build report: %s\n", res.report_path);
	}
	if (res.report->verify && !json && !cli_quiet)
		cli_print_verify(stderr, res.report->verify);
	bld_build_result_release(&res);
	return 0;
}
