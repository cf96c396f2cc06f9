// SPDX-License-Identifier: GPL-2.0-or-later
/* kmodpack pack: options as build-supplemental-pack.sh named them, progress, the report. */
#include <getopt.h>
#include <json-c/json.h>

#include "cli/cli.h"
#include "common/fs.h"
#include "common/signals.h"
#include "pack/pack.h"
#include "report/json.h"

static const char usage_text[] =
    "usage: kmodpack pack [-o OUTDIR] [-m MANIFEST] [--vendor-code CODE] [--vendor-name NAME]\n"
    "                     [--label LABEL] [--text TEXT] [--version X.Y] [--build B] [--mem MB]\n"
    "                     [--homogeneous] [--product P] [--requires REQ]... [--no-reorder] "
    "[--bundle]\n"
    "                     [--format legacy|update|driver-disk] [--gpg-key ID] [--uuid UUID]\n"
    "                     [--after-apply GUIDANCE]\n"
    "                     [--json] [-q] (BUILD_OUTDIR | RPM)...\n"
    "       kmodpack pack combine --output FILE.iso [--vol NAME] PACK.iso...\n"
    "       kmodpack pack remaster [--answerfile F] [--include P]... [--label L] IN.iso OUT.iso "
    "PACK.iso...\n"
    "       (kmodpack pack combine --help, kmodpack pack remaster --help)\n"
    "\n"
    "Make a supplemental pack (guide 6) of the RPMs of 'kmodpack build' output dirs\n"
    "and of further RPM files: an ISO holding the RPMs, XS-REPOSITORY,\n"
    "XS-PACKAGES and install.sh, with <label>.metadata.md5 and <label>.iso.md5 beside\n"
    "it, published into OUTDIR all together or not at all. The metadata comes from\n"
    "the [vendor] and [pack] sections of MANIFEST (a kmodpack.ini or its driver dir;\n"
    "default: the first build's),\n"
    "then from the options, which win.\n"
    "\n"
    "  -o, --output DIR     output dir (default: ./out)\n"
    "  -m, --manifest PATH  kmodpack.ini (or its dir) to read [vendor] and [pack] from\n"
    "      --vendor-code C  the vendor's code: lowercase letters, digits, - and _; not xs\n"
    "      --vendor-name N  the vendor's name (the ISO's application id)\n"
    "      --label L        the pack's name: lowercase letters, digits, - and _\n"
    "      --text T         what the pack is, at most 32 characters (the ISO volume id)\n"
    "      --version X.Y    the pack's version: numbers with at least one dot\n"
    "      --build B        the pack's build number\n"
    "      --mem MB         extra dom0 memory the pack needs, in MB\n"
    "      --homogeneous    every host of a pool must have the pack\n"
    "      --product P      the product the pack is for (default: XenServer)\n"
    "      --requires REQ   a pack this one needs, as 'originator=xs name=main test=ge\n"
    "                       version=6.5.0 [build=B] [product=P]'; repeat for more\n"
    "      --no-reorder     install in the order given, not by the packages' requires\n"
    "      --reorder        order by the packages' requires (the default; the DDK's switch)\n"
    "      --bundle         also write <label>.zip: the ISO, both md5 files and the builds'\n"
    "                       SRPMs (the GPL sources) under sources/ (guide 5.6)\n"
    "      --format F       legacy (default): XS-REPOSITORY pack for XenServer 6.x/7.0;\n"
    "                       update: XenServer 8 update ISO; driver-disk: XCP-ng 8.3\n"
    "                       driver disk (update.xml and a yum repo with comps groups)\n"
    "      --gpg-key ID     sign update.xml and repomd.xml (detached, armoured) with this\n"
    "                       key of your keyring and ship its public key; the passphrase\n"
    "                       is asked by gpg-agent. Without it: unsigned, with a warning\n"
    "      --uuid UUID      the update's uuid (default: derived from vendor code, label,\n"
    "                       version and build, the same for the same values)\n"
    "      --after-apply G  update.xml's after-apply-guidance: restartHost, restartXAPI,\n"
    "                       restartPV or restartHVM\n"
    "      --json           print the pack report (JSON) on stdout\n"
    "  -q, --quiet          no progress, only errors and the result\n"
    "\n"
    "Exit status: 0 packed; 1 the work failed; 2 bad input; 3 a tool is missing;\n"
    "128+N interrupted by signal N.\n";

