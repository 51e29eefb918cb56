// SPDX-License-Identifier: GPL-2.0
/*
 * stats: a device's counters, or one VNI's. The VTEP_A_STATS nest holds
 * one u64 per counter, attribute type i being counter i of enum vtep_stat,
 * so the names below follow that enum's order; a counter a newer module
 * appends shows as "stat_N" until this table learns its name.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <libmnl/libmnl.h>

#include "vtepctl.h"

const char *const vtep_stat_names[] = {
	VTEP_STAT_NAMES
	NULL,
};

_Static_assert(sizeof(vtep_stat_names) / sizeof(vtep_stat_names[0]) ==
	       __VTEP_STAT_MAX + 1, "a counter of enum vtep_stat has no name");

#define S(cmd) BIT(STATS_##cmd)

#define T(t, a, f) KT(struct stats_req, t, a, f)

/* -o text (the default) or -o prom */
static int p_format(void *req, char **val)
{
	struct stats_req *r = req;

	if (!strcmp(val[0], "text")) {
		r->format = STATS_FMT_TEXT;
	} else if (!strcmp(val[0], "prom")) {
		r->format = STATS_FMT_PROM;
	} else {
		pr_err("output format \"%s\" is unknown: \"-o\" takes \"text\" or \"prom\"",
		       val[0]);
		return -1;
	}
	return 0;
}

static const struct kw stats_kws[] = {
	{ "dev", S(SHOW), 0, 1, 0, NULL, T(KW_DEV, 0, dev) },
	{ "vni", S(SHOW), 0, 1, 0, NULL, T(KW_VNI, VTEP_VNI_A_ID, vni) },
	{ "-o", S(SHOW), 0, 1, 0, p_format, T(KW_U8, 0, format) },
	{ NULL },
};

static int stats_print(const struct nlmsghdr *nlh, void *data);
static int stats_run(struct vtep_ctx *ctx, void *req);
static const struct vtep_op stats_ops[] = {
	[STATS_SHOW] = { "show", VTEP_CMD_STATS_GET, stats_print,
			 .run = stats_run },
	{ NULL },
};

static int stats_check(int cmd, void *req)
{
	const struct stats_req *r = req;

	if (r->vni && !r->dev[0]) {
		pr_err("\"stats show vni VNI\" needs \"dev NAME\"");
		return -1;
	}
	if (r->format == STATS_FMT_PROM && is_json()) {
		pr_err("\"-o prom\" and \"-j\" cannot be used together");
		return -1;
	}
	return 0;
}

/* show: text or JSON by the printer below, or the Prometheus format */
static int stats_run(struct vtep_ctx *ctx, void *req)
{
	const struct stats_req *r = req;

	if (r->format == STATS_FMT_PROM)
		return prom_run(ctx, r);
	return obj_show(ctx, &stats_object, req, VTEP_CMD_STATS_GET,
			stats_print, false);
}

/* Counter t of a VTEP_A_STATS nest: its name, "stat_N" if unknown */
static const char *stat_name(uint16_t t, char name[32])
{
	if (t < __VTEP_STAT_MAX)
		return vtep_stat_names[t];
	snprintf(name, 32, "stat_%u", t);
	return name;
}

/* The counters ip -j -s link names: stats64's rx and tx objects */
static const struct {
	uint16_t stat;
	const char *dir, *key;
} stats64[] = {
	{ VTEP_STAT_RX_BYTES, "rx", "bytes" },
	{ VTEP_STAT_RX_PACKETS, "rx", "packets" },
	{ VTEP_STAT_TX_BYTES, "tx", "bytes" },
	{ VTEP_STAT_TX_PACKETS, "tx", "packets" },
};

static bool is_stats64(uint16_t t)
{
	for (unsigned int i = 0; i < ARRAY_SIZE(stats64); i++)
		if (stats64[i].stat == t)
			return true;
	return false;
}

static void print_stats64(const struct nlattr *nest)
{
	const struct nlattr *a;
	const char *dir = NULL;
	uint64_t v;

	open_json_object("stats64");
	for (unsigned int i = 0; i < ARRAY_SIZE(stats64); i++) {
		if (!dir || strcmp(dir, stats64[i].dir)) {
			if (dir)
				close_json_object();
			dir = stats64[i].dir;
			open_json_object(dir);
		}
		v = 0;		/* an older module's reply lacks none of them */
		mnl_attr_for_each_nested(a, nest)
			if (mnl_attr_get_type(a) == stats64[i].stat)
				attr_u64(a, &v);
		print_u64(PRINT_JSON, stats64[i].key, "%llu", v);
	}
	close_json_object();
	close_json_object();
}

