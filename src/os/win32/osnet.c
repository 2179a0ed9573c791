/*
 * osnet.c (Windows) - numeric addresses through Winsock; see src/os/osnet.h.
 */
#include <winsock2.h>
#include <ws2tcpip.h>

#include "osnet.h"

int sov_os_ip_parse(const char *text, int v6, unsigned char *out)
{
	return inet_pton(v6 ? AF_INET6 : AF_INET, text, out) == 1;
}
