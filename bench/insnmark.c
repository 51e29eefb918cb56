// SPDX-License-Identifier: GPL-2.0
/*
 * insnmark FILE STRING: write STRING and a newline (as echo does: procfs
 * files such as pktgen's cut the last byte) to FILE inside a counting window of
 * the insncount QEMU plugin (bench/insncount.c). The file is opened before
 * the window opens, so the window holds the write(2) and what it runs:
 * for /proc/net/pktgen/pgctrl and "start", a whole pktgen run and no
 * other syscall. Outside QEMU with the plugin the marks are plain NOPs.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	char buf[256];
	ssize_t n;
	int fd, err, len;

	if (argc != 3) {
		fprintf(stderr, "usage: insnmark FILE STRING\n");
		return 2;
	}
	len = snprintf(buf, sizeof(buf), "%s\n", argv[2]);
	if (len < 0 || (size_t)len >= sizeof(buf)) {
		fprintf(stderr, "insnmark: STRING too long\n");
		return 2;
	}
	fd = open(argv[1], O_WRONLY);
	if (fd < 0) {
		fprintf(stderr, "insnmark: %s: %s\n", argv[1], strerror(errno));
		return 1;
	}
	__asm__ volatile(".byte 0x0f, 0x1f, 0x80, 0x01, 0x00, 0x54, 0x56" ::: "memory");
	n = write(fd, buf, len);
	err = errno;
	__asm__ volatile(".byte 0x0f, 0x1f, 0x80, 0x02, 0x00, 0x54, 0x56" ::: "memory");
	if (n < 0) {
		fprintf(stderr, "insnmark: write %s: %s\n", argv[1], strerror(err));
		return 1;
	}
	close(fd);
	return 0;
}
