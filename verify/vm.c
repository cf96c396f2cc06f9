// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The load check: boot the flavour's own kernel under qemu with an
 * initramfs holding a static busybox, the modules as the RPM installed
 * them, their firmware, and an init that loads them in dependency order
 * and prints one marker line per module plus the kernel's lines about it.
 *
 * The initramfs is written here in the newc cpio format (it is a header of
 * hex fields per entry): no cpio tool, no root needed for the /dev/console
 * node the kernel opens for init, and the same bytes every time.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/archive.h"
#include "common/fs.h"
#include "common/log.h"
#include "common/signals.h"
#include "verify/internal.h"
#include "verify/kmod.h"

#define MARK "KMODPACK-"

/* ---- newc cpio ---- */

struct cpio {
	struct kp_buf b;
	unsigned ino;
	struct kp_strv dirs; /* directories already written */
};

static void pad4(struct kp_buf *b)
{
	while (b->len % 4)
		kp_buf_addc(b, '\0');
}

static void cpio_entry(struct cpio *c, const char *name, unsigned mode, unsigned rmaj,
		       unsigned rmin, const void *data, size_t len)
{
	kp_buf_addf(&c->b, "070701%08X%08X%08X%08X%08X%08X%08zX%08X%08X%08X%08X%08zX%08X", ++c->ino,
		    mode, 0u, 0u, S_ISDIR(mode) ? 2u : 1u, 0u, len, 0u, 0u, rmaj, rmin,
		    strlen(name) + 1, 0u);
	kp_buf_add(&c->b, name, strlen(name) + 1);
	pad4(&c->b);
	if (len)
		kp_buf_add(&c->b, data, len);
	pad4(&c->b);
}

/* Parents first: the kernel's unpacker does not create missing directories. */
static void cpio_dirs(struct cpio *c, const char *path)
{
	_cleanup_free_ char *p = kp_strdup(path);
	for (char *s = strchr(p, '/'); s; s = strchr(s + 1, '/')) {
		*s = '\0';
		if (!kp_strv_contains(&c->dirs, p)) {
			kp_strv_push(&c->dirs, p);
			cpio_entry(c, p, S_IFDIR | 0755, 0, 0, NULL, 0);
		}
		*s = '/';
	}
}

static int cpio_file(struct cpio *c, const char *name, const char *src, unsigned perm)
{
	_cleanup_free_ char *data = NULL;
	size_t len = 0;
	int r = kp_read_file(src, &data, &len);
	if (r < 0) {
		kp_err("cannot read '%s': %s", src, strerror(-r));
		return r;
	}
	cpio_dirs(c, name);
	cpio_entry(c, name, S_IFREG | perm, 0, 0, data, len);
	return 0;
}

/* Files and symlinks below src, as dst/... (firmware trees). */
static int cpio_tree(struct cpio *c, const char *src, const char *dst)
{
	DIR *d = opendir(src);
	if (!d)
		return errno == ENOENT ? 0 : -errno;
	int r = 0;
	struct dirent *de;
	while (r == 0 && (de = readdir(d))) {
		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		_cleanup_free_ char *s = kp_path_join(src, de->d_name);
		_cleanup_free_ char *t = kp_asprintf("%s/%s", dst, de->d_name);
		struct stat st;
		if (lstat(s, &st) < 0) {
			r = -errno;
		} else if (S_ISDIR(st.st_mode)) {
			r = cpio_tree(c, s, t);
		} else if (S_ISLNK(st.st_mode)) {
			char target[4096];
			ssize_t n = readlink(s, target, sizeof(target));
			if (n < 0 || n == sizeof(target))
				r = n < 0 ? -errno : -ENAMETOOLONG;
			else {
				cpio_dirs(c, t);
				cpio_entry(c, t, S_IFLNK | 0777, 0, 0, target, (size_t)n);
			}
		} else if (S_ISREG(st.st_mode)) {
			r = cpio_file(c, t, s, 0644);
		}
	}
	closedir(d);
	return r;
}