/* A file pack published into outdir: {"path": absolute}, or null. */
static json_object *published(const char *outdir, const char *rel)
{
	if (!rel)
		return NULL;
	json_object *o = json_object_new_object();
	_cleanup_free_ char *abs = kp_path_join(outdir, rel);
	json_object_object_add(o, "path", rp_json_path(abs));
	return o;
}

static json_object *report(const struct pk_pack_result *res)
{
	const struct pk_meta *m = &res->meta;
	json_object *root = rp_json_document("pack", 1);
	json_object_object_add(root, "kmodpack_version", rp_json_str(KMODPACK_VERSION));
	json_object_object_add(root, "outdir", rp_json_path(res->outdir));
	json_object *iso = published(res->outdir, res->iso);
	json_object_object_add(iso, "size", json_object_new_int64((int64_t)res->iso_size));
	json_object_object_add(iso, "md5", rp_json_str(res->iso_md5_hex));
	json_object_object_add(iso, "sha256", rp_json_str(res->iso_sha256));
	json_object_object_add(iso, "volume_id", rp_json_str(m->text));
	json_object_object_add(iso, "application_id", rp_json_str(m->vendor_name));
	json_object_object_add(iso, "source_date_epoch", json_object_new_int64(res->epoch));
	json_object_object_add(root, "iso", iso);
	json_object *md5 = published(res->outdir, res->metadata_md5);
	if (md5)
		json_object_object_add(md5, "md5", rp_json_str(res->metadata_md5_hex));
	json_object_object_add(root, "metadata_md5", md5);
	json_object_object_add(root, "iso_md5", published(res->outdir, res->iso_md5));
	json_object_object_add(root, "bundle", published(res->outdir, res->bundle));
	json_object_object_add(root, "format", rp_json_str(pk_format_name(res->format)));
	json_object *up = NULL;
	if (res->format != PK_FORMAT_LEGACY) {
		const struct pk_update_result *u = &res->update;
		up = json_object_new_object();
		json_object_object_add(up, "uuid", rp_json_str(u->uuid));
		json_object_object_add(up, "update_rpm", rp_json_str(u->update_rpm));
		json_object_object_add(up, "installation_size",
				       json_object_new_int64((int64_t)u->inst_size));
		json_object_object_add(up, "signed", json_object_new_boolean(u->key_fpr != NULL));
		json_object_object_add(up, "key_fingerprint", rp_json_str(u->key_fpr));
		json_object_object_add(up, "key_uid", rp_json_str(u->key_uid));
		json_object_object_add(up, "key_file", rp_json_str(u->key_file));
		json_object *files = json_object_new_array();
		for (size_t i = 0; i < u->iso_names.n; i++)
			json_object_array_add(files, rp_json_str(u->iso_names.v[i]));
		json_object_object_add(up, "files", files);
	}
	json_object_object_add(root, "update", up);
	json_object *src = json_object_new_array();
	for (size_t i = 0; i < res->sources.n; i++)
		json_object_array_add(src, rp_json_path(res->sources.v[i]));
	json_object_object_add(root, "sources", src);

	json_object *repo = json_object_new_object();
	json_object_object_add(repo, "originator", rp_json_str(m->vendor_code));
	json_object_object_add(repo, "name", rp_json_str(m->label));
	json_object_object_add(repo, "description", rp_json_str(m->text));
	json_object_object_add(repo, "product", rp_json_str(m->product));
	json_object_object_add(repo, "version", rp_json_str(m->version));
	json_object_object_add(repo, "build", rp_json_str(m->build));
	json_object_object_add(repo, "memory_requirement_mb",
			       m->mem >= 0 ? json_object_new_int64(m->mem) : NULL);
	json_object_object_add(repo, "enforce_homogeneity",
			       json_object_new_boolean(m->homogeneous));
	json_object *reqs = json_object_new_array();
	for (size_t i = 0; i < m->nreq; i++) {
		json_object *q = json_object_new_object();
		json_object_object_add(q, "originator", rp_json_str(m->req[i].originator));
		json_object_object_add(q, "name", rp_json_str(m->req[i].name));
		json_object_object_add(q, "test", rp_json_str(m->req[i].test));
		json_object_object_add(q, "product", rp_json_str(m->req[i].product));
		json_object_object_add(q, "version", rp_json_str(m->req[i].version));
		json_object_object_add(q, "build", rp_json_str(m->req[i].build));
		json_object_array_add(reqs, q);
	}
	json_object_object_add(repo, "requires", reqs);
	json_object_object_add(root, "repository", repo);

	/* In install order: the array's order is the XS-PACKAGES order. */
	json_object *pkgs = json_object_new_array();
	for (size_t i = 0; i < res->nentries; i++) {
		const struct pk_rpm *r = res->entries[i].rpm;
		const struct pk_kind *k = &res->entries[i].kind;
		json_object *p = json_object_new_object();
		json_object_object_add(p, "name", rp_json_str(r->name));
		json_object_object_add(p, "path", rp_json_path(r->path));
		json_object_object_add(p, "file_name", rp_json_str(r->filename));
		json_object_object_add(p, "type",
				       rp_json_str(k->type == PK_PKG_DRIVER_RPM ? "driver-rpm" : "rpm"));
		json_object_object_add(p, "kernel_release", rp_json_str(k->kernel));
		json_object_object_add(p, "options", rp_json_str(k->options));
		json_object_object_add(p, "version", rp_json_str(r->version));
		json_object_object_add(p, "release", rp_json_str(r->release));
		json_object_object_add(p, "arch", rp_json_str(r->arch));
		json_object_object_add(p, "group", rp_json_str(r->group));
		json_object_object_add(p, "size", json_object_new_int64((int64_t)r->size));
		json_object_object_add(p, "md5", rp_json_str(r->md5));
		json_object_object_add(p, "sha256", rp_json_str(r->sha256));
		json_object_array_add(pkgs, p);
	}
	json_object_object_add(root, "packages", pkgs);
	json_object *eulas = json_object_new_array();
	for (size_t i = 0; i < res->neulas; i++) {
		json_object *e = json_object_new_object();
		json_object_object_add(e, "package", rp_json_str(res->eulas[i].rpm));
		json_object_object_add(e, "path", rp_json_str(res->eulas[i].path));
		json_object_array_add(eulas, e);
	}
	json_object_object_add(root, "eulas", eulas);
	json_object *skipped = json_object_new_array();
	for (size_t i = 0; i < res->nskipped; i++) {
		const struct pk_skipped *k = &res->skipped[i];
		json_object *e = json_object_new_object();
		json_object_object_add(e, "driver", rp_json_str(k->driver));
		json_object_object_add(e, "modules", rp_json_str(k->modules));
		json_object_object_add(e, "flavour", rp_json_str(k->flavour));
		json_object_object_add(e, "release", rp_json_str(k->release));
		json_object_object_add(e, "reason", rp_json_str(k->reason));
		json_object_array_add(skipped, e);
	}
	json_object_object_add(root, "skipped", skipped);
	json_object *warn = json_object_new_array();
	for (size_t i = 0; i < res->warnings.n; i++)
		json_object_array_add(warn, rp_json_str(res->warnings.v[i]));
	json_object_object_add(root, "warnings", warn);
	return root;
}

