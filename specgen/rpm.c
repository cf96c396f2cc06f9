// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * RPMs through librpm's build API, in process (rpm 4.18).
 *
 * kmodpack has already compiled the driver and staged every file of every
 * package in the buildroot, so only rpm's packaging stages run here:
 * RPMBUILD_PACKAGEBINARY (which also checks the %files lists against the
 * buildroot, FILECHECK) and RPMBUILD_PACKAGESOURCE. %prep, %build, %install,
 * %check and %clean are shell scripts that rpm would run through /bin/sh;
 * they stay in the rendered spec for `rpmbuild --rebuild` of the SRPM and
 * are never run here. rpm still starts two helper programs of its own
 * while packaging binaries: %__check_files (the unpackaged-files check) and
 * the file-attribute dependency generators; neither runs spec text.
 *
 * librpm is a library full of process-global state, and this file is the
 * one place that knows it:
 *  - the macro context and the rpmrc tables are global: every build starts
 *    from rpmFreeMacros()/rpmFreeRpmrc() and reads the configuration again
 *    (as rpmbuild does for each --target), so builds do not leak macros into
 *    each other, and the arch can change between calls;
 *  - SOURCE_DATE_EPOCH is read by rpm from the environment (build time and
 *    mtime clamp), so it is set for the duration of the build and restored;
 *  - the log callback and mask are global: both are swapped in and out;
 *  - binary packages are written from OpenMP threads; rpm serialises its
 *    log callback, so kp_log is only ever entered by one thread at a time.
 * Hence spec_rpm_build is not thread-safe: call it from one thread.
 *
 * Signals: rpm 4.18's build path installs no signal handlers (only the rpm
 * CLI calls rpmsqActivate; the rpmdb code blocks signals around database
 * writes, and no database is opened here). A caller's SIGINT/SIGTERM
 * handler therefore stays in force during spec_rpm_build. The build cannot
 * be unwound from a handler, though, and rpm writes packages in place
 * (open/truncate, no rename): the handler should only record the signal
 * (and kill children), and the caller removes its staging dir (which must
 * hold rpmdir, srpmdir and workdir) once spec_rpm_build returns, or from
 * the handler with _exit(128 + sig) if it must not wait. A half-written RPM
 * then only ever exists inside staging.
 */
#include "specgen/rpm.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <rpm/rpmbuild.h>
#include <rpm/rpmcrypto.h>
#include <rpm/rpmlib.h>
#include <rpm/rpmlog.h>
#include <rpm/rpmmacro.h>
#include <rpm/rpmts.h>

#include "common/fs.h"
#include "common/log.h"
#include "common/util.h"

/*
 * Which configuration rpm reads. Only rpm's own installed defaults: the
 * system macros, the per-platform macros of the target arch and the file
 * attribute definitions. /etc/rpm/macros* and ~/.rpmmacros (and ~/.rpmrc)
 * are left out on purpose: they can change what ends up inside the package
 * (%packager, %vendor, %distribution, %_binary_payload, the file digest
 * algorithm, %_build_pkgcheck running rpmlint...), and kmodpack promises
 * that the same inputs give the same bytes on any machine and for any
 * user. Whatever a vendor wants in the package belongs in the manifest,
 * where it is validated and escaped.
 */
static char *config_macrofiles(void)
{
	const char *d = rpmConfigDir();
	return kp_asprintf("%s/macros:%s/macros.d/macros.*:%s/platform/%%{_target}/macros:"
			   "%s/fileattrs/*.attr",
			   d, d, d, d);
}

static char *config_rcfiles(void)
{
	return kp_asprintf("%s/rpmrc", rpmConfigDir());
}

/* Messages rpm logs during a build, kept to summarise a failure. */
struct rpm_log_ctx {
	int nerr;
};

static void log_lines(enum kp_log_prio prio, const char *msg)
{
	/* rpm's messages end in '\n' and some span lines (check-files). */
	while (*msg) {
		size_t n = strcspn(msg, "\n");
		if (n > 0)
			kp_log(prio, "rpm: %.*s", (int)n, msg);
		msg += n;
		if (*msg == '\n')
			msg++;
	}
}

