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

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <rpm/rpmbuild.h>
#include <rpm/rpmcrypto.h>
#include <rpm/rpmkeyring.h>
#include <rpm/rpmpgp.h>
#include <rpm/rpmlib.h>
#include <rpm/rpmlog.h>
#include <rpm/rpmmacro.h>
#include <rpm/rpmsign.h>
#include <rpm/rpmts.h>

#include "common/fs.h"
#include "common/gpg.h"
#include "common/log.h"
#include "common/openpgp.h"
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
		/* rpmsign without a terminal: gpg-agent's pinentry finds its own way */
		log_lines(strstr(msg, "GPG_TTY") ? KP_LOG_DEBUG : KP_LOG_WARN, msg);
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
		/* The spec's BuildRoot names it; the source pass writes nothing there. */
		push_macro("_tmppath", "/var/tmp");
		r = build_pass(o, RPMBUILD_PACKAGESOURCE);
		if (fchdir(cwd) < 0 && r == 0)
			r = -errno;
	}
	if (cwd >= 0)
		close(cwd);
	return r;
}

/* rpm's global state for one call: log callback, SOURCE_DATE_EPOCH, configuration. */
struct rpm_session {
	struct rpm_log_ctx lctx;
	rpmlogCallback old_cb;
	int old_mask;
	struct saved_env sde;
	char *mf, *rc_files;
	const char *old_macrofiles;
};

static void session_begin(struct rpm_session *s, long long sde)
{
	s->lctx = (struct rpm_log_ctx){0};
	s->old_cb = rpmlogSetCallback(rpm_log_cb, &s->lctx);
	/*
	 * WARNING, not NOTICE: at NOTICE rpm prints its own "RPM build
	 * errors" summary straight to stderr (rpmlogPrintByMask), bypassing
	 * the callback. Every error already came through the callback.
	 */
	s->old_mask = rpmlogSetMask(RPMLOG_UPTO(RPMLOG_WARNING));
	sde_set(&s->sde, sde);
	s->mf = config_macrofiles();
	s->rc_files = config_rcfiles();
	s->old_macrofiles = macrofiles;
	rpmFreeMacros(NULL);
	rpmFreeRpmrc();
	macrofiles = s->mf;
}

/* Leave no macros of this call behind for the next caller. */
static void session_end(struct rpm_session *s)
{
	rpmFreeMacros(NULL);
	rpmFreeRpmrc();
	macrofiles = s->old_macrofiles;
	sde_restore(&s->sde);
	rpmlogClose();
	rpmlogSetMask(s->old_mask);
	rpmlogSetCallback(s->old_cb, NULL);
	free(s->mf);
	free(s->rc_files);
}

int spec_rpm_build(const struct spec_rpm_opts *o)
{
	int r = check_opts(o);
	if (r < 0 || (r = make_dirs(o)) < 0)
		return r;

	struct rpm_session s;
	session_begin(&s, o->source_date_epoch);
	r = read_config(o, s.rc_files);
	if (r == 0) {
		push_build_macros(o);
		if (o->binary)
			r = build_pass(o, RPMBUILD_PACKAGEBINARY);
		if (r == 0 && o->source)
			r = build_source(o);
	}
	session_end(&s);
	if (r == -KP_EFAILED && s.lctx.nerr == 0)
		kp_err("rpm build: rpm failed without saying why");
	return r;
}

bool spec_rpm_keyid_ok(const char *keyid)
{
	if (!keyid || !*keyid || strlen(keyid) > 256 || *keyid == '-')
		return false;
	for (const char *p = keyid; *p; p++)
		if (!isalnum((unsigned char)*p) && !strchr("@._+-", *p))
			return false;
	return true;
}

