// SPDX-License-Identifier: GPL-2.0
/* nlrun: ip and vtepctl lines run in this process (nlrun.h) */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <sched.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>
#include <libmnl/libmnl.h>
#include <linux/if_addr.h>
#include <linux/if_link.h>
#include <linux/neighbour.h>
#include <linux/rtnetlink.h>
#include <linux/veth.h>

#include "vtepctl.h"
#include "nlrun.h"

static struct mnl_socket *rtnl;
static unsigned int rtnl_seq;
static char rbuf[64 * 1024];

static int rtnl_open(void)
{
	if (rtnl)
		mnl_socket_close(rtnl);
	rtnl = mnl_socket_open(NETLINK_ROUTE);
	if (!rtnl || mnl_socket_bind(rtnl, 0, MNL_SOCKET_AUTOPID) < 0) {
		perror("nlrun: rtnetlink socket");
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

/* A request of type and flags in buf; its family header, zeroed, is hdr */
static struct nlmsghdr *rt_msg(char *buf, int type, int flags, size_t hdrlen,
			       void **hdr)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);

	nlh->nlmsg_type = type;
	nlh->nlmsg_flags = flags;
	*hdr = mnl_nlmsg_put_extra_header(nlh, hdrlen);
	return nlh;
}

/*
 * An RTM_*LINK request in buf for device name (NULL: one it makes), or
 * NULL if there is no such device
 */
static struct nlmsghdr *link_msg(char *buf, int type, const char *name)
{
	struct nlmsghdr *nlh;
	struct ifinfomsg *ifi;
	int idx = 0;

	if (name) {
		idx = ifindex_of(name);
		if (idx < 0)
			return NULL;
	}
	nlh = rt_msg(buf, type, 0, sizeof(*ifi), (void **)&ifi);
	ifi->ifi_family = AF_UNSPEC;
	ifi->ifi_index = idx;
	return nlh;
}

/* ip link set DEV [up|down] [mtu N] [master DEV|nomaster] */
static int ip_link_set(int argc, char **argv)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh;
	struct ifinfomsg *ifi;
	int i, m;

	if (argc < 1)
		return -EINVAL;
	nlh = link_msg(buf, RTM_NEWLINK, argv[0]);
	if (!nlh)
		return -ENODEV;
	ifi = mnl_nlmsg_get_payload(nlh);
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

	nlh = rt_msg(buf, type, flags, sizeof(*ifa), (void **)&ifa);
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
		nlh = rt_msg(buf, RTM_GETADDR, NLM_F_DUMP, sizeof(*ifa),
			     (void **)&ifa);
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
	nlh = rt_msg(buf, del ? RTM_DELROUTE : RTM_NEWROUTE,
		     del ? 0 : NLM_F_CREATE | NLM_F_REPLACE, sizeof(*rtm),
		     (void **)&rtm);
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

/*
 * ip link add NAME type bridge
 * ip link add NAME type veth peer name PEER [netns NS] [address MAC]
 * (netns and address are the peer's)
 */
static int ip_link_add(int argc, char **argv)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlattr *li, *data, *peer;
	struct ifinfomsg *pifi;
	unsigned char mac[6];
	struct nlmsghdr *nlh;
	int i, nsfd = -1, err;

	if (argc < 3 || strcmp(argv[1], "type"))
		return -EINVAL;
	nlh = link_msg(buf, RTM_NEWLINK, NULL);
	nlh->nlmsg_flags = NLM_F_CREATE | NLM_F_EXCL;
	mnl_attr_put_strz(nlh, IFLA_IFNAME, argv[0]);
	li = mnl_attr_nest_start(nlh, IFLA_LINKINFO);
	mnl_attr_put_strz(nlh, IFLA_INFO_KIND, argv[2]);
	if (!strcmp(argv[2], "bridge") && argc == 3) {
		mnl_attr_nest_end(nlh, li);
		return rtnl_talk(nlh, NULL, NULL);
	}
	if (strcmp(argv[2], "veth") || argc < 6 || strcmp(argv[3], "peer") ||
	    strcmp(argv[4], "name"))
		return -EINVAL;
	data = mnl_attr_nest_start(nlh, IFLA_INFO_DATA);
	peer = mnl_attr_nest_start(nlh, VETH_INFO_PEER);
	pifi = mnl_nlmsg_put_extra_header(nlh, sizeof(*pifi));
	pifi->ifi_family = AF_UNSPEC;
	mnl_attr_put_strz(nlh, IFLA_IFNAME, argv[5]);
	for (i = 6; i + 1 < argc; i += 2) {
		if (!strcmp(argv[i], "netns") && nsfd < 0) {
			nsfd = nlrun_ns_fd(argv[i + 1]);
			if (nsfd < 0)
				return nsfd;
			mnl_attr_put_u32(nlh, IFLA_NET_NS_FD, nsfd);
		} else if (!strcmp(argv[i], "address") &&
			   !parse_mac(argv[i + 1], mac)) {
			mnl_attr_put(nlh, IFLA_ADDRESS, sizeof(mac), mac);
		} else {
			break;
		}
	}
	if (i != argc) {
		if (nsfd >= 0)
			close(nsfd);
		return -EINVAL;
	}
	mnl_attr_nest_end(nlh, peer);
	mnl_attr_nest_end(nlh, data);
	mnl_attr_nest_end(nlh, li);
	err = rtnl_talk(nlh, NULL, NULL);
	if (nsfd >= 0)
		close(nsfd);
	return err;
}

