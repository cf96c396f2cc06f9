// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The install check (guide 7.4, 8.2): the flavour's module RPM and the data
 * RPM go into a scratch root with the real rpm and its own database, depmod
 * indexes them for the flavour's release, the indexes must name every
 * module, dependency and alias, the declared firmware must be in place,
 * and erasing the packages must leave nothing behind.
 *
 * Scriptlets run (rpm chroots into the root, so this needs root): the
 * guide's rule is about what scripts do (firewall rules, log rotation), and
 * with --noscripts rpm removes exactly what it installed, so "nothing left
 * behind" would prove nothing. The root holds a static busybox as /bin/sh
 * and its applets, so scripts find a shell, depmod and the usual tools, and
 * nothing runs on the host's own files.
 */
#include <errno.h>
#include <stdio.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "common/fs.h"
#include "common/log.h"
#include "modinfo/ko.h"
#include "verify/internal.h"
#include "verify/kmod.h"

static char *log_path(struct vf_run *v, struct vf_flavour *f, const char *step)
{
	return kp_asprintf("%s/verify-%s-%s.log", v->logdir, f->name, step);
}

/* Run a step; a non-zero exit fails the install check, naming the log. */
static int step(struct vf_run *v, struct vf_flavour *f, const char *what, struct kp_strv *av)
{
	_cleanup_free_ char *log = log_path(v, f, what);
	int st = kp_run(av->v, NULL, log);
	kp_strv_release(av);
	if (st < 0)
		return st;
	_cleanup_free_ char *text = NULL;
	if (kp_read_file(log, &text, NULL) == 0) {
		/* rpm only warns when a scriptlet fails; for a pack that is a failure. */
		for (char *l = strtok(text, "\n"); l; l = strtok(NULL, "\n"))
			if (strstr(l, "scriptlet failed"))
				rp_check_fail(&f->install, "%s: %s (see %s)", what, l, log);
	}
	if (st != 0)
		rp_check_fail(&f->install, "%s exited with %d: see %s", what, st, log);
	return st == 0 ? 0 : 1;
}

static void rpm_base(struct vf_run *v, struct vf_flavour *f, struct kp_strv *av)
{
	kp_strv_push(av, v->rpm_bin);
	kp_strv_push(av, "--root");
	kp_strv_push(av, f->root);
	/* Relative to --root: the scratch root has its own database. */
	kp_strv_push(av, "--dbpath");
	kp_strv_push(av, "/var/lib/rpm");
}

/* A shell and tools for scriptlets: busybox and its applets in /bin, /dev/null. */
int vf_root_populate(const char *root, const char *busybox, const struct kp_strv *applets)
{
	static const char *const dirs[] = {"bin", "dev", "tmp", "var/tmp", "var/lib/rpm", "etc"};
	int r = 0;
	for (size_t i = 0; i < KP_ARRAY_SIZE(dirs) && r == 0; i++) {
		_cleanup_free_ char *d = kp_path_join(root, dirs[i]);
		r = kp_mkdir_p(d, 0755);
	}
	if (r < 0 || !busybox)
		return r;
	_cleanup_free_ char *bb = kp_path_join(root, "bin/busybox");
	if ((r = kp_copy_file(busybox, bb, 0755)) < 0)
		return r;
	for (size_t i = 0; i < applets->n; i++) {
		if (strchr(applets->v[i], '/') || !strcmp(applets->v[i], "busybox"))
			continue;
		_cleanup_free_ char *l = kp_asprintf("%s/bin/%s", root, applets->v[i]);
		if (symlink("busybox", l) < 0 && errno != EEXIST)
			return -errno;
	}
	/* Without a real /dev/null, ">/dev/null" in a scriptlet makes a file. */
	_cleanup_free_ char *null = kp_path_join(root, "dev/null");
	if (mknod(null, S_IFCHR | 0666, makedev(1, 3)) < 0 && errno != EEXIST)
		return -errno;
	_cleanup_free_ char *passwd = kp_path_join(root, "etc/passwd");
	_cleanup_free_ char *group = kp_path_join(root, "etc/group");
	static const char pw[] = "root:x:0:0:root:/root:/bin/sh\n";
	static const char gr[] = "root:x:0:\n";
	if ((r = kp_write_file(passwd, pw, strlen(pw), 0644)) < 0 ||
	    (r = kp_write_file(group, gr, strlen(gr), 0644)) < 0)
		return r;
	return 0;
}

static int populate_root(struct vf_run *v, struct vf_flavour *f)
{
	return vf_root_populate(f->root, v->scripts ? v->busybox : NULL, &v->applets);
}

