// SPDX-License-Identifier: GPL-2.0
/*
 * stats -o prom: the counters of every vtep device (or of the one named)
 * and of each of its VNIs, in the Prometheus text exposition format 0.0.4,
 * for node_exporter's textfile collector.
 *
 * A counter of enum vtep_stat is the family vtep_NAME_total (tx_bytes:
 * vtep_tx_bytes_total), labelled dev="NAME". The drops are two families
 * with a reason label, the counter's name less "drop_":
 *   vtep_tx_dropped_total{dev="vtep0",reason="no_route"}
 *   vtep_rx_dropped_total{dev="vtep0",reason="peer"}
 * drop_fdb_full is none of them: its frames are delivered, not learned
 * (vtep_fdb_full_total). A VNI's counters are families of their own,
 * vtep_vni_*, labelled dev and vni: a sum over one family then never counts
 * a frame twice (a device's counters hold its VNIs' and more).
 *
 * Everything is read before anything is printed: a command that fails
 * prints nothing, so "vtepctl stats -o prom > F.$$ && mv F.$$ F" never
 * leaves half a scrape. A counter a newer module appends (no name here)
 * is left out: its series would change name once vtepctl learns it.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <libmnl/libmnl.h>

#include "vtepctl.h"

#define TX_DROPS "Frames dropped on transmit, by reason"
#define RX_DROPS "Frames dropped on receive, by reason"

/* family "tx_dropped" etc.: the name less "vtep_" (or "vtep_vni_") and
 * "_total"; drop: the reason is the counter's name less "drop_" */
#define C(stat, fam, text) [VTEP_STAT_##stat] = { fam, text, false }
#define D(stat, fam, text) [VTEP_STAT_##stat] = { fam, text, true }

const struct prom_metric prom_metrics[__VTEP_STAT_MAX] = {
	C(TX_PACKETS, "tx_packets", "Frames sent into the tunnel"),
	C(TX_BYTES, "tx_bytes", "Bytes of the frames sent into the tunnel"),
	C(RX_PACKETS, "rx_packets", "Frames received from the tunnel and delivered"),
	C(RX_BYTES, "rx_bytes", "Bytes of the frames received and delivered"),
	C(TX_FLOOD, "tx_flood", "Frames flooded to a group or the replication list"),
	C(TX_MOVE_NOTICE, "tx_move_notice",
	  "Known-unicast frames flooded as a move notice"),
	C(FDB_LEARNED, "fdb_learned", "FDB entries learned"),
	C(FDB_MOVED, "fdb_moved", "Learned FDB entries moved to another remote"),
	C(FDB_AGED, "fdb_aged", "Learned FDB entries aged out"),
	D(DROP_NO_VNI, "tx_dropped", TX_DROPS),
	D(DROP_NO_ROUTE, "tx_dropped", TX_DROPS),
	D(DROP_TOO_BIG, "tx_dropped", TX_DROPS),
	D(DROP_FLOOD_OFF, "tx_dropped", TX_DROPS),
	D(DROP_NO_DEST, "tx_dropped", TX_DROPS),
	D(DROP_TX_ERROR, "tx_dropped", TX_DROPS),
	D(DROP_BAD_FLAGS, "rx_dropped", RX_DROPS),
	D(DROP_BAD_RESERVED, "rx_dropped", RX_DROPS),
	D(DROP_TOO_SHORT, "rx_dropped", RX_DROPS),
	D(DROP_UNKNOWN_VNI, "rx_dropped", RX_DROPS),
	D(DROP_BAD_INNER, "rx_dropped", RX_DROPS),
	C(DROP_FDB_FULL, "fdb_full",
	  "Received frames delivered but not learned: an FDB limit or no memory"),
	D(DROP_LOOP, "rx_dropped", RX_DROPS),
	D(DROP_RX_ERROR, "rx_dropped", RX_DROPS),
	D(DROP_BAD_SRC_MAC, "rx_dropped", RX_DROPS),
	D(DROP_PEER, "rx_dropped", RX_DROPS),
	C(ELEPHANTS, "elephants", "Flows found above the elephant rate"),
	C(ELEPHANT_FULL, "elephant_full",
	  "Elephant flows the table could not hold, or evicted"),
	C(RESTEER_MOVES, "resteer_moves",
	  "Elephant flows moved to another outer source port at a gap"),
	C(ARP_SUPPRESSED, "arp_suppressed", "ARP requests answered by the device"),
	C(ND_SUPPRESSED, "nd_suppressed",
	  "Neighbour solicitations answered by the device"),
	C(MOVE_EVENTS_SUPPRESSED, "move_events_suppressed",
	  "FDB move events over the rate limit, not sent"),
	C(PMTU_SUPPRESSED, "pmtu_suppressed",
	  "ICMP too-big replies over the rate limit, not sent"),
};

