/*
 * oscompat.c (Windows) - GNU string functions the C runtime lacks; see
 * src/os/win32/oscompat.h.
 */
#include "oscompat.h"

char *sov_os_strchrnul(const char *s, int c)
{
	while (*s && *s != (char)c)
		s++;
	return (char *)s;
}

void *sov_os_memmem(const void *hay, size_t hay_len, const void *needle, size_t len)
{
	const char *h = hay;
	size_t i;

	if (!len)
		return (void *)h;
	if (hay_len < len)
		return NULL;
	for (i = 0; i + len <= hay_len; i++)
		if (h[i] == *(const char *)needle && !memcmp(h + i, needle, len))
			return (void *)(h + i);
	return NULL;
}
