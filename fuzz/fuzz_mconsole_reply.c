// SPDX-License-Identifier: GPL-2.0-only
/*
 * libFuzzer target: the mconsole reply and notification parsers and the
 * config-path rewriting (utils/lib/mconsole.c).
 *
 * Build: make fuzz; run: fuzz/fuzz_mconsole_reply fuzz/corpus/mconsole_reply
 *
 * This file is part of user-mode-linux.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "lib/mconsole.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct mc_packet p;
	const char *why = NULL;
	char cmd[MC_MAX_DATA], out[MC_MAX_DATA * 2];

	if (mc_parse_reply(data, size, &p, &why) == 0) {
		if (p.len > MC_MAX_DATA || strlen(p.data) != p.len)
			abort();
	} else if (!why) {
		abort();
	}
	if (mc_parse_notify(data, size, &p, &why) == 0 && p.len > MC_MAX_DATA)
		abort();
	/* The same bytes as a command line for config ubdN=... */
	if (size < sizeof(cmd)) {
		memcpy(cmd, data, size);
		cmd[size] = '\0';
		mc_absolutize_config(cmd, out, sizeof(out));
		if (strlen(out) >= sizeof(out))
			abort();
	}
	return 0;
}
