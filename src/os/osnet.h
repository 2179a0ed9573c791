/*
 * osnet.h - numeric network addresses (inet_pton; on Windows from Winsock).
 */
#ifndef SOV_OSNET_H
#define SOV_OSNET_H

/*
 * Parse `text` as a numeric IPv4 address ("127.0.0.1") into 4 bytes of
 * `out` (`v6` 0), or as an IPv6 address ("::1", no brackets) into 16
 * bytes (`v6` 1), network order.  1 when it is one, 0 when not.
 */
int sov_os_ip_parse(const char *text, int v6, unsigned char *out);

#endif