/* ip link del DEV */
static int ip_link_del(int argc, char **argv)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh;

	if (argc != 1)
		return -EINVAL;
	nlh = link_msg(buf, RTM_DELLINK, argv[0]);
	return nlh ? rtnl_talk(nlh, NULL, NULL) : -ENODEV;
}

/* ip neigh replace ADDR lladdr MAC dev DEV nud permanent */
static int ip_neigh(int argc, char **argv)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	unsigned char a[16], mac[6];
	struct nlmsghdr *nlh;
	struct ndmsg *ndm;
	int family, len, idx;

	if (argc != 8 || strcmp(argv[0], "replace") ||
	    parse_prefix(argv[1], &family, a, &len) ||
	    strcmp(argv[2], "lladdr") || parse_mac(argv[3], mac) ||
	    strcmp(argv[4], "dev") || strcmp(argv[6], "nud") ||
	    strcmp(argv[7], "permanent"))
		return -EINVAL;
	idx = ifindex_of(argv[5]);
	if (idx < 0)
		return -ENODEV;
	nlh = rt_msg(buf, RTM_NEWNEIGH, NLM_F_CREATE | NLM_F_REPLACE,
		     sizeof(*ndm), (void **)&ndm);
	ndm->ndm_family = family;
	ndm->ndm_ifindex = idx;
	ndm->ndm_state = NUD_PERMANENT;
	mnl_attr_put(nlh, NDA_DST, addr_bytes(family), a);
	mnl_attr_put(nlh, NDA_LLADDR, sizeof(mac), mac);
	return rtnl_talk(nlh, NULL, NULL);
}

/* One ip line: 0, a negative errno, or 2 for what nlrun does not know */
static int ip_line(int argc, char **argv)
{
	int err;

	if (argc >= 3 && !strcmp(argv[0], "link") && !strcmp(argv[1], "set"))
		err = ip_link_set(argc - 2, argv + 2);
	else if (argc >= 3 && !strcmp(argv[0], "link") && !strcmp(argv[1], "add"))
		err = ip_link_add(argc - 2, argv + 2);
	else if (argc >= 3 && !strcmp(argv[0], "link") && !strcmp(argv[1], "del"))
		err = ip_link_del(argc - 2, argv + 2);
	else if (argc >= 2 && !strcmp(argv[0], "addr"))
		err = ip_addr(argc - 1, argv + 1);
	else if (argc >= 2 && !strcmp(argv[0], "route"))
		err = ip_route(argc - 1, argv + 1);
	else if (argc >= 2 && !strcmp(argv[0], "neigh"))
		err = ip_neigh(argc - 1, argv + 1);
	else
		return 2;
	if (err == -EINVAL)
		return 2;
	return err;
}

static struct vtep_ctx ctx;

int nlrun_open(void)
{
	static FILE *devnull;

	/* What vtepctl lines print (show) is not the caller's output */
	if (!devnull) {
		devnull = fopen("/dev/null", "w");
		if (!devnull) {
			perror("nlrun: /dev/null");
			return -1;
		}
		print_setup(devnull, false, false);
	}
	/* vtepctl's socket opens on first use, in the namespace of then */
	if (ctx.nl) {
		nl_close(ctx.nl);
		ctx.nl = NULL;
	}
	return rtnl_open();
}

