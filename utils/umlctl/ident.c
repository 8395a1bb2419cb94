// SPDX-License-Identifier: GPL-2.0-only
/*
 * ident.c - a guest's stable identities: its machine-id and the MAC
 * address of each of its network interfaces, derived from its name and
 * the host's machine-id, so that two guests booted from copies (or COW
 * layers) of one image never share them, and one guest keeps them from
 * boot to boot.
 *
 * Each identity is the start of SHA-256(PURPOSE NUL HOST-ID NUL NAME
 * [NUL INDEX]): the host's machine-id, which is meant to stay on the host
 * (machine-id(5)), cannot be read back from a guest's.  SHA-256 as in
 * FIPS 180-4, written for this one use.
 *
 * This file is part of user-mode-linux.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "umlctl.h"

struct sha256 {
	uint32_t h[8];
	uint8_t buf[64];
	uint64_t len;
	size_t used;
};

static const uint32_t k256[64] = {
	0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1,
	0x923f82a4, 0xab1c5ed5, 0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3,
	0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174, 0xe49b69c1, 0xefbe4786,
	0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
	0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147,
	0x06ca6351, 0x14292967, 0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13,
	0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85, 0xa2bfe8a1, 0xa81a664b,
	0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
	0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a,
	0x5b9cca4f, 0x682e6ff3, 0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208,
	0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
};

static uint32_t ror(uint32_t x, int n)
{
	return (x >> n) | (x << (32 - n));
}

static void sha256_block(struct sha256 *s, const uint8_t *p)
{
	uint32_t w[64], v[8], t1, t2;
	int i;

	for (i = 0; i < 16; i++)
		w[i] = (uint32_t)p[4 * i] << 24 | (uint32_t)p[4 * i + 1] << 16 |
		       (uint32_t)p[4 * i + 2] << 8 | p[4 * i + 3];
	for (i = 16; i < 64; i++)
		w[i] = w[i - 16] + (ror(w[i - 15], 7) ^ ror(w[i - 15], 18) ^ (w[i - 15] >> 3)) +
		       w[i - 7] + (ror(w[i - 2], 17) ^ ror(w[i - 2], 19) ^ (w[i - 2] >> 10));
	memcpy(v, s->h, sizeof(v));
	for (i = 0; i < 64; i++) {
		t1 = v[7] + (ror(v[4], 6) ^ ror(v[4], 11) ^ ror(v[4], 25)) +
		     ((v[4] & v[5]) ^ (~v[4] & v[6])) + k256[i] + w[i];
		t2 = (ror(v[0], 2) ^ ror(v[0], 13) ^ ror(v[0], 22)) +
		     ((v[0] & v[1]) ^ (v[0] & v[2]) ^ (v[1] & v[2]));
		memmove(v + 1, v, 7 * sizeof(v[0]));
		v[4] += t1;
		v[0] = t1 + t2;
	}
	for (i = 0; i < 8; i++)
		s->h[i] += v[i];
}

static void sha256_init(struct sha256 *s)
{
	static const uint32_t h0[8] = {
		0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
		0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19,
	};

	memset(s, 0, sizeof(*s));
	memcpy(s->h, h0, sizeof(h0));
}

static void sha256_update(struct sha256 *s, const void *data, size_t n)
{
	const uint8_t *p = data;

	s->len += n;
	while (n) {
		size_t take = 64 - s->used < n ? 64 - s->used : n;

		memcpy(s->buf + s->used, p, take);
		s->used += take;
		p += take;
		n -= take;
		if (s->used == 64) {
			sha256_block(s, s->buf);
			s->used = 0;
		}
	}
}

static void sha256_final(struct sha256 *s, uint8_t out[32])
{
	uint64_t bits = s->len * 8;
	uint8_t pad = 0x80, zero = 0, len[8];
	int i;

	sha256_update(s, &pad, 1);
	while (s->used != 56)
		sha256_update(s, &zero, 1);
	for (i = 0; i < 8; i++)
		len[i] = (uint8_t)(bits >> (56 - 8 * i));
	sha256_update(s, len, 8);
	for (i = 0; i < 8; i++) {
		out[4 * i] = (uint8_t)(s->h[i] >> 24);
		out[4 * i + 1] = (uint8_t)(s->h[i] >> 16);
		out[4 * i + 2] = (uint8_t)(s->h[i] >> 8);
		out[4 * i + 3] = (uint8_t)s->h[i];
	}
}

/* The host's machine-id (32 hex digits), or "" when it has none. */
static void host_id(char out[33])
{
	static const char *const files[] = { "/etc/machine-id", "/var/lib/dbus/machine-id" };
	size_t i;

	out[0] = '\0';
	for (i = 0; i < sizeof(files) / sizeof(files[0]) && !out[0]; i++) {
		FILE *f = fopen(files[i], "re");

		if (!f)
			continue;
		if (fscanf(f, "%32[0-9a-f]", out) != 1 || strlen(out) != 32)
			out[0] = '\0';
		fclose(f);
	}
}

static void derive(const char *purpose, const char *name, int index, uint8_t out[32])
{
	struct sha256 s;
	char host[33];

	host_id(host);
	sha256_init(&s);
	sha256_update(&s, purpose, strlen(purpose) + 1);
	sha256_update(&s, host, strlen(host) + 1);
	sha256_update(&s, name, strlen(name) + (index >= 0));
	if (index >= 0) {
		char n[16];

		snprintf(n, sizeof(n), "%d", index);
		sha256_update(&s, n, strlen(n));
	}
	sha256_final(&s, out);
}

void uc_machine_id(const char *name, char out[33])
{
	uint8_t d[32];
	int i;

	derive("uml-machine-id", name, -1, d);
	/* Formatted as a random (version 4) UUID, as systemd makes them. */
	d[6] = (d[6] & 0x0f) | 0x40;
	d[8] = (d[8] & 0x3f) | 0x80;
	for (i = 0; i < 16; i++)
		snprintf(out + 2 * i, 3, "%02x", d[i]);
}

void uc_mac(const char *name, int index, char out[18])
{
	uint8_t d[32];

	derive("uml-mac", name, index, d);
	/* Locally administered, unicast. */
	d[0] = (d[0] & 0xfc) | 0x02;
	snprintf(out, 18, "%02x:%02x:%02x:%02x:%02x:%02x",
		 d[0], d[1], d[2], d[3], d[4], d[5]);
}
