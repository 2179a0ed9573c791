/* Unit tests for src/webhook/webhook.c: settings parsing, URL policy, signing,
 * backoff, classification and the payload. */
#include "tap.h"
#include "scratch.h"
#include "error.h"
#include "fs.h"
#include "run.h"
#include "webevent.h"
#include "webhook.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* git itself in `dir`, without a shell (Windows has none): 0, or -1. */
#define git_in(dir, ...) sov_run_git(NULL, (dir), __VA_ARGS__, NULL)
#define GIT_ID "-c", "user.name=a", "-c", "user.email=a@b"

/* `text` into the file `rel` of `dir`: 0, or -1. */
static int write_in(const char *dir, const char *rel, const char *text)
{
	struct sov_buf path = SOV_BUF_INIT;
	int ret;

	sov_buf_addf(&path, "%s/%s", dir, rel);
	ret = sov_fs_write_atomic(path.ptr, text, strlen(text), 0644);
	sov_buf_release(&path);
	return ret;
}

/* Redact `in` with token "tok_0123456789abcdef", secret key "whsec_" form. */
static char *redacted(const char *in, const char *sig)
{
	struct sov_webhook_settings s = SOV_WEBHOOK_SETTINGS_INIT;
	struct sov_buf t = SOV_BUF_INIT;

	sov_buf_addstr(&s.token, "tok_0123456789abcdef");
	/* base64 "c2VjcmV0LWtleS1ieXRlcy0wMQ" (no padding needed: 18 bytes) */
	sov_buf_addstr(&s.key, "secret-key-bytes-01");
	sov_buf_addstr(&t, in);
	sov_webhook_redact(&s, sig, &t);
	sov_webhook_settings_release(&s);
	return sov_buf_detach(&t, NULL);
}

static void test_redact(void)
{
	static const char *const leaks[] = {
		"echo tok_0123456789abcdef",
		"Authorization: Bearer tok_0123456789abcdef",
		"{\"headers\":{\"Authorization\":\"Bearer tok_0123456789abcdef\"}}",
		"token tok_01234567\r\n89abcdef",
		"token \"tok_012345\" + \"6789abcdef\"",
		"json tok_01234\\n56789abcdef",
		"url-encoded tok%5F0123456789abcdef",
		"https://user:tok_0123456789abcdef@example.com/x",
		"partial 456789abcdef only",
		"cut at the end: tok_012",
		"raw secret secret-key-bytes-01",
		"b64 c2VjcmV0LWtleS1ieXRlcy0wMQ==",
		"b64 json c2VjcmV0\\/LWtleS1ieXRlcy0wMQ",
		"sig v1,AAAABBBBCCCCDDDD+/EEEEFFFF=",
		NULL,
	};
	const char *const *l;
	char *r;

	for (l = leaks; *l; l++) {
		r = redacted(*l, "v1,AAAABBBBCCCCDDDD+/EEEEFFFF=");
		ok(!strstr(r, "0123456789") && !strstr(r, "89abcdef") && !strstr(r, "tok_012") &&
		   !strstr(r, "secret-key") && !strstr(r, "c2VjcmV0") && !strstr(r, "LWtleS1") &&
		   !strstr(r, "BBBBCCCC") && strstr(r, "[redacted]"),
		   "redacted: %s -> %s", *l, r);
		free(r);
	}
	r = redacted("see https://u:p@h.example/a?id=7&token=abc123&x=1 and ?api_key=zz", NULL);
	is_str(r, "see https://[redacted]@h.example/a?id=7&token=[redacted]&x=1 and "
	       "?api_key=[redacted]", "userinfo and secret query values, other parameters kept");
	free(r);
	r = redacted("Authorization: Basic dXNlcjpwYXNz\nnext line", NULL);
	is_str(r, "Authorization[redacted]\nnext line", "Authorization: the rest of the line");
	free(r);
	r = redacted("{\"auth\": \"Bearer other-token\", \"ok\": 1}", NULL);
	is_str(r, "{\"auth\": \"Bearer [redacted]\", \"ok\": 1}", "any bearer credential");
	free(r);
	r = redacted("internal server error: database is down (code 17)", NULL);
	is_str(r, "internal server error: database is down (code 17)", "plain text kept");
	free(r);
	r = redacted("", NULL);
	is_str(r, "", "empty stays empty");
	free(r);
}