/* gpg as rpm's %__gpg: Debian's rpm names /usr/bin/gpg2, which Debian does not ship. */
static char *find_gpg(void)
{
	static const char *const names[] = {"gpg", "gpg2"};
	const char *path = getenv("PATH");
	_cleanup_strv_ struct kp_strv dirs = {0};
	kp_strv_split_on(&dirs, path && *path ? path : "/usr/bin:/bin", ":");
	for (size_t i = 0; i < KP_ARRAY_SIZE(names); i++)
		for (size_t k = 0; k < dirs.n; k++) {
			_cleanup_free_ char *p = kp_path_join(dirs.v[k], names[i]);
			/* rpm splits the command on blanks (popt): such a dir cannot be used */
			if (!strpbrk(p, " \t'\"\\%") && access(p, X_OK) == 0)
				return TAKE_PTR(p);
		}
	return NULL;
}

/* gpg's stderr, one message per line: as debug on success, errors on failure. */
static void log_gpg(const char *logfile, enum kp_log_prio prio)
{
	_cleanup_free_ char *text = NULL;
	if (kp_read_file(logfile, &text, NULL) < 0)
		return;
	for (char *line = strtok(text, "\n"); line; line = strtok(NULL, "\n")) {
		kp_log(prio, "%s%s", kp_startswith(line, "gpg: ") ? "" : "gpg: ", line);
	}
}

/*
 * How far ahead of the clock a signature time may be for sign_all to wait
 * for it: longer than one rpmPkgSign takes to start its two gpg runs.
 */
#define GPG_FREEZE_WAIT 5

/*
 * Return once the clock's second is past `when`, if `when` is now or just
 * ahead. GnuPG 2.2's gnupg_set_time() ignores the '!' of
 * --faked-system-time when the time given is the clock's current second
 * and runs on the real clock: a gpg that starts in that second and signs
 * in the next dates its signature a second late. That second is common:
 * a key made just before signing, or SOURCE_DATE_EPOCH=$(date +%s), and
 * the same input then gave two different signed packages. A time further
 * ahead cannot be the current second at gpg's start, and a past one
 * never will be.
 */
static void wait_past(long long when)
{
	struct timespec now;
	while (clock_gettime(CLOCK_REALTIME, &now) == 0 && now.tv_sec <= when &&
	       when - now.tv_sec <= GPG_FREEZE_WAIT) {
		/* to the start of second when + 1 */
		long long ns = (when - now.tv_sec + 1) * 1000000000LL - now.tv_nsec;
		struct timespec left = {.tv_sec = (time_t)(ns / 1000000000LL),
					.tv_nsec = (long)(ns % 1000000000LL)};
		nanosleep(&left, NULL);
	}
}

/*
 * rpmPkgSign on each path, gpg's stderr (inherited from this process) in
 * logfile: the library prints nothing itself. kmodpack runs no other
 * thread that could write to stderr meanwhile.
 */
