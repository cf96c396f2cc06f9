// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * kmodpack verify, the flow: read the build report, find each flavour's
 * packages, image and tree, check the tools, then per flavour the install
 * (with the symbol check and the initramfs made while the packages are
 * installed), and finally boot every flavour's kernel at once.
 */
#include "verify/verify.h"

#include <errno.h>
#include <stdio.h>
#include <unistd.h>

#include "common/digest.h"
#include "common/fs.h"
#include "common/log.h"
#include "common/signals.h"
#include "kbuild/target.h"
#include "report/report.h"
#include "specgen/rpm.h"
#include "verify/internal.h"

/* A program in PATH, or in the sbin dirs a user's PATH often lacks. */
static char *which(const char *prog)
{
	const char *path = getenv("PATH");
	_cleanup_free_ char *all =
	    kp_asprintf("%s:/usr/sbin:/sbin:/usr/bin:/bin", path ? path : "");
	for (char *save = NULL, *d = strtok_r(all, ":", &save); d; d = strtok_r(NULL, ":", &save)) {
		char *p = kp_path_join(d, prog);
		if (*d && access(p, X_OK) == 0)
			return p;
		free(p);
	}
	return NULL;
}

/* The initramfs has no libraries: a dynamically linked busybox cannot run there. */
static bool is_static(const char *path)
{
	_cleanup_free_ char *data = NULL;
	size_t len;
	if (kp_read_file(path, &data, &len) < 0)
		return false;
	/* PT_INTERP names the dynamic loader in the first page of a dynamic binary. */
	return !memmem(data, len < 4096 ? len : 4096, "/ld-linux", strlen("/ld-linux")) &&
	       !memmem(data, len < 4096 ? len : 4096, "/ld-musl", strlen("/ld-musl"));
}

static void run_release(struct vf_run *v)
{
	for (size_t i = 0; i < v->n; i++) {
		struct vf_flavour *f = &v->fl[i];
		for (size_t k = 0; k < f->nmods; k++) {
			struct vf_module *m = &f->mods[k];
			free(m->name);
			free(m->path);
			free(m->relpath);
			free(m->license);
			free(m->load_error);
			free(m->load_errno);
			free(m->sig_verdict);
			kp_strv_release(&m->aliases);
			kp_strv_release(&m->firmware);
			kp_strv_release(&m->depends);
			kp_strv_release(&m->softdep_pre);
			kp_strv_release(&m->import_ns);
			kp_strv_release(&m->kernel);
			kp_strv_release(&m->install.errors);
			kp_strv_release(&m->symbols.errors);
			kp_strv_release(&m->load.errors);
		}
		for (size_t k = 0; k < f->nkmods; k++) {
			free(f->kmods[k].name);
			free(f->kmods[k].src);
			free(f->kmods[k].dest);
		}
		free(f->kmods);
		free(f->kmoddir);
		free(f->mods);
		free(f->order);
		free(f->rpm);
		free(f->data_rpm);
		free(f->root);
		free(f->initrd);
		free(f->console);
		kp_strv_release(&f->install.errors);
		kp_strv_release(&f->symbols.errors);
		kp_strv_release(&f->load.errors);
	}
	free(v->fl);
	if (v->work)
		kp_rm_rf(v->work);
	free(v->work);
	free(v->logdir);
	free(v->busybox);
	free(v->rpm_bin);
	free(v->depmod_bin);
	free(v->qemu_bin);
	kp_strv_release(&v->applets);
	kp_strv_release(&v->fw_external);
}

/*
 * An artifact as the report lists it; it must still be the file the build
 * made: the same bytes, or, signed since (rpmsign --addsign), the same main
 * header and payload.
 */
static char *artifact(struct vf_run *v, const struct rp_artifact *a, struct vf_flavour *f)
{
	char *p = kp_path_join(v->dir, a->path);
	char got[65];
	if (!kp_is_file(p)) {
		rp_check_fail(&f->install, "'%s' listed in the build report is missing", p);
	} else if (kp_sha256_file(p, got) == 0 && strcmp(got, a->sha256)) {
		if (a->content_sha256[0] && spec_rpm_content_sha256(p, got) == 0 &&
		    !strcmp(got, a->content_sha256))
			return p; /* signed after the build: its content is the build's */
		rp_check_fail(&f->install,
			      "'%s' is not the file the build made (sha256 differs from the "
			      "build report)",
			      p);
	}
	return p;
}