static const struct vf_module *find_module(const struct vf_flavour *f, const char *name)
{
	for (size_t i = 0; i < f->nmods; i++)
		if (!strcmp(f->mods[i].name, name))
			return &f->mods[i];
	return NULL;
}

/*
 * What depmod made of the installed modules, read through libkmod as
 * modprobe reads it, and the firmware they want.
 */
static void check_indexes(struct vf_run *v, struct vf_flavour *f)
{
	_cleanup_free_ char *moddir = kp_asprintf("%s/lib/modules/%s", f->root, f->release);
	struct vf_kmod *k = NULL;
	int r = vf_kmod_open(moddir, &k);
	if (r < 0) {
		rp_check_fail(&f->install,
			      "cannot read the module indexes depmod wrote in '%s': %s", moddir,
			      strerror(-r));
		return;
	}
	for (size_t i = 0; i < f->nmods; i++) {
		struct vf_module *m = &f->mods[i];
		_cleanup_free_ char *file = kp_path_join(f->root, m->path + 1);
		if (!kp_is_file(file)) {
			rp_check_fail(&m->install, "%s is not installed by %s", m->path, f->rpm);
			continue;
		}
		struct kp_strv deps = {0};
		if (vf_kmod_deps(k, m->name, &deps) < 0) {
			rp_check_fail(&m->install, "modules.dep does not list %s", m->relpath);
			continue;
		}
		for (size_t d = 0; d < m->depends.n; d++) {
			/* The kernel's own modules are not in the scratch root; symbols cover them.
			 */
			if (!find_module(f, m->depends.v[d]))
				continue;
			if (!kp_strv_contains(&deps, m->depends.v[d]))
				rp_check_fail(&m->install,
					      "modules.dep does not list %s as a dependency of %s",
					      m->depends.v[d], m->name);
		}
		kp_strv_release(&deps);
		for (size_t a = 0; a < m->aliases.n; a++) {
			struct kp_strv hit = {0};
			if (vf_kmod_lookup(k, m->aliases.v[a], &hit) < 0 ||
			    !kp_strv_contains(&hit, m->name))
				rp_check_fail(&m->install,
					      "modules.alias does not resolve '%s' to %s",
					      m->aliases.v[a], m->name);
			kp_strv_release(&hit);
		}
		for (size_t fw = 0; fw < m->firmware.n; fw++) {
			_cleanup_free_ char *path =
			    kp_asprintf("%s/lib/firmware/%s", f->root, m->firmware.v[fw]);
			if (!kp_is_file(path) &&
			    !kp_strv_contains(&v->fw_external, m->firmware.v[fw]))
				rp_check_fail(&m->install,
					      "firmware '%s' it declares is not installed in "
					      "/lib/firmware (nor declared external)",
					      m->firmware.v[fw]);
		}
	}
	vf_kmod_free(k);
}

/*
 * The "pre:" names of a softdep= value ("pre: a b post: c"): what modprobe
 * loads before the module if it can.
 */
static void softdep_pre(const char *value, struct kp_strv *out)
{
	_cleanup_strv_ struct kp_strv words = {0};
	kp_strv_split(&words, value);
	bool pre = false;
	for (size_t i = 0; i < words.n; i++) {
		size_t n = strlen(words.v[i]);
		if (n && words.v[i][n - 1] == ':')
			pre = !strcmp(words.v[i], "pre:");
		else if (pre && !kp_strv_contains(out, words.v[i]))
			kp_strv_push(out, words.v[i]);
	}
}

/* What the installed files say about themselves: dependencies, license, namespaces. */
static void read_modinfo(struct vf_flavour *f)
{
	for (size_t i = 0; i < f->nmods; i++) {
		struct vf_module *m = &f->mods[i];
		_cleanup_free_ char *file = kp_path_join(f->root, m->path + 1);
		struct mi_ko *ko = NULL;
		if (!kp_is_file(file) || mi_ko_open(file, &ko) < 0)
			continue;
		const char *deps = mi_ko_get(ko, "depends");
		if (deps)
			kp_strv_split(&m->depends, deps);
		const char *lic = mi_ko_get(ko, "license");
		m->license = lic ? kp_strdup(lic) : NULL;
		mi_ko_get_all(ko, "import_ns", &m->import_ns);
		_cleanup_strv_ struct kp_strv soft = {0};
		mi_ko_get_all(ko, "softdep", &soft);
		for (size_t s = 0; s < soft.n; s++)
			softdep_pre(soft.v[s], &m->softdep_pre);
		mi_ko_free(ko);
	}
}

