/*
 * progress.c - Git-style progress in bytes; see progress.h.
 */
#include "progress.h"
#include "error.h"

#include <stdlib.h>
#include <time.h>
#include <unistd.h>

#include "ostime.h"

#define MIB (1024u * 1024)

/* Set once by the program before any thread starts; see progress.h. */
static sov_progress_fn progress_routine;

void sov_progress_set_routine(sov_progress_fn fn)
{
	progress_routine = fn;
}

/* Hand one line to the program; a failure silences the rest (best effort). */
static void emit(struct sov_progress *p, const char *line, size_t len)
{
	if (progress_routine(line, len) < 0) {
		sov_error_clear();
		p->active = 0;
	}
}

static int64_t now_us(void)
{
	return sov_os_clock_ms() * 1000;
}

/* GIT_PROGRESS_DELAY (seconds), as Git reads it; default 2. */
static int64_t progress_delay_us(void)
{
	const char *env = getenv("GIT_PROGRESS_DELAY");
	char *end;
	long v;

	if (env && *env) {
		v = strtol(env, &end, 10);
		if (!*end && v >= 0)
			return (int64_t)v * 1000000;
	}
	return 2 * 1000000;
}

void sov_progress_start(struct sov_progress *p, enum sov_progress_mode mode,
			const char *title, const char *what, uint64_t total)
{
	sov_buf_reset(&p->label);
	sov_buf_addf(&p->label, "%s %s", title, what);
	p->total = total;
	p->done = 0;
	p->shown = 0;
	p->last = ~0u;
	p->active = progress_routine &&
		(mode == SOV_PROGRESS_ALWAYS || (mode == SOV_PROGRESS_AUTO && isatty(2)));
	if (p->active) {
		p->start_us = now_us();
		p->delay_us = progress_delay_us();
	}
}

static void show(struct sov_progress *p, const char *end)
{
	struct sov_buf line = SOV_BUF_INIT;
	/* Whole MiB from 10 MiB up, else KiB: the count must move visibly. */
	int in_mib = p->total ? p->total >= 10 * MIB : p->done >= 10 * MIB;
	uint64_t unit = in_mib ? MIB : 1024;
	const char *name = in_mib ? "MiB" : "KiB";

	if (p->total)
		sov_buf_addf(&line, "\r%s: %u%% (%llu/%llu %s)%s", p->label.ptr,
			     (unsigned)(p->done >= p->total ? 100 : p->done * 100 / p->total),
			     (unsigned long long)(p->done / unit),
			     (unsigned long long)(p->total / unit), name, end);
	else
		sov_buf_addf(&line, "\r%s: %llu %s%s", p->label.ptr,
			     (unsigned long long)(p->done / unit), name, end);
	/* Progress is best effort: a closed stderr is not the work's failure. */
	emit(p, line.ptr, line.len);
	sov_buf_release(&line);
	p->shown = 1;
}

void sov_progress_set(struct sov_progress *p, uint64_t done)
{
	unsigned now;

	p->done = done;
	if (!p->active)
		return;
	if (!p->shown && now_us() - p->start_us < p->delay_us)
		return;
	now = p->total ? (unsigned)(done >= p->total ? 100 : done * 100 / p->total) :
		(unsigned)(done / MIB);
	if (now == p->last)
		return;
	p->last = now;
	show(p, "");
}

void sov_progress_add(struct sov_progress *p, uint64_t n)
{
	sov_progress_set(p, p->done + n);
}

void sov_progress_stop(struct sov_progress *p, int ok)
{
	if (p->active && p->shown) {
		if (ok)
			show(p, ", done.\n");
		else
			emit(p, "\n", 1);
	}
	p->active = 0;
	p->shown = 0;
	sov_buf_release(&p->label);
}