/*
 * The flavour's own kernel modules, for the dependency closure the VM loads
 * first: the target's modules_dir, else what scripts/fetch-kernel-images.sh
 * (images/<release>/lib/modules/<release>) or scripts/fetch-linux-image.sh
 * (linux-image-<release>/lib/modules/<release>) unpacked into kmodpack's
 * cache, else the host's /lib/modules/<release>; the first with a modules.dep.
 */
static char *kernel_moddir(const struct kb_flavour *tf, const char *release)
{
	const char *cache = getenv("KMODPACK_CACHE");
	const char *xdg = getenv("XDG_CACHE_HOME");
	const char *home = getenv("HOME");
	_cleanup_free_ char *dir = cache && *cache ? kp_strdup(cache)
				   : xdg && *xdg   ? kp_asprintf("%s/kmodpack", xdg)
				   : home	   ? kp_asprintf("%s/.cache/kmodpack", home)
						   : NULL;
	char *cand[4] = {
	    tf && tf->modules_dir ? kp_strdup(tf->modules_dir) : NULL,
	    dir ? kp_asprintf("%s/images/%s/lib/modules/%s", dir, release, release) : NULL,
	    dir ? kp_asprintf("%s/linux-image-%s/lib/modules/%s", dir, release, release) : NULL,
	    kp_asprintf("/lib/modules/%s", release),
	};
	char *found = NULL;
	for (size_t i = 0; i < KP_ARRAY_SIZE(cand); i++) {
		_cleanup_free_ char *dep = cand[i] ? kp_path_join(cand[i], "modules.dep") : NULL;
		if (!found && dep && kp_is_file(dep))
			found = TAKE_PTR(cand[i]);
		free(cand[i]);
	}
	return found;
}

/* --flavour: each name must be a flavour of the build; true when rf is one of them. */
static int check_selected(const struct vf_opts *o, const struct rp_build *report, const char *dir)
{
	for (size_t k = 0; k < o->nflavours; k++) {
		bool found = false;
		for (size_t i = 0; i < report->nflavours && !found; i++)
			found = !strcmp(report->flavours[i].name, o->flavours[k]);
		if (!found) {
			_cleanup_buf_ struct kp_buf known = {0};
			for (size_t i = 0; i < report->nflavours; i++)
				kp_buf_addf(&known, "%s%s", i ? ", " : "",
					    report->flavours[i].name);
			kp_err("--flavour: '%s' has no flavour '%s' (its flavours: %s)", dir,
			       o->flavours[k], known.s ? known.s : "none");
			return -KP_EINPUT;
		}
	}
	return 0;
}

static bool selected(const struct vf_opts *o, const char *name)
{
	for (size_t k = 0; k < o->nflavours; k++)
		if (!strcmp(o->flavours[k], name))
			return true;
	return o->nflavours == 0;
}

