/*
 * webhook.c - the webhook transport: settings, secrets, URL policy,
 * signing, one HTTP attempt, redaction; see webhook.h.
 */
#include "webhook.h"
#include "osenv.h"
#include "config.h"
#include "curlapi.h"
#include "ctx.h"
#include "error.h"
#include "settings.h"
#include "events.h"
#include "hash.h"
#include "timestamp.h"
#include "timing.h"
#include "version.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>


#include "osfs.h"
#include "oshash.h"
#include "osnet.h"

/* A Retry-After beyond a day is taken as a day. */
#define MAX_RETRY_AFTER_MS (24 * 3600 * 1000LL)

/*
 * The settings come from the one table (settings.h): the webhook group,
 * with the root, remote, branch and source of the core groups; durations
 * through the one parser (the older *Ms keys still read as milliseconds).
 */
static void set_text(struct sov_buf *b, const char *text)
{
	sov_buf_reset(b);
	sov_buf_addstr(b, text);
}

int sov_webhook_settings_from(struct sov_webhook_settings *s, const struct sov_settings *set)
{
	if ((set->loaded & SOV_WEBHOOK_GROUPS) != SOV_WEBHOOK_GROUPS)
		return sov_error("webhook settings: the settings groups were not loaded");
	if (sov_events_parse(set->webhook_events.ptr, &s->events) < 0)
		return -1;
	set_text(&s->url, set->webhook_url.ptr);
	s->allow_insecure = set->webhook_allow_insecure;
	s->connect_timeout_ms = set->webhook_connect_timeout_ms;
	s->timeout_ms = set->webhook_timeout_ms;
	s->max_attempts = set->webhook_max_attempts;
	s->retry_delay_ms = set->webhook_retry_delay_ms;
	s->max_retry_delay_ms = set->webhook_max_retry_delay_ms;
	s->linger_ms = set->webhook_linger_ms;
	set_text(&s->root, set->root.ptr);
	set_text(&s->remote, set->remote.ptr);
	set_text(&s->branch, set->branch.ptr);
	set_text(&s->source, set->source.ptr);
	s->url_checked = 0;
	if (!s->url.len)
		return 0;
	if (!sov_curl()) {
		sov_error_clear();	/* said again by whatever would send */
		return 1;
	}
	if (sov_webhook_check_url(s->url.ptr, s->allow_insecure) < 0)
		return -1;
	s->url_checked = 1;
	return 1;
}

int sov_webhook_settings_ctx(struct sov_webhook_settings *s, struct sov_ctx *ctx)
{
	if (sov_ctx_load(ctx, SOV_WEBHOOK_GROUPS) < 0)
		return -1;
	return sov_webhook_settings_from(s, &ctx->set);
}

int sov_webhook_settings_load(struct sov_webhook_settings *s, git_repository *repo)
{
	struct sov_settings set = SOV_SETTINGS_INIT;
	struct sov_config *cfg = NULL;
	int ret = -1;

	if (sov_config_open_repo(&cfg, repo) == 0 &&
	    sov_settings_load(&set, cfg, SOV_WEBHOOK_GROUPS) == 0)
		ret = sov_webhook_settings_from(s, &set);
	sov_settings_release(&set);
	sov_config_free(cfg);
	return ret;
}

/* Overwrite a secret before its memory goes back to the allocator. */
static void wipe(struct sov_buf *b)
{
	if (b->alloc)
		sov_os_cleanse(b->ptr, b->alloc);
	sov_buf_release(b);
}

void sov_webhook_settings_release(struct sov_webhook_settings *s)
{
	wipe(&s->token);
	wipe(&s->key);
	s->has_credentials = 0;
	sov_buf_release(&s->url);
	sov_buf_release(&s->root);
	sov_buf_release(&s->remote);
	sov_buf_release(&s->branch);
	sov_buf_release(&s->source);
}