int main(void)
{
	struct sov_webhook_settings s = SOV_WEBHOOK_SETTINGS_INIT;
	struct sov_buf b = SOV_BUF_INIT, key = SOV_BUF_INIT;
	char dir[] = "/tmp/sovsync-webhook-XXXXXX";
	git_repository *repo = NULL;
	unsigned mask = 0;
	json_t *j;
	int64_t d;
	int i, all_in_range;

	git_libgit2_init();

	ok(sov_events_parse("commit,merge push", &mask) == 0 && mask == 7, "all three");
	ok(sov_events_parse(" push ", &mask) == 0 && mask == SOV_WEBHOOK_PUSH, "push only");
	ok(sov_events_parse("", &mask) == 0 && mask == 0, "none");
	ok(sov_events_parse("commit,pull", &mask) < 0 && strstr(sov_error_last(), "pull"),
	   "unknown event named: %s", sov_error_last());

	ok(sov_webhook_check_url("https://example.com/hook", 0) == 0, "https ok");
	ok(sov_webhook_check_url("http://127.0.0.1:8080/hook", 0) == 0, "http to 127.0.0.1 ok");
	ok(sov_webhook_check_url("http://127.1.2.3/hook", 0) == 0, "http to 127/8 ok");
	ok(sov_webhook_check_url("http://localhost/hook", 0) == 0, "http to localhost ok");
	ok(sov_webhook_check_url("http://[::1]:9/hook", 0) == 0, "http to ::1 ok");
	ok(sov_webhook_check_url("http://example.com/hook", 0) < 0, "http elsewhere refused: %s",
	   sov_error_last());
	ok(sov_webhook_check_url("http://example.com/hook", 1) == 0, "unless allowInsecure");
	ok(sov_webhook_check_url("http://128.0.0.1/hook", 0) < 0, "128.0.0.1 is not loopback");
	ok(sov_webhook_check_url("ftp://127.0.0.1/x", 1) < 0, "ftp refused");
	ok(sov_webhook_check_url("https://u:p@example.com/", 0) < 0 &&
	   !strstr(sov_error_last(), "u:p"), "credentials in the URL refused, not echoed");
	ok(sov_webhook_check_url("not a url", 0) < 0, "garbage refused");

	/* The Standard Webhooks reference example. */
	ok(sov_webhook_secret_key("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", 38, &key) == 0,
	   "whsec_ secret decoded");
	is_int(key.len, 24, "24 key bytes");
	sov_webhook_sign(key.ptr, key.len, "msg_p5jXN8AQM9LWM0D4loKWxJek", 1614265330,
			 "{\"test\": 2432232314}", 20, &b);
	is_str(b.ptr, "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=", "signature");
	ok(sov_webhook_secret_key("whsec_!!!", 9, &key) < 0, "bad base64 refused");
	ok(sov_webhook_secret_key("plain", 5, &key) == 0 && key.len == 5 &&
	   !memcmp(key.ptr, "plain", 5), "a plain secret is used as is");

	is_int(sov_webhook_classify(200), SOV_WEBHOOK_DELIVERED, "200 delivered");
	is_int(sov_webhook_classify(204), SOV_WEBHOOK_DELIVERED, "204 delivered");
	is_int(sov_webhook_classify(301), SOV_WEBHOOK_GIVE_UP, "301 is a failure");
	is_int(sov_webhook_classify(400), SOV_WEBHOOK_GIVE_UP, "400 gives up");
	is_int(sov_webhook_classify(410), SOV_WEBHOOK_GIVE_UP, "410 gives up");
	is_int(sov_webhook_classify(408), SOV_WEBHOOK_RETRY, "408 retried");
	is_int(sov_webhook_classify(429), SOV_WEBHOOK_RETRY, "429 retried");
	is_int(sov_webhook_classify(500), SOV_WEBHOOK_RETRY, "500 retried");
	is_int(sov_webhook_classify(503), SOV_WEBHOOK_RETRY, "503 retried");

	s.retry_delay_ms = 1000;
	s.max_retry_delay_ms = 60000;
	is_int(sov_webhook_backoff_ms(&s, 1, -1, 999999), 999999 % 1001, "attempt 1: within base");
	is_int(sov_webhook_backoff_ms(&s, 3, -1, UINT64_MAX), UINT64_MAX % 4001,
	       "attempt 3: within base * 4");
	is_int(sov_webhook_backoff_ms(&s, 60, -1, 60000), 60000, "capped (no overflow)");
	is_int(sov_webhook_backoff_ms(&s, 60, -1, 60001), 0, "full jitter reaches 0");
	is_int(sov_webhook_backoff_ms(&s, 1, 5000, 3), 5000, "Retry-After is a floor");
	is_int(sov_webhook_backoff_ms(&s, 1, 999999999999LL, 3), 24 * 3600 * 1000LL,
	       "Retry-After clamped to a day");
	all_in_range = 1;
	for (i = 0; i < 1000; i++) {
		d = sov_webhook_backoff_ms(&s, 2, -1, (uint64_t)rand() * 7919u);
		if (d < 0 || d > 2000)
			all_in_range = 0;
	}
	ok(all_in_range, "jitter stays in [0, base * 2]");

	sov_buf_reset(&b);
	ok(sov_webevent_new_id(&b) == 0 && b.len == 36 && !strncmp(b.ptr, "evt_", 4), "new id %s", b.ptr);

	/* Payload: paths under the root only, before/after, fields. */
	ok(mkdtemp(dir) != NULL, "temp dir");
	sov_buf_reset(&b);
	sov_buf_addf(&b, "%s/shared/memories", dir);
	ok(git_in(dir, "init", "-q", "-b", "main", ".") == 0 &&
	   git_in(dir, GIT_ID, "commit", "-q", "--allow-empty", "-m", "one") == 0 &&
	   sov_fs_mkdirs(b.ptr, 0755) == 0 &&
	   write_in(dir, "shared/memories/m.json", "1\n") == 0 &&
	   write_in(dir, "outside", "2\n") == 0 && git_in(dir, "add", ".") == 0 &&
	   git_in(dir, GIT_ID, "commit", "-q", "-m", "two") == 0 &&
	   git_in(dir, "config", "sovsync.source", "laptop") == 0, "repository");
	ok(git_repository_open(&repo, dir) == 0, "open it");
	ok(sov_webhook_settings_load(&s, repo) == 0, "no URL: webhooks off");
	ok(s.events == 7, "default events: all");
	{
		git_object *one = NULL, *two = NULL;
		char h1[41], h2[41];

		ok(git_revparse_single(&one, repo, "HEAD^") == 0 &&
		   git_revparse_single(&two, repo, "HEAD") == 0, "commits");
		git_oid_tostr(h1, sizeof(h1), git_object_id(one));
		git_oid_tostr(h2, sizeof(h2), git_object_id(two));
		sov_buf_reset(&b);
		ok(sov_webevent_payload(repo, &s, "commit", "evt_x", "main", h1, h2,
				       1700000000000000LL, &b) == 0, "payload");
		j = json_loads(b.ptr, 0, NULL);
		ok(json_is_object(j), "valid JSON: %s", b.ptr);
		is_str(json_string_value(json_object_get(j, "event")), "commit", "event");
		is_str(json_string_value(json_object_get(j, "id")), "evt_x", "id");
		is_str(json_string_value(json_object_get(j, "before")), h1, "before");
		is_str(json_string_value(json_object_get(j, "after")), h2, "after");
		is_str(json_string_value(json_object_get(j, "branch")), "main", "branch");
		is_str(json_string_value(json_object_get(j, "source")), "laptop", "source");
		is_str(json_string_value(json_object_get(j, "timestamp")), "2023-11-14T22:13:20Z",
		       "timestamp");
		is_int(json_array_size(json_object_get(j, "paths")), 1, "one path under shared/");
		is_str(json_string_value(json_array_get(json_object_get(j, "paths"), 0)),
		       "shared/memories/m.json", "the memory file");
		ok(json_is_string(json_object_get(j, "sovsync_version")), "version");
		ok(json_is_null(json_object_get(j, "remote")), "no remote");
		is_str(json_string_value(json_object_get(json_object_get(j, "sync_health"),
		       "status")), "healthy", "sync_health of the clone");
		ok(json_is_integer(json_object_get(json_object_get(j, "metrics"), "totalSyncs")) &&
		   !json_object_get(json_object_get(j, "metrics"), "health"),
		   "metrics, health apart");
		json_decref(j);
		sov_buf_reset(&b);
		ok(sov_webevent_payload(repo, &s, "commit", "evt_y", NULL, NULL, h1, 0, &b) == 0 &&
		   strstr(b.ptr, "\"before\":null") && strstr(b.ptr, "\"paths\":[]"),
		   "root commit: before null, no paths");
		git_object_free(one);
		git_object_free(two);
	}
	ok(git_in(dir, "config", "sovsync.webhook.url", "http://example.com/") == 0 &&
	   sov_webhook_settings_load(&s, repo) < 0, "insecure URL refused at load");
	ok(git_in(dir, "config", "sovsync.webhook.url", "http://127.0.0.1:9/") == 0 &&
	   git_in(dir, "config", "sovsync.webhook.events", "push") == 0 &&
	   sov_webhook_settings_load(&s, repo) == 1 && s.events == SOV_WEBHOOK_PUSH,
	   "URL and events read");
	{
		struct sov_ctx ctx = SOV_CTX_INIT;
		struct sov_settings none = SOV_SETTINGS_INIT;
		struct sov_webhook_settings c = SOV_WEBHOOK_SETTINGS_INIT;

		ok(sov_ctx_open(&ctx, dir, SOV_CTX_REPO) == 0 &&
		   sov_webhook_settings_ctx(&c, &ctx) == 1 && c.events == SOV_WEBHOOK_PUSH &&
		   !strcmp(c.url.ptr, "http://127.0.0.1:9/") &&
		   !strcmp(c.source.ptr, "laptop"), "from a context: the same settings");
		ok(git_in(dir, "config", "sovsync.webhook.events", "commit") == 0 &&
		   sov_webhook_settings_ctx(&c, &ctx) == 1 && c.events == SOV_WEBHOOK_PUSH,
		   "from the context's snapshot: a later edit is not reread");
		ok(sov_webhook_settings_from(&c, &none) < 0 && strstr(sov_error_last(), "not loaded"),
		   "settings without the webhook groups are refused (%s)", sov_error_last());
		sov_error_clear();
		sov_webhook_settings_release(&c);
		sov_ctx_release(&ctx);
	}

	test_redact();

	sov_webhook_settings_release(&s);
	sov_buf_release(&b);
	sov_buf_release(&key);
	git_repository_free(repo);
	ok(scratch_remove(dir) == 0, "cleanup");
	git_libgit2_shutdown();
	return done_testing();
}