static int load_flavours(struct vf_run *v, const struct vf_opts *o, const struct rp_build *report,
			 const struct kb_target *t)
{
	if (!report->nflavours || !report->nartifacts) {
		kp_err("'%s': the build report lists no flavours or artifacts", v->dir);
		return -KP_EINPUT;
	}
	int r = check_selected(o, report, v->dir);
	if (r < 0)
		return r;
	for (size_t i = 0; i < report->firmware_external.n; i++)
		kp_strv_push(&v->fw_external, report->firmware_external.v[i]);
	v->fl = kp_calloc(report->nflavours, sizeof(*v->fl));
	const struct rp_artifact *data = rp_build_artifact(report, RP_ARTIFACT_DATA_RPM);
	for (size_t i = 0; i < report->nflavours; i++) {
		const struct rp_flavour *rf = &report->flavours[i];
		if (!selected(o, rf->name))
			continue;
		struct vf_flavour *f = &v->fl[v->n++];
		f->name = rf->name;
		f->release = rf->release;
		f->tree = rf->tree;
		const struct kb_flavour *tf = t ? kb_target_find(t, f->name) : NULL;
		if (tf && !strcmp(tf->release, f->release)) {
			f->image = tf->image;
			f->tree = tf->tree;
		} else if (tf) {
			kp_warn(
			    "flavour %s: the target's kernel is %s, the build's %s: not booting "
			    "it",
			    f->name, tf->release, f->release);
		}
		f->kmoddir = kernel_moddir(tf && !strcmp(tf->release, f->release) ? tf : NULL,
					   f->release);
		f->nmods = rf->nmods;
		f->mods = kp_calloc(f->nmods, sizeof(*f->mods));
		_cleanup_free_ char *prefix = kp_asprintf("/lib/modules/%s/", f->release);
		for (size_t k = 0; k < f->nmods; k++) {
			const struct rp_module *rm = &rf->mods[k];
			struct vf_module *m = &f->mods[k];
			if (!kp_startswith(rm->path, prefix)) {
				kp_err("'%s': flavour %s: a module has no name or a path outside "
				       "%s",
				       v->dir, f->name, prefix);
				return -KP_EINPUT;
			}
			m->name = kp_strdup(rm->name);
			for (char *p = m->name; *p; p++)
				if (*p == '-')
					*p = '_';
			m->path = kp_strdup(rm->path);
			m->sig_key = rm->sig_key;
			m->relpath = kp_strdup(rm->path + strlen(prefix));
			for (size_t x = 0; x < rm->aliases.n; x++)
				kp_strv_push(&m->aliases, rm->aliases.v[x]);
			for (size_t x = 0; x < rm->firmware.n; x++)
				kp_strv_push(&m->firmware, rm->firmware.v[x]);
		}
		const struct rp_artifact *rpm = rp_build_flavour_rpm(report, f->name);
		if (!rpm) {
			kp_err("'%s': the build report lists no module RPM for flavour %s", v->dir,
			       f->name);
			return -KP_EINPUT;
		}
		f->rpm = artifact(v, rpm, f);
		if (data)
			f->data_rpm = artifact(v, data, f);
	}
	return 0;
}

static bool qemu_arch(const char *arch)
{
	return arch && (!strcmp(arch, "x86_64") || !strcmp(arch, "i686") || !strcmp(arch, "i386") ||
			!strcmp(arch, "i586"));
}

/* Tools and images; what is missing is logged with the Debian package to install. */
static int check_env(struct vf_run *v, const struct vf_opts *o, const char *arch)
{
	int r = 0;
	bool boot = false;
	if (!(v->rpm_bin = which("rpm"))) {
		kp_err("'rpm' not found: the install check needs it (on Debian: apt-get install "
		       "rpm)");
		r = -KP_EENV;
	}
	if (!(v->depmod_bin = which("depmod"))) {
		kp_err("'depmod' not found: the install check needs it (on Debian: apt-get "
		       "install kmod)");
		r = -KP_EENV;
	}
	for (size_t i = 0; i < v->n; i++) {
		struct vf_flavour *f = &v->fl[i];
		if (!f->image) {
			f->load_skipped = "no image";
			if (o->require_load) {
				kp_err(
				    "flavour %s: no kernel image to boot: set 'image = PATH' in "
				    "its "
				    "[flavour %s] section (scripts/fetch-kernel-images.sh fetches "
				    "Debian's)",
				    f->name, f->name);
				r = -KP_EENV;
			}
		} else if (!qemu_arch(arch)) {
			f->load_skipped = "no qemu for this arch";
			f->image = NULL;
		} else if (!kp_is_file(f->image)) {
			kp_err("flavour %s: kernel image '%s' not found (image in the target file)",
			       f->name, f->image);
			r = -KP_EENV;
		} else {
			boot = true;
		}
	}
	if (boot && !(v->qemu_bin = which("qemu-system-x86_64"))) {
		kp_err("'qemu-system-x86_64' not found: the load check boots each flavour's kernel "
		       "with it (on Debian: apt-get install qemu-system-x86)");
		r = -KP_EENV;
	}
	bool root = geteuid() == 0;
	if (boot || root) {
		const char *bb = "/bin/busybox";
		if (kp_is_file(bb) && is_static(bb)) {
			v->busybox = kp_strdup(bb);
		} else if (boot) {
			kp_err(
			    "no static busybox at /bin/busybox: the VM's initramfs needs one (on "
			    "Debian: apt-get install busybox-static)");
			r = -KP_EENV;
		}
	}
	/* rpm runs scriptlets chrooted into the scratch root: only root can. */
	v->scripts = root && v->busybox;
	return r;
}

