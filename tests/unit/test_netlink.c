// SPDX-License-Identifier: GPL-2.0
/*
 * netlink.c without a kernel: replies are built in a buffer as the kernel
 * lays them out (acks with and without the extended ack, capped or
 * echoing the request, dumps, interrupted dumps) and walked by nl_process.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <string.h>
#include <linux/genetlink.h>

#include "unit.h"

#define SEQ 77
#define PID 4242

static char buf[16384];
static size_t used;

static struct nlmsghdr *next_msg(uint16_t type, uint16_t flags, uint32_t seq)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf + used);

	nlh->nlmsg_type = type;
	nlh->nlmsg_flags = flags;
	nlh->nlmsg_seq = seq;
	nlh->nlmsg_pid = PID;
	return nlh;
}

static void end_msg(struct nlmsghdr *nlh)
{
	used += NLMSG_ALIGN(nlh->nlmsg_len);
}

/* An NLMSG_ERROR for a request of req_len bytes */
static struct nlmsghdr *error_msg(int err, bool capped, bool tlvs,
				  uint32_t req_len)
{
	struct nlmsghdr *nlh = next_msg(NLMSG_ERROR,
					(capped ? NLM_F_CAPPED : 0) |
					(tlvs ? NLM_F_ACK_TLVS : 0), SEQ);
	struct nlmsgerr *e = mnl_nlmsg_put_extra_header(nlh, sizeof(*e));

	e->error = err;
	e->msg.nlmsg_len = req_len;
	e->msg.nlmsg_seq = SEQ;
	if (!capped) {
		/* the echoed request's payload */
		void *p = mnl_nlmsg_put_extra_header(nlh, req_len - NLMSG_HDRLEN);

		memset(p, 0xee, req_len - NLMSG_HDRLEN);
	}
	return nlh;
}

static int count_cb(const struct nlmsghdr *nlh, void *data)
{
	(*(int *)data)++;
	return 0;
}

static void reset(void)
{
	memset(buf, 0, sizeof(buf));
	used = 0;
}

START_TEST(ack_success)
{
	struct nl_state st = { 0 };

	reset();
	end_msg(error_msg(0, true, false, 40));
	ck_assert_int_eq(nl_process(buf, used, SEQ, PID, NULL, NULL, &st), 0);
	ck_assert(st.done);
	ck_assert_int_eq(st.ext.err, 0);
	ck_assert_str_eq(st.ext.msg, "");
}
END_TEST

static const struct {
	bool capped;
	int err;
	const char *msg;
	uint32_t off;		/* 0: none */
	uint32_t miss;		/* 0: none */
} ext_cases[] = {
	{ true, -EEXIST, "VNI exists", 36, 0 },
	{ false, -EEXIST, "VNI exists", 36, 0 },	/* request echoed */
	{ true, -EINVAL, "", 0, 2 },
	{ false, -ENOSPC, "FDB is full (VTEP_LINK_A_FDB_MAX)", 1024, 0 },
	{ true, -ENODEV, "", 0, 0 },
};

START_TEST(extended_ack)
{
	struct nl_state st = { 0 };
	struct nlmsghdr *nlh;
	bool tlvs = ext_cases[_i].msg[0] || ext_cases[_i].off ||
		    ext_cases[_i].miss;

	reset();
	nlh = error_msg(ext_cases[_i].err, ext_cases[_i].capped, tlvs, 1200);
	if (ext_cases[_i].msg[0])
		mnl_attr_put_strz(nlh, NLMSGERR_ATTR_MSG, ext_cases[_i].msg);
	if (ext_cases[_i].off)
		mnl_attr_put_u32(nlh, NLMSGERR_ATTR_OFFS, ext_cases[_i].off);
	if (ext_cases[_i].miss)
		mnl_attr_put_u32(nlh, NLMSGERR_ATTR_MISS_TYPE,
				 ext_cases[_i].miss);
	end_msg(nlh);
	nl_process(buf, used, SEQ, PID, NULL, NULL, &st);
	ck_assert(st.done);
	ck_assert_int_eq(st.ext.err, ext_cases[_i].err);
	ck_assert_str_eq(st.ext.msg, ext_cases[_i].msg);
	ck_assert_int_eq(st.ext.has_off, ext_cases[_i].off != 0);
	if (ext_cases[_i].off)
		ck_assert_uint_eq(st.ext.off, ext_cases[_i].off);
	ck_assert_int_eq(st.ext.has_miss, ext_cases[_i].miss != 0);
	if (ext_cases[_i].miss)
		ck_assert_uint_eq(st.ext.miss_type, ext_cases[_i].miss);
}
END_TEST

