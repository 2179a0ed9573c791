/*
 * dirwatch.c - the batch of src/os/osdirwatch.h, the same on every system.
 */
#include "osdirwatch.h"

#include <string.h>

void sov_os_dirwatch_batch_reset(struct sov_os_dirwatch_batch *batch)
{
	sov_buf_reset(&batch->paths);
	batch->count = 0;
	batch->rescan = 0;
}

void sov_os_dirwatch_batch_release(struct sov_os_dirwatch_batch *batch)
{
	sov_buf_release(&batch->paths);
	batch->count = 0;
	batch->rescan = 0;
}

void sov_os_dirwatch_batch_add(struct sov_os_dirwatch_batch *batch, const char *path,
			       size_t len)
{
	sov_buf_add(&batch->paths, path, len);
	sov_buf_addch(&batch->paths, '\0');
	batch->count++;
}
