/*
 * ui.c - the HTTP server of `sovsync ui` (see ui.h): security checks,
 * embedded assets, the JSON API routing, the sync history from the log.
 */
#include "ui.h"
#include "error.h"
#include "hash.h"
#include "json.h"
#include "mhdapi.h"
#include "repo.h"
#include "timestamp.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/random.h>
#include <sys/socket.h>


#define TOKEN_BYTES 32
#define MAX_BODY (16 * 1024 * 1024)
#define HISTORY_DEFAULT 200
#define HISTORY_MAX 5000

struct sov_ui_server {
	struct MHD_Daemon *daemon;
	const struct sov_ui_api *api;	/* borrowed */
	struct sov_buf host;		/* as served, without brackets */
	unsigned port;
	char token[TOKEN_BYTES * 2 + 1];
	struct sov_buf cookie;		/* the cookie's name */
	struct sov_buf url;
};

/* ---- pure checks ---- */

int sov_ui_parse_listen(const char *arg, struct sov_buf *host, unsigned *port)
{
	const char *colon, *h, *end;
	size_t hlen;
	char *stop;
	unsigned long p;
	unsigned char addr[sizeof(struct in6_addr)];
	int v6 = 0;

	sov_buf_reset(host);
	if (arg[0] == '[') {
		end = strchr(arg, ']');
		if (!end || end[1] != ':')
			return sov_error("--listen '%s': expected [ADDR]:PORT", arg);
		h = arg + 1;
		hlen = (size_t)(end - h);
		colon = end + 1;
		v6 = 1;
	} else {
		colon = strrchr(arg, ':');
		if (!colon)
			return sov_error("--listen '%s': expected ADDR:PORT", arg);
		h = arg;
		hlen = (size_t)(colon - arg);
	}
	errno = 0;
	p = strtoul(colon + 1, &stop, 10);
	if (!colon[1] || *stop || errno || p > 65535 || !isdigit((unsigned char)colon[1]))
		return sov_error("--listen '%s': bad port '%s'", arg, colon + 1);
	sov_buf_add(host, h, hlen);
	if (!host->len)
		sov_buf_addstr(host, "127.0.0.1");
	if (inet_pton(v6 ? AF_INET6 : AF_INET, host->ptr, addr) != 1)
		return sov_error("--listen '%s': '%s' is not a numeric IP%s address", arg,
				 host->ptr, v6 ? "v6" : "v4");
	if (!strcmp(host->ptr, "0.0.0.0") || (v6 && inet_pton(AF_INET6, host->ptr, addr) == 1 &&
	    IN6_IS_ADDR_UNSPECIFIED((struct in6_addr *)addr)))
		return sov_error("--listen '%s': name the one address to serve on (requests "
				 "must name it in their Host header)", arg);
	*port = (unsigned)p;
	return 0;
}

int sov_ui_is_loopback(const char *host)
{
	struct in_addr a4;
	struct in6_addr a6;

	if (inet_pton(AF_INET, host, &a4) == 1)
		return (ntohl(a4.s_addr) >> 24) == 127;
	if (inet_pton(AF_INET6, host, &a6) == 1)
		return IN6_IS_ADDR_LOOPBACK(&a6);
	return 0;
}

int sov_ui_token_ok(const char *token, const char *got)
{
	size_t n = strlen(token), i;
	unsigned char diff = 0;

	if (!got || strlen(got) != n || !n)
		return 0;
	for (i = 0; i < n; i++)
		diff |= (unsigned char)(token[i] ^ got[i]);
	return diff == 0;
}

/* Whether header[0..len) is "<name>:<port>" exactly. */
static int is_host_port(const char *header, size_t len, const char *name, int ci,
			unsigned port)
{
	char p[16];
	size_t n = strlen(name);

	snprintf(p, sizeof(p), ":%u", port);
	if (len != n + strlen(p))
		return 0;
	if (ci ? strncasecmp(header, name, n) : strncmp(header, name, n))
		return 0;
	return !memcmp(header + n, p, strlen(p));
}