static void add_opt(struct kp_kv **opts, size_t *n, const char *key, const char *value)
{
	*opts = kp_reallocarray(*opts, *n + 1, sizeof(**opts));
	(*opts)[(*n)++] = (struct kp_kv){.key = (char *)key, .value = (char *)value};
}

static void print_json(const struct pk_pack_result *res)
{
	cli_json_print(report(res));
}

/* The install order and EULAs on stderr (unless -q), the written files on stdout. */
static void print_text(const struct pk_pack_result *res, double seconds)
{
	if (!cli_quiet) {
		fprintf(stderr, "kmodpack: packed %zu packages in %.1fs, install order:\n",
			res->nentries, seconds);
		for (size_t i = 0; i < res->nentries; i++)
			fprintf(stderr, "  %zu. %s%s%s\n", i + 1, res->entries[i].rpm->filename,
				res->entries[i].kind.kernel ? " kernel=" : "",
				res->entries[i].kind.kernel ? res->entries[i].kind.kernel : "");
		for (size_t i = 0; i < res->neulas; i++)
			fprintf(stderr, "kmodpack: EULA shown at install: %s in %s\n",
				res->eulas[i].path, res->eulas[i].rpm);
		if (res->metadata_md5)
			fprintf(stderr, "kmodpack: metadata md5 %s\n", res->metadata_md5_hex);
		else
			fprintf(stderr, "kmodpack: %s %s, uuid %s, %s%s\n",
				pk_format_name(res->format), res->update.update_rpm,
				res->update.uuid, res->update.key_fpr ? "signed by " : "UNSIGNED",
				res->update.key_fpr ? res->update.key_fpr : "");
	}
	printf("%s/%s\n", res->outdir, res->iso);
	if (res->metadata_md5)
		printf("%s/%s\n", res->outdir, res->metadata_md5);
	printf("%s/%s\n", res->outdir, res->iso_md5);
	if (res->bundle)
		printf("%s/%s\n", res->outdir, res->bundle);
}

