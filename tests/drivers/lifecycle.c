// SPDX-License-Identifier: GPL-2.0
/*
 * lifecycle: the cycles of tests/topo/lifecycle_traffic.sh, in one process.
 * Under TCG a cycle made of ip, vtepctl and ping processes spent its time
 * starting them (a namespace cycle: 15 processes, 7.5 s); here a cycle
 * costs what the kernel does. Each cycle must carry traffic and tear down:
 *
 *   dev  make h1's VTEP, v1 pings v2 through it, delete the device;
 *   mod  both VTEPs up, v1 pings v2, rmmod vtep, insmod MODULE, h2's VTEP
 *        again;
 *   ns   a third host PREFIXh3cN (a VTEP to h1, a bridge) and its VM
 *        PREFIXv3cN (plugged into sw and h3cN); the VM pings v1 once, then
 *        floods it, and once 20 replies have come back the host's namespace
 *        is deleted under the flood, then the VM's.
 *
 * The topology (PREFIX + sw, h1, h2, v1, v2, made by lib.sh) and the ping
 * floods between v1 and v2 (all along) are the script's.
 *
 *   lifecycle -p PREFIX -k MODULE -n CYCLES [-m VM_MTU] KIND...
 *
 * Prints a line a kind: "KIND GOOD SECONDS WHY", WHY being "none" or the
 * first cycle that failed and why. Exit status: 0 when every cycle was
 * good, 1 when one was not, 2 for a usage error.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <netinet/ip.h>
#include <linux/icmp.h>
#include <poll.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "nlrun.h"

static const char *prefix, *module;
static int vm_mtu = 1450;
static char why[256];		/* why the cycle failed (the first reason) */
static int v1_fd = -1;		/* a raw ICMP socket in v1 */

static int fail(const char *fmt, ...)
{
	va_list ap;

	if (*why)
		return -1;
	va_start(ap, fmt);
	vsnprintf(why, sizeof(why), fmt, ap);
	va_end(ap);
	return -1;
}

/* PREFIX + name, in one of a few rotating buffers */
static const char *ns(const char *name)
{
	static char bufs[4][64];
	static int next;
	char *b = bufs[next++ % 4];

	snprintf(b, sizeof(bufs[0]), "%s%s", prefix, name);
	return b;
}

static int enter(const char *name)
{
	int err = nlrun_enter(name ? ns(name) : NULL);

	return err ? fail("cannot enter %s: %s", name ? name : "home",
			  strerror(-err)) : 0;
}

/* Each line in namespace name, in order; the first refused one fails */
static int run_in(const char *name, const char *const *lines, int n)
{
	int i;

	if (enter(name))
		return -1;
	for (i = 0; i < n; i++)
		if (nlrun_line(lines[i]) > 0)
			return fail("%s: refused: %s", name, lines[i]);
	return 0;
}

/* host hI's VTEP on its bridge, VNI 100, the hosts in remotes (a bit a
 * host number) as its remotes */
static int vtep_up(const char *host, int i, unsigned int remotes)
{
	char lines[5][96];
	const char *l[5];
	int n = 0, j;

	snprintf(lines[n++], 96, "vtepctl link add vtep0 local 192.0.2.%d underlay eth0", i);
	snprintf(lines[n++], 96, "ip link set vtep0 master br0 up");
	snprintf(lines[n++], 96, "vtepctl vni add 100 dev vtep0 untagged");
	for (j = 1; j <= 3; j++)
		if (j != i && (remotes & (1u << j)))
			snprintf(lines[n++], 96,
				 "vtepctl remote add 192.0.2.%d vni 100 dev vtep0", j);
	for (j = 0; j < n; j++)
		l[j] = lines[j];
	return run_in(host, l, n);
}

#define HOSTS_123 ((1u << 1) | (1u << 2) | (1u << 3))

static bool has_vtep(const char *host)
{
	return !enter(host) && if_nametoindex("vtep0");
}

/* ---- ICMP echo, on raw sockets made in a VM's namespace ---- */

static uint16_t csum(const void *data, size_t len)
{
	const uint16_t *p = data;
	uint32_t sum = 0;

	for (; len > 1; len -= 2)
		sum += *p++;
	if (len)
		sum += *(const uint8_t *)p;
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return ~sum;
}

/* A raw ICMP socket in VM vm's namespace, echo replies only; or -1 */
static int icmp_socket(const char *vm)
{
	struct icmp_filter filt = { .data = ~(1u << ICMP_ECHOREPLY) };
	int fd, err;

	if (enter(vm))
		return -1;
	fd = socket(AF_INET, SOCK_RAW | SOCK_CLOEXEC, IPPROTO_ICMP);
	err = errno;
	if (fd >= 0 && setsockopt(fd, SOL_RAW, ICMP_FILTER, &filt, sizeof(filt)) < 0) {
		err = errno;
		close(fd);
		fd = -1;
	}
	if (fd < 0)
		return fail("%s: raw ICMP socket: %s", vm, strerror(err));
	return fd;
}

