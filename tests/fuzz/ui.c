/*
 * Fuzz target: what `sovsync ui` reads from the outside (src/ui/ui.c): log
 * lines of the history, request paths, Host/Origin/Cookie headers and
 * --listen values.  Crash target, plus the path check's promise: an
 * accepted path has no "." or ".." segment, no backslash, no '%', no "//".
 */
#include "buf.h"
#include "error.h"
#include "json.h"
#include "ui.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int has_segment(const char *p, const char *seg)
{
	size_t n = strlen(seg);
	const char *s;

	for (s = strchr(p, '/'); s; s = strchr(s + 1, '/'))
		if (!strncmp(s + 1, seg, n) && (s[1 + n] == '/' || !s[1 + n]))
			return 1;
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct sov_buf text = SOV_BUF_INIT, out = SOV_BUF_INIT;
	json_t *e = sov_ui_history_entry((const char *)data, size);
	unsigned port = 0;

	if (e) {
		sov_json_dump(e, &out);	/* must encode: no invalid UTF-8 inside */
		if (!out.len || !json_is_string(json_object_get(e, "result")))
			abort();
		json_decref(e);
	}
	sov_buf_add(&text, data, size);	/* NUL-terminated; cut at a NUL inside */
	if (sov_ui_path_ok(text.ptr) &&
	    (has_segment(text.ptr, ".") || has_segment(text.ptr, "..") ||
	     strchr(text.ptr, '\\') || strchr(text.ptr, '%') || strstr(text.ptr, "//")))
		abort();
	sov_ui_host_ok("127.0.0.1", 8080, text.ptr);
	sov_ui_host_ok("::1", 8080, text.ptr);
	sov_ui_origin_ok("127.0.0.1", 8080, text.ptr);
	sov_ui_cookie_get(text.ptr, "sovsync_ui_8080", &out);
	if (sov_ui_parse_listen(text.ptr, &out, &port) == 0 && port > 65535)
		abort();
	sov_error_clear();
	sov_buf_release(&text);
	sov_buf_release(&out);
	return 0;
}