static int host_ok_n(const char *host, unsigned port, const char *header, size_t len)
{
	struct sov_buf v6 = SOV_BUF_INIT;
	int ok;

	if (strchr(host, ':')) {
		sov_buf_addf(&v6, "[%s]", host);
		ok = is_host_port(header, len, v6.ptr, 1, port);
		sov_buf_release(&v6);
	} else {
		ok = is_host_port(header, len, host, 0, port);
	}
	if (!ok && sov_ui_is_loopback(host))
		ok = is_host_port(header, len, "localhost", 1, port);
	return ok;
}

int sov_ui_host_ok(const char *host, unsigned port, const char *header)
{
	return header && host_ok_n(host, port, header, strlen(header));
}

int sov_ui_origin_ok(const char *host, unsigned port, const char *origin)
{
	static const char scheme[] = "http://";

	if (!origin || strncasecmp(origin, scheme, sizeof(scheme) - 1))
		return 0;
	origin += sizeof(scheme) - 1;
	return host_ok_n(host, port, origin, strlen(origin));
}

int sov_ui_path_ok(const char *path)
{
	const char *s;

	if (!path || path[0] != '/')
		return 0;
	for (s = path; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (c < 0x21 || c > 0x7e || c == '\\' || c == '%')
			return 0;
		if (c == '/' && s[1] == '/')
			return 0;
		if (c == '/' && s[1] == '.' &&
		    (s[2] == '/' || !s[2] || (s[2] == '.' && (s[3] == '/' || !s[3]))))
			return 0;
	}
	return 1;
}

int sov_ui_cookie_get(const char *header, const char *name, struct sov_buf *out)
{
	size_t n = strlen(name);
	const char *s = header;

	sov_buf_reset(out);
	while (s && *s) {
		const char *end = strchrnul(s, ';');

		while (*s == ' ' || *s == '\t')
			s++;
		if (!strncmp(s, name, n) && s[n] == '=') {
			sov_buf_add(out, s + n + 1, (size_t)(end - s - n - 1));
			sov_buf_rtrim(out);
			return 1;
		}
		s = *end ? end + 1 : end;
	}
	return 0;
}

/* ---- assets ---- */

const struct sov_ui_asset *sov_ui_asset_find(const char *name)
{
	size_t i;

	for (i = 0; i < sov_ui_nassets; i++)
		if (!strcmp(sov_ui_assets[i].name, name))
			return &sov_ui_assets[i];
	return NULL;
}

const char *sov_ui_content_type(const char *name)
{
	static const struct { const char *ext, *type; } types[] = {
		{ ".html", "text/html; charset=utf-8" },
		{ ".js", "text/javascript; charset=utf-8" },
		{ ".css", "text/css; charset=utf-8" },
		{ ".svg", "image/svg+xml" },
		{ ".json", "application/json" },
	};
	size_t i, n = strlen(name);

	for (i = 0; i < sizeof(types) / sizeof(types[0]); i++) {
		size_t e = strlen(types[i].ext);

		if (n >= e && !strcmp(name + n - e, types[i].ext))
			return types[i].type;
	}
	return "application/octet-stream";
}

/* ---- history ---- */

/* Skip "<word>" at *s and return its length (0 at the end of the line). */
static size_t word(const char **s, const char *end, const char **start)
{
	const char *p = *s;

	while (p < end && *p == ' ')
		p++;
	*start = p;
	while (p < end && *p != ' ')
		p++;
	*s = p;
	return (size_t)(p - *start);
}

static json_t *or_null(json_t *v)
{
	return v ? v : json_null();
}