/* ---- in-kernel dependencies ---- */

static bool is_build_module(const struct vf_flavour *f, const char *name)
{
	for (size_t i = 0; i < f->nmods; i++)
		if (!strcmp(f->mods[i].name, name))
			return true;
	return false;
}

static struct vf_kernel_module *find_kmod(struct vf_flavour *f, const char *name)
{
	for (size_t i = 0; i < f->nkmods; i++)
		if (!strcmp(f->kmods[i].name, name))
			return &f->kmods[i];
	return NULL;
}

/*
 * Depth first, as modprobe loads (libkmod's probe list): a module's "pre:"
 * soft dependencies, then its dependencies (modules.dep's order reversed),
 * then the module. soft: reached only through a soft dependency.
 */
static int add_closure(struct vf_kmod *k, struct vf_flavour *f, const char *given,
		       struct kp_strv *visiting, bool soft)
{
	/* depends= writes "crc-itu-t", the index "crc_itu_t": one name for both. */
	_cleanup_free_ char *name = kp_strdup(given);
	for (char *p = name; *p; p++)
		if (*p == '-')
			*p = '_';
	struct vf_kernel_module *have = find_kmod(f, name);
	if (have) {
		have->soft = have->soft && soft; /* needed for real after all */
		return 0;
	}
	if (is_build_module(f, name) || kp_strv_contains(visiting, name))
		return 0;
	_cleanup_free_ char *path = NULL;
	if (vf_kmod_path(k, name, &path) < 0)
		return 0; /* exists nowhere: the symbol check names what is missing */
	kp_strv_push(visiting, name);
	_cleanup_strv_ struct kp_strv pre = {0}, deps = {0};
	vf_kmod_softdeps(k, name, &pre);
	for (size_t i = 0; i < pre.n; i++)
		add_closure(k, f, pre.v[i], visiting, true);
	vf_kmod_deps(k, name, &deps);
	for (size_t i = deps.n; i-- > 0;)
		add_closure(k, f, deps.v[i], visiting, soft);
	f->kmods = kp_reallocarray(f->kmods, f->nkmods + 1, sizeof(*f->kmods));
	const char *rel = kp_startswith(path, f->kmoddir) ? path + strlen(f->kmoddir) + 1 : name;
	_cleanup_free_ char *plain = kp_strdup(rel);
	char *ko = strstr(plain, ".ko");
	if (ko)
		ko[3] = '\0'; /* .ko.xz, .ko.zst: written decompressed */
	f->kmods[f->nkmods++] = (struct vf_kernel_module){
	    .name = kp_strdup(name),
	    .src = TAKE_PTR(path),
	    .dest = kp_asprintf("lib/modules/%s/kernel-deps/%s", f->release, plain),
	    .soft = soft};
	return 0;
}

/*
 * The in-kernel modules the driver's modules need (their softdep= "pre:"
 * names, resolved as modprobe resolves them, then their modinfo depends=
 * names, each with modules.dep of the flavour's own kernel), in load order.
 * Nothing without the kernel's modules dir.
 */
static int kernel_closure(struct vf_flavour *f)
{
	if (!f->kmoddir || f->nkmods)
		return 0;
	_cleanup_(vf_kmod_freep) struct vf_kmod *k = NULL;
	int r = vf_kmod_open(f->kmoddir, &k);
	if (r < 0) {
		kp_warn("flavour %s: cannot read the kernel's module index in '%s': in-kernel "
			"dependencies are not loaded",
			f->name, f->kmoddir);
		return 0;
	}
	_cleanup_strv_ struct kp_strv visiting = {0};
	for (size_t i = 0; i < f->nmods; i++) {
		for (size_t s = 0; s < f->mods[i].softdep_pre.n; s++) {
			/* A name or an alias ("crypto-crc32c"): every module it resolves to. */
			_cleanup_strv_ struct kp_strv to = {0};
			vf_kmod_lookup(k, f->mods[i].softdep_pre.v[s], &to);
			for (size_t t = 0; t < to.n; t++)
				add_closure(k, f, to.v[t], &visiting, true);
		}
		for (size_t d = 0; d < f->mods[i].depends.n; d++)
			add_closure(k, f, f->mods[i].depends.v[d], &visiting, false);
	}
	return 0;
}

