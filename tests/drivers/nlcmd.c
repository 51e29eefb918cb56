// SPDX-License-Identifier: GPL-2.0
/*
 * nlcmd: run vtepctl and ip commands, one a line from stdin, in one
 * process, one request each, in order, each done before the next is read.
 * The tests' long change loops (churn.sh, macflood.sh's static adds) ran a
 * vtepctl or ip process per change: under TCG a fork and exec (83 ms, 186
 * with ip netns exec) took longer than the change. Here the rate is the
 * kernel's.
 *
 *   vtepctl ARGS...       as `vtepctl ARGS` (vtepctl's own code, linked in;
 *                         one request a line: no -batch coalescing)
 *   ip link set DEV [up|down] [mtu N] [master DEV|nomaster]
 *   ip addr {add|del} ADDR/LEN dev DEV
 *   ip addr flush dev DEV secondary
 *   ip route {replace|del} {PREFIX/LEN|default} [via GW] [dev DEV]
 *
 * Lines are split as vtepctl -batch splits them; empty lines and # are
 * skipped. What a vtepctl line prints (show) is dropped; a refused
 * line's error goes to stderr; with -e its text goes
 * to stdout as "refused: LINE". With -r SECONDS, the lines are read first
 * and then run, all of them in turn, again and again until SECONDS have
 * passed (changes made as fast as the kernel takes them, for as long as
 * traffic runs). At the end: "LINES APPLIED REFUSED" on stdout (LINES:
 * each run of a line counts). Exit status: 0 when every line was
 * applied, 1 when any was refused, 2 for a line nlcmd does not know (it
 * stops there).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <net/if.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <libmnl/libmnl.h>
#include <linux/if_addr.h>
#include <linux/rtnetlink.h>

#include "vtepctl.h"

static struct mnl_socket *rtnl;
static unsigned int rtnl_seq;
static char rbuf[64 * 1024];

static int rtnl_open(void)
{
	rtnl = mnl_socket_open(NETLINK_ROUTE);
	if (!rtnl || mnl_socket_bind(rtnl, 0, MNL_SOCKET_AUTOPID) < 0) {
		perror("nlcmd: rtnetlink socket");
		return -1;
	}
	return 0;
}

/* Send nlh, read to its ACK (or the dump's end), each message to cb */
static int rtnl_talk(struct nlmsghdr *nlh, mnl_cb_t cb, void *data)
{
	unsigned int portid = mnl_socket_get_portid(rtnl);
	int ret;

	nlh->nlmsg_seq = ++rtnl_seq;
	nlh->nlmsg_flags |= NLM_F_REQUEST | NLM_F_ACK;
	if (mnl_socket_sendto(rtnl, nlh, nlh->nlmsg_len) < 0)
		return -errno;
	do {
		ret = mnl_socket_recvfrom(rtnl, rbuf, sizeof(rbuf));
		if (ret < 0)
			return -errno;
		ret = mnl_cb_run(rbuf, ret, rtnl_seq, portid, cb, data);
	} while (ret > 0);
	return ret < 0 ? -errno : 0;
}

static int ifindex_of(const char *name)
{
	unsigned int i = if_nametoindex(name);

	if (!i) {
		fprintf(stderr, "Cannot find device \"%s\"\n", name);
		return -1;
	}
	return (int)i;
}

/* ADDR[/LEN] into family, bytes, len (the address's bits if no /LEN) */
static int parse_prefix(const char *s, int *family, void *addr, int *len)
{
	char buf[INET6_ADDRSTRLEN + 4], *slash;

	snprintf(buf, sizeof(buf), "%s", s);
	slash = strchr(buf, '/');
	if (slash)
		*slash++ = 0;
	if (inet_pton(AF_INET, buf, addr) == 1)
		*family = AF_INET;
	else if (inet_pton(AF_INET6, buf, addr) == 1)
		*family = AF_INET6;
	else
		return -1;
	*len = slash ? atoi(slash) : (*family == AF_INET ? 32 : 128);
	return 0;
}

static size_t addr_bytes(int family)
{
	return family == AF_INET ? 4 : 16;
}

