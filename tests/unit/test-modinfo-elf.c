// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The .ko reader against crafted ELF files: a well-formed minimal module,
 * then the corruptions a hostile or truncated download brings. Each must
 * end in -KP_EINPUT and a message naming the file, never a crash (run this
 * under -DKMODPACK_SANITIZE=ON).
 */
#include "tests/unit/testlib.h"

#include <elf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/fs.h"
#include "common/log.h"
#include "modinfo/ko.h"

static const char shstrtab[] = "\0.modinfo\0.shstrtab\0";

/* A minimal ELF64 relocatable with .modinfo holding modinfo[0..len). */
static char *craft(const char *modinfo, size_t len, size_t *size)
{
	size_t off_mi = sizeof(Elf64_Ehdr);
	size_t off_str = off_mi + len;
	size_t off_sh = (off_str + sizeof(shstrtab) + 7) & ~(size_t)7;
	*size = off_sh + 3 * sizeof(Elf64_Shdr);
	char *b = kp_calloc(1, *size);

	Elf64_Ehdr *eh = (Elf64_Ehdr *)b;
	memcpy(eh->e_ident, ELFMAG, SELFMAG);
	eh->e_ident[EI_CLASS] = ELFCLASS64;
	eh->e_ident[EI_DATA] = ELFDATA2LSB;
	eh->e_ident[EI_VERSION] = EV_CURRENT;
	eh->e_type = ET_REL;
	eh->e_machine = EM_X86_64;
	eh->e_version = EV_CURRENT;
	eh->e_ehsize = sizeof(Elf64_Ehdr);
	eh->e_shentsize = sizeof(Elf64_Shdr);
	eh->e_shoff = off_sh;
	eh->e_shnum = 3;
	eh->e_shstrndx = 2;
	memcpy(b + off_mi, modinfo, len);
	memcpy(b + off_str, shstrtab, sizeof(shstrtab));

	Elf64_Shdr *sh = (Elf64_Shdr *)(b + off_sh);
	sh[1] = (Elf64_Shdr){.sh_name = 1,
			     .sh_type = SHT_PROGBITS,
			     .sh_flags = SHF_ALLOC,
			     .sh_offset = off_mi,
			     .sh_size = len,
			     .sh_addralign = 1};
	sh[2] = (Elf64_Shdr){.sh_name = 10,
			     .sh_type = SHT_STRTAB,
			     .sh_offset = off_str,
			     .sh_size = sizeof(shstrtab),
			     .sh_addralign = 1};
	return b;
}

static Elf64_Ehdr *ehdr(char *b)
{
	return (Elf64_Ehdr *)b;
}

static Elf64_Shdr *shdr(char *b, int i)
{
	return (Elf64_Shdr *)(b + ehdr(b)->e_shoff) + i;
}

static const char good[] = "license=GPL\0\0\0\0alias=pci:v00008086d000010FBsv*sd*bc*sc*i*\0"
			   "alias=pci:v00008086d00001528sv*sd*bc*sc*i*\0version=1.0\0noequals\0"
			   "name=hello\0vermagic=6.1.0-56-amd64 SMP mod_unload \0";

static char *put(struct tl_fixture *f, const char *name, const char *data, size_t len)
{
	char *p = kp_path_join(f->dir, name);
	assert_int_equal(kp_write_file(p, data, len, 0644), 0);
	return p;
}

/*
 * Open must fail with bad input and a message that names the file and says
 * why: the reader's own reason, never "" (which every message contains).
 */
static void expect_einput(struct tl_fixture *f, const char *name, const char *data, size_t len,
			  const char *why)
{
	assert_true(*why);
	_cleanup_free_ char *p = put(f, name, data, len);
	struct mi_ko *ko = NULL;
	tl_log_reset();
	assert_int_equal(mi_ko_open(p, &ko), -KP_EINPUT);
	assert_null(ko);
	assert_non_null(strstr(tl_log_text(), name));
	if (!strstr(tl_log_text(), why))
		fail_msg("expected '%s' in: %s", why, tl_log_text());
}

