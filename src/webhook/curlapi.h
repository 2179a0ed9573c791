/*
 * curlapi.h - the libcurl functions sovsync calls, through one table.
 *
 * Only the webhook (webhook.c) talks HTTP, yet linking libcurl would make
 * every process load it and the dozen libraries it needs (LDAP, Kerberos,
 * SASL, nghttp2, ...) at start: about half of a hook's start-up.  Where
 * the build sets SOV_LAZY_LIBS (POSIX), sov_curl() loads libcurl by its
 * soname the first time it is asked (osdl.h); elsewhere the table holds
 * the statically linked functions.  Callers use c->easy_init() where they
 * would call curl_easy_init().
 *
 * Threads: the first call loads the library and must not race with
 * another; every caller today runs before any thread of ours starts.
 */
#ifndef SOV_CURLAPI_H
#define SOV_CURLAPI_H

#include <curl/curl.h>

#include "buf.h"

/* The functions in the table, by their names without "curl_". */
#define SOV_CURL_FUNCTIONS(X) \
	X(easy_init) X(easy_reset) X(easy_setopt) X(easy_perform) \
	X(easy_getinfo) X(easy_strerror) X(easy_cleanup) \
	X(slist_append) X(slist_free_all) \
	X(url) X(url_set) X(url_get) X(url_cleanup) X(free) X(version_info)

struct sov_curl {
#define SOV_CURL_FIELD(f) __typeof__(curl_##f) *f;
	SOV_CURL_FUNCTIONS(SOV_CURL_FIELD)
#undef SOV_CURL_FIELD
};

/*
 * The table, loading libcurl on the first call.  NULL with a message
 * ("cannot load libcurl.so.4: ...") when the library or one of its
 * functions is missing; a later call tries again.
 */
const struct sov_curl *sov_curl(void);

/*
 * Append a one-line description of libcurl to `out` without loading it:
 * "libcurl 7.88.1 (OpenSSL/3.0.15)" when it is in the process (a static
 * build, or loaded already), else the version sovsync was compiled with
 * and the file it will load.
 */
void sov_curl_describe(struct sov_buf *out);

#endif
