/*
 * oshash.c (POSIX) - digests over OpenSSL's libcrypto; see src/os/oshash.h.
 */
#include "oshash.h"
#include "buf.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

struct sov_os_hash *sov_os_hash_new(enum sov_os_digest alg)
{
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();

	if (!ctx || EVP_DigestInit_ex(ctx, alg == SOV_OS_MD5 ? EVP_md5() : EVP_sha256(),
				      NULL) != 1) {
		EVP_MD_CTX_free(ctx);
		return NULL;
	}
	return (struct sov_os_hash *)ctx;
}

void sov_os_hash_update(struct sov_os_hash *h, const void *data, size_t len)
{
	EVP_DigestUpdate((EVP_MD_CTX *)h, data, len);
}

void sov_os_hash_final(struct sov_os_hash *h, unsigned char *out)
{
	unsigned int n = 0;

	EVP_DigestFinal_ex((EVP_MD_CTX *)h, out, &n);
	EVP_MD_CTX_free((EVP_MD_CTX *)h);
}

void sov_os_hash_free(struct sov_os_hash *h)
{
	EVP_MD_CTX_free((EVP_MD_CTX *)h);
}

int sov_os_hmac_sha256(const void *key, size_t key_len, const void *data, size_t len,
		       unsigned char out[32])
{
	static const unsigned char empty;
	unsigned int n = 32;

	return HMAC(EVP_sha256(), key_len ? key : &empty, (int)key_len, data, len, out, &n)
		? 0 : -1;
}

void sov_os_cleanse(void *p, size_t len)
{
	OPENSSL_cleanse(p, len);
}

void sov_os_crypto_version(struct sov_buf *out)
{
	sov_buf_addf(out, "openssl %s", OpenSSL_version(OPENSSL_VERSION));
}
