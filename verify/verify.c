// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * kmodpack verify, the flow: read the build report, find each flavour's
 * packages, image and tree, check the tools, then per flavour the install
 * (with the symbol check and the initramfs made while the packages are
 * installed), and finally boot every flavour's kernel at once.
 */
#include "verify/verify.h"

#include <errno.h>
#include <json-c/json.h>
#include <stdarg.h>
#include <stdio.h>
#include <unistd.h>

#include "common/digest.h"
#include "common/fs.h"
#include "common/json.h"
#include "common/log.h"
#include "common/signals.h"
#include "kbuild/target.h"
#include "specgen/rpm.h"
#include "verify/internal.h"

void vf_check_fail(struct vf_check *c, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	kp_strv_push_take(&c->errors, kp_vasprintf(fmt, ap));
	va_end(ap);
	c->status = VF_FAIL;
}

static const char *jstr(json_object *o, const char *key)
{
	json_object *v = json_object_object_get(o, key);
	return v && json_object_is_type(v, json_type_string) ? json_object_get_string(v) : NULL;
}

static void jstrv(json_object *o, const char *key, struct kp_strv *out)
{
	json_object *a = json_object_object_get(o, key);
	for (size_t i = 0;
	     a && json_object_is_type(a, json_type_array) && i < json_object_array_length(a); i++) {
		const char *s = json_object_get_string(json_object_array_get_idx(a, i));
		if (s)
			kp_strv_push(out, s);
	}
}

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
			kp_strv_release(&m->aliases);
			kp_strv_release(&m->firmware);
			kp_strv_release(&m->depends);
			kp_strv_release(&m->import_ns);
			kp_strv_release(&m->kernel);
			kp_strv_release(&m->install.errors);
			kp_strv_release(&m->symbols.errors);
			kp_strv_release(&m->load.errors);
		}
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

/* An artifact as the report lists it; it must still be the file the build made. */
static char *artifact(struct vf_run *v, json_object *a, struct vf_flavour *f)
{
	const char *rel = jstr(a, "path"), *sum = jstr(a, "sha256");
	char *p = kp_path_join(v->dir, rel ? rel : "");
	char got[65];
	if (!rel || !kp_is_file(p)) {
		vf_check_fail(&f->install, "'%s' listed in the build report is missing", p);
	} else if (sum && kp_sha256_file(p, got) == 0 && strcmp(got, sum)) {
		vf_check_fail(&f->install,
			      "'%s' is not the file the build made (sha256 differs from the "
			      "build report)",
			      p);
	}
	return p;
}