static int cpio_module(struct cpio *c, const struct vf_kernel_module *km)
{
	_cleanup_free_ char *data = NULL, *plain = NULL;
	size_t len = 0, plen = 0;
	int r = kp_read_file(km->src, &data, &len);
	if (r < 0) {
		kp_err("cannot read '%s': %s", km->src, strerror(-r));
		return r;
	}
	if (!kp_endswith(km->src, ".ko")) {
		/* 256 MiB: far above any module, far below what fits in the VM. */
		if ((r = kp_archive_decompress(km->src, data, len, 256u << 20, &plain, &plen)) < 0)
			return r;
		free(data);
		data = TAKE_PTR(plain);
		len = plen;
	}
	cpio_dirs(c, km->dest);
	cpio_entry(c, km->dest, S_IFREG | 0644, 0, 0, data, len);
	return 0;
}

/* ---- the init ---- */

/* Dependencies first; modules of a cycle (the kernel refuses those anyway) keep their order. */
static void load_order(struct vf_flavour *f)
{
	bool *done = kp_calloc(f->nmods, sizeof(bool));
	size_t n = 0;
	f->order = kp_calloc(f->nmods, sizeof(size_t));
	for (bool progress = true; progress && n < f->nmods;) {
		progress = false;
		for (size_t i = 0; i < f->nmods; i++) {
			if (done[i])
				continue;
			bool ready = true;
			for (size_t k = 0; k < f->mods[i].depends.n && ready; k++)
				for (size_t j = 0; j < f->nmods; j++)
					if (!done[j] && j != i &&
					    !strcmp(f->mods[j].name, f->mods[i].depends.v[k]))
						ready = false;
			if (ready) {
				done[i] = progress = true;
				f->order[n++] = i;
			}
		}
	}
	for (size_t i = 0; i < f->nmods; i++)
		if (!done[i])
			f->order[n++] = i;
	free(done);
}

/* Names and paths go into a shell script: only characters that need no quoting. */
static bool shell_safe(const char *s)
{
	return *s && strspn(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
			       "._-+~/") == strlen(s);
}

static char *init_script(const struct vf_flavour *f)
{
	struct kp_buf b = {0};
	kp_buf_adds(&b, "#!/bin/busybox sh\n"
			"# Made by kmodpack verify: load the modules, report, power off.\n"
			"B=/bin/busybox\n"
			"$B mount -t proc proc /proc\n"
			"$B mount -t sysfs sysfs /sys\n"
			"$B mount -t devtmpfs devtmpfs /dev 2>/dev/null\n"
			"echo " MARK "BOOTED\n"
			/* Boot messages are not the module's: start its lines from here. */
			"$B dmesg -c >/dev/null\n"
			"load() {\n"
			"\tif $B insmod \"$2\" 2>/tmp/err; then\n"
			"\t\techo \"" MARK "RESULT $1 loaded\"\n"
			"\telse\n"
			"\t\techo \"" MARK "RESULT $1 failed $($B head -n1 /tmp/err)\"\n"
			"\tfi\n"
			"\t$B dmesg -c | while read -r l; do echo \"" MARK "DMESG $1 $l\"; done\n"
			"}\n"
			/* The kernel's own modules the driver needs: loaded first, reported apart. */
			"kload() {\n"
			"\tif $B insmod \"$2\" 2>/tmp/err; then\n"
			"\t\techo \"" MARK "KERNEL $1 loaded\"\n"
			"\telse\n"
			"\t\techo \"" MARK "KERNEL $1 failed $($B head -n1 /tmp/err)\"\n"
			"\tfi\n"
			"\t$B dmesg -c >/dev/null\n"
			"}\n");
	for (size_t i = 0; i < f->nkmods; i++)
		kp_buf_addf(&b, "kload %s /%s\n", f->kmods[i].name, f->kmods[i].dest);
	for (size_t i = 0; i < f->nmods; i++) {
		const struct vf_module *m = &f->mods[f->order[i]];
		kp_buf_addf(&b, "load %s %s\n", m->name, m->path);
	}
	kp_buf_adds(&b, "echo " MARK "DONE\n"
			"$B poweroff -f\n");
	return kp_buf_steal(&b);
}

