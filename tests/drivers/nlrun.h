/* SPDX-License-Identifier: GPL-2.0 */
/*
 * nlrun: ip and vtepctl lines run in this process, in the network
 * namespace of the caller's choosing (tests/drivers/nlcmd, lifecycle).
 * Under TCG a process per step (fork and exec, 83 ms; with ip netns exec,
 * 186) took longer than the step; here a step costs what the kernel does.
 *
 *   vtepctl ARGS...       as `vtepctl ARGS` (vtepctl's own code, linked in;
 *                         one request a line: no -batch coalescing)
 *   ip link set DEV [up|down] [mtu N] [master DEV|nomaster]
 *   ip link add NAME type bridge
 *   ip link add NAME type veth peer name PEER [netns NS] [address MAC]
 *   ip link del DEV
 *   ip addr {add|del} ADDR/LEN dev DEV
 *   ip addr flush dev DEV secondary
 *   ip route {replace|del} {PREFIX/LEN|default} [via GW] [dev DEV]
 *   ip neigh replace ADDR lladdr MAC dev DEV nud permanent
 *
 * Lines are split as vtepctl -batch splits them; empty lines and # are
 * skipped. What a vtepctl line prints (show) is dropped.
 */
#ifndef NLRUN_H
#define NLRUN_H

#include <time.h>

/* Seconds on the monotonic clock */
static inline double nlrun_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* The sockets, in the current namespace; 0 or -1 (said on stderr) */
int nlrun_open(void);
/*
 * Run one line: 0 applied, 1 refused (the error on stderr), 2 not a line
 * nlrun knows, -1 nothing to run (empty, or a comment).
 */
int nlrun_line(const char *text);

/*
 * Namespaces by name, as `ip netns` keeps them (/run/netns/NAME). Enter
 * NAME (NULL: the one this process started in), with sockets of its own;
 * add NAME (a new namespace, its lo up, IPv6 off as the topology tests
 * have it; the caller stays where it was); delete NAME (it goes once
 * nothing else holds it). Each returns 0 or -errno.
 */
int nlrun_enter(const char *ns);
int nlrun_ns_add(const char *ns);
int nlrun_ns_del(const char *ns);
/* A descriptor of NAME's namespace (the caller closes it), or -errno */
int nlrun_ns_fd(const char *ns);

#endif /* NLRUN_H */