/* ip link set DEV [up|down] [mtu N] [master DEV|nomaster] */
static int ip_link_set(int argc, char **argv)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh;
	struct ifinfomsg *ifi;
	int i, idx, m;

	if (argc < 1)
		return -EINVAL;
	idx = ifindex_of(argv[0]);
	if (idx < 0)
		return -ENODEV;
	nlh = mnl_nlmsg_put_header(buf);
	nlh->nlmsg_type = RTM_NEWLINK;
	ifi = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifi));
	ifi->ifi_family = AF_UNSPEC;
	ifi->ifi_index = idx;
	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "up") || !strcmp(argv[i], "down")) {
			ifi->ifi_change |= IFF_UP;
			ifi->ifi_flags = argv[i][0] == 'u' ? IFF_UP : 0;
		} else if (!strcmp(argv[i], "mtu") && i + 1 < argc) {
			mnl_attr_put_u32(nlh, IFLA_MTU, atoi(argv[++i]));
		} else if (!strcmp(argv[i], "master") && i + 1 < argc) {
			m = ifindex_of(argv[++i]);
			if (m < 0)
				return -ENODEV;
			mnl_attr_put_u32(nlh, IFLA_MASTER, m);
		} else if (!strcmp(argv[i], "nomaster")) {
			mnl_attr_put_u32(nlh, IFLA_MASTER, 0);
		} else {
			return -EINVAL;
		}
	}
	return rtnl_talk(nlh, NULL, NULL);
}

static int addr_msg(int type, int flags, int family, const void *a, int len,
		    int idx)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh;
	struct ifaddrmsg *ifa;

	nlh = mnl_nlmsg_put_header(buf);
	nlh->nlmsg_type = type;
	nlh->nlmsg_flags = flags;
	ifa = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifa));
	ifa->ifa_family = family;
	ifa->ifa_prefixlen = len;
	ifa->ifa_index = idx;
	mnl_attr_put(nlh, IFA_LOCAL, addr_bytes(family), a);
	mnl_attr_put(nlh, IFA_ADDRESS, addr_bytes(family), a);
	return rtnl_talk(nlh, NULL, NULL);
}

#define MAX_SECONDARY 256
struct secondaries {
	int idx, n;
	struct { int family, len; unsigned char a[16]; } e[MAX_SECONDARY];
};

static int secondary_cb(const struct nlmsghdr *nlh, void *data)
{
	const struct ifaddrmsg *ifa = mnl_nlmsg_get_payload(nlh);
	struct secondaries *s = data;
	const struct nlattr *at;

	if ((int)ifa->ifa_index != s->idx || !(ifa->ifa_flags & IFA_F_SECONDARY) ||
	    s->n == MAX_SECONDARY)
		return MNL_CB_OK;
	mnl_attr_for_each(at, nlh, sizeof(*ifa)) {
		if (mnl_attr_get_type(at) != IFA_LOCAL ||
		    mnl_attr_get_payload_len(at) != addr_bytes(ifa->ifa_family))
			continue;
		s->e[s->n].family = ifa->ifa_family;
		s->e[s->n].len = ifa->ifa_prefixlen;
		memcpy(s->e[s->n].a, mnl_attr_get_payload(at),
		       addr_bytes(ifa->ifa_family));
		s->n++;
	}
	return MNL_CB_OK;
}

/* ip addr {add|del} ADDR/LEN dev DEV, ip addr flush dev DEV secondary */
static int ip_addr(int argc, char **argv)
{
	unsigned char a[16];
	int family, len, idx, i, err;

	if (argc == 4 && !strcmp(argv[0], "flush") && !strcmp(argv[1], "dev") &&
	    !strcmp(argv[3], "secondary")) {
		static struct secondaries s;
		char buf[MNL_SOCKET_BUFFER_SIZE];
		struct nlmsghdr *nlh;
		struct ifaddrmsg *ifa;

		idx = ifindex_of(argv[2]);
		if (idx < 0)
			return -ENODEV;
		s.idx = idx;
		s.n = 0;
		nlh = mnl_nlmsg_put_header(buf);
		nlh->nlmsg_type = RTM_GETADDR;
		nlh->nlmsg_flags = NLM_F_DUMP;
		ifa = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifa));
		ifa->ifa_family = AF_UNSPEC;
		err = rtnl_talk(nlh, secondary_cb, &s);
		for (i = 0; !err && i < s.n; i++)
			err = addr_msg(RTM_DELADDR, 0, s.e[i].family, s.e[i].a,
				       s.e[i].len, idx);
		return err;
	}
	if (argc != 4 || strcmp(argv[2], "dev") ||
	    (strcmp(argv[0], "add") && strcmp(argv[0], "del")) ||
	    parse_prefix(argv[1], &family, a, &len))
		return -EINVAL;
	idx = ifindex_of(argv[3]);
	if (idx < 0)
		return -ENODEV;
	if (!strcmp(argv[0], "add"))
		return addr_msg(RTM_NEWADDR, NLM_F_CREATE | NLM_F_EXCL, family,
				a, len, idx);
	return addr_msg(RTM_DELADDR, 0, family, a, len, idx);
}