json_t *sov_ui_history_entry(const char *line, size_t len)
{
	static const char *const results[] = { "ok", "failed", "conflict", "stopped",
					       "rewritten" };
	const char *end = line + len, *s = line, *w, *rest, *colon;
	struct sov_buf tmp = SOV_BUF_INIT;
	int64_t when;
	size_t n, i;
	double secs;
	char *stop;
	json_t *e = NULL;
	const char *result = NULL;
	long files = 0;
	char commit[16] = "";

	while (end > line && (end[-1] == '\n' || end[-1] == '\r'))
		end--;
	n = word(&s, end, &w);
	if (!n || sov_time_parse(w, n, &when) < 0) {
		sov_error_clear();
		goto out;
	}
	n = word(&s, end, &w);
	for (i = 0; i < sizeof(results) / sizeof(results[0]); i++)
		if (n == strlen(results[i]) && !memcmp(w, results[i], n))
			result = results[i];
	if (!result)
		goto out;
	n = word(&s, end, &w);
	if (n && w[n - 1] == ':') {
		/* "failed 0.071s: <error>": the colon belongs to the rest */
		n--;
		s--;
	}
	if (n < 2 || w[n - 1] != 's')
		goto out;
	sov_buf_reset(&tmp);
	sov_buf_add(&tmp, w, n - 1);
	errno = 0;
	secs = strtod(tmp.ptr, &stop);
	if (*stop || errno || secs < 0)
		goto out;
	rest = s;
	/* The error follows the first ": " that is not inside "(...)". */
	colon = NULL;
	{
		int depth = 0;
		const char *p;

		for (p = rest; p + 1 < end && !colon; p++) {
			if (*p == '(')
				depth++;
			else if (*p == ')' && depth)
				depth--;
			else if (!depth && p[0] == ':' && p[1] == ' ')
				colon = p;
		}
	}
	sov_buf_reset(&tmp);
	sov_buf_add(&tmp, rest, (size_t)((colon ? colon : end) - rest));
	{
		const char *c = strstr(tmp.ptr, " committed ");

		if (c) {
			files = strtol(c + 11, &stop, 10);
			if (files < 0)
				files = 0;
			if ((c = strstr(stop, "(")) && strspn(c + 1, "0123456789abcdef") >= 7) {
				size_t k = strspn(c + 1, "0123456789abcdef");

				if (k >= sizeof(commit))
					k = sizeof(commit) - 1;
				memcpy(commit, c + 1, k);
				commit[k] = '\0';
			}
		}
	}
	e = json_object();
	sov_buf_reset(&tmp);
	sov_time_format(when, &tmp);
	json_object_set_new(e, "time", json_string(tmp.ptr));
	json_object_set_new(e, "result", json_string(result));
	json_object_set_new(e, "durationMs", json_real(secs * 1000.0));
	json_object_set_new(e, "files", json_integer(files));
	json_object_set_new(e, "commit", commit[0] ? json_string(commit) : json_null());
	sov_buf_reset(&tmp);
	sov_buf_add(&tmp, rest, (size_t)((colon ? colon : end) - rest));
	json_object_set_new(e, "merged", json_boolean(strstr(tmp.ptr, " merged") != NULL));
	json_object_set_new(e, "pushed", json_boolean(strstr(tmp.ptr, " pushed") != NULL));
	/* Invalid UTF-8 in a log line: the entry stays, the text is null. */
	json_object_set_new(e, "error", or_null(colon ? json_stringn(colon + 2,
					(size_t)(end - colon - 2)) : NULL));
	json_object_set_new(e, "text", or_null(json_stringn(line, (size_t)(end - line))));
out:
	sov_buf_release(&tmp);
	return e;
}

/* Append the cycles of one log file to `list` (a missing file adds none). */
static int history_file(const char *path, json_t *list)
{
	struct sov_buf data = SOV_BUF_INIT;
	const char *s, *eol;

	if (sov_buf_read_file(&data, path) < 0) {
		if (errno == ENOENT) {
			sov_error_clear();
			sov_buf_release(&data);
			return 0;
		}
		sov_buf_release(&data);
		return -1;
	}
	for (s = data.ptr; s < data.ptr + data.len; s = eol + 1) {
		json_t *e;

		eol = memchr(s, '\n', (size_t)(data.ptr + data.len - s));
		if (!eol)
			break;	/* a line still being written */
		e = sov_ui_history_entry(s, (size_t)(eol - s));
		if (e)
			json_array_append_new(list, e);
	}
	sov_buf_release(&data);
	return 0;
}