int nlrun_line(const char *text)
{
	char *line = strdup(text), *av[BATCH_MAX_ARGS];
	int ac, err;

	if (!line)
		return 2;
	ac = makeargs(line, av, BATCH_MAX_ARGS);
	if (ac <= 0) {
		free(line);
		return ac ? 2 : -1;
	}
	if (ac > 1 && !strcmp(av[0], "vtepctl")) {
		err = vtep_dispatch(&ctx, ac - 1, av + 1) ? 1 : 0;
		print_flush();
	} else if (ac > 1 && !strcmp(av[0], "ip")) {
		err = ip_line(ac - 1, av + 1);
		if (err < 0) {
			fprintf(stderr, "Error: %s: %s\n", text, strerror(-err));
			err = 1;
		}
	} else {
		err = 2;
	}
	free(line);
	return err;
}

#define NETNS_DIR "/run/netns"

static int ns_path(const char *ns, char *path, size_t len)
{
	if (!*ns || strchr(ns, '/') ||
	    (size_t)snprintf(path, len, NETNS_DIR "/%s", ns) >= len)
		return -EINVAL;
	return 0;
}

int nlrun_ns_fd(const char *ns)
{
	char path[256];
	int fd, err;

	err = ns_path(ns, path, sizeof(path));
	if (err)
		return err;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	return fd < 0 ? -errno : fd;
}

/* the namespace this process started in, kept for nlrun_enter(NULL) */
static int home_fd = -1;

static int home(void)
{
	if (home_fd < 0)
		home_fd = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
	return home_fd < 0 ? -errno : home_fd;
}

/* setns to fd, the sockets reopened there; 0 or -errno */
static int enter_fd(int fd)
{
	if (setns(fd, CLONE_NEWNET) < 0)
		return -errno;
	return nlrun_open() ? -EIO : 0;
}

int nlrun_enter(const char *ns)
{
	int fd, err;

	if (!ns) {
		fd = home();
		return fd < 0 ? fd : enter_fd(fd);
	}
	fd = nlrun_ns_fd(ns);
	if (fd < 0)
		return fd;
	err = enter_fd(fd);
	close(fd);
	return err;
}

/* write val to the sysctl file path (of the current namespace) */
static int sysctl_write(const char *path, const char *val)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC), err = 0;

	if (fd < 0)
		return -errno;
	if (write(fd, val, strlen(val)) < 0)
		err = -errno;
	close(fd);
	return err;
}

/* The new namespace, entered: lo up, IPv6 off (as lib.sh's ns_add) */
static int ns_setup(void)
{
	int err;

	err = nlrun_open() ? -EIO : 0;
	if (!err && nlrun_line("ip link set lo up"))
		err = -EIO;
	if (!err)
		err = sysctl_write("/proc/sys/net/ipv6/conf/all/disable_ipv6", "1");
	if (!err)
		err = sysctl_write("/proc/sys/net/ipv6/conf/default/disable_ipv6", "1");
	return err;
}

int nlrun_ns_add(const char *ns)
{
	char path[256];
	int fd, err, back, was;

	err = ns_path(ns, path, sizeof(path));
	if (err)
		return err;
	if (home() < 0)
		return -errno;
	/* where the caller is, to go back to */
	was = open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC);
	if (was < 0)
		return -errno;
	if (mkdir(NETNS_DIR, 0755) < 0 && errno != EEXIST) {
		err = -errno;
		goto out;
	}
	fd = open(path, O_RDONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0);
	if (fd < 0) {
		err = -errno;
		goto out;
	}
	close(fd);
	if (unshare(CLONE_NEWNET) < 0) {
		err = -errno;
		unlink(path);
		goto out;
	}
	/* the namespace lives on in the bind mount, as `ip netns add` keeps it */
	if (mount("/proc/thread-self/ns/net", path, "none", MS_BIND, NULL) < 0) {
		err = -errno;
		unlink(path);
	} else {
		err = ns_setup();
	}
out:
	back = enter_fd(was);
	close(was);
	if (err && !access(path, F_OK))
		nlrun_ns_del(ns);
	return err ? err : back;
}

int nlrun_ns_del(const char *ns)
{
	char path[256];
	int err;

	err = ns_path(ns, path, sizeof(path));
	if (err)
		return err;
	if (umount2(path, MNT_DETACH) < 0)
		return -errno;
	return unlink(path) < 0 ? -errno : 0;
}