/*
 * Text, one counter a line as ethtool -S has it, each on a line of its
 * own after the caller's (the last left open for the caller to end):
 *   dev vtep0 vni 100
 *       tx_packets 12
 * JSON, as ip -j -s link: "stats64": {"rx": {"bytes", "packets"}, "tx":
 * {...}}, and vtep's own counters in "vtep_stats": {"tx_flood": ...}.
 * VTEPCTL_JSON_COMPAT: every counter in "stats", as before.
 */
void print_counters(const struct nlattr *nest)
{
	bool compat = json_compat();
	const struct nlattr *a;

	if (is_json() && !compat)
		print_stats64(nest);
	open_json_object(compat ? "stats" : "vtep_stats");
	mnl_attr_for_each_nested(a, nest) {
		uint16_t t = mnl_attr_get_type(a);
		char buf[32];
		const char *name = stat_name(t, buf);
		uint64_t v;

		if (!attr_u64(a, &v))
			continue;
		print_nl();
		print_text("    %-18s %llu", name, (unsigned long long)v);
		if (compat || !is_stats64(t))
			print_u64(PRINT_JSON, name, "%llu", v);
	}
	close_json_object();
}

/* JSON: {"ifindex": 5, "ifname": "vtep0", "vni": 100, "stats64": ...} */
static int stats_print(const struct nlmsghdr *nlh, void *data)
{
	const struct nlattr *tb[VTEP_A_MAX + 1];
	const struct nlattr *vt[VTEP_VNI_A_MAX + 1];
	uint32_t ifindex = 0, vni;
	const char *ifname = attr_parse_dev(nlh, tb, &ifindex);

	if (!tb[VTEP_A_STATS] || !ifname)
		return 0;
	attr_parse_nest(tb[VTEP_A_VNI], vt, VTEP_VNI_A_MAX);
	open_json_object(NULL);
	print_uint(PRINT_JSON, "ifindex", "%u", ifindex);
	print_string(PRINT_ANY, "ifname", "dev %s ", ifname);
	if (attr_u32(vt[VTEP_VNI_A_ID], &vni))
		print_uint(PRINT_ANY, "vni", "vni %u ", vni);
	print_counters(tb[VTEP_A_STATS]);
	close_json_object();
	print_nl();
	return 0;
}

/*
 * -s vni show: each VNI as vni show prints it, with its counters. The
 * VNIs of a device are read first (a dump), then each one's counters
 * (a request each): the socket carries one request at a time.
 */
struct vni_msgs {
	struct vni_msg {
		struct nlmsghdr *m;
		uint32_t id;
	} *e;
	unsigned int n, cap;
};

/* The VNI a VNI_GET reply is of, 0 if none */
static uint32_t vni_of(const struct nlmsghdr *nlh)
{
	const struct nlattr *tb[VTEP_A_MAX + 1];
	const struct nlattr *t[VTEP_VNI_A_MAX + 1];
	uint32_t id = 0;

	attr_parse_genl(nlh, tb, VTEP_A_MAX);
	attr_parse_nest(tb[VTEP_A_VNI], t, VTEP_VNI_A_MAX);
	attr_u32(t[VTEP_VNI_A_ID], &id);
	return id;
}

/* A copy of each reply; a dump read again (interrupted) replaces them */
static int vni_keep(const struct nlmsghdr *nlh, void *data)
{
	struct vni_msgs *v = data;
	uint32_t id = vni_of(nlh);
	unsigned int i;
	void *copy;

	for (i = 0; i < v->n && v->e[i].id != id; i++)
		;
	if (i == v->cap) {
		unsigned int cap = v->cap ? v->cap * 2 : 16;
		void *p = realloc(v->e, cap * sizeof(*v->e));

		if (!p)
			return -ENOMEM;
		v->e = p;
		v->cap = cap;
	}
	copy = malloc(nlh->nlmsg_len);
	if (!copy)
		return -ENOMEM;
	memcpy(copy, nlh, nlh->nlmsg_len);
	if (i < v->n)
		free(v->e[i].m);
	else
		v->n++;
	v->e[i].m = copy;
	v->e[i].id = id;
	return 0;
}

