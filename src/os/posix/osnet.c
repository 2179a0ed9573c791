/*
 * osnet.c (POSIX) - numeric addresses; see src/os/osnet.h.
 */
#include "osnet.h"

#include <arpa/inet.h>
#include <string.h>

int sov_os_ip_parse(const char *text, int v6, unsigned char *out)
{
	return inet_pton(v6 ? AF_INET6 : AF_INET, text, out) == 1;
}
