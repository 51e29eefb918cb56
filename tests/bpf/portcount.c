// SPDX-License-Identifier: GPL-2.0
/*
 * portcount: attach portcount.bpf.o to an underlay device with libbpf (tc
 * clsact, ingress or egress), wait for SIGINT/SIGTERM (or for stdin to
 * close, with -s), then print what it counted and detach.
 *
 *   portcount [-i] [-p PORT] [-o OBJ] [-s] DEV
 *     -i       count on ingress (default: egress)
 *     -p PORT  the VXLAN UDP port (default 4789)
 *     -o OBJ   the BPF object (default: portcount.bpf.o next to this program)
 *     -s       stop when stdin reaches end of file, not only on a signal
 *
 * Prints "ready" once attached, then at the end, one line each:
 *   port SPORT PACKETS BYTES
 *   flow VNI PROTO SRC DST SPORT DPORT PACKETS OUTER_SPORT CHANGES
 *     (PROTO: ip proto number, or "eth:0xXXXX" for non-IP, with MACs as
 *      SRC/DST; CHANGES: times the flow's outer source port changed)
 *   summary ports N min_port N max_port N flows N flows_moved N
 * This is the observer the hashing test and the benchmarks use.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <libgen.h>
#include <limits.h>
#include <net/if.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "portcount.h"

static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
	stop = 1;
}

static void usage(const char *prog)
{
	fprintf(stderr, "usage: %s [-i] [-p PORT] [-o OBJ] [-s] DEV\n", prog);
	exit(2);
}

static void print_addr(const struct pc_flow *f, const __u8 *addr,
		       const __u8 *mac)
{
	char buf[INET6_ADDRSTRLEN];

	if (f->eth_proto == 0x0800)
		printf(" %s", inet_ntop(AF_INET, addr, buf, sizeof(buf)));
	else if (f->eth_proto == 0x86dd)
		printf(" %s", inet_ntop(AF_INET6, addr, buf, sizeof(buf)));
	else
		printf(" %02x:%02x:%02x:%02x:%02x:%02x", mac[0], mac[1],
		       mac[2], mac[3], mac[4], mac[5]);
}

static int dump(int ports_fd, int flows_fd)
{
	unsigned int nports = 0, nflows = 0, moved = 0;
	unsigned int min_port = 0, max_port = 0;
	struct pc_flow key, next, *prev = NULL;
	struct pc_flow_stat st;
	struct pc_port pp;
	__u32 port;

	for (port = 0; port < PC_PORTS; port++) {
		if (bpf_map_lookup_elem(ports_fd, &port, &pp))
			return -errno;
		if (!pp.packets)
			continue;
		printf("port %u %llu %llu\n", port,
		       (unsigned long long)pp.packets,
		       (unsigned long long)pp.bytes);
		if (!nports++)
			min_port = port;
		max_port = port;
	}
	while (!bpf_map_get_next_key(flows_fd, prev, &next)) {
		key = next;
		prev = &key;
		if (bpf_map_lookup_elem(flows_fd, &key, &st))
			continue;
		printf("flow %u ", key.vni);
		if (key.eth_proto == 0x0800 || key.eth_proto == 0x86dd)
			printf("%u", key.ip_proto);
		else
			printf("eth:0x%04x", key.eth_proto);
		print_addr(&key, key.saddr, key.smac);
		print_addr(&key, key.daddr, key.dmac);
		printf(" %u %u %llu %u %u\n", key.sport, key.dport,
		       (unsigned long long)st.packets, st.outer_sport,
		       st.sport_changes);
		nflows++;
		moved += !!st.sport_changes;
	}
	printf("summary ports %u min_port %u max_port %u flows %u flows_moved %u\n",
	       nports, min_port, max_port, nflows, moved);
	return 0;
}

/* Wait for a signal, or with @use_stdin for stdin's end too. */
static void wait_for_stop(int use_stdin)
{
	struct pollfd pfd = { .fd = STDIN_FILENO, .events = POLLIN };
	char buf[256];

	while (!stop) {
		if (!use_stdin) {
			pause();
			continue;
		}
		if (poll(&pfd, 1, -1) < 0)
			continue;
		if (read(STDIN_FILENO, buf, sizeof(buf)) <= 0)
			break;
	}
}

