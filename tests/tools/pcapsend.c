// SPDX-License-Identifier: GPL-2.0
/*
 * pcapsend: send the frames of pcap files out of an interface, as they
 * are, from a raw AF_PACKET socket (the tests' frames are made on the host
 * by `make tests`; a guest only sends them: no scapy, no tcpreplay start).
 *
 *   pcapsend [-n NETNS] [-c COUNT] [-k] [-l BYTES] IFACE FILE.pcap...
 *
 * -n NETNS: send from the network namespace /run/netns/NETNS (or a path
 * with a slash), entered with setns(), so that no `ip netns exec` is needed.
 * -c COUNT: send every file's frames COUNT times (in file order, the whole
 * sequence repeated). -k: a frame that cannot be sent (a random mutation
 * the device refuses) does not stop the others; the failures are counted.
 * -l BYTES: each frame goes out with only its first BYTES in the skb's
 * linear part and the rest in page fragments (PACKET_VNET_HDR's hdr_len),
 * as a guest's virtio frames may: code that reads headers straight from
 * the linear part must fall back to its slower path for them. A frame of
 * a page or more is otherwise sent with only its Ethernet header linear;
 * -l 65535 keeps the whole frame linear.
 * Prints nothing else; exits 1 if a frame could not be sent or a file is
 * not a pcap of Ethernet frames, naming it.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <linux/virtio_net.h>
#include <sched.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

struct frame {
	size_t len;
	unsigned char *data;
};

static struct frame *frames;
static size_t nframes, cap;

static uint32_t get32(const unsigned char *p, int swap)
{
	uint32_t v;

	memcpy(&v, p, 4);
	return swap ? __builtin_bswap32(v) : v;
}

static int load(const char *path)
{
	unsigned char hdr[24], rec[16];
	int swap;
	uint32_t magic;
	FILE *f = fopen(path, "rb");

	if (!f) {
		fprintf(stderr, "pcapsend: %s: %s\n", path, strerror(errno));
		return -1;
	}
	if (fread(hdr, 1, sizeof(hdr), f) != sizeof(hdr))
		goto bad;
	memcpy(&magic, hdr, 4);
	if (magic == 0xa1b2c3d4 || magic == 0xa1b23c4d)
		swap = 0;
	else if (magic == 0xd4c3b2a1 || magic == 0x4d3cb2a1)
		swap = 1;
	else
		goto bad;
	if (get32(hdr + 20, swap) != 1)	/* LINKTYPE_ETHERNET */
		goto bad;
	while (fread(rec, 1, sizeof(rec), f) == sizeof(rec)) {
		uint32_t len = get32(rec + 8, swap);

		if (len > 65536)
			goto bad;
		if (nframes == cap) {
			cap = cap ? 2 * cap : 64;
			frames = realloc(frames, cap * sizeof(*frames));
			if (!frames)
				goto bad;
		}
		frames[nframes].len = len;
		frames[nframes].data = malloc(len ? len : 1);
		if (!frames[nframes].data || fread(frames[nframes].data, 1, len, f) != len)
			goto bad;
		nframes++;
	}
	if (!feof(f))
		goto bad;
	fclose(f);
	return 0;
bad:
	fprintf(stderr, "pcapsend: %s: not a whole pcap of Ethernet frames\n", path);
	fclose(f);
	return -1;
}

static int enter_netns(const char *name)
{
	char path[512];
	int fd;

	if (strchr(name, '/'))
		snprintf(path, sizeof(path), "%s", name);
	else
		snprintf(path, sizeof(path), "/run/netns/%s", name);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0 || setns(fd, CLONE_NEWNET) < 0) {
		fprintf(stderr, "pcapsend: netns %s: %s\n", path, strerror(errno));
		return -1;
	}
	close(fd);
	return 0;
}

/* Each frame behind a virtio_net_hdr that keeps @linear bytes linear */
static int vnet_frames(long linear)
{
	struct virtio_net_hdr vh = { .gso_type = VIRTIO_NET_HDR_GSO_NONE };
	size_t i;

	for (i = 0; i < nframes; i++) {
		unsigned char *d = malloc(sizeof(vh) + frames[i].len);

		if (!d)
			return -1;
		/* little endian, as on x86; at most the whole frame */
		vh.hdr_len = (uint16_t)((size_t)linear < frames[i].len ?
					(size_t)linear : frames[i].len);
		memcpy(d, &vh, sizeof(vh));
		memcpy(d + sizeof(vh), frames[i].data, frames[i].len);
		free(frames[i].data);
		frames[i].data = d;
		frames[i].len += sizeof(vh);
	}
	return 0;
}

int main(int argc, char **argv)
{
	struct sockaddr_ll sll = { .sll_family = AF_PACKET };
	long count = 1, c, failed = 0, linear = 0;
	int opt, sk, keep_going = 0;
	size_t i;

	while ((opt = getopt(argc, argv, "n:c:kl:")) != -1) {
		switch (opt) {
		case 'n':
			if (enter_netns(optarg))
				return 1;
			break;
		case 'c':
			count = strtol(optarg, NULL, 10);
			break;
		case 'k':
			keep_going = 1;
			break;
		case 'l':
			linear = strtol(optarg, NULL, 10);
			if (linear < ETH_HLEN || linear > 65535)
				goto usage;
			break;
		default:
			goto usage;
		}
	}
	if (argc - optind < 2 || count < 0)
		goto usage;
	for (i = optind + 1; i < (size_t)argc; i++)
		if (load(argv[i]))
			return 1;
	/* protocol 0, bound with 0: sends only, receives nothing */
	sk = socket(AF_PACKET, SOCK_RAW, 0);
	if (sk < 0) {
		perror("pcapsend: socket");
		return 1;
	}
	if (linear && (setsockopt(sk, SOL_PACKET, PACKET_VNET_HDR, &(int){ 1 },
				  sizeof(int)) < 0 || vnet_frames(linear))) {
		perror("pcapsend: PACKET_VNET_HDR");
		return 1;
	}
	sll.sll_ifindex = if_nametoindex(argv[optind]);
	if (!sll.sll_ifindex || bind(sk, (struct sockaddr *)&sll, sizeof(sll)) < 0) {
		fprintf(stderr, "pcapsend: %s: %s\n", argv[optind], strerror(errno));
		return 1;
	}
	for (c = 0; c < count; c++)
		for (i = 0; i < nframes; i++)
			if (send(sk, frames[i].data, frames[i].len, 0) != (ssize_t)frames[i].len) {
				if (!failed++ || !keep_going)
					fprintf(stderr, "pcapsend: frame %zu (%zu bytes): %s\n",
						i + 1, frames[i].len, strerror(errno));
				if (!keep_going)
					return 1;
			}
	if (failed)
		fprintf(stderr, "pcapsend: %ld of %ld frames not sent\n", failed, count * (long)nframes);
	return !!failed;
usage:
	fprintf(stderr, "usage: pcapsend [-n NETNS] [-c COUNT] [-k] [-l BYTES] IFACE FILE.pcap...\n");
	return 2;
}