/* Whether `path` (resolved) lies in the working tree but outside .git. */
static int in_worktree(git_repository *repo, const char *path)
{
	const char *wd = git_repository_workdir(repo);
	char *real_path, *real_wd, *real_gd;
	int inside = 0;

	if (!wd)
		return 0;
	real_path = sov_os_realpath(path);
	real_wd = sov_os_realpath(wd);
	real_gd = sov_os_realpath(git_repository_commondir(repo));
	if (real_path && real_wd) {
		size_t n = strlen(real_wd);

		inside = !strncmp(real_path, real_wd, n) && real_path[n] == '/';
		if (inside && real_gd) {
			size_t g = strlen(real_gd);

			if (!strncmp(real_path, real_gd, g) && real_path[g] == '/')
				inside = 0;
		}
	}
	free(real_path);
	free(real_wd);
	free(real_gd);
	return inside;
}

/*
 * Read a secret: the environment variable, else `file` (the value of the
 * setting sovsync.webhook.<key>, from the table).
 * The file must be private (no group/other bits) and outside the working
 * tree.  Messages name the file or the setting, never the value.
 */
static int read_secret(git_repository *repo, const struct sov_buf *file, const char *env,
		       const char *key, struct sov_buf *out)
{
	struct sov_buf path = SOV_BUF_INIT;
	const char *v = getenv(env);
	struct sov_os_stat st;
	int fd = -1, ret = -1;

	wipe(out);
	if (v && *v) {
		sov_buf_addstr(out, v);
		return 0;
	}
	sov_buf_addstr(&path, file->ptr);
	if (!path.len) {
		ret = 0;
		goto out;
	}
	if (path.ptr[0] == '~' && path.ptr[1] == '/' && sov_os_home()) {
		struct sov_buf full = SOV_BUF_INIT;

		sov_buf_addf(&full, "%s%s", sov_os_home(), path.ptr + 1);
		sov_buf_release(&path);
		path = full;
	}
	fd = sov_os_open(path.ptr, O_RDONLY | O_NOFOLLOW, 0);
	if (fd < 0) {
		sov_error_errno("%s (sovsync.webhook.%s): cannot open", path.ptr, key);
		goto out;
	}
	if (sov_os_fstat(fd, &st) < 0) {
		sov_error_errno("%s: cannot stat", path.ptr);
		goto out;
	}
	if (st.type != SOV_OS_REG) {
		sov_error("%s (sovsync.webhook.%s): not a regular file", path.ptr, key);
		goto out;
	}
	if (st.mode & 077) {
		sov_error("%s (sovsync.webhook.%s): readable by group or others (mode %04o); "
			  "refusing it, run 'chmod 600 %s'", path.ptr, key,
			  (unsigned)st.mode, path.ptr);
		goto out;
	}
	if (in_worktree(repo, path.ptr)) {
		sov_error("%s (sovsync.webhook.%s): inside the working tree, where Git could commit "
			  "it; keep it outside (e.g. ~/.config/sovsync/)", path.ptr, key);
		goto out;
	}
	if (sov_buf_read_fd(out, fd, path.ptr) < 0)
		goto out;
	sov_buf_rtrim(out);
	if (!out->len) {
		sov_error("%s (sovsync.webhook.%s): empty", path.ptr, key);
		goto out;
	}
	ret = 0;
out:
	if (fd >= 0)
		close(fd);
	if (ret < 0)
		wipe(out);
	sov_buf_release(&path);
	return ret;
}

int sov_webhook_load_credentials(struct sov_webhook_settings *s, git_repository *repo)
{
	struct sov_settings set = SOV_SETTINGS_INIT;
	struct sov_config *cfg = NULL;
	struct sov_buf secret = SOV_BUF_INIT;
	int ret = -1;
	size_t i;

	/* The files' settings are rows of the table (settings.h). */
	if (sov_config_open(&cfg, git_repository_path(repo)) < 0 ||
	    sov_settings_load(&set, cfg, SOV_SET_WEBHOOK) < 0)
		goto out;
	if (read_secret(repo, &set.webhook_token_file, "SOVSYNC_WEBHOOK_TOKEN",
			"tokenFile", &s->token) < 0 ||
	    read_secret(repo, &set.webhook_secret_file, "SOVSYNC_WEBHOOK_SECRET",
			"secretFile", &secret) < 0)
		goto out;
	/* A token goes into a header line: no control characters. */
	for (i = 0; i < s->token.len; i++)
		if ((unsigned char)s->token.ptr[i] < 0x20 || s->token.ptr[i] == 0x7f) {
			sov_error("the webhook token contains control characters");
			goto out;
		}
	wipe(&s->key);
	if (secret.len && sov_webhook_secret_key(secret.ptr, secret.len, &s->key) < 0)
		goto out;
	s->has_credentials = 1;
	ret = 0;
out:
	wipe(&secret);
	if (ret < 0) {
		wipe(&s->token);
		wipe(&s->key);
	}
	sov_settings_release(&set);
	sov_config_free(cfg);
	return ret;
}