int sov_ui_history_load(git_repository *repo, size_t limit, json_t **out)
{
	struct sov_buf path = SOV_BUF_INIT, old = SOV_BUF_INIT;
	json_t *list = json_array();
	int ret = -1;

	if (sov_repo_state_path(repo, "log", &path) < 0)
		goto out;
	sov_buf_addf(&old, "%s.1", path.ptr);
	if (history_file(old.ptr, list) < 0 || history_file(path.ptr, list) < 0)
		goto out;
	while (json_array_size(list) > limit)
		json_array_remove(list, 0);
	*out = list;
	list = NULL;
	ret = 0;
out:
	json_decref(list);
	sov_buf_release(&path);
	sov_buf_release(&old);
	return ret;
}

/* ---- HTTP ---- */

struct request {
	struct sov_buf body;
	int too_large;
	int checked;
};

/* A request header or query argument; sov_ui_start() loaded the library. */
static const char *value(struct MHD_Connection *c, enum MHD_ValueKind kind, const char *name)
{
	return sov_mhd()->lookup_connection_value(c, kind, name);
}

static enum MHD_Result send_buf(struct MHD_Connection *c, unsigned status,
				const char *type, const void *data, size_t len,
				enum MHD_ResponseMemoryMode mode, const char *location,
				const char *cookie)
{
	const struct sov_mhd *m = sov_mhd();
	struct MHD_Response *r = m->create_response_from_buffer(len, (void *)data, mode);
	enum MHD_Result ret;

	if (!r)
		return MHD_NO;
	if (type)
		m->add_response_header(r, "Content-Type", type);
	m->add_response_header(r, "Cache-Control", "no-store");
	m->add_response_header(r, "X-Content-Type-Options", "nosniff");
	m->add_response_header(r, "X-Frame-Options", "DENY");
	m->add_response_header(r, "Referrer-Policy", "no-referrer");
	m->add_response_header(r, "Content-Security-Policy",
				"default-src 'self'; img-src 'self' data:; "
				"frame-ancestors 'none'; form-action 'none'; base-uri 'none'");
	if (location)
		m->add_response_header(r, "Location", location);
	if (cookie)
		m->add_response_header(r, "Set-Cookie", cookie);
	ret = m->queue_response(c, status, r);
	m->destroy_response(r);
	return ret;
}

static enum MHD_Result send_text(struct MHD_Connection *c, unsigned status, const char *msg)
{
	return send_buf(c, status, "text/plain; charset=utf-8", msg, strlen(msg),
			MHD_RESPMEM_PERSISTENT, NULL, NULL);
}

static enum MHD_Result send_json(struct MHD_Connection *c, unsigned status, json_t *v)
{
	struct sov_buf text = SOV_BUF_INIT;
	enum MHD_Result ret;

	sov_json_dump(v, &text);
	ret = send_buf(c, status, "application/json", text.ptr, text.len,
		       MHD_RESPMEM_MUST_COPY, NULL, NULL);
	sov_buf_release(&text);
	json_decref(v);
	return ret;
}

/* {"error": the current message} with `status`; clears the error. */
static enum MHD_Result send_error(struct MHD_Connection *c, unsigned status)
{
	json_t *v = json_pack("{s:s}", "error", sov_error_last());

	if (!v)		/* a message that is not UTF-8 (a file name, say) */
		v = json_pack("{s:s}", "error", "(the message is not valid UTF-8)");
	sov_error_clear();
	return send_json(c, status, v);
}

static enum MHD_Result send_asset(struct MHD_Connection *c, const char *name)
{
	const struct sov_ui_asset *a = sov_ui_asset_find(name);

