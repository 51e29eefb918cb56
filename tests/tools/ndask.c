// SPDX-License-Identifier: GPL-2.0
/*
 * ndask: ask one ARP or IPv6 neighbour question from eth0 and print the
 * answer, for the ARP/ND suppression tests. The same command line and
 * output as the scapy script it replaced (nd_ask.py), without its 10 s
 * start in a TCG guest:
 *
 *   ndask arp PSRC PDST [HWSRC]   who-has PDST tell PSRC (sender hardware
 *                                 address HWSRC, default eth0's MAC),
 *                                 broadcast; prints the reply's
 *                                 "op hwsrc psrc hwdst pdst ethsrc ethdst"
 *   ndask garp IP                 a gratuitous request for IP; prints "sent"
 *   ndask ns SRC6 TARGET6         a neighbour solicitation from SRC6 to
 *                                 TARGET6's solicited-node group, hop limit
 *                                 255, with a source link-layer option;
 *                                 prints the advertisement's "target
 *                                 tlladdr|- S O R ipsrc ipdst hlim ethsrc
 *                                 ethdst"
 *   ndask dad TARGET6             the same from ::, without the option
 *
 * It waits up to 3 s for the answer and prints "none" if none came. An
 * answer is what scapy's srp1() took for one: for ARP an op 2 whose
 * sender address is the asked one; for ND an ICMPv6 (next header 58)
 * advertisement for the target, sent to the asker's address or, if to a
 * group, to the group asked. Exits 0 (answered or not), 2 on a usage or
 * system error.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <linux/if_packet.h>
#include <net/ethernet.h>
#include <net/if.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define IFACE "eth0"
#define WAIT_MS 3000

static const char *mac_str(const unsigned char *m, char *buf)
{
	sprintf(buf, "%02x:%02x:%02x:%02x:%02x:%02x", m[0], m[1], m[2], m[3], m[4], m[5]);
	return buf;
}

static int parse_mac(const char *s, unsigned char *m)
{
	unsigned int b[6];
	int i;

	if (sscanf(s, "%x:%x:%x:%x:%x:%x", &b[0], &b[1], &b[2], &b[3], &b[4], &b[5]) != 6)
		return -1;
	for (i = 0; i < 6; i++)
		m[i] = b[i];
	return 0;
}

static void die(const char *what)
{
	fprintf(stderr, "ndask: %s: %s\n", what, strerror(errno));
	exit(2);
}

static void usage(void)
{
	fprintf(stderr, "usage: ndask arp PSRC PDST [HWSRC] | ns SRC6 TARGET6 | dad TARGET6 | garp IP\n");
	exit(2);
}

static void ip4(const char *s, unsigned char *a)
{
	if (inet_pton(AF_INET, s, a) != 1)
		usage();
}

static void ip6(const char *s, unsigned char *a)
{
	if (inet_pton(AF_INET6, s, a) != 1)
		usage();
}

static uint16_t csum6(const unsigned char *src, const unsigned char *dst,
		      const unsigned char *icmp, size_t len)
{
	uint32_t s = 0;
	size_t i;

	for (i = 0; i < 16; i += 2)
		s += (src[i] << 8 | src[i + 1]) + (dst[i] << 8 | dst[i + 1]);
	s += len + 58;
	for (i = 0; i + 1 < len; i += 2)
		s += icmp[i] << 8 | icmp[i + 1];
	if (len & 1)
		s += icmp[len - 1] << 8;
	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
	return ~s & 0xffff;
}

static long now_ms(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec * 1000 + t.tv_nsec / 1000000;
}

int main(int argc, char **argv)
{
	unsigned char me[6], q[128], r[2048], a4[4], b4[4], hw[6];
	unsigned char src6[16] = { 0 }, tgt6[16], grp6[16];
	char m1[18], m2[18], m3[18], m4[18], s1[INET6_ADDRSTRLEN], s2[INET6_ADDRSTRLEN],
	     s3[INET6_ADDRSTRLEN];
	struct sockaddr_ll sll = { .sll_family = AF_PACKET, .sll_protocol = htons(ETH_P_ALL) };
	struct ifreq ifr = { 0 };
	const char *op;
	size_t qlen;
	long deadline;
	int sk, arp;

	if (argc < 3)
		usage();
	op = argv[1];
	sk = socket(AF_PACKET, SOCK_RAW, htons(ETH_P_ALL));
	if (sk < 0)
		die("socket");
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", IFACE);
	if (ioctl(sk, SIOCGIFHWADDR, &ifr) < 0)
		die(IFACE);
	memcpy(me, ifr.ifr_hwaddr.sa_data, 6);
	sll.sll_ifindex = if_nametoindex(IFACE);
	if (!sll.sll_ifindex || bind(sk, (struct sockaddr *)&sll, sizeof(sll)) < 0)
		die(IFACE);

	arp = !strcmp(op, "arp") || !strcmp(op, "garp");
	if (arp) {
		if (!strcmp(op, "garp")) {
			if (argc != 3)
				usage();
			ip4(argv[2], a4);
			memcpy(b4, a4, 4);
		} else {
			if (argc != 4 && argc != 5)
				usage();
			ip4(argv[2], a4);
			ip4(argv[3], b4);
		}
		memcpy(hw, me, 6);
		if (argc == 5 && parse_mac(argv[4], hw))
			usage();
		memset(q, 0xff, 6);
		memcpy(q + 6, me, 6);
		q[12] = 0x08, q[13] = 0x06;
		memcpy(q + 14, "\x00\x01\x08\x00\x06\x04\x00\x01", 8);
		memcpy(q + 22, hw, 6);
		memcpy(q + 28, a4, 4);
		memset(q + 32, 0, 6);
		memcpy(q + 38, b4, 4);
		qlen = 42;
	} else if (!strcmp(op, "ns") || !strcmp(op, "dad")) {
		unsigned char *ip = q + 14, *icmp = q + 54;
		size_t ilen;

		if (!strcmp(op, "dad")) {
			if (argc != 3)
				usage();
			ip6(argv[2], tgt6);
		} else {
			if (argc != 4)
				usage();
			ip6(argv[2], src6);
			ip6(argv[3], tgt6);
		}
		/* ff02::1:ffXX:XXXX, 33:33:ff:XX:XX:XX */
		memcpy(grp6, "\xff\x02\0\0\0\0\0\0\0\0\0\x01\xff", 13);
		memcpy(grp6 + 13, tgt6 + 13, 3);
		memcpy(q, "\x33\x33", 2);
		memcpy(q + 2, grp6 + 12, 4);
		memcpy(q + 6, me, 6);
		q[12] = 0x86, q[13] = 0xdd;
		memset(icmp, 0, 24);
		icmp[0] = 135;
		memcpy(icmp + 8, tgt6, 16);
		ilen = 24;
		if (strcmp(op, "dad")) {
			icmp[24] = 1, icmp[25] = 1;
			memcpy(icmp + 26, me, 6);
			ilen = 32;
		}
		memcpy(ip, "\x60\0\0\0", 4);
		ip[4] = ilen >> 8, ip[5] = ilen & 0xff;
		ip[6] = 58, ip[7] = 255;
		memcpy(ip + 8, src6, 16);
		memcpy(ip + 24, grp6, 16);
		uint16_t c = csum6(src6, grp6, icmp, ilen);

		icmp[2] = c >> 8, icmp[3] = c & 0xff;
		qlen = 54 + ilen;
	} else {
		usage();
	}

	if (send(sk, q, qlen, 0) != (ssize_t)qlen)
		die("send");
	if (!strcmp(op, "garp")) {
		puts("sent");
		return 0;
	}
	deadline = now_ms() + WAIT_MS;
	for (;;) {
		struct pollfd p = { .fd = sk, .events = POLLIN };
		struct sockaddr_ll from;
		socklen_t fl = sizeof(from);
		long left = deadline - now_ms();
		ssize_t n;

		if (left <= 0 || poll(&p, 1, left) <= 0)
			break;
		n = recvfrom(sk, r, sizeof(r), 0, (struct sockaddr *)&from, &fl);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			die("recv");
		}
		if (from.sll_pkttype == PACKET_OUTGOING || n < 14)
			continue;
		if (arp) {
			const unsigned char *x = r + 14;

			if (n < 42 || r[12] != 0x08 || r[13] != 0x06 ||
			    x[4] != 6 || x[5] != 4 || x[6] != 0 || x[7] != 2 ||
			    memcmp(x + 14, b4, 4))
				continue;
			inet_ntop(AF_INET, x + 14, s1, sizeof(s1));
			inet_ntop(AF_INET, x + 24, s2, sizeof(s2));
			printf("2 %s %s %s %s %s %s\n", mac_str(x + 8, m1), s1,
			       mac_str(x + 18, m2), s2, mac_str(r + 6, m3), mac_str(r, m4));
			return 0;
		} else {
			const unsigned char *ip = r + 14, *icmp = r + 54, *o;
			size_t plen, off;
			const char *ll = "-";

			if (n < 54 + 24 || r[12] != 0x86 || r[13] != 0xdd ||
			    ip[6] != 58 || icmp[0] != 136 || memcmp(icmp + 8, tgt6, 16))
				continue;
			/* answered to the group asked, or to the asker */
			if (ip[24] == 0xff ? memcmp(ip + 24, grp6, 16) : memcmp(ip + 24, src6, 16))
				continue;
			plen = ip[4] << 8 | ip[5];
			if (plen > (size_t)n - 54)
				plen = n - 54;
			for (off = 24; off + 8 <= plen && icmp[off + 1]; off += icmp[off + 1] * 8) {
				o = icmp + off;
				if (o[0] == 2) {
					ll = mac_str(o + 2, m1);
					break;
				}
			}
			inet_ntop(AF_INET6, icmp + 8, s1, sizeof(s1));
			inet_ntop(AF_INET6, ip + 8, s2, sizeof(s2));
			inet_ntop(AF_INET6, ip + 24, s3, sizeof(s3));
			printf("%s %s %d %d %d %s %s %d %s %s\n", s1, ll, !!(icmp[4] & 0x40),
			       !!(icmp[4] & 0x20), !!(icmp[4] & 0x80), s2, s3, ip[7],
			       mac_str(r + 6, m2), mac_str(r, m3));
			return 0;
		}
	}
	puts("none");
	return 0;
}