int cmd_pack(int argc, char **argv)
{
	enum {
		O_JSON = 256,
		O_NOREORDER,
		O_REORDER,
		O_HOMOGENEOUS,
		O_META,
		O_BUNDLE,
		O_FORMAT,
		O_GPGKEY,
		O_UUID,
		O_AFTER
	};
	static const struct option opts[] = {{"output", required_argument, NULL, 'o'},
					     {"manifest", required_argument, NULL, 'm'},
					     {"vendor-code", required_argument, NULL, O_META},
					     {"vendor-name", required_argument, NULL, O_META},
					     {"label", required_argument, NULL, O_META},
					     {"text", required_argument, NULL, O_META},
					     {"version", required_argument, NULL, O_META},
					     {"build", required_argument, NULL, O_META},
					     {"mem", required_argument, NULL, O_META},
					     {"product", required_argument, NULL, O_META},
					     {"requires", required_argument, NULL, O_META},
					     {"homogeneous", no_argument, NULL, O_HOMOGENEOUS},
					     {"no-reorder", no_argument, NULL, O_NOREORDER},
					     {"bundle", no_argument, NULL, O_BUNDLE},
					     {"format", required_argument, NULL, O_FORMAT},
					     {"gpg-key", required_argument, NULL, O_GPGKEY},
					     {"uuid", required_argument, NULL, O_UUID},
					     {"after-apply", required_argument, NULL, O_AFTER},
					     {"reorder", no_argument, NULL, O_REORDER},
					     {"json", no_argument, NULL, O_JSON},
					     {"quiet", no_argument, NULL, 'q'},
					     {"help", no_argument, NULL, 'h'},
					     {0}};
	/* The subcommands take their own options (cmd-pack-combine.c). */
	if (argc >= 2 && !strcmp(argv[1], "combine"))
		return cmd_pack_combine(argc - 1, argv + 1);
	if (argc >= 2 && !strcmp(argv[1], "remaster"))
		return cmd_pack_remaster(argc - 1, argv + 1);
	struct pk_pack_opts o = {.outdir = "out"};
	struct kp_kv *meta = NULL;
	size_t nmeta = 0;
	bool json = false;
	int c, idx = 0;
	optind = 1;
	while ((c = cli_getopt("pack", argc, argv, "o:m:qh", opts, &idx)) != -1) {
		switch (c) {
		case 'o':
			o.outdir = optarg;
			break;
		case 'm':
			o.manifest = optarg;
			break;
		case O_META:
			add_opt(&meta, &nmeta, opts[idx].name, optarg);
			break;
		case O_HOMOGENEOUS:
			add_opt(&meta, &nmeta, "homogeneous", "true");
			break;
		case O_BUNDLE:
			o.bundle = true;
			break;
		case O_FORMAT:
			if (pk_format_parse(optarg, &o.update.format) < 0) {
				free(meta);
				return 2;
			}
			break;
		case O_GPGKEY:
			o.update.gpg_key = optarg;
			break;
		case O_UUID:
			o.update.uuid = optarg;
			break;
		case O_AFTER:
			o.update.guidance = optarg;
			break;
		case O_NOREORDER:
			o.no_reorder = true;
			break;
		case O_REORDER: /* the DDK's switch; ordering is the default here */
			o.no_reorder = false;
			break;
		case O_JSON:
			json = true;
			break;
		case 'q':
			cli_quiet = true;
			break;
		case 'h':
			fputs(usage_text, stdout);
			free(meta);
			return 0;
		default:
			free(meta);
			return cli_usage_error("pack", "unknown option");
		}
	}
	o.inputs = (const char *const *)argv + optind;
	o.ninputs = (size_t)(argc - optind);
	o.options = meta;
	o.noptions = nmeta;
	kp_signals_install();
	if (json)
		cli_json_collect("pack");

	double t0 = kp_now();
	struct pk_pack_result res;
	int r = pk_pack(&o, &res);
	free(meta);
	if (r < 0) {
		if (r <= -KP_EINTR_BASE)
			kp_err("interrupted: the output dir is as it was");
		else if (kp_exit_status(r) != 2)
			kp_err("pack failed: the output dir '%s' is as it was", o.outdir);
		pk_pack_result_release(&res);
		return cli_json_exit(r);
	}
	cli_json_exit(0);
	if (json)
		print_json(&res);
	else
		print_text(&res, kp_now() - t0);
	pk_pack_result_release(&res);
	return 0;
}
