/*
 * oshash.h - the system's digests: libcrypto (OpenSSL) on POSIX, BCrypt
 * (CNG) on Windows.  src/util/hash.c builds SHA-256, MD5 and HMAC-SHA256
 * on these; only it calls them.
 */
#ifndef SOV_OSHASH_H
#define SOV_OSHASH_H

#include <stddef.h>

enum sov_os_digest { SOV_OS_SHA256, SOV_OS_MD5 };

/* A streaming digest; new allocates (NULL on failure, no message), final
 * writes the digest (32 bytes for SHA-256, 16 for MD5) and frees. */
struct sov_os_hash;
struct sov_os_hash *sov_os_hash_new(enum sov_os_digest alg);
void sov_os_hash_update(struct sov_os_hash *h, const void *data, size_t len);
void sov_os_hash_final(struct sov_os_hash *h, unsigned char *out);
void sov_os_hash_free(struct sov_os_hash *h);

/* HMAC-SHA256 of `data` under `key` into 32 bytes of `out`.  0 or -1. */
int sov_os_hmac_sha256(const void *key, size_t key_len, const void *data, size_t len,
		       unsigned char out[32]);

/* Wipe `len` bytes at `p` (a secret) where the compiler cannot drop it. */
void sov_os_cleanse(void *p, size_t len);

/* Append the crypto library and its version ("openssl 3.0.x ...") to
 * `out`, for `sovsync --version`. */
struct sov_buf;
void sov_os_crypto_version(struct sov_buf *out);

#endif
