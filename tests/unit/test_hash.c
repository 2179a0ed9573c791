/* Unit tests for src/util/hash.c (known answers from the RFCs and mem0). */
#include "tap.h"
#include "hash.h"

int main(void)
{
	char hex[65];
	struct sov_sha256 h;
	struct sov_sha1 h1;
	unsigned char md1[SOV_SHA1_LEN];
	char chunk[1001];
	int i;
	struct sov_buf b = SOV_BUF_INIT;
	unsigned char mac[32];

	sov_sha256_hex("", 0, hex);
	is_str(hex, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
	       "sha256 of nothing");
	sov_sha256_hex("abc", 3, hex);
	is_str(hex, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
	       "sha256 of abc (FIPS 180-2)");
	ok(sov_sha256_init(&h) == 0, "streaming init");
	sov_sha256_update(&h, "a", 1);
	sov_sha256_update(&h, "bc", 2);
	sov_sha256_final_hex(&h, hex);
	is_str(hex, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
	       "streaming equals one-shot");

	/* SHA-1 known answers (FIPS 180-1 / RFC 3174). */
	ok(sov_sha1_init(&h1) == 0, "sha1 init");
	sov_sha1_final(&h1, md1);
	ok(h1.ctx == NULL, "sha1 final releases the context");
	sov_buf_reset(&b);
	sov_hex_encode(md1, SOV_SHA1_LEN, &b);
	is_str(b.ptr, "da39a3ee5e6b4b0d3255bfef95601890afd80709", "sha1 of nothing");
	ok(sov_sha1_init(&h1) == 0, "sha1 init again");
	sov_sha1_update(&h1, "ab", 2);
	sov_sha1_update(&h1, "", 0);
	sov_sha1_update(&h1, "c", 1);
	sov_sha1_final(&h1, md1);
	sov_buf_reset(&b);
	sov_hex_encode(md1, SOV_SHA1_LEN, &b);
	is_str(b.ptr, "a9993e364706816aba3e25717850c26c9cd0d89d", "sha1 of abc, in pieces");
	memset(chunk, 'a', sizeof(chunk));
	ok(sov_sha1_init(&h1) == 0, "sha1 init for a million");
	for (i = 0; i < 1000; i++)	/* pieces that straddle the 64-byte blocks */
		sov_sha1_update(&h1, chunk, i % 2 ? 999 : 1001);
	sov_sha1_final(&h1, md1);
	sov_buf_reset(&b);
	sov_hex_encode(md1, SOV_SHA1_LEN, &b);
	is_str(b.ptr, "34aa973cd4c4daa4f61eeb2bdbad27316534016f",
	       "sha1 of one million a (FIPS 180-1)");
	ok(sov_sha1_init(&h1) == 0, "sha1 init to abort");
	sov_sha1_update(&h1, "abc", 3);
	sov_sha1_abort(&h1);
	sov_sha1_abort(&h1);
	ok(h1.ctx == NULL, "abort releases, twice is harmless");
	sov_buf_reset(&b);

	sov_md5_hex("Name is Alex", 12, hex);
	is_str(hex, "d0fccc8fa47f7a149ee95750c37bb0ca", "md5 as mem0 computes a memory hash");

	/* RFC 4231 test case 2. */
	sov_hmac_sha256("Jefe", 4, "what do ya want for nothing?", 28, mac);
	sov_hex_encode(mac, 32, &b);
	is_str(b.ptr, "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843",
	       "HMAC-SHA256 (RFC 4231 case 2)");

	sov_buf_reset(&b);
	sov_base64_encode("foobar", 6, &b);
	is_str(b.ptr, "Zm9vYmFy", "base64 of foobar (RFC 4648)");
	sov_buf_reset(&b);
	sov_base64_encode("fooba", 5, &b);
	is_str(b.ptr, "Zm9vYmE=", "base64 with one pad");
	sov_buf_reset(&b);
	sov_base64_encode("foob", 4, &b);
	is_str(b.ptr, "Zm9vYg==", "base64 with two pads");
	sov_buf_reset(&b);
	ok(sov_base64_decode("Zm9vYg==", 8, &b) == 0 && !strcmp(b.ptr, "foob"), "decode");
	sov_buf_reset(&b);
	ok(sov_base64_decode("Zm9vYmFy", 8, &b) == 0 && !strcmp(b.ptr, "foobar"), "decode no pad");
	sov_buf_reset(&b);
	ok(sov_base64_decode("Zm9v!mFy", 8, &b) == -1, "invalid character refused");
	ok(sov_base64_decode("Zm9", 3, &b) == -1, "bad length refused");
	ok(sov_hex_digit('0') == 0 && sov_hex_digit('9') == 9 && sov_hex_digit('a') == 10 &&
	   sov_hex_digit('F') == 15, "hex digits of both cases");
	ok(sov_hex_digit('g') == -1 && sov_hex_digit('/') == -1 && sov_hex_digit(0) == -1,
	   "non-digits are -1");
	sov_buf_release(&b);
	return done_testing();
}
