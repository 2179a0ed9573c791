/*
 * stop.c - the part of src/os/osstop.h that is the same on every system.
 */
#include "osstop.h"

const char *sov_os_stop_reason_name(enum sov_os_stop_reason reason)
{
	switch (reason) {
	case SOV_STOP_INTERRUPT:
		return "Interrupt";
	case SOV_STOP_TERMINATE:
		return "Terminated";
	case SOV_STOP_HANGUP:
		return "Hangup";
	case SOV_STOP_SERVICE:
		return "service stop";
	case SOV_STOP_SHUTDOWN:
		return "system shutdown";
	case SOV_STOP_NONE:
		break;
	}
	return "not requested";
}