START_TEST(dump_multi_part)
{
	struct nl_state st = { 0 };
	int n = 0;

	reset();
	for (int i = 0; i < 3; i++) {
		struct nlmsghdr *nlh = next_msg(0x42, NLM_F_MULTI, SEQ);

		mnl_nlmsg_put_extra_header(nlh, GENL_HDRLEN);
		mnl_attr_put_u32(nlh, VTEP_A_IFINDEX, i);
		end_msg(nlh);
	}
	/* first buffer: data only, the dump goes on */
	nl_process(buf, used, SEQ, PID, count_cb, &n, &st);
	ck_assert_int_eq(n, 3);
	ck_assert(!st.done);
	/* second buffer: a stale reply, one more entry, NLMSG_DONE */
	reset();
	end_msg(next_msg(0x42, NLM_F_MULTI, SEQ - 1));
	end_msg(next_msg(0x42, NLM_F_MULTI | NLM_F_DUMP_INTR, SEQ));
	{
		struct nlmsghdr *d = next_msg(NLMSG_DONE, NLM_F_MULTI, SEQ);
		int *z = mnl_nlmsg_put_extra_header(d, sizeof(int));

		*z = 0;
		end_msg(d);
	}
	nl_process(buf, used, SEQ, PID, count_cb, &n, &st);
	ck_assert_int_eq(n, 4);
	ck_assert(st.done);
	ck_assert(st.intr);
	ck_assert_int_eq(st.ext.err, 0);
}
END_TEST

/*
 * A dump message the kernel's budget left empty arrives as a datagram of
 * 0 bytes (recv() returns 0): not the end of the dump, and not an error.
 */
START_TEST(dump_empty_datagram_goes_on)
{
	struct nl_state st = { 0 };
	int n = 0;

	reset();
	ck_assert_int_eq(nl_process(buf, 0, SEQ, PID, count_cb, &n, &st), 0);
	ck_assert_int_eq(n, 0);
	ck_assert(!st.done);
	ck_assert(!st.intr);
	ck_assert_int_eq(st.ext.err, 0);
}
END_TEST

START_TEST(dump_done_with_error)
{
	struct nl_state st = { 0 };
	struct nlmsghdr *d;
	int *z;

	reset();
	d = next_msg(NLMSG_DONE, NLM_F_MULTI | NLM_F_ACK_TLVS, SEQ);
	z = mnl_nlmsg_put_extra_header(d, sizeof(int));
	*z = -ENODEV;
	mnl_attr_put_strz(d, NLMSGERR_ATTR_MSG, "device is gone");
	end_msg(d);
	nl_process(buf, used, SEQ, PID, NULL, NULL, &st);
	ck_assert(st.done);
	ck_assert_int_eq(st.ext.err, -ENODEV);
	ck_assert_str_eq(st.ext.msg, "device is gone");
}
END_TEST

static int fail_cb(const struct nlmsghdr *nlh, void *data)
{
	(*(int *)data)++;
	return -ENOMEM;
}

/* A callback's error is kept, but the dump is still read to its end */
START_TEST(callback_error_drains)
{
	struct nl_state st = { 0 };
	int n = 0;

	reset();
	end_msg(next_msg(0x42, NLM_F_MULTI, SEQ));
	end_msg(next_msg(0x42, NLM_F_MULTI, SEQ));
	end_msg(next_msg(NLMSG_DONE, NLM_F_MULTI, SEQ));
	nl_process(buf, used, SEQ, PID, fail_cb, &n, &st);
	ck_assert_int_eq(n, 1);
	ck_assert_int_eq(st.cb_err, -ENOMEM);
	ck_assert(st.done);
}
END_TEST

