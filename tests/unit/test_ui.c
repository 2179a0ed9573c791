/* Unit tests for src/ui/ui.c: the security checks, --listen, cookies, history lines. */
#include "tap.h"
#include "error.h"
#include "ui.h"

#include <stdlib.h>

static void test_listen(void)
{
	struct sov_buf host = SOV_BUF_INIT;
	unsigned port = 1;

	ok(sov_ui_parse_listen("127.0.0.1:0", &host, &port) == 0 && port == 0 &&
	   !strcmp(host.ptr, "127.0.0.1"), "listen 127.0.0.1:0");
	ok(sov_ui_parse_listen(":8080", &host, &port) == 0 && port == 8080 &&
	   !strcmp(host.ptr, "127.0.0.1"), "listen :8080 is loopback");
	ok(sov_ui_parse_listen("[::1]:9", &host, &port) == 0 && port == 9 &&
	   !strcmp(host.ptr, "::1"), "listen [::1]:9");
	ok(sov_ui_parse_listen("localhost:80", &host, &port) < 0, "a name is refused");
	sov_error_clear();
	ok(sov_ui_parse_listen("127.0.0.1:65536", &host, &port) < 0, "port out of range");
	sov_error_clear();
	ok(sov_ui_parse_listen("127.0.0.1:-1", &host, &port) < 0, "negative port");
	sov_error_clear();
	ok(sov_ui_parse_listen("127.0.0.1", &host, &port) < 0, "no port");
	sov_error_clear();
	ok(sov_ui_parse_listen("[::1]9", &host, &port) < 0, "v6 without colon");
	sov_error_clear();
	ok(sov_ui_parse_listen("0.0.0.0:80", &host, &port) < 0, "0.0.0.0 refused");
	sov_error_clear();
	ok(sov_ui_parse_listen("[::]:80", &host, &port) < 0, ":: refused");
	sov_error_clear();
	ok(sov_ui_parse_listen("192.168.1.5:80", &host, &port) == 0 &&
	   !strcmp(host.ptr, "192.168.1.5"), "one other address is taken");
	ok(sov_ui_is_loopback("127.0.0.1") && sov_ui_is_loopback("127.8.9.1") &&
	   sov_ui_is_loopback("::1"), "loopback addresses");
	ok(!sov_ui_is_loopback("0.0.0.0") && !sov_ui_is_loopback("10.0.0.1") &&
	   !sov_ui_is_loopback("::") && !sov_ui_is_loopback("localhost"), "others are not");
	sov_buf_release(&host);
}

static void test_token(void)
{
	ok(sov_ui_token_ok("abc123", "abc123"), "right token");
	ok(!sov_ui_token_ok("abc123", "abc124"), "wrong token");
	ok(!sov_ui_token_ok("abc123", "abc12"), "prefix of the token");
	ok(!sov_ui_token_ok("abc123", "abc1234"), "token plus a byte");
	ok(!sov_ui_token_ok("abc123", ""), "empty token");
	ok(!sov_ui_token_ok("abc123", NULL), "no token");
	ok(!sov_ui_token_ok("", ""), "an empty expected token never matches");
}

static void test_host_origin(void)
{
	ok(sov_ui_host_ok("127.0.0.1", 8080, "127.0.0.1:8080"), "Host as served");
	ok(sov_ui_host_ok("127.0.0.1", 8080, "localhost:8080"), "localhost for loopback");
	ok(sov_ui_host_ok("127.0.0.1", 8080, "LocalHost:8080"), "localhost in any case");
	ok(!sov_ui_host_ok("127.0.0.1", 8080, "127.0.0.1:8081"), "another port");
	ok(!sov_ui_host_ok("127.0.0.1", 8080, "127.0.0.1"), "no port");
	ok(!sov_ui_host_ok("127.0.0.1", 8080, "evil.example:8080"), "DNS rebinding name");
	ok(!sov_ui_host_ok("127.0.0.1", 8080, "127.0.0.1:8080.evil"), "suffix");
	ok(!sov_ui_host_ok("127.0.0.1", 8080, "x127.0.0.1:8080"), "prefix");
	ok(!sov_ui_host_ok("127.0.0.1", 8080, NULL), "no Host header");
	ok(!sov_ui_host_ok("127.0.0.1", 8080, ""), "empty Host header");
	ok(sov_ui_host_ok("::1", 80, "[::1]:80"), "IPv6 Host");
	ok(!sov_ui_host_ok("::1", 80, "::1:80"), "IPv6 Host without brackets");
	ok(!sov_ui_host_ok("192.168.1.2", 80, "localhost:80"), "localhost only for loopback");
	ok(sov_ui_origin_ok("127.0.0.1", 8080, "http://127.0.0.1:8080"), "Origin as served");
	ok(sov_ui_origin_ok("127.0.0.1", 8080, "http://localhost:8080"), "Origin localhost");
	ok(!sov_ui_origin_ok("127.0.0.1", 8080, "https://127.0.0.1:8080"), "other scheme");
	ok(!sov_ui_origin_ok("127.0.0.1", 8080, "http://evil.example"), "foreign Origin");
	ok(!sov_ui_origin_ok("127.0.0.1", 8080, "http://127.0.0.1:8080/x"), "Origin with a path");
	ok(!sov_ui_origin_ok("127.0.0.1", 8080, "null"), "null Origin");
	ok(!sov_ui_origin_ok("127.0.0.1", 8080, NULL), "no Origin is not a match");
}