	if (!a)
		return send_text(c, MHD_HTTP_NOT_FOUND, "not found\n");
	return send_buf(c, MHD_HTTP_OK, sov_ui_content_type(name), a->data, a->len,
			MHD_RESPMEM_PERSISTENT, NULL, NULL);
}

static enum MHD_Result api_result(struct MHD_Connection *c, int rc, json_t *v,
				  int bad_request)
{
	if (rc == 0 && !v) {
		sov_error("cannot encode the answer (invalid UTF-8?)");
		rc = -1;
	}
	if (rc < 0) {
		json_decref(v);
		return send_error(c, bad_request ? MHD_HTTP_BAD_REQUEST
						 : MHD_HTTP_INTERNAL_SERVER_ERROR);
	}
	return send_json(c, MHD_HTTP_OK, v);
}

static enum MHD_Result api_get(struct sov_ui_server *srv, struct MHD_Connection *c,
			       const char *name)
{
	const struct sov_ui_api *api = srv->api;
	json_t *v = NULL;
	int rc;

	if (!strcmp(name, "status")) {
		rc = api->status(api->data, &v);
	} else if (!strcmp(name, "conflicts")) {
		rc = api->conflicts(api->data, &v);
	} else if (!strcmp(name, "changes")) {
		rc = api->changes(api->data, &v);
	} else if (!strcmp(name, "conflict")) {
		const char *p = value(c, MHD_GET_ARGUMENT_KIND, "path");

		if (!p || !*p) {
			sov_error("conflict: which path? (?path=...)");
			return send_error(c, MHD_HTTP_BAD_REQUEST);
		}
		rc = api->conflict(api->data, p, &v);
	} else if (!strcmp(name, "history")) {
		const char *l = value(c, MHD_GET_ARGUMENT_KIND, "limit");
		unsigned long limit = HISTORY_DEFAULT;

		if (l) {
			char *stop;

			limit = strtoul(l, &stop, 10);
			if (*stop || !*l || limit > HISTORY_MAX)
				limit = HISTORY_MAX;
		}
		rc = api->history(api->data, (size_t)limit, &v);
	} else {
		return send_text(c, MHD_HTTP_NOT_FOUND, "not found\n");
	}
	return api_result(c, rc, v, 0);
}

static enum MHD_Result api_post(struct sov_ui_server *srv, struct MHD_Connection *c,
				const char *name, struct request *req)
{
	const struct sov_ui_api *api = srv->api;
	json_t *body = NULL, *v = NULL;
	int rc, bad = 0;

	if (req->too_large) {
		sov_error("request body over %d bytes", MAX_BODY);
		return send_error(c, MHD_HTTP_CONTENT_TOO_LARGE);
	}
	if (sov_json_load(&body, req->body.ptr ? req->body.ptr : "",
			  req->body.len, "request body") < 0 || !json_is_object(body)) {
		if (body)
			sov_error("request body: expected a JSON object");
		json_decref(body);
		return send_error(c, MHD_HTTP_BAD_REQUEST);
	}
	if (!strcmp(name, "resolve"))
		rc = api->resolve(api->data, body, &v, &bad);
	else
		rc = api->sync(api->data, &v);
	json_decref(body);
	return api_result(c, rc, v, bad);
}

/* Whether the request's Content-Type is JSON. */
static int is_json_type(struct MHD_Connection *c)
{
	const char *t = value(c, MHD_HEADER_KIND, "Content-Type");
	size_t n = strlen("application/json");

	return t && !strncasecmp(t, "application/json", n) && (!t[n] || t[n] == ';');
}

