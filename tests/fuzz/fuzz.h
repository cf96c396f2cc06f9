/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Shared by the libFuzzer harnesses (fuzz-*.c): each calls the library entry
 * point the tool uses, the from-memory one (..._mem, ..._parse) that the
 * path-based reader itself calls once it has read the file. Only readers
 * that need a real file (librpm's, createrepo_c's, dkms.conf's derivation,
 * which looks at the files beside it) get the input as a file, in a temp
 * dir of this process (on tmpfs when there is one), removed at exit;
 * logging is silenced so an execution costs parsing, not printing.
 */
#ifndef KP_FUZZ_H
#define KP_FUZZ_H

#include <stddef.h>
#include <stdint.h>

/* Inputs above this are skipped: each execution stays fast. */
#define FZ_MAX_INPUT (256 * 1024)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Silence the log and make the temp dir, once per process. */
void fz_init(void);
/*
 * Write data to NAME (which may name dirs below it: "drv/debian/changelog")
 * in the temp dir and return its path (owned by fz, valid until the next call).
 */
const char *fz_file(const char *name, const uint8_t *data, size_t size);
/*
 * fz_file(), with TMPDIR set to the temp dir the first time: for readers
 * that unpack their input below TMPDIR (the ISO readers), so that stays
 * on tmpfs and inside the run's dir too.
 */
const char *fz_file_tmpdir(const char *name, const uint8_t *data, size_t size);
/* A NUL-terminated copy of data; caller frees. */
char *fz_string(const uint8_t *data, size_t size);

#endif