int vf_make_initramfs(struct vf_run *v, struct vf_flavour *f)
{
	struct cpio c = {0};
	int r = 0;
	load_order(f);
	kernel_closure(f);
	for (size_t i = 0; i < f->nkmods; i++)
		if (!shell_safe(f->kmods[i].name) || !shell_safe(f->kmods[i].dest)) {
			kp_err("flavour %s: in-kernel module '%s' at '%s': unexpected characters for "
			       "the VM's init",
			       f->name, f->kmods[i].name, f->kmods[i].dest);
			return -KP_EINPUT;
		}
	for (size_t i = 0; i < f->nmods; i++)
		if (!shell_safe(f->mods[i].name) || !shell_safe(f->mods[i].path)) {
			kp_err("flavour %s: module '%s' at '%s': unexpected characters for the "
			       "VM's init",
			       f->name, f->mods[i].name, f->mods[i].path);
			return -KP_EINPUT;
		}
	static const char *const dirs[] = {"dev", "proc", "sys", "tmp", "bin", "lib"};
	for (size_t i = 0; i < KP_ARRAY_SIZE(dirs); i++) {
		kp_strv_push(&c.dirs, dirs[i]);
		cpio_entry(&c, dirs[i], S_IFDIR | 0755, 0, 0, NULL, 0);
	}
	/* The kernel opens /dev/console for init before anything is mounted. */
	cpio_entry(&c, "dev/console", S_IFCHR | 0600, 5, 1, NULL, 0);
	cpio_entry(&c, "dev/null", S_IFCHR | 0666, 1, 3, NULL, 0);
	_cleanup_free_ char *init = init_script(f);
	cpio_entry(&c, "init", S_IFREG | 0755, 0, 0, init, strlen(init));
	r = cpio_file(&c, "bin/busybox", v->busybox, 0755);
	for (size_t i = 0; i < f->nmods && r == 0; i++) {
		_cleanup_free_ char *src = kp_path_join(f->root, f->mods[i].path + 1);
		if (kp_is_file(src))
			r = cpio_file(&c, f->mods[i].path + 1, src, 0644);
	}
	for (size_t i = 0; i < f->nkmods && r == 0; i++)
		r = cpio_module(&c, &f->kmods[i]);
	_cleanup_free_ char *fw = kp_path_join(f->root, "lib/firmware");
	if (r == 0)
		r = cpio_tree(&c, fw, "lib/firmware");
	if (r == 0) {
		cpio_entry(&c, "TRAILER!!!", 0, 0, 0, NULL, 0);
		f->initrd = kp_asprintf("%s/%s/initramfs.cpio", v->work, f->name);
		if ((r = kp_write_file(f->initrd, c.b.s, c.b.len, 0644)) < 0)
			kp_err("cannot write '%s': %s", f->initrd, strerror(-r));
	}
	kp_buf_release(&c.b);
	kp_strv_release(&c.dirs);
	return r;
}

/* ---- qemu ---- */