/* One set of counters: a device's (vni 0) or one of its VNIs' */
struct prom_set {
	char dev[IFNAMSIZ];
	uint32_t vni;
	uint64_t c[__VTEP_STAT_MAX];
};

struct prom {
	struct prom_set *set;
	unsigned int n, cap;
	uint32_t vni;			/* only this VNI's, 0: the device's and all */
};

static int prom_add(struct prom *p, const char *dev, uint32_t vni,
		    const struct nlattr *stats)
{
	const struct nlattr *a;
	struct prom_set *s;

	if (p->n == p->cap) {
		unsigned int cap = p->cap ? p->cap * 2 : 16;

		s = realloc(p->set, cap * sizeof(*s));
		if (!s)
			return -ENOMEM;
		p->set = s;
		p->cap = cap;
	}
	s = &p->set[p->n++];
	memset(s, 0, sizeof(*s));
	snprintf(s->dev, sizeof(s->dev), "%s", dev);
	s->vni = vni;
	mnl_attr_for_each_nested(a, stats) {
		uint16_t t = mnl_attr_get_type(a);

		if (t < __VTEP_STAT_MAX)
			attr_u64(a, &s->c[t]);
	}
	return 0;
}

/* A STATS_GET reply: the device's counters, or the one VNI's */
static int prom_stats_cb(const struct nlmsghdr *nlh, void *data)
{
	const struct nlattr *tb[VTEP_A_MAX + 1];
	const struct nlattr *vt[VTEP_VNI_A_MAX + 1];
	uint32_t ifindex, vni = 0;
	const char *ifname = attr_parse_dev(nlh, tb, &ifindex);

	if (!tb[VTEP_A_STATS] || !ifname)
		return 0;
	attr_parse_nest(tb[VTEP_A_VNI], vt, VTEP_VNI_A_MAX);
	attr_u32(vt[VTEP_VNI_A_ID], &vni);
	return prom_add(data, ifname, vni, tb[VTEP_A_STATS]);
}

/* A VNI_GET dump's entry: a VNI with its counters */
static int prom_vni_cb(const struct nlmsghdr *nlh, void *data)
{
	const struct nlattr *tb[VTEP_A_MAX + 1];
	const struct nlattr *vt[VTEP_VNI_A_MAX + 1];
	uint32_t ifindex, vni;
	const char *ifname = attr_parse_dev(nlh, tb, &ifindex);

	attr_parse_nest(tb[VTEP_A_VNI], vt, VTEP_VNI_A_MAX);
	if (!ifname || !vt[VTEP_VNI_A_STATS] ||
	    !attr_u32(vt[VTEP_VNI_A_ID], &vni) || !vni)
		return 0;
	return prom_add(data, ifname, vni, vt[VTEP_VNI_A_STATS]);
}

#define PROM_DUMP_TRIES 10