static void test_reads_fields_in_order(void **state)
{
	struct tl_fixture *f = *state;
	size_t size;
	_cleanup_free_ char *b = craft(good, sizeof(good) - 1, &size);
	_cleanup_free_ char *p = put(f, "my-mod.ko", b, size);
	struct mi_ko *ko;
	struct kp_strv aliases = {0};

	assert_int_equal(mi_ko_open(p, &ko), 0);
	/* the NUL padding between license and the first alias is skipped */
	assert_int_equal(mi_ko_nfields(ko), 7);
	assert_string_equal(mi_ko_field(ko, 0)->key, "license");
	assert_string_equal(mi_ko_field(ko, 0)->value, "GPL");
	assert_string_equal(mi_ko_get(ko, "version"), "1.0");
	assert_string_equal(mi_ko_get(ko, "noequals"), "");
	assert_string_equal(mi_ko_get(ko, "vermagic"), "6.1.0-56-amd64 SMP mod_unload ");
	assert_null(mi_ko_get(ko, "firmware"));
	assert_null(mi_ko_field(ko, 7));
	mi_ko_get_all(ko, "alias", &aliases);
	assert_int_equal(aliases.n, 2);
	assert_string_equal(aliases.v[1], "pci:v00008086d00001528sv*sd*bc*sc*i*");
	assert_string_equal(mi_ko_name(ko), "hello");
	assert_string_equal(mi_ko_path(ko), p);
	kp_strv_release(&aliases);
	mi_ko_free(ko);
}

static void test_name_from_file_name(void **state)
{
	struct tl_fixture *f = *state;
	static const char mi[] = "license=GPL\0";
	size_t size;
	_cleanup_free_ char *b = craft(mi, sizeof(mi) - 1, &size);
	_cleanup_free_ char *p = put(f, "my-mod.ko", b, size);
	struct mi_ko *ko;
	assert_int_equal(mi_ko_open(p, &ko), 0);
	assert_string_equal(mi_ko_name(ko), "my_mod");
	mi_ko_free(ko);
}

static void test_compressed(void **state)
{
	struct tl_fixture *f = *state;
	size_t size;
	_cleanup_free_ char *b = craft(good, sizeof(good) - 1, &size);
	_cleanup_free_ char *p = put(f, "c.ko", b, size);
	static const char *const tools[][2] = {
	    {"xz -k", "xz"}, {"gzip -k", "gz"}, {"zstd -q -k", "zst"}};

	for (size_t i = 0; i < KP_ARRAY_SIZE(tools); i++) {
		_cleanup_free_ char *cmd = kp_asprintf("%s '%s' 2>/dev/null", tools[i][0], p);
		_cleanup_free_ char *z = kp_asprintf("%s.%s", p, tools[i][1]);
		struct mi_ko *ko;
		if (system(cmd) != 0) {
			print_message("skipping .%s: '%s' unavailable\n", tools[i][1], tools[i][0]);
			continue;
		}
		assert_int_equal(mi_ko_open(z, &ko), 0);
		assert_string_equal(mi_ko_get(ko, "name"), "hello");
		assert_int_equal(mi_ko_nfields(ko), 7);
		mi_ko_free(ko);
	}
	/* A compressed file whose content is garbage. */
	static const char badxz[] = "\xfd"
				    "7zXZ\0garbage-garbage-garbage";
	expect_einput(f, "bad.ko.xz", badxz, sizeof(badxz) - 1, "decompress");
}

static void test_not_elf(void **state)
{
	expect_einput(*state, "text.ko", "hello world\n", 12, "not an ELF file");
	expect_einput(*state, "empty.ko", "", 0, "not an ELF file");
}