const char *vf_pick_accel(const char **why)
{
	const char *env = getenv("KMODPACK_QEMU_ACCEL");
	if (env && (!strcmp(env, "kvm") || !strcmp(env, "tcg"))) {
		*why = "KMODPACK_QEMU_ACCEL";
		return env;
	}
	int fd = open("/dev/kvm", O_RDWR | O_CLOEXEC);
	if (fd < 0) {
		*why = errno == ENOENT ? "no /dev/kvm" : "/dev/kvm not usable";
		return "tcg";
	}
	close(fd);
	/*
	 * Some VMs expose /dev/kvm without virtualisation extensions: qemu
	 * then hangs or aborts rather than failing cleanly. The CPU flags say
	 * whether KVM can run a guest at all.
	 */
	_cleanup_free_ char *cpu = NULL;
	if (kp_read_file("/proc/cpuinfo", &cpu, NULL) == 0 &&
	    (strstr(cpu, " vmx") || strstr(cpu, " svm"))) {
		*why = "/dev/kvm";
		return "kvm";
	}
	*why = "/dev/kvm present but the CPU shows no vmx/svm";
	return "tcg";
}

static void qemu_argv(struct vf_run *v, struct vf_flavour *f, struct kp_strv *av)
{
	kp_strv_push(av, v->qemu_bin);
	kp_strv_push(av, "-kernel");
	kp_strv_push(av, f->image);
	kp_strv_push(av, "-initrd");
	kp_strv_push(av, f->initrd);
	/*
	 * loglevel=1: kernel lines would interleave with ours; init copies them
	 * from dmesg. no_timer_check: under TCG on a busy host the emulated
	 * timer can miss the kernel's IO-APIC check, which then panics in
	 * setup_IO_APIC ("IO-APIC + timer doesn't work") before init runs.
	 */
	kp_strv_push(av, "-append");
	/* module.sig_enforce=1: only modules signed by a key the kernel holds load. */
	kp_strv_push(av, v->sig_enforce ? "console=ttyS0 panic=-1 loglevel=1 no_timer_check "
					  "rdinit=/init module.sig_enforce=1"
					: "console=ttyS0 panic=-1 loglevel=1 no_timer_check rdinit=/init");
	kp_strv_push(av, "-nographic");
	kp_strv_push(av, "-monitor");
	kp_strv_push(av, "none");
	kp_strv_push(av, "-no-reboot");
	kp_strv_push(av, "-m");
	kp_strv_push(av, "256");
	kp_strv_push(av, "-smp");
	kp_strv_push(av, "1");
	kp_strv_push(av, "-nic");
	kp_strv_push(av, "none");
	kp_strv_push(av, "-accel");
	kp_strv_push(av, f->accel);
}

static struct vf_module *module_named(struct vf_flavour *f, const char *name, size_t len)
{
	for (size_t i = 0; i < f->nmods; i++)
		if (strlen(f->mods[i].name) == len && !strncmp(f->mods[i].name, name, len))
			return &f->mods[i];
	return NULL;
}

/*
 * insmod's "...: No such device" back to ENODEV: busybox prints strerror(),
 * except for the errors its moderror() words itself.
 */
static char *errno_name(const char *msg)
{
	static const struct {
		const char *text;
		int err;
	} own[] = {{"invalid module format", ENOEXEC},
		   {"unknown symbol in module, or unknown parameter", ENOENT},
		   {"module has wrong symbol version", ESRCH},
		   {"kernel does not support requested operation", ENOSYS},
		   {"no such module", EPERM}};
	const char *text = strrchr(msg, ':');
	text = text ? text + 2 : msg;
	/* "unknown symbol in module, or ..." holds a colon-free comma: match whole tails. */
	for (size_t i = 0; i < KP_ARRAY_SIZE(own); i++)
		if (kp_endswith(msg, own[i].text))
			return kp_strdup(strerrorname_np(own[i].err));
	for (int e = 1; e < 200; e++)
		if (!strcmp(strerror(e), text) && strerrorname_np(e))
			return kp_strdup(strerrorname_np(e));
	return NULL;
}

