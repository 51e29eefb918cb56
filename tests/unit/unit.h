/* SPDX-License-Identifier: GPL-2.0 */
/* vtepctl unit tests: one suite per source area, helpers in check_vtepctl.c */
#ifndef UNIT_H
#define UNIT_H

#include <check.h>
#include <stdbool.h>
#include <stddef.h>
#include <libmnl/libmnl.h>

#include "vtepctl.h"

Suite *suite_parse(void);
Suite *suite_print(void);
Suite *suite_netlink(void);
Suite *suite_link(void);
Suite *suite_link_opts(void);
Suite *suite_vni(void);
Suite *suite_remote(void);
Suite *suite_alias(void);
Suite *suite_fdb(void);
Suite *suite_stats(void);
Suite *suite_prom(void);
Suite *suite_showconf(void);
Suite *suite_syncconf(void);
Suite *suite_monitor(void);
Suite *suite_batch(void);
Suite *suite_cli(void);

/* Split s (copied into buf) into argv with makeargs(); returns argc */
int split(const char *s, char *buf, size_t len, char **argv, int max);

/* Capture stdout-side printing and the error stream into memory */
struct cap {
	FILE *out, *err;
	char *obuf, *ebuf;
	size_t olen, elen;
};
void cap_begin(struct cap *c, bool json, bool pretty);
void cap_end(struct cap *c);	/* obuf and ebuf are then NUL-terminated */
void cap_free(struct cap *c);

/*
 * Render a message's attributes as text, typed by the uapi (u32, be16,
 * address, nest ...), so a test compares one string:
 *   "ifname=vtep0 vni{id=100 vlan=10 group=239.1.1.1 flood=0}"
 * A wrong payload length renders as NAME=BADLEN, an unknown type as ?N.
 */
enum schema { SCHEMA_GENL, SCHEMA_RTNL };
const char *render(const struct nlmsghdr *nlh, enum schema s, char *buf,
		   size_t len);

/*
 * A stand-in kernel: records every request, answers with err/msg (and an
 * extack offset), and can hand canned replies to the request's callback.
 */
#define FAKE_MSGS 64
struct fake {
	unsigned int n;				/* requests seen */
	char msg[FAKE_MSGS][8192];		/* copies of the first ones */
	int err;				/* answer to every request */
	const char *ext_msg;
	/* replies: called for each request; returns the answer */
	int (*reply)(struct fake *f, struct nlmsghdr *req, nl_cb cb,
		     void *data, struct nl_ext *ext);
	void *priv;
};
int fake_kernel(struct nlmsghdr *nlh, nl_cb cb, void *data,
		struct nl_ext *ext, void *priv);
uint8_t genl_cmd_of(const struct nlmsghdr *nlh);

/* Each object's stand-in replies: one full entry or more, as a show gets */
int link_reply(struct fake *f, struct nlmsghdr *req, nl_cb cb, void *data,
	       struct nl_ext *ext);
int vni_reply(struct fake *f, struct nlmsghdr *req, nl_cb cb, void *data,
	      struct nl_ext *ext);
int remote_reply(struct fake *f, struct nlmsghdr *req, nl_cb cb, void *data,
		 struct nl_ext *ext);
int fdb_reply(struct fake *f, struct nlmsghdr *req, nl_cb cb, void *data,
	      struct nl_ext *ext);
int stats_reply(struct fake *f, struct nlmsghdr *req, nl_cb cb, void *data,
		struct nl_ext *ext);

/* Start a reply message as the kernel would: family 0x42, cmd, attrs */
struct nlmsghdr *reply_start(void *buf, uint8_t cmd, const char *ifname,
			     uint32_t ifindex);

/* Run one command line against the stand-in kernel, output captured;
 * returns its exit status */
int run_cmd(const char *line, struct fake *f, bool json, struct cap *c);
/* The same with the global options in opts (json, ignore_missing ...) */
int run_cmd_opts(const char *line, struct fake *f,
		 const struct vtep_ctx *opts, struct cap *c);

/*
 * One command line and what it must do: return ret (an exit status),
 * print err on stderr exactly, and (when ret is 0) send one request: type
 * (RTM_NEWLINK or a genl command) with flags (NLM_F_* beyond REQUEST|ACK)
 * and attrs (as render() writes them). A refused line must send nothing.
 */
struct cmd_case {
	const char *line;
	int ret;
	const char *err;
	uint16_t type;
	uint16_t flags;
	const char *attrs;
};
#define BAD(l, e) { .line = l, .ret = VTEP_EXIT_USAGE, .err = e }
void check_cmd(const struct cmd_case *c);

#endif