struct vni_stats {
	const struct nlmsghdr *vni;	/* the VNI's reply to print */
	struct show_opts opts;
};

static int vni_stats_print(const struct nlmsghdr *nlh, void *data)
{
	const struct nlattr *tb[VTEP_A_MAX + 1];
	struct vni_stats *vs = data;

	attr_parse_genl(nlh, tb, VTEP_A_MAX);
	vs->opts.stats = tb[VTEP_A_STATS];
	vni_print(vs->vni, &vs->opts);
	vs->opts.stats = NULL;
	return 0;
}

static int vni_stats_dev(struct vtep_ctx *ctx, const char *ifname, void *data)
{
	const struct vni_req *r = data;
	struct vni_stats vs = { .opts = { .dev_given = r->dev[0] } };
	char buf[MNL_SOCKET_BUFFER_SIZE], what[64];
	struct vni_msgs v = { 0 };
	struct nlmsghdr *nlh;
	struct nlattr *nest;
	int err = 0;

	/* VNI and dev: that VNI, refused as vni show refuses it if absent */
	nlh = nl_genl_msg(ctx->nl, buf, VTEP_CMD_VNI_GET, 0);
	put_dev(nlh, ifname);
	if (r->vni && r->dev[0]) {
		nest = mnl_attr_nest_start(nlh, VTEP_A_VNI);
		mnl_attr_put_u32(nlh, VTEP_VNI_A_ID, r->vni);
		mnl_attr_nest_end(nlh, nest);
		snprintf(what, sizeof(what), "vni %u dev %s", r->vni, ifname);
		err = vtep_request(ctx, nlh, vni_keep, &v, what);
	} else {
		err = dump_print(ctx, nlh, vni_keep, &v);
	}
	for (unsigned int i = 0; i < v.n && !err; i++) {
		uint32_t id = v.e[i].id;

		if (!id || (r->vni && r->vni != id))
			continue;
		vs.vni = v.e[i].m;
		nlh = nl_genl_msg(ctx->nl, buf, VTEP_CMD_STATS_GET, 0);
		put_dev(nlh, ifname);
		nest = mnl_attr_nest_start(nlh, VTEP_A_VNI);
		mnl_attr_put_u32(nlh, VTEP_VNI_A_ID, id);
		mnl_attr_nest_end(nlh, nest);
		snprintf(what, sizeof(what), "stats dev %s vni %u", ifname, id);
		err = vtep_request(ctx, nlh, vni_stats_print, &vs, what);
	}
	for (unsigned int i = 0; i < v.n; i++)
		free(v.e[i].m);
	free(v.e);
	return err;
}

int vni_show_stats(struct vtep_ctx *ctx, const struct vni_req *r)
{
	int err;

	open_json_array(NULL);
	err = for_each_vtep(ctx, r->dev, vni_stats_dev, (void *)r);
	close_json_array();
	return err ? -1 : 0;
}

static void stats_what(const void *req, char *buf, size_t len)
{
	const struct stats_req *r = req;

	if (r->vni)
		snprintf(buf, len, "stats dev %s vni %u", r->dev, r->vni);
	else
		snprintf(buf, len, "stats dev %s", r->dev);
}

const struct vtep_object stats_object = {
	VTEP_OBJECT(stats, STATS_SHOW),
	.summary = "counters of a device or of one of its VNIs, drops by reason",
	.help =
	"Usage: vtepctl stats [ show ] [ dev NAME ] [ vni VNI ] [ -o FORMAT ]\n"
	"Where: VNI := 1-16777215, a VNI of NAME (needs dev)\n"
	"       FORMAT := { text | prom }: prom is the Prometheus text format\n"
	"       0.0.4 (node_exporter's textfile collector): without dev, every\n"
	"       device and each of its VNIs; see vtepctl(8), PROMETHEUS\n"
	"Counters: tx_packets tx_bytes rx_packets rx_bytes tx_flood tx_move_notice\n"
	"          fdb_learned fdb_moved fdb_aged and drop_REASON, one per reason\n"
	"          a frame was dropped (drop_no_vni, drop_unknown_vni, ...).\n",
	.nest = VTEP_A_VNI,
	.check = stats_check,
	.what = stats_what,
};
