/*
 * gitproxy.c - a git.exe for Windows programs run by Wine in the tests:
 * Wine starts Linux programs but gives their parent no exit status and no
 * wait, so this Windows program hands its command to tests/win32/
 * gitproxy.py (Linux git, on 127.0.0.1:$SOVSYNC_GITPROXY_PORT) and plays
 * its part: the same standard output, standard error and exit status.
 *
 * Request: "<len>:<bytes>" items: the current directory, the number of
 * arguments, the arguments, the number of GIT_* variables, the variables
 * ("NAME=value"), standard input (read to its end first).  Answer: three
 * items: standard output, standard error, the exit status in decimal.
 * Paths stay Windows paths (Z:\tmp\x): the server maps them.
 */
#include <winsock2.h>
#include <windows.h>
#include <shellapi.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct buf {
	char *p;
	size_t len, alloc;
};

static void add(struct buf *b, const void *data, size_t n)
{
	if (b->len + n + 1 > b->alloc) {
		b->alloc = (b->len + n + 1) * 2;
		b->p = realloc(b->p, b->alloc);
		if (!b->p)
			exit(128);
	}
	memcpy(b->p + b->len, data, n);
	b->len += n;
	b->p[b->len] = '\0';
}

static void add_item(struct buf *b, const char *data, size_t n)
{
	char head[32];

	snprintf(head, sizeof(head), "%lu:", (unsigned long)n);
	add(b, head, strlen(head));
	add(b, data, n);
}

static void add_wide_item(struct buf *b, const wchar_t *w)
{
	int n = WideCharToMultiByte(CP_UTF8, 0, w, -1, NULL, 0, NULL, NULL);
	char *s = malloc(n > 0 ? (size_t)n : 1);

	if (n <= 0 || !WideCharToMultiByte(CP_UTF8, 0, w, -1, s, n, NULL, NULL))
		n = 1, s[0] = '\0';
	add_item(b, s, strlen(s));
	free(s);
}

static void add_count(struct buf *b, unsigned long n)
{
	char s[32];

	snprintf(s, sizeof(s), "%lu", n);
	add_item(b, s, strlen(s));
}

/* Parse the next "<len>:" item of `in` at *pos into *data, *n. */
static int next_item(const struct buf *in, size_t *pos, const char **data, size_t *n)
{
	char *end;
	unsigned long len = strtoul(in->p + *pos, &end, 10);

	if (end == in->p + *pos || *end != ':' || (size_t)(end + 1 - in->p) + len > in->len)
		return -1;
	*data = end + 1;
	*n = len;
	*pos = (size_t)(end + 1 - in->p) + len;
	return 0;
}

static void write_all(HANDLE h, const char *p, size_t n)
{
	DWORD done;

	while (n && WriteFile(h, p, (DWORD)n, &done, NULL) && done) {
		p += done;
		n -= done;
	}
}

int main(void)
{
	struct buf req = { 0 }, ans = { 0 }, in = { 0 };
	const char *port = getenv("SOVSYNC_GITPROXY_PORT");
	wchar_t **argv, cwd[32768], *env, *e;
	unsigned long nenv = 0;
	int argc, i;
	char chunk[65536];
	DWORD got;
	HANDLE hin = GetStdHandle(STD_INPUT_HANDLE);
	struct sockaddr_in sa;
	WSADATA wsa;
	SOCKET s;
	const char *data;
	size_t n, pos = 0;

	if (!port) {
		fputs("gitproxy: SOVSYNC_GITPROXY_PORT not set\n", stderr);
		return 128;
	}
	argv = CommandLineToArgvW(GetCommandLineW(), &argc);
	GetCurrentDirectoryW(32768, cwd);
	add_wide_item(&req, cwd);
	add_count(&req, (unsigned long)(argc - 1));
	for (i = 1; i < argc; i++)
		add_wide_item(&req, argv[i]);
	env = GetEnvironmentStringsW();
	for (e = env; *e; e += wcslen(e) + 1)
		if (!wcsncmp(e, L"GIT_", 4))
			nenv++;
	add_count(&req, nenv);
	for (e = env; *e; e += wcslen(e) + 1)
		if (!wcsncmp(e, L"GIT_", 4))
			add_wide_item(&req, e);
	FreeEnvironmentStringsW(env);
	if (hin && hin != INVALID_HANDLE_VALUE)
		while (ReadFile(hin, chunk, sizeof(chunk), &got, NULL) && got)
			add(&in, chunk, got);
	add_item(&req, in.p ? in.p : "", in.len);

	if (WSAStartup(MAKEWORD(2, 2), &wsa))
		return 128;
	s = socket(AF_INET, SOCK_STREAM, IPPROTO_TCP);
	memset(&sa, 0, sizeof(sa));
	sa.sin_family = AF_INET;
	sa.sin_port = htons((unsigned short)atoi(port));
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (s == INVALID_SOCKET || connect(s, (struct sockaddr *)&sa, sizeof(sa))) {
		fputs("gitproxy: cannot reach the proxy server\n", stderr);
		return 128;
	}
	for (pos = 0; pos < req.len;) {
		int sent = send(s, req.p + pos, (int)(req.len - pos), 0);

		if (sent <= 0)
			return 128;
		pos += (size_t)sent;
	}
	shutdown(s, SD_SEND);
	for (;;) {
		int r = recv(s, chunk, sizeof(chunk), 0);

		if (r <= 0)
			break;
		add(&ans, chunk, (size_t)r);
	}
	closesocket(s);
	pos = 0;
	if (!ans.p || next_item(&ans, &pos, &data, &n) < 0)
		return 128;
	write_all(GetStdHandle(STD_OUTPUT_HANDLE), data, n);
	if (next_item(&ans, &pos, &data, &n) < 0)
		return 128;
	write_all(GetStdHandle(STD_ERROR_HANDLE), data, n);
	if (next_item(&ans, &pos, &data, &n) < 0)
		return 128;
	return atoi(data);
}
