// SPDX-License-Identifier: GPL-2.0
/*
 * nlcmd: run vtepctl and ip commands, one a line from stdin, in one
 * process, one request each, in order, each done before the next is read
 * (the lines nlrun.h knows). The tests' long change loops (churn.sh,
 * macflood.sh's static adds) ran a vtepctl or ip process per change:
 * under TCG a fork and exec (83 ms, 186 with ip netns exec) took longer
 * than the change. Here the rate is the kernel's.
 *
 * A refused line's error goes to stderr; with -e its text goes to stdout
 * as "refused: LINE". With -r SECONDS, the lines are read first and then
 * run, all of them in turn, again and again until SECONDS have passed
 * (changes made as fast as the kernel takes them, for as long as traffic
 * runs). At the end: "LINES APPLIED REFUSED" on stdout (LINES: each run
 * of a line counts). Exit status: 0 when every line was applied, 1 when
 * any was refused, 2 for a line nlcmd does not know (it stops there).
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "nlrun.h"

static unsigned long lines, applied, refused;
static bool echo;

/* Run one line; 2: stop, not a line nlcmd knows */
static int run_line(const char *text)
{
	int err = nlrun_line(text);

	if (err == 2) {
		fprintf(stderr, "nlcmd: line %lu: not a line nlcmd knows: %s\n",
			lines + 1, text);
		return 2;
	}
	if (err < 0)
		return 0;
	lines++;
	if (err) {
		refused++;
		if (echo)
			printf("refused: %s\n", text);
	} else {
		applied++;
	}
	fflush(stdout);
	return 0;
}

int main(int argc, char **argv)
{
	char *line = NULL, **all = NULL;
	size_t cap = 0, n = 0, i;
	double secs = 0, end;
	ssize_t len;
	int opt;

	while ((opt = getopt(argc, argv, "er:")) != -1) {
		if (opt == 'e') {
			echo = true;
		} else if (opt == 'r') {
			secs = atof(optarg);
		} else {
			fprintf(stderr, "usage: nlcmd [-e] [-r SECONDS] <LINES\n");
			return 2;
		}
	}
	if (nlrun_open())
		return 1;
	while ((len = getline(&line, &cap, stdin)) >= 0) {
		if (len && line[len - 1] == '\n')
			line[len - 1] = 0;
		if (secs > 0) {	/* -r: all lines first, then round after round */
			all = realloc(all, (n + 1) * sizeof(*all));
			if (!all || !(all[n++] = strdup(line)))
				return 2;
		} else if (run_line(line)) {
			return 2;
		}
	}
	if (secs > 0 && n) {
		end = nlrun_now() + secs;
		do {
			for (i = 0; i < n; i++)
				if (run_line(all[i]))
					return 2;
		} while (nlrun_now() < end);
	}
	printf("%lu %lu %lu\n", lines, applied, refused);
	return refused ? 1 : 0;
}