/* ip route {replace|del} {PREFIX/LEN|default} [via GW] [dev DEV] */
static int ip_route(int argc, char **argv)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	unsigned char dst[16] = { 0 }, gw[16];
	int family = AF_INET, len = 0, gwf, gwlen, i, idx;
	bool del, have_gw = false;
	struct nlmsghdr *nlh;
	struct rtmsg *rtm;

	if (argc < 2 || (strcmp(argv[0], "replace") && strcmp(argv[0], "del")))
		return -EINVAL;
	del = !strcmp(argv[0], "del");
	if (strcmp(argv[1], "default") && parse_prefix(argv[1], &family, dst, &len))
		return -EINVAL;
	nlh = mnl_nlmsg_put_header(buf);
	nlh->nlmsg_type = del ? RTM_DELROUTE : RTM_NEWROUTE;
	nlh->nlmsg_flags = del ? 0 : NLM_F_CREATE | NLM_F_REPLACE;
	rtm = mnl_nlmsg_put_extra_header(nlh, sizeof(*rtm));
	rtm->rtm_family = family;
	rtm->rtm_dst_len = len;
	rtm->rtm_table = RT_TABLE_MAIN;
	rtm->rtm_protocol = del ? 0 : RTPROT_BOOT;
	rtm->rtm_scope = del ? RT_SCOPE_NOWHERE : RT_SCOPE_LINK;
	rtm->rtm_type = del ? 0 : RTN_UNICAST;
	if (len)
		mnl_attr_put(nlh, RTA_DST, addr_bytes(family), dst);
	for (i = 2; i + 1 < argc; i += 2) {
		if (!strcmp(argv[i], "via")) {
			if (parse_prefix(argv[i + 1], &gwf, gw, &gwlen) || gwf != family)
				return -EINVAL;
			mnl_attr_put(nlh, RTA_GATEWAY, addr_bytes(family), gw);
			have_gw = true;
		} else if (!strcmp(argv[i], "dev")) {
			idx = ifindex_of(argv[i + 1]);
			if (idx < 0)
				return -ENODEV;
			mnl_attr_put_u32(nlh, RTA_OIF, idx);
		} else {
			return -EINVAL;
		}
	}
	if (i != argc)
		return -EINVAL;
	if (have_gw && !del)
		rtm->rtm_scope = RT_SCOPE_UNIVERSE;
	return rtnl_talk(nlh, NULL, NULL);
}

/* One ip line: 0, a negative errno, or 2 for what nlcmd does not know */
static int ip_line(int argc, char **argv)
{
	int err;

	if (argc >= 3 && !strcmp(argv[0], "link") && !strcmp(argv[1], "set"))
		err = ip_link_set(argc - 2, argv + 2);
	else if (argc >= 2 && !strcmp(argv[0], "addr"))
		err = ip_addr(argc - 1, argv + 1);
	else if (argc >= 2 && !strcmp(argv[0], "route"))
		err = ip_route(argc - 1, argv + 1);
	else
		return 2;
	if (err == -EINVAL)
		return 2;
	return err;
}

static struct vtep_ctx ctx;
static unsigned long lines, applied, refused;
static bool echo;
static FILE *devnull;

/* Run one line (a copy: makeargs splits in place); 2: stop, not a line
 * nlcmd knows */
static int run_line(const char *text)
{
	char *line = strdup(text), *av[BATCH_MAX_ARGS];
	int ac, err;

	if (!line)
		return 2;
	ac = makeargs(line, av, BATCH_MAX_ARGS);
	if (ac <= 0) {
		free(line);
		return ac ? 2 : 0;
	}
	if (ac > 1 && !strcmp(av[0], "vtepctl")) {
		err = vtep_dispatch(&ctx, ac - 1, av + 1);
		print_flush();
		err = err ? 1 : 0;
	} else if (ac > 1 && !strcmp(av[0], "ip")) {
		err = ip_line(ac - 1, av + 1);
		if (err < 0)
			fprintf(stderr, "Error: %s: %s\n", text, strerror(-err));
	} else {
		err = 2;
	}
	free(line);
	if (err == 2) {
		fprintf(stderr, "nlcmd: line %lu: not a line nlcmd knows: %s\n",
			lines + 1, text);
		return 2;
	}
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

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
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
	if (rtnl_open())
		return 1;
	/* What vtepctl lines print (show) is not nlcmd's output */
	devnull = fopen("/dev/null", "w");
	if (!devnull) {
		perror("nlcmd: /dev/null");
		return 1;
	}
	print_setup(devnull, false, false);
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
		end = now() + secs;
		do {
			for (i = 0; i < n; i++)
				if (run_line(all[i]))
					return 2;
		} while (now() < end);
	}
	printf("%lu %lu %lu\n", lines, applied, refused);
	return refused ? 1 : 0;
}
