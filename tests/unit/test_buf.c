/* Unit tests for src/util/buf.c. */
#include "tap.h"
#include "buf.h"
#include "error.h"

#include <fcntl.h>
#include <pthread.h>
#include <stdlib.h>
#include <unistd.h>

/* 200 000 bytes into the pipe's write end *arg, then closes it. */
static void *write_pipe(void *arg)
{
	int fd = *(int *)arg;
	char chunk[1000];

	memset(chunk, 'x', sizeof(chunk));
	for (int i = 0; i < 200; i++)
		if (write(fd, chunk, sizeof(chunk)) < 0)
			break;
	close(fd);
	return NULL;
}

int main(void)
{
	struct sov_buf b = SOV_BUF_INIT;
	char *detached;
	size_t len;
	int fds[2];

	is_int(b.len, 0, "a fresh buffer is empty");
	is_str(b.ptr, "", "a fresh buffer is a valid empty string");
	sov_buf_release(&b);
	ok(b.ptr && b.alloc == 0, "releasing an unused buffer is harmless");

	sov_buf_addstr(&b, "hello");
	sov_buf_addch(&b, ' ');
	sov_buf_addf(&b, "%s %d", "world", 42);
	is_str(b.ptr, "hello world 42", "add, addch and addf append");
	is_int(b.len, 14, "length follows the contents");

	sov_buf_reset(&b);
	for (int i = 0; i < 10000; i++)
		sov_buf_addf(&b, "%04d", i % 10000);
	is_int(b.len, 40000, "many appends grow the buffer");
	ok(b.ptr[b.len] == '\0', "contents stay NUL-terminated after growth");
	ok(!memcmp(b.ptr + 4 * 9999, "9999", 4), "contents survive reallocation");

	sov_buf_reset(&b);
	sov_buf_add(&b, "a\0b", 3);
	is_int(b.len, 3, "binary data with NUL bytes keeps its length");
	ok(!memcmp(b.ptr, "a\0b", 3), "binary data is copied exactly");

	sov_buf_reset(&b);
	sov_buf_addstr(&b, "abcdef");
	sov_buf_remove(&b, 1, 2);
	is_str(b.ptr, "adef", "remove cuts the middle");
	sov_buf_remove(&b, 2, 100);
	is_str(b.ptr, "ad", "remove clamps at the end");

	sov_buf_reset(&b);
	sov_buf_addstr(&b, "line \t\r\n\n");
	sov_buf_rtrim(&b);
	is_str(b.ptr, "line", "rtrim strips trailing white space");

	sov_buf_reset(&b);
	sov_buf_addf(&b, "%s", "");
	is_int(b.len, 0, "an empty format adds nothing");

	sov_buf_addstr(&b, "own me");
	detached = sov_buf_detach(&b, &len);
	is_str(detached, "own me", "detach hands over the contents");
	is_int(len, 6, "detach reports the length");
	ok(b.len == 0 && b.alloc == 0, "detach leaves the buffer empty");
	free(detached);
	detached = sov_buf_detach(&b, &len);
	ok(detached && !*detached && len == 0, "detach of an empty buffer gives a freeable \"\"");
	free(detached);

	/* read_fd: more than one read's worth through a pipe, from a thread
	 * (Windows has no fork) that closes its end when done. */
	if (pipe(fds) == 0) {
		pthread_t writer;

		ok(pthread_create(&writer, NULL, write_pipe, &fds[1]) == 0, "a writer");
		ok(sov_buf_read_fd(&b, fds[0], "pipe") == 0, "read_fd reads to EOF");
		is_int(b.len, 200000, "read_fd got every byte");
		pthread_join(writer, NULL);
		close(fds[0]);
	}

	sov_buf_reset(&b);
	ok(sov_buf_read_file(&b, "/nonexistent/sovsync-file") == -1,
	   "read_file of a missing file fails");
	ok(strstr(sov_error_last(), "/nonexistent/sovsync-file") != NULL,
	   "the error names the file");
	ok(strstr(sov_error_last(), "No such file") != NULL,
	   "the error gives the cause");

	{
		int *arr = NULL;
		size_t n = 0, alloc = 0;
		for (int i = 0; i < 1000; i++) {
			SOV_ALLOC_GROW(arr, n + 1, alloc);
			arr[n++] = i;
		}
		ok(alloc >= 1000 && arr[999] == 999, "SOV_ALLOC_GROW grows arrays");
		free(arr);
	}

	sov_buf_release(&b);
	return done_testing();
}