int sov_webhook_secret_key(const char *secret, size_t len, struct sov_buf *key)
{
	sov_buf_reset(key);
	if (len > 6 && !strncmp(secret, "whsec_", 6)) {
		if (sov_base64_decode(secret + 6, len - 6, key) < 0 || !key->len) {
			wipe(key);
			return sov_error("the webhook secret starts with whsec_ but the "
					 "rest is not base64");
		}
		return 0;
	}
	sov_buf_add(key, secret, len);
	return 0;
}

static int is_loopback(const char *host)
{
	static const unsigned char loop6[16] = { [15] = 1 };
	unsigned char a[16];
	char buf[64];
	size_t n = strlen(host);

	if (!strcasecmp(host, "localhost"))
		return 1;
	if (sov_os_ip_parse(host, 0, a))
		return a[0] == 127;
	if (n >= 2 && host[0] == '[' && host[n - 1] == ']' && n - 2 < sizeof(buf)) {
		memcpy(buf, host + 1, n - 2);
		buf[n - 2] = '\0';
		host = buf;
	}
	return sov_os_ip_parse(host, 1, a) && !memcmp(a, loop6, sizeof(loop6));
}

int sov_webhook_check_url(const char *url, int allow_insecure)
{
	const struct sov_curl *cu = sov_curl();
	char *scheme = NULL, *host = NULL, *user = NULL;
	int ret = -1;
	CURLU *u;

	if (!cu)
		return sov_error_prefix("sovsync.webhook.url: cannot check it");
	u = cu->url();
	if (!u)
		return sov_error("out of memory");
	if (cu->url_set(u, CURLUPART_URL, url, 0) != CURLUE_OK ||
	    cu->url_get(u, CURLUPART_SCHEME, &scheme, 0) != CURLUE_OK ||
	    cu->url_get(u, CURLUPART_HOST, &host, 0) != CURLUE_OK) {
		sov_error("sovsync.webhook.url: not a valid URL");
		goto out;
	}
	if (cu->url_get(u, CURLUPART_USER, &user, 0) == CURLUE_OK) {
		sov_error("sovsync.webhook.url: must not contain user:password@; "
			  "use sovsync.webhook.tokenFile");
		goto out;
	}
	if (strcasecmp(scheme, "https") && strcasecmp(scheme, "http")) {
		sov_error("sovsync.webhook.url: scheme %s is not http or https", scheme);
		goto out;
	}
	if (!strcasecmp(scheme, "http") && !allow_insecure && !is_loopback(host)) {
		sov_error("sovsync.webhook.url: plain http to %s would expose the token; "
			  "use https (or set sovsync.webhook.allowInsecure)", host);
		goto out;
	}
	ret = 0;
out:
	cu->free(scheme);
	cu->free(host);
	cu->free(user);
	cu->url_cleanup(u);
	return ret;
}

void sov_webhook_sign(const void *key, size_t key_len, const char *id,
		      int64_t timestamp, const void *body, size_t body_len,
		      struct sov_buf *out)
{
	struct sov_buf msg = SOV_BUF_INIT;
	unsigned char mac[SOV_SHA256_LEN];

	sov_buf_addf(&msg, "%s.%lld.", id, (long long)timestamp);
	sov_buf_add(&msg, body, body_len);
	sov_hmac_sha256(key, key_len, msg.ptr, msg.len, mac);
	sov_buf_addstr(out, "v1,");
	sov_base64_encode(mac, sizeof(mac), out);
	sov_buf_release(&msg);
}

int64_t sov_webhook_backoff_ms(const struct sov_webhook_settings *s, int64_t attempts,
			       int64_t retry_after_ms, uint64_t random)
{
	int64_t delay = sov_timing_backoff_ms(attempts, s->retry_delay_ms,
					      s->max_retry_delay_ms, random);

	if (retry_after_ms > MAX_RETRY_AFTER_MS)
		retry_after_ms = MAX_RETRY_AFTER_MS;
	return delay > retry_after_ms ? delay : retry_after_ms;
}