static int echo_send(int fd, const char *dst, uint16_t id, uint16_t seq)
{
	struct sockaddr_in sin = { .sin_family = AF_INET };
	struct icmphdr h = {
		.type = ICMP_ECHO,
		.un.echo = { .id = htons(id), .sequence = htons(seq) },
	};

	inet_pton(AF_INET, dst, &sin.sin_addr);
	h.checksum = csum(&h, sizeof(h));
	return sendto(fd, &h, sizeof(h), 0, (struct sockaddr *)&sin,
		      sizeof(sin)) < 0 ? -errno : 0;
}

/*
 * Wait up to ms for an echo reply of id: its sequence, or -1. The socket
 * sees every reply to its VM (the floods' too): others' are passed over.
 */
static int echo_reply(int fd, uint16_t id, int ms)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };
	double end = nlrun_now() + ms / 1000.0;
	unsigned char buf[1500];
	const struct icmphdr *h;
	const struct iphdr *ip;
	ssize_t n;
	int left;

	for (;;) {
		n = recv(fd, buf, sizeof(buf), MSG_DONTWAIT);
		if (n < 0) {
			left = (int)((end - nlrun_now()) * 1000);
			if ((errno != EAGAIN && errno != EINTR) || left <= 0)
				return -1;
			poll(&p, 1, left);
			continue;
		}
		ip = (const struct iphdr *)buf;
		if (n < (ssize_t)sizeof(*ip) ||
		    n < ip->ihl * 4 + (ssize_t)sizeof(*h))
			continue;
		h = (const struct icmphdr *)(buf + ip->ihl * 4);
		if (h->type == ICMP_ECHOREPLY && ntohs(h->un.echo.id) == id)
			return ntohs(h->un.echo.sequence);
	}
}

static uint16_t echo_id;	/* ours, apart from the floods' ping -f */

/* As `ping -c 1 -W 2` tried up to 10 times and for at least 5 s */
static int ping_ok(int fd, const char *from, const char *dst)
{
	static uint16_t seq;
	double end = nlrun_now() + 5;
	int i, got;

	for (i = 0; i < 10 || nlrun_now() < end; i++) {
		if (echo_send(fd, dst, echo_id, ++seq))
			continue;
		do
			got = echo_reply(fd, echo_id, 2000);
		while (got >= 0 && got != seq);
		if (got == seq)
			return 0;
	}
	return fail("%s does not reach %s", from, dst);
}

/* ---- a flood from a VM: echo requests as fast as replies come ---- */

struct flood {
	int fd;
	const char *dst;
	atomic_bool stop;
	atomic_ulong sent, replies;
	pthread_t thread;
};

static void *flood_run(void *arg)
{
	struct flood *f = arg;
	uint16_t seq = 0;

	while (!atomic_load(&f->stop)) {
		if (!echo_send(f->fd, f->dst, echo_id + 1, ++seq))
			atomic_fetch_add(&f->sent, 1);
		/* (once the host is gone, sends fail: it floods on regardless) */
		if (echo_reply(f->fd, echo_id + 1, 10) >= 0)
			atomic_fetch_add(&f->replies, 1);
	}
	return NULL;
}

/* ---- the cycles ---- */

static int cycle_dev(int c)
{
	int err;

	if (vtep_up("h1", 1, HOSTS_123))
		return -1;
	err = ping_ok(v1_fd, "v1", "203.0.113.2");
	/* (torn down either way: the next cycle starts without it) */
	return run_in("h1", (const char *[]){ "ip link del vtep0" }, 1) | err;
}

static int mod_unload(void)
{
	if (syscall(SYS_delete_module, "vtep", O_NONBLOCK) < 0)
		return fail("rmmod vtep: %s", strerror(errno));
	return 0;
}

static int mod_load(void)
{
	int fd = open(module, O_RDONLY | O_CLOEXEC), err = 0;

	if (fd < 0)
		return fail("%s: %s", module, strerror(errno));
	if (syscall(SYS_finit_module, fd, "", 0) < 0)
		err = fail("insmod %s: %s", module, strerror(errno));
	close(fd);
	return err;
}

static int cycle_mod(int c)
{
	if (vtep_up("h1", 1, HOSTS_123))
		return -1;
	if (!has_vtep("h2") && vtep_up("h2", 2, HOSTS_123))
		return -1;
	if (ping_ok(v1_fd, "v1", "203.0.113.2"))
		return -1;
	/* (our sockets hold no reference on the module: genetlink's do not) */
	if (mod_unload() || mod_load())
		return -1;
	return vtep_up("h2", 2, HOSTS_123);
}

