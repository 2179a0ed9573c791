/*
 * Unit tests for the libraries loaded when first needed: the loader
 * (src/os/osdl.h) with real shared objects, and libcurl's table
 * (src/webhook/curlapi.h).  POSIX only: the Windows build links its
 * libraries statically (mk/windows.mk leaves this test out).
 */
#include "tap.h"
#include "buf.h"
#include "curlapi.h"
#include "error.h"
#include "osdl.h"

#include <string.h>

static void test_missing_library(void)
{
	void *lib;

	sov_error_clear();
	lib = sov_os_dl_open("libsovsync-no-such-library.so.9");
	ok(!lib, "a library that is not there is not loaded");
	ok(strstr(sov_error_last(), "cannot load libsovsync-no-such-library.so.9") != NULL,
	   "the message names the file: %s", sov_error_last());
	sov_error_clear();
}

static void test_functions(void)
{
	size_t (*len)(const char *);
	void (*fn)(void);
	void *lib;

	lib = sov_os_dl_open("libc.so.6");
	ok(lib != NULL, "libc.so.6 loads by its soname");
	if (!lib)
		return;
	fn = sov_os_dl_sym(lib, "libc.so.6", "strlen");
	ok(fn != NULL, "strlen is found");
	if (fn) {
		memcpy(&len, &fn, sizeof(len));
		is_int((int)len("sovsync"), 7, "and works through the pointer");
	}
	sov_error_clear();
	fn = sov_os_dl_sym(lib, "libc.so.6", "curl_sovsync_no_such_function");
	ok(!fn, "a function the library lacks is not found");
	ok(strstr(sov_error_last(), "libc.so.6 has no function curl_sovsync_no_such_function") !=
	   NULL, "the message names the library and the function: %s", sov_error_last());
	sov_error_clear();
}

static void test_curl(void)
{
	struct sov_buf before = SOV_BUF_INIT, after = SOV_BUF_INIT;
	const struct sov_curl *cu;
	CURLU *u;
	char *host = NULL;

	sov_curl_describe(&before);
#if SOV_LAZY_LIBS
	ok(strstr(before.ptr, "compiled with") && strstr(before.ptr, "is loaded when"),
	   "before it is loaded, libcurl is described without loading it: %s", before.ptr);
#else
	ok(strstr(before.ptr, "libcurl ") == before.ptr, "libcurl is linked: %s", before.ptr);
#endif
	cu = sov_curl();
	ok(cu != NULL, "libcurl's table loads: %s", cu ? "yes" : sov_error_last());
	if (!cu)
		goto out;
	ok(sov_curl() == cu, "a second call gives the same table");
	sov_curl_describe(&after);
	ok(!strstr(after.ptr, "compiled with") && strstr(after.ptr, "libcurl ") == after.ptr,
	   "once loaded, the runtime version is given: %s", after.ptr);
	u = cu->url();
	ok(u && cu->url_set(u, CURLUPART_URL, "https://example.invalid:8443/hook", 0) ==
	   CURLUE_OK && cu->url_get(u, CURLUPART_HOST, &host, 0) == CURLUE_OK,
	   "the table's functions are libcurl's");
	is_str(host ? host : "(none)", "example.invalid", "the URL parser gives the host");
	cu->free(host);
	cu->url_cleanup(u);
out:
	sov_buf_release(&before);
	sov_buf_release(&after);
}

int main(void)
{
	test_missing_library();
	test_functions();
	test_curl();
	return done_testing();
}