static void test_path(void)
{
	ok(sov_ui_path_ok("/"), "/");
	ok(sov_ui_path_ok("/settings/sync"), "a page");
	ok(sov_ui_path_ok("/assets/app.js"), "an asset");
	ok(sov_ui_path_ok("/assets/..x"), "a name starting with two dots");
	ok(!sov_ui_path_ok("/.."), "/..");
	ok(!sov_ui_path_ok("/assets/../etc/passwd"), "dot-dot segment");
	ok(!sov_ui_path_ok("/assets/.."), "trailing dot-dot");
	ok(!sov_ui_path_ok("/./assets/app.js"), "dot segment");
	ok(!sov_ui_path_ok("/assets\\..\\x"), "backslash");
	ok(!sov_ui_path_ok("//etc/passwd"), "double slash");
	ok(!sov_ui_path_ok("/assets/%2e%2e/x"), "percent left after decoding");
	ok(!sov_ui_path_ok("/a b"), "space");
	ok(!sov_ui_path_ok("/a\x01"), "control byte");
	ok(!sov_ui_path_ok("/\xc3\xa9"), "non-ASCII");
	ok(!sov_ui_path_ok("assets/app.js"), "relative");
	ok(!sov_ui_path_ok(""), "empty");
	ok(!sov_ui_path_ok(NULL), "none");
}

static void test_cookie(void)
{
	struct sov_buf v = SOV_BUF_INIT;

	ok(sov_ui_cookie_get("a=1; sovsync_ui_80=tok; b=2", "sovsync_ui_80", &v) &&
	   !strcmp(v.ptr, "tok"), "cookie among others");
	ok(sov_ui_cookie_get("sovsync_ui_80=tok", "sovsync_ui_80", &v) && !strcmp(v.ptr, "tok"),
	   "the only cookie");
	ok(!sov_ui_cookie_get("xsovsync_ui_80=tok", "sovsync_ui_80", &v), "a longer name");
	ok(!sov_ui_cookie_get("sovsync_ui_8080=tok", "sovsync_ui_80", &v), "another port's");
	ok(!sov_ui_cookie_get(NULL, "sovsync_ui_80", &v), "no Cookie header");
	sov_buf_release(&v);
}

static void test_history(void)
{
	static const char l1[] = "2026-11-26T13:00:36.811292Z ok 0.860s committed 412 files "
				 "(fc95e9d) pushed";
	static const char l2[] = "2026-11-26T13:00:41.639789Z failed 0.071s committed 1 file "
				 "(f4c490e): git fetch: fatal: unable to access 'x': Failed; "
				 "retry in 0.8s";
	static const char l3[] = "2026-11-26T13:00:50Z ok 1.5s merged (kept 1 edited file "
				 "deleted on one side, flagged) pushed";
	json_t *e;

	e = sov_ui_history_entry(l1, sizeof(l1) - 1);
	ok(e != NULL, "a cycle line parses");
	is_str(json_string_value(json_object_get(e, "result")), "ok", "result");
	ok(json_real_value(json_object_get(e, "durationMs")) > 859.9 &&
	   json_real_value(json_object_get(e, "durationMs")) < 860.1, "duration in ms");
	is_int(json_integer_value(json_object_get(e, "files")), 412, "files");
	is_str(json_string_value(json_object_get(e, "commit")), "fc95e9d", "commit");
	ok(json_is_true(json_object_get(e, "pushed")) && json_is_false(json_object_get(e,
	   "merged")), "pushed, not merged");
	ok(json_is_null(json_object_get(e, "error")), "no error");
	json_decref(e);
	e = sov_ui_history_entry(l2, sizeof(l2) - 1);
	is_str(json_string_value(json_object_get(e, "result")), "failed", "failed cycle");
	is_str(json_string_value(json_object_get(e, "error")),
	       "git fetch: fatal: unable to access 'x': Failed; retry in 0.8s", "its error");
	json_decref(e);
	e = sov_ui_history_entry(l3, sizeof(l3) - 1);
	ok(e && json_is_true(json_object_get(e, "merged")) &&
	   json_is_null(json_object_get(e, "error")), "a ': ' inside parentheses is no error");
	json_decref(e);
	ok(!sov_ui_history_entry("2026-11-26T13:00:50Z watch started", 34),
	   "a watcher line is no cycle");
	ok(!sov_ui_history_entry("garbage", 7), "garbage");
	ok(!sov_ui_history_entry("", 0), "empty line");
	e = sov_ui_history_entry("2026-11-26T13:00:50Z failed 0.071s: git fetch: x", 48);
	ok(e && !strcmp(json_string_value(json_object_get(e, "error")), "git fetch: x") &&
	   json_real_value(json_object_get(e, "durationMs")) > 70.9, "an error right after the duration");
	json_decref(e);
	ok(!sov_ui_history_entry("2026-11-26T13:00:50Z ok xs", 26), "bad duration");
	ok(!sov_ui_history_entry("2026-11-26T13:00:50Z ok -1s", 27), "negative duration");
	e = sov_ui_history_entry("2026-11-26T13:00:50Z failed 1s: \xff\xfe", 34);
	ok(e && json_is_null(json_object_get(e, "text")) &&
	   json_is_null(json_object_get(e, "error")), "invalid UTF-8 kept out of the JSON");
	json_decref(e);
}

static void test_assets(void)
{
	ok(sov_ui_asset_find("dashboard.html") != NULL, "dashboard embedded");
	ok(sov_ui_asset_find("conflicts.html") != NULL, "resolver embedded");
	ok(sov_ui_asset_find("../dashboard.html") == NULL, "no path lookups");
	is_str(sov_ui_content_type("a.js"), "text/javascript; charset=utf-8", "js type");
	is_str(sov_ui_content_type("a.html"), "text/html; charset=utf-8", "html type");
	is_str(sov_ui_content_type("a"), "application/octet-stream", "unknown type");
}

int main(void)
{
	test_listen();
	test_token();
	test_host_origin();
	test_path();
	test_cookie();
	test_history();
	test_assets();
	return done_testing();
}