START_TEST(genl_header)
{
	char b[256];
	struct nlmsghdr *nlh = genl_msg(b, 0x1234, VTEP_CMD_FDB_NEW,
					NLM_F_REPLACE);
	const struct genlmsghdr *g = mnl_nlmsg_get_payload(nlh);

	ck_assert_uint_eq(nlh->nlmsg_type, 0x1234);
	ck_assert_uint_eq(nlh->nlmsg_flags, NLM_F_REQUEST | NLM_F_REPLACE);
	ck_assert_uint_eq(g->cmd, VTEP_CMD_FDB_NEW);
	ck_assert_uint_eq(g->version, VTEP_GENL_VERSION);
	ck_assert_uint_eq(nlh->nlmsg_len, NLMSG_HDRLEN + GENL_HDRLEN);
}
END_TEST

START_TEST(attr_readers_check_length)
{
	char b[256];
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(b);
	const struct nlattr *a;
	struct vtep_ip ip;
	uint32_t u32 = 0;
	uint16_t u16 = 0;
	uint8_t u8 = 0;
	uint64_t u64 = 0;
	int i = 0;

	mnl_attr_put_u16(nlh, 1, 7);			/* u16, not u32 */
	mnl_attr_put_u32(nlh, 2, 0x01020304);
	mnl_attr_put(nlh, 3, 16, "0123456789abcdef");	/* IPv6 */
	mnl_attr_put_u64(nlh, 4, 1ULL << 33);
	mnl_attr_for_each(a, nlh, 0) {
		switch (i++) {
		case 0:
			ck_assert(!attr_u32(a, &u32));
			ck_assert(!attr_u8(a, &u8));
			ck_assert(attr_u16(a, &u16));
			ck_assert_uint_eq(u16, 7);
			break;
		case 1:
			ck_assert(attr_u32(a, &u32));
			ck_assert_uint_eq(u32, 0x01020304);
			ck_assert(attr_ip(a, NULL, &ip));
			ck_assert_int_eq(ip.family, AF_INET);
			break;
		case 2:
			ck_assert(!attr_ip(a, NULL, &ip));
			ck_assert(attr_ip(NULL, a, &ip));
			ck_assert_int_eq(ip.family, AF_INET6);
			break;
		case 3:
			ck_assert(attr_u64(a, &u64));
			ck_assert(u64 == 1ULL << 33);
			break;
		}
	}
	ck_assert_int_eq(i, 4);
	ck_assert(!attr_u32(NULL, &u32));
}
END_TEST

static const struct {
	int err;
	const char *ext;
	const char *want;
} perror_cases[] = {
	{ -EEXIST, NULL, "Error: vni 100 dev vtep0: exists\n" },
	{ -EEXIST, "VNI 100 exists", "Error: vni 100 dev vtep0: VNI 100 exists\n" },
	{ -ENODEV, NULL, "Error: vni 100 dev vtep0: no such device\n" },
	{ -EPERM, NULL,
	  "Error: vni 100 dev vtep0: operation not permitted (CAP_NET_ADMIN is needed)\n" },
	{ -EOPNOTSUPP, NULL,
	  "Error: vni 100 dev vtep0: operation not supported\n" },
};

/* The kernel's words when it gave some, errno in plain words otherwise */
START_TEST(errors_printed)
{
	struct fake f = { .err = perror_cases[_i].err,
			  .ext_msg = perror_cases[_i].ext };
	struct vtep_nl *nl = nl_fake(fake_kernel, &f);
	char b[256];
	struct cap c;

	cap_begin(&c, false, false);
	ck_assert_int_eq(nl_request(nl, genl_msg(b, 0x42, 1, 0), NULL, NULL),
			 perror_cases[_i].err);
	nl_perror(nl, "vni 100 dev vtep0");
	cap_end(&c);
	ck_assert_str_eq(c.ebuf, perror_cases[_i].want);
	cap_free(&c);
	nl_close(nl);
}
END_TEST

Suite *suite_netlink(void)
{
	Suite *s = suite_create("netlink");
	TCase *tc = tcase_create("netlink");

	tcase_add_test(tc, ack_success);
	tcase_add_loop_test(tc, extended_ack, 0, ARRAY_SIZE(ext_cases));
	tcase_add_test(tc, dump_multi_part);
	tcase_add_test(tc, dump_empty_datagram_goes_on);
	tcase_add_test(tc, dump_done_with_error);
	tcase_add_test(tc, callback_error_drains);
	tcase_add_test(tc, genl_header);
	tcase_add_test(tc, attr_readers_check_length);
	tcase_add_loop_test(tc, errors_printed, 0, ARRAY_SIZE(perror_cases));
	suite_add_tcase(s, tc);
	return s;
}