static int rpm_log_cb(rpmlogRec rec, rpmlogCallbackData data)
{
	struct rpm_log_ctx *ctx = data;
	const char *msg = rpmlogRecMessage(rec);

	switch (rpmlogRecPriority(rec)) {
	case RPMLOG_EMERG:
	case RPMLOG_ALERT:
	case RPMLOG_CRIT:
	case RPMLOG_ERR:
		ctx->nerr++;
		log_lines(KP_LOG_ERR, msg);
		break;
	case RPMLOG_WARNING:
		log_lines(KP_LOG_WARN, msg);
		break;
	case RPMLOG_NOTICE:
	case RPMLOG_INFO:
		log_lines(KP_LOG_INFO, msg);
		break;
	default:
		log_lines(KP_LOG_DEBUG, msg);
		break;
	}
	/*
	 * Neither RPMLOG_DEFAULT (rpm would also print to stderr) nor
	 * RPMLOG_EXIT (rpm would exit() the whole process on a critical
	 * message): the library never prints and never exits.
	 */
	return 0;
}

static void push_macro(const char *name, const char *body)
{
	rpmPushMacro(NULL, name, NULL, body, RMIL_CMDLINE);
}

/*
 * The macros that make the packages independent of where and when they
 * were built. Pushed at command-line level after the configuration files,
 * so they win over rpm's defaults; a rendered spec could still redefine
 * them, which is why user text in a spec is escaped (specgen/escape.c).
 */
static void push_build_macros(const struct spec_rpm_opts *o)
{
	_cleanup_free_ char *builddir = kp_path_join(o->workdir, "BUILD");
	_cleanup_free_ char *buildrootdir = kp_path_join(o->workdir, "BUILDROOT");
	_cleanup_free_ char *tmppath = kp_path_join(o->workdir, "tmp");

	push_macro("_topdir", o->workdir);
	push_macro("_builddir", builddir);
	push_macro("_buildrootdir", buildrootdir);
	push_macro("_tmppath", tmppath);
	push_macro("_rpmdir", o->rpmdir);
	push_macro("_srcrpmdir", o->srpmdir);
	push_macro("_sourcedir", o->sourcedir);
	/*
	 * %% because rpm expands the macro first and only then formats the
	 * result against each package's header: a bare %{NAME} would be the
	 * spec's main Name, and every subpackage would overwrite one file.
	 */
	push_macro("_rpmfilename", "%%{ARCH}/%%{NAME}-%%{VERSION}-%%{RELEASE}.%%{ARCH}.rpm");

	/* Reproducibility: time, host, mtimes, compression. */
	push_macro("use_source_date_epoch_as_buildtime", "1");
	push_macro("clamp_mtime_to_source_date_epoch", "1");
	push_macro("source_date_epoch_from_changelog", "0");
	push_macro("_buildhost", "kmodpack");
	if (o->packager)
		push_macro("packager", o->packager);
	/*
	 * gzip: single-threaded, so the bytes do not depend on the thread
	 * count (xz and zstd with T do), and readable by the old rpm of the
	 * products these packs install on. Level 6, not 9: profiling showed
	 * 89% of kmodpack's own CPU time in zlib at -9, for payloads only
	 * ~1.5% smaller (docs/PERFORMANCE.md).
	 */
	push_macro("_binary_payload", "w6.gzdio");
	push_macro("_source_payload", "w6.gzdio");
	/*
	 * One file-classification thread: rpm starts one per CPU, each loading
	 * libmagic's database (~10 MB), so peak memory grew with the CPU count.
	 */
	push_macro("_smp_build_nthreads", "1");

	/* The modules are shipped as built: no debuginfo, no build-id links. */
	push_macro("_enable_debug_packages", "0");
	push_macro("debug_package", "%{nil}");
	push_macro("_build_id_links", "none");
	push_macro("_unpackaged_files_terminate_build", "1");
	push_macro("_missing_doc_files_terminate_build", "1");
}

/* SOURCE_DATE_EPOCH is read from the environment by rpm: set, then restore. */
struct saved_env {
	char *old;
	bool had;
};

