/* SPDX-License-Identifier: GPL-2.0 */
/*
 * topofuzz: the model of the devices it made, and what its three files
 * share: topofuzz.c (the step log, findings, oracles, setup and the step
 * loop), topofuzz_nl.c (netlink, and reading the kernel's state back into
 * the model), topofuzz_act.c (the actions).
 */
#ifndef TOPOFUZZ_H
#define TOPOFUZZ_H

#include <errno.h>
#include <fcntl.h>
#include <libmnl/libmnl.h>
#include <linux/genetlink.h>
#include <linux/if_link.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <linux/veth.h>
#include <linux/vtep.h>
#include <net/if.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <poll.h>
#include <sched.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "fuzz.h"

#define NS_N		3	/* namespaces */
#define DEV_MAX		48	/* devices of the model, all namespaces */
#define VNI_BASE	100	/* VNIs 100 .. 107: a small pool, so they collide */
#define VNI_N		8
#define LO_IFINDEX	1	/* lo, left out of the model */
#define NEST_MAX	8	/* the kernel's MAX_NEST_DEV */
#define LOG_TAIL	80	/* steps printed with a finding */
#define BUFSZ		(64 * 1024)

/* ---- the model ---- */

enum kind { D_BASE, D_DUMMY, D_VETH, D_VTEP, D_OTHER };
extern const char *const kind_name[];

struct dev {
	bool used, seen;
	enum kind kind;
	char name[IFNAMSIZ];
	int ns;			/* where it lives */
	int ifindex;		/* there */
	int mtu;
	bool up;
	/* vtep only */
	int src;		/* namespace of its sockets and underlay */
	bool src_sure;		/* created by a request the model built */
	int under;		/* ifindex in src, 0 = none */
	int fam;		/* AF_INET or AF_INET6 */
	uint8_t local[16];
	uint16_t port;		/* host order */
	uint32_t vnis;		/* bit i: VNI VNI_BASE + i */
	uint64_t rx;
};

extern struct dev devs[DEV_MAX];

struct nsx {
	int fd;
	struct mnl_socket *rt, *gn;
	int udp;
	int base;		/* ifindex of the dummy that holds the addresses */
};

extern struct nsx nss[NS_N];
extern int home_fd;
extern uint16_t family;
extern uint32_t seq;
extern unsigned int name_seq;
extern char *buf, *rbuf;

#define K(k) (1 << (k))
#define ANY_DEV (K(D_DUMMY) | K(D_VETH) | K(D_VTEP) | K(D_OTHER))

/* topofuzz.c: the step log, findings, oracles */
enum finding { F_KMSG, F_CYCLE, F_SELF, F_DEPTH, F_DANGLING, F_OWNER,
	       F_DELIVERY, F_MEMORY, F_ANSWER, F_DELETE, F_N };
extern unsigned long step;
extern bool keep_going;
extern unsigned long cycles_sent;
long ms_now(void);
void __attribute__((format(printf, 1, 2))) logf_(const char *fmt, ...);
void __attribute__((format(printf, 2, 3))) finding(enum finding f, const char *fmt, ...);
void kmsg_check(void);
struct dev *underlay_of(const struct dev *d);
bool same_sock(const struct dev *a, const struct dev *b);
bool cg_on(void);
int cg_enter(int idx);
long cg_current(int idx);

/* topofuzz_nl.c: requests, and the kernel's state read back */
/* the vtep just requested: its name, where it lives, its sockets' namespace */
extern struct pending { char name[IFNAMSIZ]; int ns, src; } pending;
extern unsigned long n_mutated;
int in_ns(int ns);
int talk(struct mnl_socket *nl, struct nlmsghdr *h, mnl_cb_t cb, void *data);
struct nlmsghdr *rt_msg(int type, int flags, int ifindex, struct ifinfomsg **ifip);
struct nlmsghdr *gn_msg(uint8_t cmd, int flags);
bool mutate(struct nlmsghdr *h, size_t hdr);
struct dev *dev_at(int ns, int ifindex);
struct dev *dev_named(const char *name);
struct dev *dev_new(void);
int reconcile(void);
void resync_vnis(void);

/* topofuzz_act.c: the actions, drawn by weight */
struct action {
	void (*fn)(void);
	int weight;
	const char *name;
};
extern const struct action actions[];
extern const unsigned int n_actions;
extern unsigned long act_count[];
extern const char *const addrs[];
extern const uint16_t ports[];
extern unsigned long applied, refused, n_frames, n_delivered, n_undelivered;
extern unsigned long n_bursts, n_burst_learned, n_burst_checked, n_unjudged;
int result(int err);
int link_up(int ns, int ifindex, bool up);
int dev_del(struct dev *d);

#endif
