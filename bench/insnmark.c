// SPDX-License-Identifier: GPL-2.0
/*
 * insnmark FILE STRING [COUNTER TARGET]: write STRING and a newline (as
 * echo does: procfs files such as pktgen's cut the last byte) to FILE
 * inside a counting window of the insncount QEMU plugin
 * (bench/insncount.c). The file is opened before the window opens, so the
 * window holds the write(2) and what it runs: for /proc/net/pktgen/pgctrl
 * and "start", a whole pktgen run and no other syscall.
 *
 * With COUNTER (a file holding a number, e.g. the receiver's rx_packets)
 * the window stays open until it reaches TARGET, or stops growing for a
 * second: the receiver's softirqs may still be working through their
 * backlog when pktgen is done, and that work is the packets' too. Each
 * poll is a read(2) every 20 ms, a few thousand instructions.
 *
 * insnmark -x CMD [ARG...]: the window holds CMD's whole life (fork, exec,
 * exit): for an iperf3 client, its connection and transfer.
 * Outside QEMU with the plugin the marks are plain NOPs.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/wait.h>
#include <unistd.h>

static long long counter(int fd)
{
	char buf[32];
	ssize_t n = pread(fd, buf, sizeof(buf) - 1, 0);

	if (n <= 0)
		return -1;
	buf[n] = 0;
	return strtoll(buf, NULL, 10);
}

#define MARK_OPEN() \
	__asm__ volatile(".byte 0x0f, 0x1f, 0x80, 0x01, 0x00, 0x54, 0x56" ::: "memory")
#define MARK_CLOSE() \
	__asm__ volatile(".byte 0x0f, 0x1f, 0x80, 0x02, 0x00, 0x54, 0x56" ::: "memory")

/* insnmark -x CMD ARGS...: the window holds CMD's whole life */
static int run_cmd(char **argv)
{
	int status;
	pid_t pid;

	MARK_OPEN();
	pid = fork();
	if (pid == 0) {
		execvp(argv[0], argv);
		_exit(127);
	}
	if (pid > 0)
		waitpid(pid, &status, 0);
	MARK_CLOSE();
	if (pid < 0) {
		perror("insnmark: fork");
		return 1;
	}
	return WIFEXITED(status) ? WEXITSTATUS(status) : 1;
}

int main(int argc, char **argv)
{
	struct timespec nap = { 0, 20 * 1000 * 1000 };
	long long target = 0, last = -1, now;
	int fd, cfd = -1, err, len, still = 0;
	char buf[256];
	ssize_t n;

	if (argc > 2 && !strcmp(argv[1], "-x"))
		return run_cmd(argv + 2);
	if (argc != 3 && argc != 5) {
		fprintf(stderr, "usage: insnmark FILE STRING [COUNTER TARGET]\n"
				"       insnmark -x CMD [ARG...]\n");
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
	if (argc == 5) {
		target = atoll(argv[4]);
		cfd = open(argv[3], O_RDONLY);
		if (cfd < 0) {
			fprintf(stderr, "insnmark: %s: %s\n", argv[3], strerror(errno));
			return 1;
		}
	}
	MARK_OPEN();
	n = write(fd, buf, len);
	err = errno;
	while (cfd >= 0 && n >= 0 && still < 50) {
		now = counter(cfd);
		if (now < 0 || now >= target)
			break;
		still = now == last ? still + 1 : 0;
		last = now;
		nanosleep(&nap, NULL);
	}
	MARK_CLOSE();
	if (n < 0) {
		fprintf(stderr, "insnmark: write %s: %s\n", argv[1], strerror(err));
		return 1;
	}
	close(fd);
	return 0;
}
