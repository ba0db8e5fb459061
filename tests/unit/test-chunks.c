/*
 * test-chunks FILE - read FILE through the stream reader with every input
 * buffer size from 1 byte to the file's length and check that each pass
 * writes the same bytes as a pass with the default buffer.  Exit 0 if all
 * agree; otherwise name the first size that differs.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "rec.h"
#include "util.h"
#include "banned.h"

/* Copy the stream at path into memory through a pipe-free temp file. */
static char *pass(const char *path, size_t bufsize, size_t *len, char *tmpl)
{
	struct mig_reader *r = mig_reader_open(path, MIG_R_KEEP_META);
	int fd = mkstemp(tmpl);
	struct mig_writer *w;
	struct mig_item it;
	struct stat st;
	char *out;
	int ret;

	if (fd < 0)
		die(2, "mkstemp:");
	if (bufsize)
		mig_reader_set_bufsize(r, bufsize);
	w = mig_writer_new(fd, tmpl, MIG_FMT_CSV, 0);
	while ((ret = mig_reader_next(r, &it)) > 0)
		mig_write_item(w, &it);
	if (ret < 0)
		die(1, "buffer %zu: %s", bufsize, mig_reader_error(r));
	mig_writer_close(w);
	mig_reader_free(r);
	fstat(fd, &st);
	out = emalloc((size_t)st.st_size + 1);
	if (pread(fd, out, (size_t)st.st_size, 0) != st.st_size)
		die(2, "short read");
	close(fd);
	unlink(tmpl);
	*len = (size_t)st.st_size;
	return out;
}

int main(int argc, char **argv)
{
	char tmpl[] = "/tmp/mig-chunks.XXXXXX";
	char tmpl2[sizeof(tmpl)];
	size_t reflen, len, n, size;
	struct stat st;
	char *ref;

	argv0 = "test-chunks";
	if (argc != 2)
		die(2, "usage: test-chunks FILE");
	if (stat(argv[1], &st) < 0)
		die(2, "%s:", argv[1]);
	memcpy(tmpl2, tmpl, sizeof(tmpl));
	ref = pass(argv[1], 0, &reflen, tmpl2);
	size = (size_t)st.st_size;
	for (n = 1; n <= size + 1; n++) {
		char *out;

		memcpy(tmpl2, tmpl, sizeof(tmpl));
		out = pass(argv[1], n, &len, tmpl2);
		if (len != reflen || memcmp(out, ref, len))
			die(1, "buffer of %zu bytes: output differs", n);
		free(out);
	}
	free(ref);
	printf("%zu buffer sizes agree\n", size + 1);
	return 0;
}