int vf_busybox_applets(const char *busybox, const char *logpath, struct kp_strv *out)
{
	char *const av[] = {(char *)busybox, "--list", NULL};
	int st = kp_run(av, NULL, logpath);
	if (st != 0) {
		kp_err("'%s --list' failed: see %s", busybox, logpath);
		return st < 0 ? st : -KP_EENV;
	}
	_cleanup_free_ char *text = NULL;
	int r = kp_read_file(logpath, &text, NULL);
	if (r < 0)
		return r;
	for (char *l = strtok(text, "\n"); l; l = strtok(NULL, "\n"))
		if (*kp_strstrip(l))
			kp_strv_push(out, l);
	return 0;
}

static int list_applets(struct vf_run *v)
{
	_cleanup_free_ char *log = kp_path_join(v->work, "applets");
	return vf_busybox_applets(v->busybox, log, &v->applets);
}

/* ---- the verdict ---- */

/* The verdict takes the checks over; the run releases what is left. */
static struct rp_check take_check(struct rp_check *c)
{
	struct rp_check t = *c;
	*c = (struct rp_check){0};
	return t;
}

static char *dup_or_null(const char *s)
{
	return s ? kp_strdup(s) : NULL;
}

static bool module_verdict(struct vf_module *m, struct rp_verify_module *o)
{
	bool ok = m->install.status != RP_FAIL && m->symbols.status != RP_FAIL &&
		  m->load.status != RP_FAIL;
	*o = (struct rp_verify_module){.name = kp_strdup(m->name),
				       .path = kp_strdup(m->path),
				       .install = take_check(&m->install),
				       .symbols = take_check(&m->symbols),
				       .load = take_check(&m->load),
				       .load_error = TAKE_PTR(m->load_error),
				       .load_errno = TAKE_PTR(m->load_errno),
				       .sig_verdict = TAKE_PTR(m->sig_verdict),
				       .kernel = m->kernel};
	m->kernel = (struct kp_strv){0};
	return ok;
}

static struct rp_verify *verdict(struct vf_run *v)
{
	struct rp_verify *res = kp_calloc(1, sizeof(*res));
	res->flavours = kp_calloc(v->n, sizeof(*res->flavours));
	res->nflavours = v->n;
	res->passed = true;
	for (size_t i = 0; i < v->n; i++) {
		struct vf_flavour *f = &v->fl[i];
		struct rp_verify_flavour *o = &res->flavours[i];
		o->passed = f->install.status != RP_FAIL && f->symbols.status != RP_FAIL &&
			    f->load.status != RP_FAIL;
		o->name = kp_strdup(f->name);
		o->release = kp_strdup(f->release);
		o->image = dup_or_null(f->image);
		o->install = take_check(&f->install);
		o->scripts = v->scripts;
		o->install_seconds = f->install_seconds;
		o->symbols = take_check(&f->symbols);
		o->load = take_check(&f->load);
		o->load_reason = dup_or_null(f->load_skipped);
		o->accel = dup_or_null(f->accel);
		o->load_seconds = f->load_seconds;
		o->console = dup_or_null(f->console);
		for (size_t k = 0; k < f->nkmods; k++)
			if (f->kmods[k].loaded)
				kp_strv_push(&o->kernel_modules, f->kmods[k].name);
		o->mods = kp_calloc(f->nmods, sizeof(*o->mods));
		o->nmods = f->nmods;
		for (size_t k = 0; k < f->nmods; k++)
			o->passed = module_verdict(&f->mods[k], &o->mods[k]) && o->passed;
		res->passed = res->passed && o->passed;
	}
	return res;
}

