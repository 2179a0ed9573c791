/*
 * hash.h - digests and encodings: SHA-256, MD5, HMAC-SHA256, base64, hex.
 *
 * Thin wrappers over the system's crypto (src/os/oshash.h: OpenSSL's
 * libcrypto, already linked by libcurl; BCrypt on Windows).
 * SHA-256 hashes name file contents in the manifest ("sha256:<hex>"), MD5
 * is what mem0 stores in a memory's "hash" field, HMAC-SHA256 signs webhook
 * payloads (Standard Webhooks).
 */
#ifndef SOV_HASH_H
#define SOV_HASH_H

#include <stddef.h>

#include "buf.h"

struct sov_os_hash;

#define SOV_SHA256_LEN 32
#define SOV_SHA256_HEXLEN 64

/* Streaming SHA-256.  init allocates; final (or abort) releases. */
struct sov_sha256 {
	struct sov_os_hash *ctx;	/* owned */
};

int sov_sha256_init(struct sov_sha256 *h);
void sov_sha256_update(struct sov_sha256 *h, const void *data, size_t len);
/* Write 64 lowercase hex digits and a NUL to `hex`; releases the context. */
void sov_sha256_final_hex(struct sov_sha256 *h, char hex[SOV_SHA256_HEXLEN + 1]);
void sov_sha256_abort(struct sov_sha256 *h);

/* One-shot SHA-256 as hex. */
void sov_sha256_hex(const void *data, size_t len, char hex[SOV_SHA256_HEXLEN + 1]);

/* One-shot MD5 as 32 lowercase hex digits (mem0's memory hash). */
void sov_md5_hex(const void *data, size_t len, char hex[33]);

/* HMAC-SHA256 of data with key. */
void sov_hmac_sha256(const void *key, size_t key_len, const void *data, size_t len,
		     unsigned char out[SOV_SHA256_LEN]);

/* Append standard base64 (with padding). */
void sov_base64_encode(const void *data, size_t len, struct sov_buf *out);
/* Append the decoded bytes; -1 on invalid input (white space is not allowed). */
int sov_base64_decode(const char *text, size_t len, struct sov_buf *out);

/* Append lowercase hex. */
void sov_hex_encode(const void *data, size_t len, struct sov_buf *out);

/* The value of one hex digit (either case), or -1. */
int sov_hex_digit(int c);

#endif