static int prom_dev(struct vtep_ctx *ctx, const char *ifname, void *data)
{
	struct prom *p = data;
	char buf[MNL_SOCKET_BUFFER_SIZE], what[64];
	struct nlmsghdr *nlh;
	struct nlattr *nest;
	unsigned int start;
	int err, tries = 0;

	nlh = nl_genl_msg(ctx->nl, buf, VTEP_CMD_STATS_GET, 0);
	put_dev(nlh, ifname);
	if (p->vni) {
		nest = mnl_attr_nest_start(nlh, VTEP_A_VNI);
		mnl_attr_put_u32(nlh, VTEP_VNI_A_ID, p->vni);
		mnl_attr_nest_end(nlh, nest);
		snprintf(what, sizeof(what), "stats dev %s vni %u", ifname,
			 p->vni);
	} else {
		snprintf(what, sizeof(what), "stats dev %s", ifname);
	}
	if (vtep_request(ctx, nlh, prom_stats_cb, p, what))
		return -1;
	if (p->vni)
		return 0;
	/* each VNI with its counters; an interrupted dump is read again */
	start = p->n;
	do {
		p->n = start;
		nlh = nl_genl_msg(ctx->nl, buf, VTEP_CMD_VNI_GET, 0);
		put_dev(nlh, ifname);
		err = nl_dump(ctx->nl, nlh, prom_vni_cb, p);
	} while (err == -EINTR && ++tries < PROM_DUMP_TRIES);
	if (err == -EINTR) {
		pr_warn("dev %s: the VNIs kept changing during the dump; VNIs changed meanwhile may be missing",
			ifname);
		err = 0;
	}
	if (err) {
		snprintf(what, sizeof(what), "dev %s", ifname);
		nl_perror(ctx->nl, what);
		return -1;
	}
	return 0;
}

/* A label value: backslash, double quote and newline escaped */
static void prom_label(FILE *f, const char *s)
{
	for (; *s; s++) {
		if (*s == '\\' || *s == '"')
			fprintf(f, "\\%c", *s);
		else if (*s == '\n')
			fputs("\\n", f);
		else
			fputc(*s, f);
	}
}

/* Stat i is the first of its family */
static bool prom_family_first(unsigned int i)
{
	for (unsigned int j = 0; j < i; j++)
		if (!strcmp(prom_metrics[j].family, prom_metrics[i].family))
			return false;
	return true;
}

/* Every family of one level, the device's or the VNIs', each once */
static void prom_level(FILE *f, const struct prom *p, bool vni)
{
	const char *pre = vni ? "vtep_vni_" : "vtep_";

	for (unsigned int i = 0; i < __VTEP_STAT_MAX; i++) {
		const struct prom_metric *m = &prom_metrics[i];

		if (!prom_family_first(i))
			continue;
		fprintf(f, "# HELP %s%s_total %s%s\n", pre, m->family,
			m->help, vni ? " (of a VNI)" : "");
		fprintf(f, "# TYPE %s%s_total counter\n", pre, m->family);
		for (unsigned int k = 0; k < p->n; k++) {
			const struct prom_set *s = &p->set[k];

			if (!s->vni != !vni)
				continue;
			for (unsigned int j = i; j < __VTEP_STAT_MAX; j++) {
				if (strcmp(prom_metrics[j].family, m->family))
					continue;
				fprintf(f, "%s%s_total{dev=\"", pre, m->family);
				prom_label(f, s->dev);
				if (vni)
					fprintf(f, "\",vni=\"%u", s->vni);
				if (prom_metrics[j].drop)
					fprintf(f, "\",reason=\"%s",
						vtep_stat_names[j] + 5);
				fprintf(f, "\"} %llu\n",
					(unsigned long long)s->c[j]);
			}
		}
	}
}

int prom_run(struct vtep_ctx *ctx, const struct stats_req *r)
{
	struct prom p = { .vni = r->vni };
	bool dev = false, vni = false;
	char *text = NULL;
	size_t len = 0;
	FILE *f;
	int err;

	err = for_each_vtep(ctx, r->dev, prom_dev, &p);
	if (!err) {
		f = open_memstream(&text, &len);
		if (!f) {
			pr_err("no memory for the output");
			free(p.set);
			return -1;
		}
		for (unsigned int k = 0; k < p.n; k++) {
			vni |= p.set[k].vni != 0;
			dev |= p.set[k].vni == 0;
		}
		if (dev)
			prom_level(f, &p, false);
		if (vni)
			prom_level(f, &p, true);
		fclose(f);
		print_raw(text, len);
		free(text);
	}
	free(p.set);
	return err ? -1 : 0;
}