/* The report to verify: the caller's, or the one in the dir (*own). */
static int read_report(const struct vf_opts *o, struct rp_build **own)
{
	*own = NULL;
	if (o->report)
		return 0;
	_cleanup_free_ char *rp = kp_path_join(o->dir, RP_BUILD_REPORT_NAME);
	if (!kp_is_file(rp)) {
		kp_err("'%s' has no build-report.json: give a kmodpack build output dir, or "
		       "a driver dir to build first",
		       o->dir);
		return -KP_EINPUT;
	}
	return rp_build_read(rp, own);
}

int vf_verify(const struct vf_opts *o, struct rp_verify **result)
{
	struct vf_run v = {.dir = o->dir,
			   .jobs = o->jobs > 0 ? o->jobs : kp_ncpus(),
			   .timeout = o->timeout > 0 ? o->timeout : VF_DEFAULT_TIMEOUT,
			   .sig_enforce = o->sig_enforce};
	struct kb_target *own = NULL;
	_cleanup_(rp_build_freep) struct rp_build *own_report = NULL;
	*result = NULL;
	int r = read_report(o, &own_report);
	if (r < 0)
		return r;
	const struct rp_build *report = o->report ? o->report : own_report;
	const struct kb_target *t = o->target;
	if (!t && (r = kb_target_load(o->target_file, &own)) < 0)
		goto out;
	t = t ? t : own;
	v.logdir = o->logdir ? kp_strdup(o->logdir) : kp_path_join(o->dir, "logs");
	if ((r = load_flavours(&v, o, report, t)) < 0 || (r = check_env(&v, o, report->arch)) < 0)
		goto out;
	if ((r = kp_mkdir_p(v.logdir, 0755)) < 0) {
		kp_err("cannot create '%s': %s", v.logdir, strerror(-r));
		goto out;
	}
	const char *tmp = getenv("TMPDIR");
	v.work = kp_asprintf("%s/kmodpack-verify-XXXXXX", tmp && *tmp ? tmp : "/tmp");
	if (!mkdtemp(v.work)) {
		r = -errno;
		kp_err("cannot create a temp dir '%s': %s", v.work, strerror(-r));
		free(v.work);
		v.work = NULL;
		goto out;
	}
	if (v.busybox && (r = list_applets(&v)) < 0)
		goto out;
	for (size_t i = 0; i < v.n && r == 0; i++) {
		struct vf_flavour *f = &v.fl[i];
		bool ready = f->install.status != RP_FAIL; /* the RPMs are the built ones */
		if (ready && (r = vf_install_check(&v, f)) < 0)
			break;
		if (f->load_skipped) {
			f->load.status = RP_SKIP;
			for (size_t k = 0; k < f->nmods; k++)
				f->mods[k].load.status = RP_SKIP;
		} else if (!f->initrd)
			f->load_skipped = "not run: the install failed";
		r = kp_check_interrupted();
	}
	if (r == 0)
		r = vf_load_check(&v);
	if (r == 0) {
		*result = verdict(&v);
		r = (*result)->passed ? 0 : -KP_EFAILED;
	}
out:
	run_release(&v);
	kb_target_free(own);
	return r;
}

static void log_check(const char *flavour, const char *module, const char *what,
		      const struct rp_check *check)
{
	for (size_t i = 0; i < check->errors.n; i++)
		kp_err("verify: flavour %s%s%s: %s: %s", flavour, module ? ": module " : "",
		       module ? module : "", what, check->errors.v[i]);
}

void vf_log_failures(const struct rp_verify *result)
{
	for (size_t i = 0; i < result->nflavours; i++) {
		const struct rp_verify_flavour *f = &result->flavours[i];
		log_check(f->name, NULL, "install", &f->install);
		log_check(f->name, NULL, "symbols", &f->symbols);
		log_check(f->name, NULL, "load", &f->load);
		for (size_t k = 0; k < f->nmods; k++) {
			const struct rp_verify_module *m = &f->mods[k];
			log_check(f->name, m->name, "install", &m->install);
			log_check(f->name, m->name, "symbols", &m->symbols);
			log_check(f->name, m->name, "load", &m->load);
		}
	}
}