static enum MHD_Result handle(void *cls, struct MHD_Connection *c, const char *url,
			      const char *method, const char *version,
			      const char *upload_data, size_t *upload_size, void **con_cls)
{
	struct sov_ui_server *srv = cls;
	struct request *req = *con_cls;
	const char *host, *origin, *query_token;
	struct sov_buf cookie = SOV_BUF_INIT;
	int is_get = !strcmp(method, "GET") || !strcmp(method, "HEAD");
	int is_post = !strcmp(method, "POST");
	int authed;
	enum MHD_Result ret;

	if (!req) {
		/* First call: the headers are in; refuse before reading any body. */
		req = calloc(1, sizeof(*req));
		if (!req)
			return MHD_NO;
		*con_cls = req;
		host = value(c, MHD_HEADER_KIND, "Host");
		origin = value(c, MHD_HEADER_KIND, "Origin");
		if (!sov_ui_host_ok(srv->host.ptr, srv->port, host))
			return send_text(c, MHD_HTTP_FORBIDDEN, "forbidden: Host\n");
		if (origin && !sov_ui_origin_ok(srv->host.ptr, srv->port, origin))
			return send_text(c, MHD_HTTP_FORBIDDEN, "forbidden: Origin\n");
		if (!sov_ui_path_ok(url))
			return send_text(c, MHD_HTTP_BAD_REQUEST, "bad path\n");
		query_token = value(c, MHD_GET_ARGUMENT_KIND, "token");
		sov_ui_cookie_get(value(c, MHD_HEADER_KIND, "Cookie"),
				  srv->cookie.ptr, &cookie);
		authed = sov_ui_token_ok(srv->token, query_token) ||
			 (cookie.len && sov_ui_token_ok(srv->token, cookie.ptr));
		sov_buf_release(&cookie);
		if (!authed)
			return send_text(c, MHD_HTTP_UNAUTHORIZED, "unauthorized\n");
		if (!is_get && !is_post)
			return send_text(c, MHD_HTTP_METHOD_NOT_ALLOWED, "method not allowed\n");
		if (is_post && strcmp(url, "/api/resolve") && strcmp(url, "/api/sync"))
			return send_text(c, MHD_HTTP_METHOD_NOT_ALLOWED, "method not allowed\n");
		if (is_post && !is_json_type(c))
			return send_text(c, MHD_HTTP_UNSUPPORTED_MEDIA_TYPE,
					 "expected Content-Type: application/json\n");
		req->checked = 1;
		if (is_post)
			return MHD_YES;	/* the body comes next */
	} else if (*upload_size) {
		/* A refused request's body is never kept. */
		if (!req->checked || req->body.len + *upload_size > MAX_BODY)
			req->too_large = 1;
		else
			sov_buf_add(&req->body, upload_data, *upload_size);
		*upload_size = 0;
		return MHD_YES;
	}
	if (!req->checked)
		return MHD_NO;

	query_token = value(c, MHD_GET_ARGUMENT_KIND, "token");
	if (is_get && query_token && strncmp(url, "/api/", 5)) {
		/* The token from the URL becomes a cookie; the URL loses it. */
		struct sov_buf set = SOV_BUF_INIT;

		sov_buf_addf(&set, "%s=%s; HttpOnly; SameSite=Strict; Path=/", srv->cookie.ptr,
			     srv->token);
		ret = send_buf(c, MHD_HTTP_SEE_OTHER, "text/plain", "", 0,
			       MHD_RESPMEM_PERSISTENT, !strcmp(url, "/") ? "/settings/sync" : url,
			       set.ptr);
		sov_buf_release(&set);
		return ret;
	}
	if (!strncmp(url, "/api/", 5)) {
		const char *name = url + 5;
		int posts = !strcmp(name, "resolve") || !strcmp(name, "sync");

		if (posts != is_post)
			return send_text(c, MHD_HTTP_METHOD_NOT_ALLOWED, "method not allowed\n");
		return posts ? api_post(srv, c, name, req) : api_get(srv, c, name);
	}
	if (is_post)
		return send_text(c, MHD_HTTP_METHOD_NOT_ALLOWED, "method not allowed\n");
	if (!strcmp(url, "/"))
		return send_buf(c, MHD_HTTP_SEE_OTHER, "text/plain", "", 0,
				MHD_RESPMEM_PERSISTENT, "/settings/sync", NULL);
	if (!strcmp(url, "/settings/sync"))
		return send_asset(c, "dashboard.html");
	if (!strcmp(url, "/settings/sync/conflicts"))
		return send_asset(c, "conflicts.html");
	if (!strncmp(url, "/assets/", 8) && !strchr(url + 8, '/'))
		return send_asset(c, url + 8);
	return send_text(c, MHD_HTTP_NOT_FOUND, "not found\n");
}