enum sov_webhook_outcome sov_webhook_classify(long status)
{
	if (status >= 200 && status < 300)
		return SOV_WEBHOOK_DELIVERED;
	if (status == 408 || status == 429 || (status >= 500 && status < 600))
		return SOV_WEBHOOK_RETRY;
	return SOV_WEBHOOK_GIVE_UP;
}

void sov_webhook_response_release(struct sov_webhook_response *res)
{
	sov_buf_release(&res->error);
	res->status = 0;
	res->retry_after_ms = -1;
}

/*
 * The answer kept for the error text: enough beyond the 200 bytes shown
 * that a secret cut by the end of what is shown is still seen whole by the
 * redaction.  The rest is read and dropped (so a 2xx with a huge body
 * still counts as delivered), bounded by the timeout.
 */
#define MAX_ANSWER 1024
#define MAX_ERROR_TEXT 200

static size_t collect_body(char *data, size_t size, size_t n, void *priv)
{
	struct sov_buf *b = priv;
	size_t len = size * n;

	if (b->len < MAX_ANSWER)
		sov_buf_add(b, data, len < MAX_ANSWER - b->len ? len : MAX_ANSWER - b->len);
	return len;
}

/* A secret run shorter than this is not masked, except a whole secret. */
#define REDACT_MIN_RUN 8
/* ...or a run that the end of the text cuts off. */
#define REDACT_MIN_TAIL 4

/*
 * Decode one character of `t` at `p` as an echo may have written it: raw,
 * a JSON escape (\/, \uXXXX, and \n \r \t as separators) or a URL escape
 * (%XX).  Sets *c and returns the bytes used; *sep says the character
 * separates rather than belongs (white space, line breaks, quotes).
 */
static size_t decode_char(const unsigned char *t, size_t len, size_t p, int *c, int *sep)
{
	*sep = 0;
	*c = t[p];
	if (t[p] == '\\' && p + 1 < len) {
		unsigned char e = t[p + 1];

		if (e == 'n' || e == 'r' || e == 't') {
			*sep = 1;
			return 2;
		}
		if (e == 'u' && p + 5 < len && sov_hex_digit(t[p + 2]) >= 0 && sov_hex_digit(t[p + 3]) >= 0 &&
		    sov_hex_digit(t[p + 4]) >= 0 && sov_hex_digit(t[p + 5]) >= 0) {
			*c = (sov_hex_digit(t[p + 2]) << 12) | (sov_hex_digit(t[p + 3]) << 8) |
			     (sov_hex_digit(t[p + 4]) << 4) | sov_hex_digit(t[p + 5]);
			return 6;
		}
		if (e == '/' || e == '\\' || e == '"') {
			*c = e;
			return 2;
		}
	}
	if (t[p] == '%' && p + 2 < len && sov_hex_digit(t[p + 1]) >= 0 && sov_hex_digit(t[p + 2]) >= 0) {
		*c = (sov_hex_digit(t[p + 1]) << 4) | sov_hex_digit(t[p + 2]);
		return 3;
	}
	if (t[p] == ' ' || t[p] == '\t' || t[p] == '\r' || t[p] == '\n' || t[p] == '"' ||
	    t[p] == '\'' || t[p] == '\\')
		*sep = 1;
	return 1;
}

/*
 * Mark in `mask` the runs of `t` that spell part of `needle` (see
 * sov_webhook_redact for which runs count).
 */
static void mask_needle(const unsigned char *t, size_t len, const unsigned char *needle,
			size_t nlen, char *mask)
{
	size_t i, j, min_run = nlen < REDACT_MIN_RUN ? nlen : REDACT_MIN_RUN;

	if (!nlen)
		return;
	for (i = 0; i < len; i++) {
		size_t best = 0;
		int c0, sep;

		decode_char(t, len, i, &c0, &sep);
		if (sep)
			continue;
		for (j = 0; j < nlen; j++) {
			size_t p = i, end = i, k = j, matched = 0;

			if (needle[j] != c0 || (nlen < REDACT_MIN_RUN && j))
				continue;
			while (p < len && k < nlen) {
				int c;
				size_t adv = decode_char(t, len, p, &c, &sep);

				if (!sep) {
					if (c != needle[k])
						break;
					k++;
					matched++;
					end = p + adv;
				}
				p += adv;
			}
			if ((matched >= min_run || (p >= len && matched >= REDACT_MIN_TAIL)) &&
			    end - i > best)
					best = end - i;
		}
		if (best)
			memset(mask + i, 1, best);
	}
}