static int load_flavours(struct vf_run *v, json_object *report, const struct kb_target *t)
{
	json_object *jfl = json_object_object_get(report, "flavours");
	json_object *arts = json_object_object_get(report, "artifacts");
	if (!jfl || !json_object_is_type(jfl, json_type_array) || !arts) {
		kp_err("'%s': the build report lists no flavours or artifacts", v->dir);
		return -KP_EINPUT;
	}
	jstrv(report, "firmware_external", &v->fw_external);
	v->n = json_object_array_length(jfl);
	v->fl = kp_calloc(v->n, sizeof(*v->fl));
	for (size_t i = 0; i < v->n; i++) {
		json_object *jf = json_object_array_get_idx(jfl, i);
		struct vf_flavour *f = &v->fl[i];
		f->name = jstr(jf, "name");
		f->release = jstr(jf, "release");
		f->tree = jstr(jf, "tree");
		if (!f->name || !f->release || !f->tree) {
			kp_err("'%s': flavour %zu of the build report has no name, release or tree",
			       v->dir, i + 1);
			return -KP_EINPUT;
		}
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
		json_object *jm = json_object_object_get(jf, "modules");
		f->nmods = jm ? json_object_array_length(jm) : 0;
		f->mods = kp_calloc(f->nmods, sizeof(*f->mods));
		_cleanup_free_ char *prefix = kp_asprintf("/lib/modules/%s/", f->release);
		for (size_t k = 0; k < f->nmods; k++) {
			json_object *o = json_object_array_get_idx(jm, k);
			struct vf_module *m = &f->mods[k];
			const char *name = jstr(o, "name"), *path = jstr(o, "path");
			if (!name || !path || !kp_startswith(path, prefix)) {
				kp_err("'%s': flavour %s: a module has no name or a path outside "
				       "%s",
				       v->dir, f->name, prefix);
				return -KP_EINPUT;
			}
			m->name = kp_strdup(name);
			for (char *p = m->name; *p; p++)
				if (*p == '-')
					*p = '_';
			m->path = kp_strdup(path);
			m->relpath = kp_strdup(path + strlen(prefix));
			jstrv(o, "aliases", &m->aliases);
			jstrv(o, "firmware", &m->firmware);
		}
		for (size_t k = 0; k < json_object_array_length(arts); k++) {
			json_object *a = json_object_array_get_idx(arts, k);
			const char *kind = jstr(a, "kind"), *fl = jstr(a, "flavour");
			if (kind && !strcmp(kind, "rpm") && fl && !strcmp(fl, f->name))
				f->rpm = artifact(v, a, f);
			else if (kind && !strcmp(kind, "data-rpm"))
				f->data_rpm = artifact(v, a, f);
		}
		if (!f->rpm) {
			kp_err("'%s': the build report lists no module RPM for flavour %s", v->dir,
			       f->name);
			return -KP_EINPUT;
		}
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

static int list_applets(struct vf_run *v)
{
	_cleanup_free_ char *log = kp_path_join(v->work, "applets");
	char *const av[] = {v->busybox, "--list", NULL};
	int st = kp_run(av, NULL, log);
	if (st != 0) {
		kp_err("'%s --list' failed: see %s", v->busybox, log);
		return st < 0 ? st : -KP_EENV;
	}
	_cleanup_free_ char *text = NULL;
	int r = kp_read_file(log, &text, NULL);
	if (r < 0)
		return r;
	for (char *l = strtok(text, "\n"); l; l = strtok(NULL, "\n"))
		if (*kp_strstrip(l))
			kp_strv_push(&v->applets, l);
	return 0;
}

/* ---- the verdict ---- */

static const char *status_name(enum vf_status s)
{
	return s == VF_PASS   ? "passed"
	       : s == VF_FAIL ? "failed"
	       : s == VF_SKIP ? "skipped"
			      : "not run";
}

static json_object *check_json(const struct vf_check *c)
{
	json_object *o = json_object_new_object();
	json_object_object_add(o, "status", json_object_new_string(status_name(c->status)));
	json_object_object_add(o, "errors", kp_json_strv(&c->errors));
	return o;
}

static json_object *result_json(struct vf_run *v, bool *passed)
{
	json_object *res = json_object_new_object();
	json_object *jfl = json_object_new_array();
	*passed = true;
	for (size_t i = 0; i < v->n; i++) {
		struct vf_flavour *f = &v->fl[i];
		json_object *jf = json_object_new_object();
		json_object_object_add(jf, "name", json_object_new_string(f->name));
		json_object_object_add(jf, "release", json_object_new_string(f->release));
		json_object_object_add(jf, "image",
				       f->image ? json_object_new_string(f->image) : NULL);
		json_object *ji = check_json(&f->install);
		json_object_object_add(ji, "scripts", json_object_new_boolean(v->scripts));
		json_object_object_add(ji, "seconds", json_object_new_double(f->install_seconds));
		json_object_object_add(jf, "install", ji);
		json_object_object_add(jf, "symbols", check_json(&f->symbols));
		json_object *jl = check_json(&f->load);
		if (f->load_skipped)
			json_object_object_add(jl, "reason",
					       json_object_new_string(f->load_skipped));
		if (f->accel) {
			json_object_object_add(jl, "accel", json_object_new_string(f->accel));
			json_object_object_add(jl, "seconds",
					       json_object_new_double(f->load_seconds));
		}
		if (f->console)
			json_object_object_add(jl, "console", json_object_new_string(f->console));
		json_object_object_add(jf, "load", jl);
		json_object *jm = json_object_new_array();
		bool ok = f->install.status != VF_FAIL && f->symbols.status != VF_FAIL &&
			  f->load.status != VF_FAIL;
		for (size_t k = 0; k < f->nmods; k++) {
			struct vf_module *m = &f->mods[k];
			json_object *o = json_object_new_object();
			json_object_object_add(o, "name", json_object_new_string(m->name));
			json_object_object_add(o, "path", json_object_new_string(m->path));
			json_object_object_add(o, "install", check_json(&m->install));
			json_object_object_add(o, "symbols", check_json(&m->symbols));
			json_object *l = check_json(&m->load);
			if (m->load_error)
				json_object_object_add(l, "error",
						       json_object_new_string(m->load_error));
			if (m->load_errno)
				json_object_object_add(l, "errno",
						       json_object_new_string(m->load_errno));
			json_object_object_add(l, "kernel", kp_json_strv(&m->kernel));
			json_object_object_add(o, "load", l);
			json_object_array_add(jm, o);
			ok = ok && m->install.status != VF_FAIL && m->symbols.status != VF_FAIL &&
			     m->load.status != VF_FAIL;
		}
		json_object_object_add(jf, "modules", jm);
		json_object_object_add(jf, "passed", json_object_new_boolean(ok));
		json_object_array_add(jfl, jf);
		*passed = *passed && ok;
	}
	json_object_object_add(res, "passed", json_object_new_boolean(*passed));
	json_object_object_add(res, "flavours", jfl);
	return res;
}

int vf_verify(const struct vf_opts *o, json_object **result)
{
	struct vf_run v = {.dir = o->dir,
			   .jobs = o->jobs > 0 ? o->jobs : kp_ncpus(),
			   .timeout = o->timeout > 0 ? o->timeout : VF_DEFAULT_TIMEOUT};
	struct kb_target *own = NULL;
	json_object *report = o->report ? json_object_get(o->report) : NULL;
	int r = 0;
	*result = NULL;
	if (!report) {
		_cleanup_free_ char *rp = kp_path_join(o->dir, "build-report.json");
		if (!kp_is_file(rp)) {
			kp_err(
			    "'%s' has no build-report.json: give a kmodpack build output dir, or "
			    "a driver dir to build first",
			    o->dir);
			return -KP_EINPUT;
		}
		if (!(report = json_object_from_file(rp))) {
			kp_err("'%s': not a JSON build report", rp);
			return -KP_EINPUT;
		}
	}
	const struct kb_target *t = o->target;
	if (!t && (r = kb_target_load(o->target_file, &own)) < 0)
		goto out;
	t = t ? t : own;
	v.logdir = o->logdir ? kp_strdup(o->logdir) : kp_path_join(o->dir, "logs");
	json_object *jt = json_object_object_get(report, "target");
	if ((r = load_flavours(&v, report, t)) < 0 ||
	    (r = check_env(&v, o, jt ? jstr(jt, "arch") : t->arch)) < 0)
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
		bool ready = f->install.status != VF_FAIL; /* the RPMs are the built ones */
		if (ready && (r = vf_install_check(&v, f)) < 0)
			break;
		if (f->load_skipped) {
			f->load.status = VF_SKIP;
			for (size_t k = 0; k < f->nmods; k++)
				f->mods[k].load.status = VF_SKIP;
		} else if (!f->initrd)
			f->load_skipped = "not run: the install failed";
		r = kp_check_interrupted();
	}
	if (r == 0)
		r = vf_load_check(&v);
	if (r == 0) {
		bool passed;
		*result = result_json(&v, &passed);
		r = passed ? 0 : -KP_EFAILED;
	}
out:
	run_release(&v);
	kb_target_free(own);
	json_object_put(report);
	return r;
}

static void log_check(const char *flavour, const char *module, const char *what, json_object *check)
{
	json_object *e = json_object_object_get(check, "errors");
	for (size_t i = 0; e && i < json_object_array_length(e); i++)
		kp_err("verify: flavour %s%s%s: %s: %s", flavour, module ? ": module " : "",
		       module ? module : "", what,
		       json_object_get_string(json_object_array_get_idx(e, i)));
}

void vf_log_failures(json_object *result)
{
	static const char *const checks[] = {"install", "symbols", "load"};
	json_object *jfl = json_object_object_get(result, "flavours");
	for (size_t i = 0; jfl && i < json_object_array_length(jfl); i++) {
		json_object *f = json_object_array_get_idx(jfl, i);
		const char *name = jstr(f, "name");
		for (size_t c = 0; c < KP_ARRAY_SIZE(checks); c++)
			log_check(name, NULL, checks[c], json_object_object_get(f, checks[c]));
		json_object *mods = json_object_object_get(f, "modules");
		for (size_t k = 0; mods && k < json_object_array_length(mods); k++) {
			json_object *m = json_object_array_get_idx(mods, k);
			for (size_t c = 0; c < KP_ARRAY_SIZE(checks); c++)
				log_check(name, jstr(m, "name"), checks[c],
					  json_object_object_get(m, checks[c]));
		}
	}
}