static int sign_all(const char *const *paths, size_t n, const char *keyid, const char *gpg,
		    const char *logfile, long long when)
{
	push_macro("__gpg", gpg);
	push_macro("_gpg_digest_algo", "sha256");
	/*
	 * The signature packet's creation time is SOURCE_DATE_EPOCH, or the
	 * key's creation if that is later (spec_rpm_sign): RSA PKCS#1 v1.5
	 * signatures are deterministic, so the signed package is
	 * reproducible. '!' freezes the clock; --ignore-time-conflict lets gpg
	 * sign at the key's own second.
	 */
	_cleanup_free_ char *extra =
	    kp_asprintf("--faked-system-time=%lld! --ignore-time-conflict", when);
	push_macro("_gpg_sign_cmd_extra_args", extra);
	struct rpmSignArgs args = {.keyid = (char *)keyid, .signflags = RPMSIGN_FLAG_RPMV3};
	/* gpg's messages on stderr, and rpmsign's "PATH:" line on stdout, which
	 * is kmodpack's (--json): both into the log. */
	fflush(stdout);
	int log = open(logfile, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	int saved = log < 0 ? -1 : dup(STDERR_FILENO);
	int saved_out = saved < 0 ? -1 : dup(STDOUT_FILENO);
	if (saved_out < 0 || dup2(log, STDERR_FILENO) < 0 || dup2(log, STDOUT_FILENO) < 0) {
		int r = -errno;
		if (saved >= 0)
			dup2(saved, STDERR_FILENO);
		if (saved_out >= 0)
			dup2(saved_out, STDOUT_FILENO);
		kp_err("cannot capture gpg's messages in '%s': %s", logfile, strerror(-r));
		if (log >= 0)
			close(log);
		if (saved >= 0)
			close(saved);
		if (saved_out >= 0)
			close(saved_out);
		return r;
	}
	int r = 0;
	for (size_t i = 0; i < n && r == 0; i++) {
		wait_past(when);
		if (rpmPkgSign(paths[i], &args) != 0)
			r = -KP_EFAILED;
	}
	fflush(stdout);
	dup2(saved, STDERR_FILENO);
	dup2(saved_out, STDOUT_FILENO);
	close(saved);
	close(saved_out);
	close(log);
	log_gpg(logfile, r < 0 ? KP_LOG_ERR : KP_LOG_DEBUG);
	if (r < 0)
		kp_err("cannot sign the packages with gpg key '%s' (is the key in gpg's keyring, "
		       "GNUPGHOME set, and its passphrase in gpg-agent?)",
		       keyid);
	return r;
}

int spec_rpm_sign_check(const char *keyid, struct kp_gpg_key *key)
{
	struct kp_gpg_key k;
	if (key)
		*key = (struct kp_gpg_key){0};
	int r = kp_gpg_find_key(keyid, &k);
	if (r == 0 && k.algo == KP_PGP_ECDSA) {
		kp_err("--gpg-key '%s': an ECDSA key, whose signatures rpm cannot check ('rpm: "
		       "Unsupported PGP signature'): sign with an RSA key (what XenServer's own "
		       "packages use) or Ed25519",
		       keyid);
		r = -KP_EINPUT;
	} else if (r == 0 && !k.algo) {
		kp_err("--gpg-key '%s': its signing key's algorithm is not one kmodpack signs with "
		       "(RSA, DSA, EdDSA)",
		       keyid);
		r = -KP_EINPUT;
	}
	if (r == 0 && key)
		*key = k;
	else
		kp_gpg_key_release(&k);
	return r;
}

int spec_rpm_sign(const char *const *paths, size_t n, const char *keyid, long long sde,
		  long long key_created)
{
	if (!spec_rpm_keyid_ok(keyid)) {
		kp_err("gpg key '%s': use a key id, fingerprint or e-mail address (letters, digits "
		       "and @._+- only)",
		       keyid ? keyid : "");
		return -KP_EINPUT;
	}
	_cleanup_free_ char *gpg = find_gpg();
	if (!gpg) {
		kp_err("cannot sign packages: no gpg in PATH (on Debian: apt-get install gpg)");
		return -KP_EENV;
	}
	/* A private dir for gpg's messages. */
	char dir[] = "/tmp/kmodpack-gpg-XXXXXX";
	if (!mkdtemp(dir)) {
		int r = -errno;
		kp_err("cannot create a temporary dir for gpg's log: %s", strerror(-r));
		return r;
	}
	_cleanup_free_ char *logfile = kp_path_join(dir, "gpg.log");
	struct rpm_session s;
	session_begin(&s, sde);
	int r = 0;
	if (rpmReadConfigFiles(s.rc_files, NULL) != 0) {
		kp_err("rpm sign: cannot read rpm's configuration");
		r = -KP_EENV;
	} else {
		r = sign_all(paths, n, keyid, gpg, logfile, kp_gpg_sign_time(key_created, sde));
	}
	session_end(&s);
	unlink(logfile);
	rmdir(dir);
	return r;
}

/* rpm's messages while checking: the verdict is the result, not its log. */
static int quiet_log_cb(rpmlogRec rec, rpmlogCallbackData data)
{
	(void)rec;
	(void)data;
	return 0;
}

/* The first public key in keys (armoured or binary) and its subkeys, as rpm --import adds them. */
/* Every certificate in n bytes of OpenPGP packets, with its subkeys, added to kr. */
static size_t add_certs(rpmKeyring kr, const uint8_t *p, size_t n)
{
	size_t added = 0, len = 0;
	while (n && pgpPubKeyCertLen(p, n, &len) == 0 && len && len <= n) {
		rpmPubkey key = rpmPubkeyNew(p, len);
		if (key) {
			rpmKeyringAddKey(kr, key);
			added++;
			int nsub = 0;
			rpmPubkey *subs = rpmGetSubkeys(key, &nsub);
			for (int i = 0; i < nsub; i++) {
				rpmKeyringAddKey(kr, subs[i]);
				rpmPubkeyFree(subs[i]);
			}
			free(subs);
			rpmPubkeyFree(key);
		}
		p += len;
		n -= len;
	}
	return added;
}

/*
 * A keyring of every public key in keys: binary packets as gpg --export
 * writes them (several keys one after the other), or armoured blocks
 * (several, as concatenated .asc files are).
 */
static rpmKeyring keyring_of(const void *keys, size_t klen, char **why)
{
	_cleanup_free_ char *text = kp_strndup(keys, klen);
	rpmKeyring kr = rpmKeyringNew();
	size_t added = 0;
	static const char begin[] = "-----BEGIN PGP PUBLIC KEY BLOCK-----";
	if (strstr(text, "-----BEGIN PGP")) {
		for (const char *b = strstr(text, begin); b; b = strstr(b + 1, begin)) {
			uint8_t *pkt = NULL;
			size_t pktlen = 0;
			if (pgpParsePkts(b, &pkt, &pktlen) == PGPARMOR_PUBKEY)
				added += add_certs(kr, pkt, pktlen);
			free(pkt);
		}
		if (!added) {
			*why = kp_strdup("the key file is not an armoured public key");
			rpmKeyringFree(kr);
			return NULL;
		}
	} else {
		added = add_certs(kr, keys, klen);
	}
	if (!added) {
		*why = kp_strdup("the key file holds no public key rpm can use");
		rpmKeyringFree(kr);
		return NULL;
	}
	return kr;
}

/* The key id (16 hex digits) of the package's header signature, or NULL when unsigned. */
static char *sig_keyid(Header h)
{
	static const rpmTagVal tags[] = {RPMTAG_RSAHEADER, RPMTAG_DSAHEADER, RPMTAG_SIGPGP,
					 RPMTAG_SIGGPG};
	for (size_t i = 0; i < KP_ARRAY_SIZE(tags); i++) {
		struct rpmtd_s td;
		if (!headerGet(h, tags[i], &td, HEADERGET_DEFAULT))
			continue;
		pgpDigParams sig = NULL;
		char *id = NULL;
		if (pgpPrtParams(td.data, td.count, PGPTAG_SIGNATURE, &sig) == 0) {
			const uint8_t *k = pgpDigParamsSignID(sig);
			id = kp_asprintf("%02X%02X%02X%02X%02X%02X%02X%02X", k[0], k[1], k[2], k[3],
					 k[4], k[5], k[6], k[7]);
		}
		pgpDigParamsFree(sig);
		rpmtdFreeData(&td);
		return id ? id : kp_strdup("?");
	}
	return NULL;
}

int spec_rpm_check_sig(const char *path, const void *keys, size_t klen, char **signer, char **why)
{
	*signer = *why = NULL;
	struct rpm_session s;
	session_begin(&s, 0);
	rpmlogSetCallback(quiet_log_cb, NULL);
	int r = -KP_EFAILED;
	rpmKeyring kr = NULL;
	rpmts ts = NULL;
	FD_t fd = NULL;
	Header h = NULL;
	char *id = NULL;
	if (rpmReadConfigFiles(s.rc_files, NULL) != 0) {
		*why = kp_strdup("cannot read rpm's configuration");
		goto out;
	}
	if (!(kr = keyring_of(keys, klen, why)))
		goto out;
	ts = rpmtsCreate();
	rpmtsSetKeyring(ts, kr);
	rpmtsSetVSFlags(ts, RPMVSF_DEFAULT);
	fd = Fopen(path, "r.ufdio");
	if (!fd || Ferror(fd)) {
		*why = kp_asprintf("cannot open: %s", fd ? Fstrerror(fd) : strerror(errno));
		goto out;
	}
	rpmRC rc = rpmReadPackageFile(ts, fd, path, &h);
	id = h ? sig_keyid(h) : NULL;
	switch (rc) {
	case RPMRC_OK:
		if (!id) {
			r = 1;
			*why = kp_strdup("not signed");
		} else {
			r = 0;
			*signer = TAKE_PTR(id);
		}
		break;
	case RPMRC_NOKEY:
		*why = kp_asprintf("signed with key %s, which is not the one given (NOKEY)",
				   id ? id : "?");
		break;
	case RPMRC_NOTTRUSTED:
		*why = kp_asprintf("signed with key %s, not trusted", id ? id : "?");
		break;
	case RPMRC_NOTFOUND:
		r = -KP_EINPUT;
		*why = kp_strdup("not an RPM");
		break;
	default:
		*why = kp_strdup("BAD signature or digest: the package changed after signing");
		break;
	}
out:
	free(id);
	headerFree(h);
	if (fd)
		Fclose(fd);
	rpmtsFree(ts);
	rpmKeyringFree(kr);
	session_end(&s);
	return r;
}

/* A big-endian 32-bit value. */
static unsigned long be32(const unsigned char *p)
{
	return (unsigned long)p[0] << 24 | (unsigned long)p[1] << 16 | (unsigned long)p[2] << 8 |
	       p[3];
}

int spec_rpm_header_offset(const unsigned char *head, size_t len, unsigned long long *off)
{
	static const unsigned char lead_magic[] = {0xed, 0xab, 0xee, 0xdb};
	static const unsigned char hdr_magic[] = {0x8e, 0xad, 0xe8, 0x01};
	if (len < 112 || memcmp(head, lead_magic, 4) || memcmp(head + 96, hdr_magic, 4))
		return -KP_EINPUT;
	unsigned long il = be32(head + 104), dl = be32(head + 108);
	/* rpm's own limits for a header: 0xffff tags, 256 MiB of data */
	if (il == 0 || il > 0xffff || dl > 0x0fffffff)
		return -KP_EINPUT;
	unsigned long long sig = 16 + 16ULL * il + dl;
	*off = 96 + sig + (8 - sig % 8) % 8;
	return 0;
}

int spec_rpm_content_sha256(const char *path, char out[65])
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	unsigned char buf[65536];
	unsigned long long off;
	ssize_t n = pread(fd, buf, 112, 0);
	int r = n < 0 ? -errno : spec_rpm_header_offset(buf, (size_t)n, &off);
	if (r == 0 && (pread(fd, buf, 4, (off_t)off) != 4 || memcmp(buf, "\x8e\xad\xe8\x01", 4)))
		r = -KP_EINPUT; /* no main header where the signature header ends */
	if (r < 0) {
		close(fd);
		return r;
	}
	DIGEST_CTX ctx = rpmDigestInit(PGPHASHALGO_SHA256, RPMDIGEST_NONE);
	while ((n = pread(fd, buf, sizeof(buf), (off_t)off)) > 0) {
		rpmDigestUpdate(ctx, buf, (size_t)n);
		off += (unsigned long long)n;
	}
	r = n < 0 ? -errno : 0;
	close(fd);
	char *hex = NULL;
	rpmDigestFinal(ctx, (void **)&hex, NULL, 1);
	if (r == 0 && hex && strlen(hex) == 64)
		memcpy(out, hex, 65);
	else if (r == 0)
		r = -KP_EINPUT;
	free(hex);
	return r;
}