static void test_truncated(void **state)
{
	struct tl_fixture *f = *state;
	size_t size;
	_cleanup_free_ char *b = craft(good, sizeof(good) - 1, &size);
	/* Every prefix must fail cleanly: header cut, data cut, section table cut. */
	for (size_t len = 1; len < size; len += 7) {
		_cleanup_free_ char *p = put(f, "trunc.ko", b, len);
		struct mi_ko *ko = NULL;
		tl_log_reset();
		assert_int_equal(mi_ko_open(p, &ko), -KP_EINPUT);
		assert_non_null(strstr(tl_log_text(), "trunc.ko"));
	}
}

static void test_bogus_shstrndx(void **state)
{
	size_t size;
	_cleanup_free_ char *b = craft(good, sizeof(good) - 1, &size);
	ehdr(b)->e_shstrndx = 77;
	expect_einput(*state, "shstrndx.ko", b, size, "section name table");
	/* in range, but pointing at a section that is not a string table */
	ehdr(b)->e_shstrndx = 1;
	shdr(b, 1)->sh_size = 4; /* names now run off its end */
	expect_einput(*state, "shstrndx1.ko", b, size, "section name out of range");
}

static void test_zero_sections(void **state)
{
	size_t size;
	_cleanup_free_ char *b = craft(good, sizeof(good) - 1, &size);
	ehdr(b)->e_shnum = 0;
	ehdr(b)->e_shoff = 0;
	ehdr(b)->e_shstrndx = 0;
	expect_einput(*state, "zero.ko", b, size, "no ELF section headers");
}

static void test_modinfo_past_eof(void **state)
{
	size_t size;
	_cleanup_free_ char *b = craft(good, sizeof(good) - 1, &size);
	shdr(b, 1)->sh_size = (Elf64_Xword)size * 4;
	expect_einput(*state, "past.ko", b, size, ".modinfo section lies past the end of the file");
	/* offset + size wraps around 2^64 */
	shdr(b, 1)->sh_offset = 0xfffffffffffffff0ull;
	shdr(b, 1)->sh_size = 0x20;
	expect_einput(*state, "wrap.ko", b, size, ".modinfo section lies past the end of the file");
}

static void test_no_final_nul(void **state)
{
	static const char mi[] = "license=GPL\0version=1.0";
	size_t size;
	_cleanup_free_ char *b = craft(mi, sizeof(mi) - 1, &size);
	expect_einput(*state, "nonul.ko", b, size, "does not end in a NUL");
}

static void test_no_modinfo(void **state)
{
	size_t size;
	_cleanup_free_ char *b = craft(good, sizeof(good) - 1, &size);
	/* rename .modinfo to .shstrtab's tail: "shstrtab" */
	shdr(b, 1)->sh_name = 11;
	expect_einput(*state, "nomi.ko", b, size, "no .modinfo section");
	shdr(b, 1)->sh_name = 1;
	shdr(b, 1)->sh_type = SHT_NOBITS;
	expect_einput(*state, "nobits.ko", b, size, "no contents");
	shdr(b, 1)->sh_type = SHT_PROGBITS;
	shdr(b, 1)->sh_size = 0;
	expect_einput(*state, "emptymi.ko", b, size, "empty");
}

static void test_missing_file(void **state)
{
	struct tl_fixture *f = *state;
	_cleanup_free_ char *p = kp_path_join(f->dir, "nope.ko");
	struct mi_ko *ko = NULL;
	assert_int_equal(mi_ko_open(p, &ko), -KP_EINPUT);
	assert_non_null(strstr(tl_log_text(), "no such file"));
	assert_int_equal(mi_ko_open(f->dir, &ko), -KP_EINPUT);
}

int main(void)
{
#define T(fn) cmocka_unit_test_setup_teardown(fn, tl_setup_tmpdir, tl_teardown_tmpdir)
	const struct CMUnitTest tests[] = {
	    T(test_reads_fields_in_order),
	    T(test_name_from_file_name),
	    T(test_compressed),
	    T(test_not_elf),
	    T(test_truncated),
	    T(test_bogus_shstrndx),
	    T(test_zero_sections),
	    T(test_modinfo_past_eof),
	    T(test_no_final_nul),
	    T(test_no_modinfo),
	    T(test_missing_file),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
