/*
 * sha256.h — SHA-256 (FIPS 180-4, section 6.2), for the audit log.
 *
 * The audit log records a digest of each prompt instead of its text (GDPR
 * minimisation, DESIGN.md "Privacy").  The gateway links no crypto library
 * (libcurl does not expose one, and OpenSSL would be a large dependency for
 * one hash), so it carries this small implementation, checked against the
 * FIPS 180-2 appendix B vectors in tests/test_gateway_config.c.
 */
#ifndef GW_SHA256_H
#define GW_SHA256_H

#include <stddef.h>
#include <stdint.h>

#define SHA256_DIGEST_LEN 32
#define SHA256_HEX_LEN 65 /* 64 hex digits and a NUL */

typedef struct sha256_ctx {
  uint32_t h[8];
  uint64_t bits;     /* message length so far, in bits */
  uint8_t block[64]; /* pending partial block */
  size_t used;       /* bytes in block */
} sha256_ctx;

void sha256_init(sha256_ctx *c);
void sha256_update(sha256_ctx *c, const void *data, size_t len);
void sha256_final(sha256_ctx *c, uint8_t out[SHA256_DIGEST_LEN]);
/* One-shot digest of len bytes. */
void sha256(const void *data, size_t len, uint8_t out[SHA256_DIGEST_LEN]);
/* Lower-case hex of a digest into out (SHA256_HEX_LEN bytes). */
void sha256_hex(const uint8_t d[SHA256_DIGEST_LEN], char out[SHA256_HEX_LEN]);

#endif
