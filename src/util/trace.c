/*
 * trace.c - SOVSYNC_TRACE logging; see trace.h.
 */
#include "trace.h"
#include "buf.h"

#include <fcntl.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "osfs.h"
#include "osproc.h"
#include "ostime.h"

/* Configuration, fixed after the first call: -2 unknown, -1 off. */
static int trace_fd = -2;

static int trace_open(void)
{
	const char *v = getenv("SOVSYNC_TRACE");

	if (!v || !*v || !strcmp(v, "0") || !strcasecmp(v, "false"))
		return -1;
	if (!strcmp(v, "1") || !strcmp(v, "2") || !strcasecmp(v, "true"))
		return STDERR_FILENO;
	if (v[0] >= '3' && v[0] <= '9' && !v[1])
		return v[0] - '0';
	if (sov_os_is_absolute(v))
		return sov_os_open(v, O_WRONLY | O_APPEND | O_CREAT, 0600);
	return -1;
}

int sov_trace_enabled(void)
{
	if (trace_fd == -2)
		trace_fd = trace_open();
	return trace_fd >= 0;
}

void sov_trace_at(const char *file, int line, const char *fmt, ...)
{
	struct sov_buf out = SOV_BUF_INIT;
	int64_t ns;
	struct tm tm;
	const char *p;
	va_list ap;

	if (!sov_trace_enabled())
		return;
	ns = sov_os_realtime_ns();
	if (sov_os_localtime((time_t)(ns / 1000000000), &tm) < 0)
		memset(&tm, 0, sizeof(tm));
	sov_buf_addf(&out, "%02d:%02d:%02d.%06ld sovsync[%ld] ", tm.tm_hour,
		     tm.tm_min, tm.tm_sec, (long)(ns % 1000000000 / 1000), sov_os_getpid());
	sov_buf_addf(&out, "%s:%d: ", file, line);
	va_start(ap, fmt);
	sov_buf_vaddf(&out, fmt, ap);
	va_end(ap);
	sov_buf_addch(&out, '\n');
	p = out.ptr;
	while (out.len) {
		ssize_t n = write(trace_fd, p, out.len);
		if (n <= 0)
			break;
		p += n;
		out.len -= (size_t)n;
	}
	sov_buf_release(&out);
}
