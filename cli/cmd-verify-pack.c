// SPDX-License-Identifier: GPL-2.0-or-later
/* kmodpack verify PACK.iso: options and the verdict on the terminal. The work is verify/pack.c. */
#include <getopt.h>
#include <json-c/json.h>
#include <stdlib.h>
#include <unistd.h>

#include "cli/cli.h"
#include "common/fs.h"
#include "common/signals.h"
#include "kbuild/target.h"
#include "report/json.h"
#include "verify/pack.h"

static const char usage_text[] =
    "usage: kmodpack verify [-t TARGET] [--logs DIR] [--keyring FILE] [--json] [-q] PACK.iso\n"
    "\n"
    "Read a finished supplemental pack the way the host installer does:\n"
    "  metadata   XS-REPOSITORY and XS-PACKAGES parse; <label>.metadata.md5 and\n"
    "             <label>.iso.md5 beside the ISO match (when they are there);\n"
    "  packages   every package XS-PACKAGES lists is in the ISO with that size and\n"
    "             md5, and no RPM is in the ISO without being listed;\n"
    "  kinds      type=, kernel= and label= are what each RPM's header says;\n"
    "  placement  modules under /lib/modules/<release>/<module_dir>/, firmware in\n"
    "             /lib/firmware, udev rules in /etc/udev/rules.d, docs in\n"
    "             /usr/share/doc (guide 7.2);\n"
    "  flavours   every driver is built for every flavour of the target;\n"
    "  install    the pack's install.sh installs it into a scratch root (rpm\n"
    "             --root), a second run says it is installed already, and rpm -e\n"
    "             leaves no file behind (needs root and a static busybox).\n"
    "An update ISO or driver disk (update.xml and a yum repo) is read as xapi and\n"
    "the installer read it:\n"
    "  metadata   update.xml has what xapi needs; repomd.xml and the primary list\n"
    "             parse, with the checksums repomd.xml gives them;\n"
    "  signatures update.xml.asc and repodata/repomd.xml.asc are good signatures by\n"
    "             the key update.xml names (on the ISO), or by a key of --keyring;\n"
    "             so is every package (as rpm -K with that key imported);\n"
    "  packages   every package of the primary list has that sha256 and size, no\n"
    "             other RPM is on the ISO, update-<label> is there;\n"
    "  groups     \"update\" (and \"drivers\" on a driver disk) name packages of the\n"
    "             repo; then kinds, placement and flavours as above.\n"
    "\n"
    "  -t, --target FILE  the target the pack must serve (default: host)\n"
    "      --logs DIR     where install.sh's and rpm's logs go (default: ./logs)\n"
    "      --keyring FILE public key(s) to check an update ISO's signatures against\n"
    "                     (default: the key on the ISO, which proves the files\n"
    "                     unchanged, not who signed them)\n"
    "      --json         print the verdict as JSON on stdout\n"
    "  -q, --quiet        print only failures\n"
    "\n"
    "Exit status: 0 every check passed (or was skipped); 1 a check failed; 2 the\n"
    "ISO is not a pack; 3 rpm or the target's trees are missing.\n";

static const char *status_word(enum vf_pack_status s)
{
	return s == VF_PACK_PASSED ? "passed" : s == VF_PACK_FAILED ? "FAILED" : "skipped";
}

static void print_json(const struct vf_pack_result *res, const char *iso)
{
	json_object *o = rp_json_document("verify-pack", 1);
	json_object_object_add(o, "path", rp_json_path(iso));
	json_object_object_add(o, "label", rp_json_str(res->label));
	json_object_object_add(o, "originator", rp_json_str(res->originator));
	json_object_object_add(o, "format", rp_json_str(res->format));
	json_object_object_add(o, "uuid", rp_json_str(res->uuid));
	json_object_object_add(o, "version", rp_json_str(res->version));
	json_object *pk = json_object_new_array();
	for (size_t i = 0; i < res->packages.n; i++)
		json_object_array_add(pk, json_object_new_string(res->packages.v[i]));
	json_object_object_add(o, "packages", pk);
	json_object *packs = json_object_new_array();
	for (size_t i = 0; i < res->packs.n; i++)
		json_object_array_add(packs, json_object_new_string(res->packs.v[i]));
	json_object_object_add(o, "packs", packs);
	json_object *checks = json_object_new_array();
	bool passed = true;
	for (size_t i = 0; i < VF_PACK_NCHECKS; i++) {
		const struct vf_pack_check *c = &res->checks[i];
		if (c->status == VF_PACK_NA)
			continue;
		json_object *jc = json_object_new_object();
		json_object_object_add(jc, "name", json_object_new_string(c->name));
		json_object_object_add(jc, "status",
				       json_object_new_string(c->status == VF_PACK_PASSED ? "passed"
							      : c->status == VF_PACK_FAILED
								  ? "failed"
								  : "skipped"));
		json_object *lines = json_object_new_array();
		for (size_t k = 0; k < c->lines.n; k++)
			json_object_array_add(lines, json_object_new_string(c->lines.v[k]));
		json_object_object_add(jc, "lines", lines);
		json_object_array_add(checks, jc);
		passed &= c->status != VF_PACK_FAILED;
	}
	json_object_object_add(o, "checks", checks);
	json_object_object_add(o, "passed", json_object_new_boolean(passed));
	cli_json_print(o);
}