static int word_char(unsigned char c)
{
	return c > 0x20 && c != '"' && c != '\'' && c != ',' && c != ';' && c != '&' &&
	       c != '<' && c != '>' && c != '\\' && c != 0x7f;
}

/* Case-insensitive search for `word` (lower case) in t[from..len). */
static size_t find_word(const unsigned char *t, size_t len, size_t from, const char *word)
{
	size_t n = strlen(word), i, k;

	for (i = from; i + n <= len; i++) {
		for (k = 0; k < n && tolower(t[i + k]) == word[k]; k++)
			;
		if (k == n)
			return i;
	}
	return len;
}

/* Query parameter names whose values are taken as credentials. */
static const char *const secret_params[] = {
	"token", "secret", "key", "pass", "sig", "auth", "code", "session",
	"credential", NULL,
};

static void mask_patterns(const unsigned char *t, size_t len, char *mask)
{
	static const char *const schemes[] = { "bearer", "basic", NULL };
	const char *const *w;
	size_t i, e;

	/* Authorization: the rest of the line. */
	for (i = 0; (i = find_word(t, len, i, "authorization")) < len; i = e) {
		for (e = i + 13; e < len && t[e] != '\n' && t[e] != '\r'; e++)
			mask[e] = 1;
	}
	/* Bearer / Basic <credentials>: the next word. */
	for (w = schemes; *w; w++)
		for (i = 0; (i = find_word(t, len, i, *w)) < len; i = e) {
			e = i + strlen(*w);
			if (e >= len || (t[e] != ' ' && t[e] != '+' && t[e] != '%' && t[e] != '\t'))
				continue;
			while (e < len && (t[e] == ' ' || t[e] == '\t' || t[e] == '+'))
				e++;
			if (e + 2 < len && t[e] == '%' && t[e + 1] == '2' && t[e + 2] == '0')
				e += 3;
			for (; e < len && word_char(t[e]); e++)
				mask[e] = 1;
		}
	/* scheme://user:password@host: the userinfo. */
	for (i = 0; (i = find_word(t, len, i, "://")) < len; i = e) {
		size_t at = 0;

		for (e = i + 3; e < len && word_char(t[e]) && t[e] != '/' && t[e] != '?' &&
		     t[e] != '#'; e++)
			if (t[e] == '@')
				at = e;
		if (at)
			memset(mask + i + 3, 1, at - (i + 3));
	}
	/* ?name=value / &name=value with a secret-looking name. */
	for (i = 0; i < len; i++) {
		size_t name, eq;
		int hit = 0;

		if (t[i] != '?' && t[i] != '&')
			continue;
		for (eq = i + 1; eq < len && (isalnum(t[eq]) || t[eq] == '_' || t[eq] == '-' ||
					      t[eq] == '.'); eq++)
			;
		if (eq >= len || t[eq] != '=' || eq == i + 1)
			continue;
		for (w = secret_params; *w && !hit; w++) {
			name = find_word(t, eq, i + 1, *w);
			hit = name < eq;
		}
		if (!hit)
			continue;
		for (e = eq + 1; e < len && word_char(t[e]) && t[e] != '#'; e++)
			mask[e] = 1;
	}
}

void sov_webhook_redact(const struct sov_webhook_settings *s, const char *signature,
			struct sov_buf *text)
{
	const unsigned char *t = (const unsigned char *)text->ptr;
	struct sov_buf out = SOV_BUF_INIT, b64 = SOV_BUF_INIT;
	size_t i, len = text->len;
	char *mask;