/* Read the console: markers per module, or why the VM never got that far. */
static void parse_console(struct vf_flavour *f, const struct kp_job *job, double timeout,
			  bool sig_enforce)
{
	_cleanup_free_ char *text = NULL;
	if (kp_read_file(f->console, &text, NULL) < 0)
		text = kp_strdup("");
	bool booted = false, done = false;
	struct kp_strv tail = {0};
	/* A serial console ends lines with \r\n, and firmware redraws with a bare \r. */
	for (char *c = text; *c; c++)
		if (*c == '\r')
			*c = '\n';
	for (char *save = NULL, *l = strtok_r(text, "\n", &save); l;
	     l = strtok_r(NULL, "\n", &save)) {
		/* Firmware escape codes can precede the first line. */
		char *mk = strstr(l, MARK);
		if (!mk) {
			if (*l && tail.n < 200)
				kp_strv_push(&tail, l);
			continue;
		}
		const char *p = mk + strlen(MARK);
		if (!strcmp(p, "BOOTED")) {
			booted = true;
		} else if (!strcmp(p, "DONE")) {
			done = true;
		} else if (kp_startswith(p, "KERNEL ")) {
			p += strlen("KERNEL ");
			size_t nl = strcspn(p, " ");
			const char *rest = p[nl] ? p + nl + 1 : "";
			for (size_t i = 0; i < f->nkmods; i++) {
				struct vf_kernel_module *km = &f->kmods[i];
				if (strlen(km->name) != nl || strncmp(km->name, p, nl))
					continue;
				km->loaded = !strcmp(rest, "loaded");
				const char *why = kp_startswith(rest, "failed ") ? rest + 7 : rest;
				if (kp_startswith(why, "insmod: ")) /* busybox's own prefix */
					why += strlen("insmod: ");
				/* modprobe goes on without a soft dependency that does not load
				 * (crc32c_intel on a CPU without SSE 4.2): so does verify. */
				if (!km->loaded && km->soft)
					kp_info("flavour %s: soft dependency %s did not load (%s); "
						"modprobe goes on without it, and so does verify",
						f->name, km->name, why);
				else if (!km->loaded)
					rp_check_fail(&f->load,
						      "in-kernel dependency %s: insmod: %s",
						      km->name, why);
			}
		} else if (kp_startswith(p, "RESULT ") || kp_startswith(p, "DMESG ")) {
			bool result = p[0] == 'R';
			p = strchr(p, ' ') + 1;
			size_t nl = strcspn(p, " ");
			struct vf_module *m = module_named(f, p, nl);
			const char *rest = p[nl] ? p + nl + 1 : "";
			if (!m)
				continue;
			if (!result) {
				/*
				 * busybox insmod retries a failed finit_module() with
				 * init_module(), so a failing init runs twice: keep
				 * each of the kernel's lines once.
				 */
				const char *msg = rest[0] == '[' && strchr(rest, ']')
						      ? strchr(rest, ']') + 1
						      : rest;
				bool seen = false;
				for (size_t k = 0; k < m->kernel.n && !seen; k++)
					seen = kp_endswith(m->kernel.v[k], msg);
				if (!seen)
					kp_strv_push(&m->kernel, rest);
			} else if (!strcmp(rest, "loaded")) {
				m->load.status = RP_PASS;
			} else {
				const char *msg = kp_startswith(rest, "failed ") ? rest + 7 : rest;
				free(m->load_error);
				m->load_error = kp_strdup(msg);
				m->load_errno = errno_name(msg);
				const char *why = strrchr(msg, ':');
				rp_check_fail(&m->load, "insmod: %s%s%s%s", why ? why + 2 : msg,
					      m->load_errno ? " (" : "",
					      m->load_errno ? m->load_errno : "",
					      m->load_errno ? ")" : "");
			}
		}
	}
	if (sig_enforce)
		vf_sig_judge(f);
	f->booted = booted;
	if (job->timed_out)
		rp_check_fail(&f->load, "timeout: the VM ran longer than %.0fs and was killed",
			      timeout);
	else if (!booted)
		rp_check_fail(&f->load,
			      "the kernel did not start the initramfs' init (qemu "
			      "exited with %d)",
			      job->exit_status);
	else if (!done)
		rp_check_fail(&f->load, "the VM stopped before the init finished");
	if (f->load.status == RP_FAIL)
		for (size_t i = tail.n > 8 ? tail.n - 8 : 0; i < tail.n; i++)
			kp_strv_pushf(&f->load.errors, "  console: %s", tail.v[i]);
	kp_strv_release(&tail);
	for (size_t i = 0; i < f->nmods; i++) {
		struct vf_module *m = &f->mods[i];
		if (m->load.status == RP_NOTRUN) {
			rp_check_fail(&m->load, "no result: the init did not reach it");
		} else if (m->load.status == RP_FAIL) {
			/* The taint notes come with every out-of-tree module: not the cause. */
			for (size_t k = 0; k < m->kernel.n; k++)
				if (!strstr(m->kernel.v[k], "taints kernel") &&
				    !strstr(m->kernel.v[k], "tainting kernel"))
					kp_strv_pushf(&m->load.errors, "kernel: %s",
						      m->kernel.v[k]);
			f->load.status = RP_FAIL;
		}
	}
	if (f->load.status == RP_NOTRUN)
		f->load.status = RP_PASS;
}

