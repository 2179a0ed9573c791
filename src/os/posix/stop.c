/*
 * stop.c - the stop request of src/os/osstop.h on POSIX systems: a flag
 * and a self-pipe, raised by SIGINT, SIGTERM and SIGHUP.
 */
#include "osstop.h"
#include "buf.h"
#include "error.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

struct sov_os_stop {
	volatile sig_atomic_t reason;
	int fds[2];		/* the self-pipe: read end, write end */
};

/* The request the signal handler raises: see osstop.h. */
static struct sov_os_stop *volatile signal_stop;

int sov_os_stop_new(struct sov_os_stop **out)
{
	struct sov_os_stop *s = sov_calloc(1, sizeof(*s));

	if (pipe2(s->fds, O_CLOEXEC | O_NONBLOCK) < 0) {
		free(s);
		*out = NULL;
		return sov_error_errno("cannot create the stop pipe");
	}
	*out = s;
	return 0;
}

void sov_os_stop_free(struct sov_os_stop *stop)
{
	if (!stop)
		return;
	if (signal_stop == stop)
		sov_os_stop_signals_restore();
	close(stop->fds[0]);
	close(stop->fds[1]);
	free(stop);
}

void sov_os_stop_request(struct sov_os_stop *stop, enum sov_os_stop_reason reason)
{
	int saved = errno;

	if (!stop->reason)
		stop->reason = reason;
	if (write(stop->fds[1], "", 1) < 0) {
		/* The pipe is full: the loop is awake already. */
	}
	errno = saved;
}

enum sov_os_stop_reason sov_os_stop_requested(const struct sov_os_stop *stop)
{
	return (enum sov_os_stop_reason)stop->reason;
}

volatile sig_atomic_t *sov_os_stop_flag(struct sov_os_stop *stop)
{
	return &stop->reason;
}

intptr_t sov_os_stop_waitable(const struct sov_os_stop *stop)
{
	return stop->fds[0];
}

void sov_os_stop_drain(struct sov_os_stop *stop)
{
	char drain[64];

	while (read(stop->fds[0], drain, sizeof(drain)) > 0)
		;
}

static void on_stop_signal(int sig)
{
	struct sov_os_stop *stop = signal_stop;

	if (stop)
		sov_os_stop_request(stop, sig == SIGINT ? SOV_STOP_INTERRUPT :
				    sig == SIGHUP ? SOV_STOP_HANGUP : SOV_STOP_TERMINATE);
}

static const int stop_signals[] = { SIGINT, SIGTERM, SIGHUP };

int sov_os_stop_on_signals(struct sov_os_stop *stop)
{
	struct sigaction sa;
	size_t i;

	signal_stop = stop;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_stop_signal;
	sigemptyset(&sa.sa_mask);
	for (i = 0; i < sizeof(stop_signals) / sizeof(stop_signals[0]); i++)
		if (sigaction(stop_signals[i], &sa, NULL) < 0)
			return sov_error_errno("sigaction");
	return 0;
}

void sov_os_stop_signals_restore(void)
{
	size_t i;

	for (i = 0; i < sizeof(stop_signals) / sizeof(stop_signals[0]); i++)
		signal(stop_signals[i], SIG_DFL);
	signal_stop = NULL;
}