/* host h3cN and its VM v3cN: made, plugged in, carrying traffic */
static int ns_make(const char *h, const char *v)
{
	char l[7][128];
	const char *hl[7];
	int i, err;

	err = nlrun_ns_add(ns(h));
	if (!err)
		err = nlrun_ns_add(ns(v));
	if (err)
		return fail("ip netns add: %s", strerror(-err));
	snprintf(l[0], 128, "ip link add eth0 type veth peer name u-%s netns %s", h, ns("sw"));
	snprintf(l[1], 128, "ip addr add 192.0.2.3/24 dev eth0");
	snprintf(l[2], 128, "ip link set eth0 up");
	snprintf(l[3], 128, "ip link add br0 type bridge");
	snprintf(l[4], 128, "ip link set br0 up");
	snprintf(l[5], 128, "ip link add v-%s type veth peer name eth0 netns %s address 02:00:00:00:03:03",
		 v, ns(v));
	snprintf(l[6], 128, "ip link set v-%s master br0 up", v);
	for (i = 0; i < 7; i++)
		hl[i] = l[i];
	if (run_in(h, hl, 7))
		return -1;
	snprintf(l[0], 128, "ip link set u-%s master br0 up", h);
	if (run_in("sw", hl, 1))
		return -1;
	if (vtep_up(h, 3, 1u << 1))
		return -1;
	snprintf(l[0], 128, "ip addr add 203.0.113.3/24 dev eth0");
	snprintf(l[1], 128, "ip link set eth0 mtu %d up", vm_mtu);
	snprintf(l[2], 128, "ip neigh replace 203.0.113.1 lladdr 02:00:00:00:01:01 dev eth0 nud permanent");
	return run_in(v, hl, 3);
}

static int cycle_ns(int c)
{
	struct flood f = { .fd = -1, .dst = "203.0.113.1" };
	char h[16], v[16];
	int err = 0, i;
	double end;

	snprintf(h, sizeof(h), "h3c%d", c);
	snprintf(v, sizeof(v), "v3c%d", c);
	/* (a module cycle before leaves h1 without its device) */
	if (!has_vtep("h1") && vtep_up("h1", 1, HOSTS_123))
		return -1;
	err = ns_make(h, v);
	if (!err) {
		f.fd = icmp_socket(v);
		err = f.fd < 0 ? -1 : ping_ok(f.fd, v, f.dst);
	}
	if (!err && pthread_create(&f.thread, NULL, flood_run, &f))
		err = fail("cannot start the flood");
	if (!err) {
		/* mid-flood: once 20 replies have come back, not after a time */
		end = nlrun_now() + 10;
		while (atomic_load(&f.replies) < 20 && nlrun_now() < end)
			usleep(10000);
		if (atomic_load(&f.replies) < 20)
			err = fail("%s's flood had %lu replies of %lu in 10 s", v,
				   atomic_load(&f.replies), atomic_load(&f.sent));
		/* our sockets out of it first, then the host goes */
		if (!err && !enter(NULL) && (err = nlrun_ns_del(ns(h))))
			err = fail("ip netns del %s: %s", h, strerror(-err));
		atomic_store(&f.stop, true);
		pthread_join(f.thread, NULL);
	}
	if (f.fd >= 0)
		close(f.fd);
	/* whatever failed, neither namespace outlives the cycle */
	enter(NULL);
	nlrun_ns_del(ns(h));
	i = nlrun_ns_del(ns(v));
	if (i && !err)
		err = fail("ip netns del %s: %s", v, strerror(-i));
	return err;
}

static const struct kind {
	const char *name;
	int (*cycle)(int c);
} kinds[] = {
	{ "dev", cycle_dev },
	{ "mod", cycle_mod },
	{ "ns", cycle_ns },
};

int main(int argc, char **argv)
{
	const struct kind *k;
	int opt, n = 0, c, good, i, rc = 0;
	char first[300];
	double t0;

	while ((opt = getopt(argc, argv, "p:k:n:m:")) != -1) {
		switch (opt) {
		case 'p': prefix = optarg; break;
		case 'k': module = optarg; break;
		case 'n': n = atoi(optarg); break;
		case 'm': vm_mtu = atoi(optarg); break;
		default: goto usage;
		}
	}
	if (!prefix || !module || n <= 0 || optind == argc)
		goto usage;
	setvbuf(stdout, NULL, _IOLBF, 0);
	echo_id = (getpid() & 0x3fff) | 0x8000;
	if (nlrun_open())
		return 2;
	v1_fd = icmp_socket("v1");
	if (v1_fd < 0) {
		fprintf(stderr, "lifecycle: %s\n", why);
		return 2;
	}
	for (i = optind; i < argc; i++) {
		for (k = kinds; k < kinds + 3 && strcmp(k->name, argv[i]); k++)
			;
		if (k == kinds + 3)
			goto usage;
		t0 = nlrun_now();
		good = 0;
		*first = 0;
		for (c = 0; c < n; c++) {
			*why = 0;
			if (!k->cycle(c))
				good++;
			else if (!*first)
				snprintf(first, sizeof(first), "cycle %d: %s", c, why);
		}
		if (good < n)
			rc = 1;
		printf("%s %d %.0f %s\n", k->name, good, nlrun_now() - t0,
		       *first ? first : "none");
	}
	enter(NULL);
	return rc;
usage:
	fprintf(stderr, "usage: lifecycle -p PREFIX -k MODULE -n CYCLES [-m VM_MTU] {dev|mod|ns}...\n");
	return 2;
}