static void reset_load(struct vf_flavour *f)
{
	f->load.status = RP_NOTRUN;
	for (size_t i = 0; i < f->nkmods; i++)
		f->kmods[i].loaded = false;
	kp_strv_release(&f->load.errors);
	for (size_t i = 0; i < f->nmods; i++) {
		struct vf_module *m = &f->mods[i];
		m->load.status = RP_NOTRUN;
		kp_strv_release(&m->load.errors);
		kp_strv_release(&m->kernel);
		free(m->load_error);
		free(m->load_errno);
		m->load_error = m->load_errno = NULL;
	}
}

/* Boot the flavours in idx[] at once; returns 0 or <0 (interrupted, qemu missing). */
static int boot(struct vf_run *v, size_t *idx, size_t n)
{
	struct kp_job *jobs = kp_calloc(n, sizeof(*jobs));
	struct kp_strv *avs = kp_calloc(n, sizeof(*avs));
	for (size_t k = 0; k < n; k++) {
		struct vf_flavour *f = &v->fl[idx[k]];
		free(f->console);
		f->console = kp_asprintf("%s/verify-%s-console.log", v->logdir, f->name);
		qemu_argv(v, f, &avs[k]);
		jobs[k] = (struct kp_job){.name = f->name,
					  .argv = avs[k].v,
					  .logpath = f->console,
					  .timeout = v->timeout};
	}
	int r = kp_run_jobs(jobs, n, v->jobs, NULL, NULL);
	for (size_t k = 0; k < n && r == 0; k++) {
		struct vf_flavour *f = &v->fl[idx[k]];
		reset_load(f);
		f->load_seconds = jobs[k].ended - jobs[k].started;
		parse_console(f, &jobs[k], v->timeout, v->sig_enforce);
	}
	for (size_t k = 0; k < n; k++)
		kp_strv_release(&avs[k]);
	free(avs);
	free(jobs);
	return r;
}

int vf_load_check(struct vf_run *v)
{
	size_t *idx = kp_calloc(v->n, sizeof(size_t)), n = 0;
	const char *why;
	const char *accel = vf_pick_accel(&why);
	for (size_t i = 0; i < v->n; i++)
		if (v->fl[i].initrd) {
			v->fl[i].accel = accel;
			idx[n++] = i;
		}
	int r = n ? boot(v, idx, n) : 0;
	/* KVM that starts but cannot run the guest: once more with emulation. */
	size_t again = 0;
	for (size_t k = 0; r == 0 && k < n; k++) {
		struct vf_flavour *f = &v->fl[idx[k]];
		if (!strcmp(f->accel, "kvm") && !f->booted) {
			kp_warn("flavour %s: the VM failed under KVM; trying again with TCG "
				"(set KMODPACK_QEMU_ACCEL=tcg to skip KVM)",
				f->name);
			f->accel = "tcg";
			idx[again++] = idx[k];
		}
	}
	if (r == 0 && again)
		r = boot(v, idx, again);
	free(idx);
	return r < 0 ? r : kp_check_interrupted();
}