static bool leftover_ok(const struct vf_flavour *f, const char *rel)
{
	_cleanup_free_ char *idx = kp_asprintf("lib/modules/%s/modules.", f->release);
	/* rpm's database, rpm's temp files, and the kernel's own indexes (depmod's output). */
	return kp_startswith(rel, "var/lib/rpm/") || kp_startswith(rel, "var/tmp/") ||
	       kp_startswith(rel, idx);
}

static void read_names(const char *log, struct kp_strv *out)
{
	_cleanup_free_ char *text = NULL;
	if (kp_read_file(log, &text, NULL) < 0)
		return;
	for (char *l = strtok(text, "\n"); l; l = strtok(NULL, "\n"))
		if (*kp_strstrip(l) && !strchr(l, ' '))
			kp_strv_push(out, l);
}

int vf_install_check(struct vf_run *v, struct vf_flavour *f)
{
	double t0 = kp_now();
	struct kp_strv av = {0}, before = {0}, after = {0}, names = {0};
	bool indexed = false;
	_cleanup_free_ char *qlog = log_path(v, f, "query");
	f->root = kp_asprintf("%s/%s/root", v->work, f->name);
	int r = kp_mkdir_p(f->root, 0755);
	if (r == 0)
		r = populate_root(v, f);
	if (r < 0) {
		kp_err("cannot prepare the scratch root '%s': %s", f->root, strerror(-r));
		return r;
	}

	rpm_base(v, f, &av);
	kp_strv_push(&av, "--initdb");
	if ((r = step(v, f, "initdb", &av)) != 0)
		goto out;
	kp_list_tree(f->root, &before);

	rpm_base(v, f, &av);
	kp_strv_push(&av, "-i");
	kp_strv_push(&av, "--nodeps");
	if (!v->scripts)
		kp_strv_push(&av, "--noscripts");
	kp_strv_push(&av, f->rpm);
	if (f->data_rpm)
		kp_strv_push(&av, f->data_rpm);
	if ((r = step(v, f, "install", &av)) != 0)
		goto out;

	kp_strv_push(&av, v->depmod_bin);
	kp_strv_push(&av, "-b");
	kp_strv_push(&av, f->root);
	kp_strv_push(&av, f->release);
	if ((r = step(v, f, "depmod", &av)) != 0)
		goto out;
	read_modinfo(f);
	check_indexes(v, f);
	indexed = true;
	/* Symbols and the VM use the files as installed: what the package ships. */
	if ((r = vf_symbol_check(v, f)) < 0)
		goto out;
	if (f->image && (r = vf_make_initramfs(v, f)) < 0)
		goto out;

	rpm_base(v, f, &av);
	kp_strv_push(&av, "-qa");
	kp_strv_push(&av, "--qf");
	kp_strv_push(&av, "%{NAME}\\n");
	if ((r = step(v, f, "query", &av)) != 0)
		goto out;
	read_names(qlog, &names);
	rpm_base(v, f, &av);
	kp_strv_push(&av, "-e");
	kp_strv_push(&av, "--nodeps");
	if (!v->scripts)
		kp_strv_push(&av, "--noscripts");
	for (size_t i = 0; i < names.n; i++)
		kp_strv_push(&av, names.v[i]);
	if ((r = step(v, f, "erase", &av)) != 0)
		goto out;
	kp_list_tree(f->root, &after);
	for (size_t i = 0; i < after.n; i++)
		if (!kp_strv_contains(&before, after.v[i]) && !leftover_ok(f, after.v[i]))
			rp_check_fail(&f->install, "'rpm -e' left /%s behind", after.v[i]);
out:
	kp_strv_release(&av);
	kp_strv_release(&before);
	kp_strv_release(&after);
	kp_strv_release(&names);
	f->install_seconds = kp_now() - t0;
	if (r > 0)
		r = 0; /* the step's failure is recorded in the check */
	if (r < 0)
		return r;
	bool ok = f->install.status != RP_FAIL;
	for (size_t i = 0; i < f->nmods; i++) {
		struct vf_module *m = &f->mods[i];
		if (m->install.status == RP_FAIL)
			ok = false;
		else if (indexed)
			m->install.status = RP_PASS;
	}
	if (f->install.status == RP_NOTRUN)
		f->install.status = ok ? RP_PASS : RP_FAIL;
	else if (!ok)
		f->install.status = RP_FAIL;
	return 0;
}
