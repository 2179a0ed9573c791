/*
 * oshash.c (Windows) - digests over BCrypt (CNG); see src/os/oshash.h.
 */
#include "oshash.h"
#include "buf.h"

#include <windows.h>
#include <bcrypt.h>
#include <stdlib.h>

struct sov_os_hash {
	BCRYPT_ALG_HANDLE alg;
	BCRYPT_HASH_HANDLE hash;
	ULONG len;		/* the digest's length */
};

static struct sov_os_hash *hash_new(LPCWSTR alg_id, ULONG flags, const void *key,
				    ULONG key_len)
{
	struct sov_os_hash *h = sov_calloc(1, sizeof(*h));
	ULONG got = 0;

	if (BCryptOpenAlgorithmProvider(&h->alg, alg_id, NULL, flags) != 0) {
		free(h);
		return NULL;
	}
	if (BCryptGetProperty(h->alg, BCRYPT_HASH_LENGTH, (PUCHAR)&h->len, sizeof(h->len),
			      &got, 0) != 0 ||
	    BCryptCreateHash(h->alg, &h->hash, NULL, 0, (PUCHAR)key, key_len, 0) != 0) {
		BCryptCloseAlgorithmProvider(h->alg, 0);
		free(h);
		return NULL;
	}
	return h;
}

struct sov_os_hash *sov_os_hash_new(enum sov_os_digest alg)
{
	return hash_new(alg == SOV_OS_MD5 ? BCRYPT_MD5_ALGORITHM : BCRYPT_SHA256_ALGORITHM,
			0, NULL, 0);
}

void sov_os_hash_update(struct sov_os_hash *h, const void *data, size_t len)
{
	const unsigned char *p = data;

	while (len) {
		ULONG n = len > 0x40000000 ? 0x40000000 : (ULONG)len;

		BCryptHashData(h->hash, (PUCHAR)p, n, 0);
		p += n;
		len -= n;
	}
}

void sov_os_hash_final(struct sov_os_hash *h, unsigned char *out)
{
	BCryptFinishHash(h->hash, out, h->len, 0);
	sov_os_hash_free(h);
}

void sov_os_hash_free(struct sov_os_hash *h)
{
	if (!h)
		return;
	BCryptDestroyHash(h->hash);
	BCryptCloseAlgorithmProvider(h->alg, 0);
	free(h);
}

int sov_os_hmac_sha256(const void *key, size_t key_len, const void *data, size_t len,
		       unsigned char out[32])
{
	/* HMAC pads a short key with zero bytes: "" and "\0" are one key. */
	static const unsigned char zero;
	struct sov_os_hash *h;

	if (key_len > 0xffffffffu)
		return -1;
	h = hash_new(BCRYPT_SHA256_ALGORITHM, BCRYPT_ALG_HANDLE_HMAC_FLAG,
		     key_len ? key : &zero, key_len ? (ULONG)key_len : 1);
	if (!h)
		return -1;
	sov_os_hash_update(h, data, len);
	sov_os_hash_final(h, out);
	return 0;
}

void sov_os_cleanse(void *p, size_t len)
{
	SecureZeroMemory(p, len);
}

void sov_os_crypto_version(struct sov_buf *out)
{
	sov_buf_addstr(out, "bcrypt (Windows CNG)");
}