static void sde_set(struct saved_env *s, long long sde)
{
	const char *v = getenv("SOURCE_DATE_EPOCH");
	s->had = v != NULL;
	s->old = v ? kp_strdup(v) : NULL;
	char buf[32];
	snprintf(buf, sizeof(buf), "%lld", sde);
	setenv("SOURCE_DATE_EPOCH", buf, 1);
}

static void sde_restore(struct saved_env *s)
{
	if (s->had)
		setenv("SOURCE_DATE_EPOCH", s->old, 1);
	else
		unsetenv("SOURCE_DATE_EPOCH");
	free(s->old);
	s->old = NULL;
}

static int check_opts(const struct spec_rpm_opts *o)
{
	if (!o->specfile || !o->workdir || !o->arch || !*o->arch) {
		kp_err("rpm build: spec file, work dir and arch are required");
		return -EINVAL;
	}
	if (!o->binary && !o->source) {
		kp_err("rpm build: nothing to build (neither binary nor source)");
		return -EINVAL;
	}
	if (o->binary && (!o->buildroot || !o->rpmdir)) {
		kp_err("rpm build: binary packages need a buildroot and an rpm dir");
		return -EINVAL;
	}
	if (o->source && (!o->sourcedir || !o->srpmdir)) {
		kp_err("rpm build: the source package needs a source dir and an srpm dir");
		return -EINVAL;
	}
	if (o->source_date_epoch < 0 || o->source_date_epoch > 0xffffffffLL) {
		/* rpm stores build times as 32-bit values */
		kp_err("rpm build: SOURCE_DATE_EPOCH %lld is out of range", o->source_date_epoch);
		return -KP_EINPUT;
	}
	/* rpm builds relative paths from its cwd; refuse them rather than guess. */
	const char *paths[] = {o->specfile, o->buildroot, o->sourcedir,
			       o->rpmdir,   o->srpmdir,	  o->workdir};
	for (size_t i = 0; i < KP_ARRAY_SIZE(paths); i++) {
		if (paths[i] && paths[i][0] != '/') {
			kp_err("rpm build: '%s' is not an absolute path", paths[i]);
			return -EINVAL;
		}
	}
	return 0;
}

/*
 * One rpmSpecBuild pass over a freshly parsed spec. Binary packages and
 * the SRPM are built in separate passes: in one pass rpm would stamp the
 * binaries with the SRPM's digest (SOURCEPKGID) and cookie, so a changed
 * tarball timestamp or spec comment would change every binary RPM.
 */
static int build_pass(const struct spec_rpm_opts *o, rpmBuildFlags what)
{
	rpmSpecFlags flags = RPMSPEC_NONE;
	const char *specfile = o->specfile;
	if (!(what & RPMBUILD_PACKAGEBINARY))
		flags |= RPMSPEC_ANYARCH;
	if ((what & RPMBUILD_PACKAGEBINARY) && o->binary_specfile) {
		/* No-op stages: the spec has no scripts for them (see rpm.h). */
		specfile = o->binary_specfile;
		what |= RPMBUILD_PREP | RPMBUILD_BUILD | RPMBUILD_INSTALL;
	}

	/* The SRPM never reads the buildroot; a fixed name keeps its header the same. */
	const char *buildroot = (what & RPMBUILD_PACKAGEBINARY) ? o->buildroot : "BUILDROOT";
	rpmSpec spec = rpmSpecParse(specfile, flags, buildroot);
	if (!spec) {
		kp_err("rpm build: cannot parse '%s'", specfile);
		return -KP_EFAILED;
	}

	rpmts ts = rpmtsCreate();
	rpmtsSetRootDir(ts, "/");
	struct rpmBuildArguments_s ba = {
	    .pkgFlags = RPMBUILD_PKG_NONE,
	    .buildAmount = what,
	    .buildRootOverride = (char *)buildroot,
	    .cookie = NULL,
	    .rootdir = "/",
	};
	int rc = rpmSpecBuild(ts, spec, &ba);
	rpmtsFree(ts);
	rpmSpecFree(spec);
	if (rc != 0) {
		kp_err("rpm build: packaging '%s' failed", specfile);
		return -KP_EFAILED;
	}
	return 0;
}