	if (!len)
		return;
	mask = sov_calloc(len, 1);
	mask_needle(t, len, (const unsigned char *)s->token.ptr, s->token.len, mask);
	mask_needle(t, len, (const unsigned char *)s->key.ptr, s->key.len, mask);
	if (s->key.len) {
		sov_base64_encode(s->key.ptr, s->key.len, &b64);
		/* The padding is no secret, and rarely echoed as is. */
		while (b64.len && b64.ptr[b64.len - 1] == '=')
			b64.len--;
		mask_needle(t, len, (const unsigned char *)b64.ptr, b64.len, mask);
	}
	if (signature)
		mask_needle(t, len, (const unsigned char *)signature, strlen(signature), mask);
	mask_patterns(t, len, mask);
	for (i = 0; i < len; i++) {
		if (!mask[i]) {
			sov_buf_addch(&out, t[i]);
			continue;
		}
		sov_buf_addstr(&out, "[redacted]");
		while (i + 1 < len && mask[i + 1])
			i++;
	}
	/* The old text held secrets: wipe it before it is freed. */
	wipe(text);
	*text = out;
	wipe(&b64);
	free(mask);
}

/* Add "Name: value" to a header list; the value may be secret. */
static struct curl_slist *add_header(const struct sov_curl *cu, struct curl_slist *list,
				     const char *name, const char *value, size_t value_len)
{
	struct sov_buf line = SOV_BUF_INIT;
	struct curl_slist *next;

	sov_buf_addf(&line, "%s: ", name);
	sov_buf_add(&line, value, value_len);
	next = cu->slist_append(list, line.ptr);	/* curl copies the line */
	wipe(&line);
	if (!next) {
		cu->slist_free_all(list);
		return NULL;
	}
	return next;
}

/* Wipe the copies curl made of secret header lines, then free them. */
static void free_headers(const struct sov_curl *cu, struct curl_slist *list)
{
	struct curl_slist *h;

	for (h = list; h; h = h->next)
		sov_os_cleanse(h->data, strlen(h->data));
	cu->slist_free_all(list);
}

void sov_webhook_client_release(struct sov_webhook_client *c)
{
	/* A handle means that libcurl is loaded: sov_curl() cannot fail. */
	if (c->curl)
		sov_curl()->easy_cleanup(c->curl);
	c->curl = NULL;
	c->connections = 0;
}

/* The error text of an answer that was not 2xx: its first printable line. */
static void answer_error(const struct sov_webhook_settings *s, const char *signature,
			 struct sov_buf *answer, struct sov_webhook_response *res)
{
	size_t i;

	sov_webhook_redact(s, signature, answer);
	for (i = 0; i < answer->len && i < MAX_ERROR_TEXT; i++)
		if ((unsigned char)answer->ptr[i] < 0x20 || answer->ptr[i] == 0x7f)
			break;
	sov_buf_addf(&res->error, "HTTP %ld%s%.*s", res->status, i ? ": " : "",
		     (int)i, answer->ptr);
}

enum sov_webhook_outcome sov_webhook_post(const struct sov_webhook_settings *s,
					  struct sov_webhook_client *client,
					  const char *id, const char *body,
					  size_t body_len,
					  struct sov_webhook_response *res)
{
	static const char sig_name[] = "webhook-signature";
	struct curl_slist *headers = NULL;
	struct sov_buf v = SOV_BUF_INIT, sig = SOV_BUF_INIT, answer = SOV_BUF_INIT;
	enum sov_webhook_outcome outcome = SOV_WEBHOOK_RETRY;
	char errbuf[CURL_ERROR_SIZE] = "";
	int64_t ts = sov_time_now() / 1000000;
	curl_off_t retry_after = -1;
	const struct sov_curl *cu = sov_curl();
	long connects = 0;
	CURLcode rc;
	CURL *curl;

