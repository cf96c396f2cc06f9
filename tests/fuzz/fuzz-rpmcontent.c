// SPDX-License-Identifier: GPL-2.0-or-later
/* specgen/rpm.c: any bytes as a package whose header and payload the cache and verify digest. */
#include "specgen/rpm.h"
#include "tests/fuzz/fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size > FZ_MAX_INPUT)
		return 0;
	unsigned long long off;
	if (spec_rpm_header_offset(data, size, &off) == 0 && off < 96)
		__builtin_trap(); /* the main header can only follow the lead and signature */
	char sum[65];
	spec_rpm_content_sha256(fz_file("x.rpm", data, size), sum);
	return 0;
}
