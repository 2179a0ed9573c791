/*
 * curlapi.c - libcurl through one table, loaded when first needed; see
 * curlapi.h.
 */
#include "curlapi.h"

/* "libcurl 7.88.1 (OpenSSL/3.0.15)": the library in the process. */
static void describe(const struct sov_curl *c, struct sov_buf *out)
{
	const curl_version_info_data *v = c->version_info(CURLVERSION_NOW);

	sov_buf_addf(out, "libcurl %s (%s)", v->version,
		     v->ssl_version ? v->ssl_version : "no TLS");
}

#if SOV_LAZY_LIBS
#include "osdl.h"

/* Set by the build from the library it compiled against (Makefile). */
#ifndef SOV_CURL_SONAME
#define SOV_CURL_SONAME "libcurl.so.4"
#endif

/* Process-wide, like the library it describes: filled once, then read. */
static struct sov_curl table;
static int loaded;

const struct sov_curl *sov_curl(void)
{
	struct sov_curl t;
	void *lib;

	if (loaded)
		return &table;
	lib = sov_os_dl_open(SOV_CURL_SONAME);
	if (!lib)
		return NULL;
#define SOV_CURL_LOAD(f) \
	if (!(t.f = (__typeof__(t.f))sov_os_dl_sym(lib, SOV_CURL_SONAME, "curl_" #f))) \
		return NULL;
	SOV_CURL_FUNCTIONS(SOV_CURL_LOAD)
#undef SOV_CURL_LOAD
	table = t;
	loaded = 1;
	return &table;
}

void sov_curl_describe(struct sov_buf *out)
{
	if (loaded) {
		describe(&table, out);
		return;
	}
	sov_buf_addf(out, "libcurl %s (compiled with; %s is loaded when a webhook is sent)",
		     LIBCURL_VERSION, SOV_CURL_SONAME);
}

#else	/* linked with the program */

static const struct sov_curl table = {
#define SOV_CURL_ADDR(f) .f = curl_##f,
	SOV_CURL_FUNCTIONS(SOV_CURL_ADDR)
#undef SOV_CURL_ADDR
};

const struct sov_curl *sov_curl(void)
{
	return &table;
}

void sov_curl_describe(struct sov_buf *out)
{
	describe(&table, out);
}

#endif