static void print_text(const struct vf_pack_result *res)
{
	if (res->uuid)
		printf("%s %s %s (uuid %s), %zu package%s\n", res->format, res->label, res->version,
		       res->uuid, res->packages.n, res->packages.n == 1 ? "" : "s");
	else if (res->packs.n == 1 && res->originator && *res->originator)
		printf("pack %s, %zu package%s\n", res->packs.v[0], res->packages.n,
		       res->packages.n == 1 ? "" : "s");
	else
		printf("combined ISO %s: %zu packs, %zu packages\n", res->label, res->packs.n,
		       res->packages.n);
	for (size_t i = 0; i < VF_PACK_NCHECKS; i++) {
		const struct vf_pack_check *c = &res->checks[i];
		if (c->status == VF_PACK_NA || (cli_quiet && c->status != VF_PACK_FAILED))
			continue;
		printf("  %-10s %-8s %s\n", c->name, status_word(c->status), c->what);
		for (size_t k = 0; k < c->lines.n; k++)
			printf("      %s\n", c->lines.v[k]);
	}
}

int cmd_verify_pack(int argc, char **argv)
{
	static const struct option opts[] = {{"target", required_argument, NULL, 't'},
					     {"logs", required_argument, NULL, 'L'},
					     {"json", no_argument, NULL, 'J'},
					     {"quiet", no_argument, NULL, 'q'},
					     {"keyring", required_argument, NULL, 'K'},
					     {"help", no_argument, NULL, 'h'},
					     {0}};
	const char *target = NULL, *logdir = "logs", *keyring = NULL;
	bool json = false;
	int c;
	optind = 1;
	while ((c = cli_getopt("verify", argc, argv, "t:qh", opts, NULL)) != -1) {
		switch (c) {
		case 't':
			target = optarg;
			break;
		case 'L':
			logdir = optarg;
			break;
		case 'J':
			json = true;
			break;
		case 'K':
			keyring = optarg;
			break;
		case 'q':
			cli_quiet = true;
			break;
		case 'h':
			fputs(usage_text, stdout);
			return 0;
		default:
			return cli_usage_error("verify", "unknown option");
		}
	}
	if (optind + 1 != argc)
		return cli_usage_error("verify", optind == argc ? "PACK.iso is missing"
								: "only one PACK.iso, please");
	const char *iso = argv[optind];
	if (json)
		cli_json_collect("verify");
	kp_signals_install();
	_cleanup_(kb_target_freep) struct kb_target *t = NULL;
	int r = kb_target_load(target, &t);
	if (r < 0)
		return cli_json_exit(r);
	double t0 = kp_now();
	struct vf_pack_opts o = {.iso = iso, .target = t, .logdir = logdir, .keyring = keyring};
	struct vf_pack_result res;
	r = vf_pack_verify(&o, &res);
	if (res.label && json)
		print_json(&res, iso);
	else if (res.label)
		print_text(&res);
	if (r == 0 && !cli_quiet)
		fprintf(stderr, "kmodpack: verified '%s' in %.1fs: no check failed\n", iso,
			kp_now() - t0);
	else if (r == -KP_EFAILED)
		kp_err("'%s': verification failed (%.1fs)", iso, kp_now() - t0);
	/* A verdict, even "failed", is the document; without one, the error is. */
	int status = cli_json_exit(res.label ? 0 : r);
	bool verdict = res.label != NULL;
	vf_pack_result_release(&res);
	return verdict ? kp_exit_status(r) : status;
}

/* verify takes an OUTDIR, a DRIVER_DIR or a PACK.iso: the last is a file. */
bool cli_verify_is_pack(int argc, char **argv)
{
	for (int i = 1; i < argc; i++)
		if (argv[i][0] != '-' && kp_endswith(argv[i], ".iso") &&
		    (kp_is_file(argv[i]) || cli_help_command))
			return true;
	return false;
}
