/* SPDX-License-Identifier: GPL-2.0 */
/* The selftests' one way to run a shell command (ip, modprobe, ...). */
#ifndef VTEP_SH_H
#define VTEP_SH_H

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

/* Run a shell command quietly; its exit status. */
static inline int sh(const char *fmt, ...)
{
	char cmd[512];
	va_list ap;
	int status;

	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	strncat(cmd, " >/dev/null 2>&1", sizeof(cmd) - strlen(cmd) - 1);
	status = system(cmd);
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128;
}

#endif /* VTEP_SH_H */