	sov_webhook_response_release(res);
	/* No libcurl, or a URL not checked yet that now fails its check. */
	if (!cu || (!s->url_checked &&
		    sov_webhook_check_url(s->url.ptr, s->allow_insecure) < 0)) {
		sov_buf_addstr(&res->error, sov_error_last());
		sov_error_clear();
		return SOV_WEBHOOK_NOT_SENT;
	}
	curl = client && client->curl ? client->curl : cu->easy_init();
	if (!curl) {
		sov_buf_addstr(&res->error, "cannot initialise libcurl");
		return SOV_WEBHOOK_RETRY;
	}
	if (client && client->curl)
		cu->easy_reset(curl);	/* options only: the connection stays */
	else if (client)
		client->curl = curl;
	headers = add_header(cu, headers, "Content-Type", "application/json", 16);
	if (headers)
		headers = add_header(cu, headers, "webhook-id", id, strlen(id));
	sov_buf_addf(&v, "%lld", (long long)ts);
	if (headers)
		headers = add_header(cu, headers, "webhook-timestamp", v.ptr, v.len);
	if (headers && s->key.len) {
		sov_webhook_sign(s->key.ptr, s->key.len, id, ts, body, body_len, &sig);
		headers = add_header(cu, headers, sig_name, sig.ptr, sig.len);
	}
	if (headers && s->token.len) {
		wipe(&v);
		sov_buf_addstr(&v, "Bearer ");
		sov_buf_add(&v, s->token.ptr, s->token.len);
		headers = add_header(cu, headers, "Authorization", v.ptr, v.len);
	}
	wipe(&v);
	/* Expect: 100-continue would add a round trip for nothing. */
	if (headers)
		headers = cu->slist_append(headers, "Expect:");
	if (!headers) {
		sov_buf_addstr(&res->error, "out of memory building the request");
		goto out;
	}

	cu->easy_setopt(curl, CURLOPT_URL, s->url.ptr);
	cu->easy_setopt(curl, CURLOPT_PROTOCOLS_STR, "http,https");
	cu->easy_setopt(curl, CURLOPT_FOLLOWLOCATION, 0L);	/* 3xx is a failure */
	cu->easy_setopt(curl, CURLOPT_SSL_VERIFYPEER, 1L);
	cu->easy_setopt(curl, CURLOPT_SSL_VERIFYHOST, 2L);
	cu->easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
	cu->easy_setopt(curl, CURLOPT_CONNECTTIMEOUT_MS, (long)s->connect_timeout_ms);
	cu->easy_setopt(curl, CURLOPT_TIMEOUT_MS, (long)s->timeout_ms);
	cu->easy_setopt(curl, CURLOPT_USERAGENT, "sovsync/" SOV_VERSION);
	cu->easy_setopt(curl, CURLOPT_HTTPHEADER, headers);
	cu->easy_setopt(curl, CURLOPT_POST, 1L);
	cu->easy_setopt(curl, CURLOPT_POSTFIELDS, body);
	cu->easy_setopt(curl, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)body_len);
	cu->easy_setopt(curl, CURLOPT_WRITEFUNCTION, collect_body);
	cu->easy_setopt(curl, CURLOPT_WRITEDATA, &answer);
	cu->easy_setopt(curl, CURLOPT_ERRORBUFFER, errbuf);
	/* Proxies from the environment would see the token: only when asked. */
	if (!getenv("SOVSYNC_WEBHOOK_USE_PROXY"))
		cu->easy_setopt(curl, CURLOPT_PROXY, "");

	rc = cu->easy_perform(curl);
	if (client && cu->easy_getinfo(curl, CURLINFO_NUM_CONNECTS, &connects) == CURLE_OK &&
	    connects > 0)
		client->connections += (size_t)connects;
	if (rc != CURLE_OK) {
		sov_buf_addf(&res->error, "%s", *errbuf ? errbuf : cu->easy_strerror(rc));
		sov_webhook_redact(s, sig.len ? sig.ptr : NULL, &res->error);
		goto out;
	}
	cu->easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &res->status);
	if (cu->easy_getinfo(curl, CURLINFO_RETRY_AFTER, &retry_after) == CURLE_OK &&
	    retry_after >= 0 && (res->status == 429 || res->status == 503))
		res->retry_after_ms = (int64_t)retry_after * 1000;
	outcome = sov_webhook_classify(res->status);
	if (outcome != SOV_WEBHOOK_DELIVERED)
		answer_error(s, sig.len ? sig.ptr : NULL, &answer, res);
out:
	free_headers(cu, headers);
	/* The handle keeps pointers to our headers and buffers: drop them. */
	if (client && client->curl) {
		cu->easy_setopt(curl, CURLOPT_HTTPHEADER, NULL);
		cu->easy_setopt(curl, CURLOPT_WRITEDATA, NULL);
		cu->easy_setopt(curl, CURLOPT_ERRORBUFFER, NULL);
		cu->easy_setopt(curl, CURLOPT_POSTFIELDS, NULL);
	} else {
		cu->easy_cleanup(curl);
	}
	wipe(&sig);
	wipe(&answer);
	return outcome;
}