int main(int argc, char **argv)
{
	DECLARE_LIBBPF_OPTS(bpf_tc_hook, hook);
	DECLARE_LIBBPF_OPTS(bpf_tc_opts, opts);
	char objbuf[PATH_MAX], self[PATH_MAX];
	int c, ifindex, err, ports_fd, flows_fd;
	int use_stdin = 0, created = 0, ret = 1;
	enum bpf_tc_attach_point where = BPF_TC_EGRESS;
	struct pc_config cfg = { .vxlan_port = 4789 };
	const char *objpath = NULL;
	struct bpf_program *prog;
	struct bpf_object *obj;
	struct sigaction sa = {};
	__u32 zero = 0;
	ssize_t n;

	while ((c = getopt(argc, argv, "ip:o:s")) != -1) {
		switch (c) {
		case 'i':
			where = BPF_TC_INGRESS;
			break;
		case 'p':
			cfg.vxlan_port = atoi(optarg);
			break;
		case 'o':
			objpath = optarg;
			break;
		case 's':
			use_stdin = 1;
			break;
		default:
			usage(argv[0]);
		}
	}
	if (optind != argc - 1)
		usage(argv[0]);
	ifindex = if_nametoindex(argv[optind]);
	if (!ifindex) {
		fprintf(stderr, "portcount: no device %s\n", argv[optind]);
		return 1;
	}
	if (!objpath) {
		n = readlink("/proc/self/exe", self, sizeof(self) - 1);
		if (n < 0) {
			perror("portcount: /proc/self/exe");
			return 1;
		}
		self[n] = '\0';
		snprintf(objbuf, sizeof(objbuf), "%s/portcount.bpf.o",
			 dirname(self));
		objpath = objbuf;
	}

	sa.sa_handler = on_signal;
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);

	obj = bpf_object__open_file(objpath, NULL);
	if (!obj) {
		fprintf(stderr, "portcount: cannot open %s: %s\n", objpath,
			strerror(errno));
		return 1;
	}
	err = bpf_object__load(obj);
	if (err) {
		fprintf(stderr, "portcount: cannot load %s: %s\n", objpath,
			strerror(-err));
		goto out_close;
	}
	prog = bpf_object__find_program_by_name(obj, "portcount");
	ports_fd = bpf_object__find_map_fd_by_name(obj, "ports");
	flows_fd = bpf_object__find_map_fd_by_name(obj, "flows");
	if (!prog || ports_fd < 0 || flows_fd < 0 ||
	    bpf_map_update_elem(bpf_object__find_map_fd_by_name(obj, "config"),
				&zero, &cfg, BPF_ANY)) {
		fprintf(stderr, "portcount: %s is not the portcount program\n",
			objpath);
		goto out_close;
	}

	hook.ifindex = ifindex;
	hook.attach_point = where;
	err = bpf_tc_hook_create(&hook);
	if (err && err != -EEXIST) {
		fprintf(stderr, "portcount: cannot add clsact to %s: %s\n",
			argv[optind], strerror(-err));
		goto out_close;
	}
	created = !err;
	opts.prog_fd = bpf_program__fd(prog);
	err = bpf_tc_attach(&hook, &opts);
	if (err) {
		fprintf(stderr, "portcount: cannot attach to %s: %s\n",
			argv[optind], strerror(-err));
		goto out_hook;
	}
	printf("ready\n");
	fflush(stdout);

	wait_for_stop(use_stdin);

	ret = dump(ports_fd, flows_fd) ? 1 : 0;
	opts.prog_fd = 0;
	opts.prog_id = 0;
	opts.flags = 0;
	bpf_tc_detach(&hook, &opts);
out_hook:
	if (created) {
		/* Both points: destroying the hook removes our clsact qdisc. */
		hook.attach_point = BPF_TC_INGRESS | BPF_TC_EGRESS;
		bpf_tc_hook_destroy(&hook);
	}
out_close:
	bpf_object__close(obj);
	return ret;
}