/* The directories rpm writes into, made before rpm's state is touched. */
static int make_dirs(const struct spec_rpm_opts *o)
{
	_cleanup_free_ char *tmppath = kp_path_join(o->workdir, "tmp");
	const char *dirs[] = {o->workdir, o->binary ? o->rpmdir : NULL,
			      o->source ? o->srpmdir : NULL, tmppath};
	for (size_t i = 0; i < KP_ARRAY_SIZE(dirs); i++) {
		if (!dirs[i])
			continue;
		int r = kp_mkdir_p(dirs[i], 0755);
		if (r < 0) {
			kp_err("cannot create '%s': %s", dirs[i], strerror(-r));
			return r;
		}
	}
	return 0;
}

/* rpm's configuration for o->arch, read from the files config_rcfiles() names. */
static int read_config(const struct spec_rpm_opts *o, const char *rc_files)
{
	if (rpmReadConfigFiles(rc_files, o->arch) != 0) {
		kp_err("rpm build: cannot read rpm's configuration for arch '%s'", o->arch);
		return -KP_EENV;
	}
	/* rpm takes an unknown arch as-is; catch a typo before it names files. */
	_cleanup_free_ char *target_cpu = rpmExpand("%{_target_cpu}", NULL);
	if (strcmp(target_cpu, o->arch) != 0) {
		kp_err("rpm build: arch '%s' is not known to rpm (it chose '%s')", o->arch,
		       target_cpu);
		return -KP_EINPUT;
	}
	return 0;
}

/*
 * The SRPM header keeps the expanded %prep, which names %{_sourcedir} and
 * %{_builddir}: with the staging dir's random absolute paths no two SRPMs
 * would be the same. Built from the source dir with relative paths, the
 * text is the same wherever built.
 */
static int build_source(const struct spec_rpm_opts *o)
{
	int r;
	int cwd = open(".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (cwd < 0 || chdir(o->sourcedir) < 0) {
		r = -errno;
		kp_err("rpm build: cannot enter '%s': %s", o->sourcedir, strerror(-r));
	} else {
		push_macro("_sourcedir", ".");
		push_macro("_builddir", "BUILD");
		r = build_pass(o, RPMBUILD_PACKAGESOURCE);
		if (fchdir(cwd) < 0 && r == 0)
			r = -errno;
	}
	if (cwd >= 0)
		close(cwd);
	return r;
}

int spec_rpm_build(const struct spec_rpm_opts *o)
{
	int r = check_opts(o);
	if (r < 0 || (r = make_dirs(o)) < 0)
		return r;

	struct rpm_log_ctx lctx = {0};
	rpmlogCallback old_cb = rpmlogSetCallback(rpm_log_cb, &lctx);
	/*
	 * WARNING, not NOTICE: at NOTICE rpm prints its own "RPM build
	 * errors" summary straight to stderr (rpmlogPrintByMask), bypassing
	 * the callback. Every error already came through the callback.
	 */
	int old_mask = rpmlogSetMask(RPMLOG_UPTO(RPMLOG_WARNING));
	struct saved_env sde = {0};
	sde_set(&sde, o->source_date_epoch);

	_cleanup_free_ char *mf = config_macrofiles();
	_cleanup_free_ char *rc_files = config_rcfiles();
	const char *old_macrofiles = macrofiles;
	rpmFreeMacros(NULL);
	rpmFreeRpmrc();
	macrofiles = mf;
	r = read_config(o, rc_files);
	if (r == 0) {
		push_build_macros(o);
		if (o->binary)
			r = build_pass(o, RPMBUILD_PACKAGEBINARY);
		if (r == 0 && o->source)
			r = build_source(o);
	}

	/* Leave no macros of this build behind for the next caller. */
	rpmFreeMacros(NULL);
	rpmFreeRpmrc();
	macrofiles = old_macrofiles;
	sde_restore(&sde);
	rpmlogClose();
	rpmlogSetMask(old_mask);
	rpmlogSetCallback(old_cb, NULL);
	if (r == -KP_EFAILED && lctx.nerr == 0)
		kp_err("rpm build: rpm failed without saying why");
	return r;
}