static void completed(void *cls, struct MHD_Connection *c, void **con_cls,
		      enum MHD_RequestTerminationCode toe)
{
	struct request *req = *con_cls;

	if (req) {
		sov_buf_release(&req->body);
		free(req);
		*con_cls = NULL;
	}
}

int sov_ui_start(struct sov_ui_server **out, const char *host, unsigned port,
		 const struct sov_ui_api *api)
{
	struct sov_ui_server *srv;
	struct sockaddr_storage ss;
	struct sockaddr_in *in4 = (struct sockaddr_in *)&ss;
	struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)&ss;
	const union MHD_DaemonInfo *info;
	unsigned char raw[TOKEN_BYTES];
	unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_THREAD_PER_CONNECTION |
			 MHD_USE_ERROR_LOG;
	struct sov_buf hex = SOV_BUF_INIT;
	const struct sov_mhd *m = sov_mhd();

	if (!m)
		return sov_error_prefix("cannot serve the dashboard");
	memset(&ss, 0, sizeof(ss));
	if (inet_pton(AF_INET, host, &in4->sin_addr) == 1) {
		in4->sin_family = AF_INET;
		in4->sin_port = htons((uint16_t)port);
	} else if (inet_pton(AF_INET6, host, &in6->sin6_addr) == 1) {
		in6->sin6_family = AF_INET6;
		in6->sin6_port = htons((uint16_t)port);
		flags |= MHD_USE_IPv6;
	} else {
		return sov_error("%s: not a numeric IP address", host);
	}
	if (getrandom(raw, sizeof(raw), 0) != (ssize_t)sizeof(raw))
		return sov_error_errno("cannot draw the access token");
	srv = calloc(1, sizeof(*srv));
	if (!srv)
		return sov_error("out of memory");
	srv->api = api;
	sov_buf_addstr(&srv->host, host);
	sov_hex_encode(raw, sizeof(raw), &hex);
	memcpy(srv->token, hex.ptr, sizeof(srv->token) - 1);
	sov_buf_release(&hex);
	srv->daemon = m->start_daemon(flags, (uint16_t)port, NULL, NULL, handle, srv,
				       MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&ss,
				       MHD_OPTION_NOTIFY_COMPLETED, completed, srv,
				       MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)120,
				       MHD_OPTION_CONNECTION_LIMIT, (unsigned)64,
				       MHD_OPTION_END);
	if (!srv->daemon) {
		sov_error_errno("cannot listen on %s port %u", host, port);
		sov_buf_release(&srv->host);
		free(srv);
		return -1;
	}
	info = m->get_daemon_info(srv->daemon, MHD_DAEMON_INFO_BIND_PORT);
	srv->port = info ? info->port : port;
	sov_buf_addf(&srv->cookie, "sovsync_ui_%u", srv->port);
	sov_buf_addf(&srv->url, strchr(host, ':') ? "http://[%s]:%u/settings/sync?token=%s"
		     : "http://%s:%u/settings/sync?token=%s", host, srv->port, srv->token);
	*out = srv;
	return 0;
}

const char *sov_ui_url(const struct sov_ui_server *srv)
{
	return srv->url.ptr;
}

void sov_ui_stop(struct sov_ui_server *srv)
{
	if (!srv)
		return;
	sov_mhd()->stop_daemon(srv->daemon);
	sov_buf_release(&srv->host);
	sov_buf_release(&srv->cookie);
	sov_buf_release(&srv->url);
	explicit_bzero(srv->token, sizeof(srv->token));
	free(srv);
}
