/*
 * hash.c - digests and encodings over the system's crypto (src/os/oshash.h);
 * see hash.h.
 */
#include "hash.h"
#include "error.h"

#include "oshash.h"

#include <stdlib.h>

static void to_hex(const unsigned char *in, size_t len, char *hex)
{
	static const char digits[] = "0123456789abcdef";
	size_t i;

	for (i = 0; i < len; i++) {
		hex[2 * i] = digits[in[i] >> 4];
		hex[2 * i + 1] = digits[in[i] & 15];
	}
	hex[2 * len] = '\0';
}

int sov_sha256_init(struct sov_sha256 *h)
{
	h->ctx = sov_os_hash_new(SOV_OS_SHA256);
	if (!h->ctx)
		return sov_error("sha256: cannot initialise the system's digest");
	return 0;
}

void sov_sha256_update(struct sov_sha256 *h, const void *data, size_t len)
{
	sov_os_hash_update(h->ctx, data, len);
}

void sov_sha256_final_hex(struct sov_sha256 *h, char hex[SOV_SHA256_HEXLEN + 1])
{
	unsigned char md[SOV_SHA256_LEN];

	sov_os_hash_final(h->ctx, md);
	h->ctx = NULL;
	to_hex(md, SOV_SHA256_LEN, hex);
}

void sov_sha256_abort(struct sov_sha256 *h)
{
	if (h->ctx)
		sov_os_hash_free(h->ctx);
	h->ctx = NULL;
}

static void digest_hex(enum sov_os_digest alg, size_t n, const void *data, size_t len,
		       char *hex)
{
	struct sov_os_hash *h = sov_os_hash_new(alg);
	unsigned char out[SOV_SHA256_LEN];

	/* These built-in digests cannot fail short of running out of memory. */
	if (!h) {
		sov_warn("the system's digest failed");
		abort();
	}
	sov_os_hash_update(h, data, len);
	sov_os_hash_final(h, out);
	to_hex(out, n, hex);
}

void sov_sha256_hex(const void *data, size_t len, char hex[SOV_SHA256_HEXLEN + 1])
{
	digest_hex(SOV_OS_SHA256, SOV_SHA256_LEN, data, len, hex);
}

void sov_md5_hex(const void *data, size_t len, char hex[33])
{
	digest_hex(SOV_OS_MD5, 16, data, len, hex);
}

void sov_hmac_sha256(const void *key, size_t key_len, const void *data, size_t len,
		     unsigned char out[SOV_SHA256_LEN])
{
	if (sov_os_hmac_sha256(key, key_len, data, len, out) < 0) {
		sov_warn("the system's HMAC-SHA256 failed");
		abort();
	}
}

static const char b64[] =
	"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

void sov_base64_encode(const void *data, size_t len, struct sov_buf *out)
{
	const unsigned char *p = data;
	size_t i;

	sov_buf_grow(out, (len + 2) / 3 * 4);
	for (i = 0; i + 2 < len; i += 3) {
		unsigned v = (unsigned)p[i] << 16 | (unsigned)p[i + 1] << 8 | p[i + 2];
		char q[4] = { b64[v >> 18], b64[v >> 12 & 63], b64[v >> 6 & 63], b64[v & 63] };
		sov_buf_add(out, q, 4);
	}
	if (len - i == 1) {
		unsigned v = (unsigned)p[i] << 16;
		char q[4] = { b64[v >> 18], b64[v >> 12 & 63], '=', '=' };
		sov_buf_add(out, q, 4);
	} else if (len - i == 2) {
		unsigned v = (unsigned)p[i] << 16 | (unsigned)p[i + 1] << 8;
		char q[4] = { b64[v >> 18], b64[v >> 12 & 63], b64[v >> 6 & 63], '=' };
		sov_buf_add(out, q, 4);
	}
}

static int b64_value(char c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	if (c == '+')
		return 62;
	if (c == '/')
		return 63;
	return -1;
}

int sov_base64_decode(const char *text, size_t len, struct sov_buf *out)
{
	unsigned acc = 0;
	size_t i, pad = 0;
	int bits = 0;

	while (len && text[len - 1] == '=' && pad < 2) {
		len--;
		pad++;
	}
	if ((len + pad) % 4)
		return sov_error("invalid base64: length is not a multiple of 4");
	for (i = 0; i < len; i++) {
		int v = b64_value(text[i]);
		if (v < 0)
			return sov_error("invalid base64: unexpected character at offset %zu", i);
		acc = acc << 6 | (unsigned)v;
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			sov_buf_addch(out, (int)(acc >> bits & 0xff));
		}
	}
	return 0;
}

void sov_hex_encode(const void *data, size_t len, struct sov_buf *out)
{
	sov_buf_grow(out, 2 * len);
	to_hex(data, len, out->ptr + out->len);
	out->len += 2 * len;
}

int sov_hex_digit(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}
