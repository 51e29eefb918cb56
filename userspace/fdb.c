// SPDX-License-Identifier: GPL-2.0
/*
 * fdb: the MAC table, (VNI, MAC) -> remote VTEP. Static entries come from
 * here; learned ones from the datapath.
 */
#include <string.h>
#include <libmnl/libmnl.h>

#include "vtepctl.h"

#define F(cmd) BIT(FDB_##cmd)
#define SET (F(ADD) | F(REPLACE))
#define ALL (SET | F(DEL) | F(SHOW) | F(FLUSH))
#define CMD_COUNT (FDB_FLUSH + 1)

static int p_mac(void *req, char **v)
{
	struct fdb_req *r = req;

	if (parse_mac(v[0], r->mac))
		return invarg("MAC must be xx:xx:xx:xx:xx:xx", v[0]);
	r->set |= BIT(VTEP_FDB_A_MAC);
	return 0;
}

static int p_vni(void *req, char **v)
{
	struct fdb_req *r = req;

	if (parse_vni(v[0], &r->vni))
		return invarg("VNI must be 1-16777215", v[0]);
	r->set |= BIT(VTEP_FDB_A_VNI);
	return 0;
}

static int p_dst(void *req, char **v)
{
	struct fdb_req *r = req;

	if (parse_ip(v[0], &r->dst))
		return invarg("not an IPv4 or IPv6 address", v[0]);
	r->set |= BIT(VTEP_FDB_A_DST);
	return 0;
}

static int p_dev(void *req, char **v)
{
	struct fdb_req *r = req;

	if (parse_ifname(v[0], r->dev))
		return invarg("device name must be 1-15 characters, no '/' ':' or spaces",
			      v[0]);
	return 0;
}

static int p_static(void *req, char **v)
{
	struct fdb_req *r = req;

	r->type = VTEP_FDB_TYPE_STATIC;
	r->set |= BIT(VTEP_FDB_A_TYPE);
	return 0;
}

static int p_learned(void *req, char **v)
{
	struct fdb_req *r = req;

	r->type = VTEP_FDB_TYPE_LEARNED;
	r->set |= BIT(VTEP_FDB_A_TYPE);
	return 0;
}

static const struct kw fdb_kws[] = {
	{ "MAC", SET | F(DEL) | F(SHOW), SET | F(DEL), 1, 0, p_mac },
	{ "vni", ALL, SET | F(DEL), 1, 0, p_vni },
	{ "dst", SET, SET, 1, 0, p_dst },
	{ "dev", ALL, SET | F(DEL) | F(FLUSH), 1, 0, p_dev },
	{ "static", F(SHOW) | F(FLUSH), 0, 0, 1, p_static },
	{ "learned", F(SHOW) | F(FLUSH), 0, 0, 1, p_learned },
	{ NULL },
};

static const char *const fdb_cmds[] = {
	"add", "replace", "del", "show", "flush", NULL
};

int fdb_parse(int cmd, int argc, char **argv, struct fdb_req *r)
{
	int err;

	memset(r, 0, sizeof(*r));
	err = kw_walk(fdb_kws, "fdb", fdb_cmds[cmd], (unsigned int)cmd,
		      argc, argv, r);
	if (err)
		return err;
	if (cmd == FDB_SHOW && (r->set & BIT(VTEP_FDB_A_MAC)) &&
	    (!(r->set & BIT(VTEP_FDB_A_VNI)) || !r->dev[0])) {
		pr_err("\"fdb show MAC\" needs \"vni VNI\" and \"dev NAME\"");
		return -1;
	}
	return 0;
}

/* One VTEP_A_FDB nest, as an add or one entry of a batch carries it */
void fdb_put_entry(struct nlmsghdr *nlh, const struct fdb_req *r)
{
	struct nlattr *nest = mnl_attr_nest_start(nlh, VTEP_A_FDB);

	if (r->set & BIT(VTEP_FDB_A_VNI))
		mnl_attr_put_u32(nlh, VTEP_FDB_A_VNI, r->vni);
	if (r->set & BIT(VTEP_FDB_A_MAC))
		mnl_attr_put(nlh, VTEP_FDB_A_MAC, 6, r->mac);
	if (r->set & BIT(VTEP_FDB_A_DST))
		attr_put_ip(nlh, VTEP_FDB_A_DST, VTEP_FDB_A_DST6, &r->dst);
	if (r->set & BIT(VTEP_FDB_A_TYPE))
		mnl_attr_put_u8(nlh, VTEP_FDB_A_TYPE, r->type);
	mnl_attr_nest_end(nlh, nest);
}

void fdb_build(struct nlmsghdr *nlh, const struct fdb_req *r)
{
	put_dev(nlh, r->dev);
	if (r->set)
		fdb_put_entry(nlh, r);
}

static const char *const type_names[] = {
	[VTEP_FDB_TYPE_ANY] = "any",
	[VTEP_FDB_TYPE_STATIC] = "static",
	[VTEP_FDB_TYPE_LEARNED] = "learned",
};

/*
 * "00:11:22:33:44:55 vni 100 dst 192.0.2.2 static" or "... learned age
 * 1234ms"; "dev NAME" in text only when the dump was not of one device.
 */
int fdb_print(const struct nlmsghdr *nlh, void *data)
{
	const struct nlattr *tb[VTEP_A_MAX + 1];
	const struct nlattr *t[VTEP_FDB_A_MAX + 1];
	const struct show_opts *o = data;
	char buf[INET6_ADDRSTRLEN], mac[18];
	struct vtep_ip ip;
	uint32_t vni = 0, age;
	uint8_t type;

	attr_parse_genl(nlh, tb, VTEP_A_MAX);
	attr_parse_nest(tb[VTEP_A_FDB], t, VTEP_FDB_A_MAX);
	if (!t[VTEP_FDB_A_MAC] || mnl_attr_get_payload_len(t[VTEP_FDB_A_MAC]) != 6)
		return 0;
	attr_u32(t[VTEP_FDB_A_VNI], &vni);
	if (o && o->vni && o->vni != vni)
		return 0;

	open_json_object(NULL);
	if (o && o->event)
		print_string(PRINT_ANY, "event", "%s ", o->event);
	print_string(PRINT_ANY, "mac", "%s ",
		     format_mac(mnl_attr_get_payload(t[VTEP_FDB_A_MAC]), mac));
	print_uint(PRINT_ANY, "vni", "vni %u ", vni);
	if (attr_ip(t[VTEP_FDB_A_DST], t[VTEP_FDB_A_DST6], &ip))
		print_string(PRINT_ANY, "dst", "dst %s ",
			     format_ip(&ip, buf, sizeof(buf)));
	else if (!o || !o->event)
		print_null("dst");
	if (tb[VTEP_A_IFNAME] &&
	    !mnl_attr_validate(tb[VTEP_A_IFNAME], MNL_TYPE_NUL_STRING))
		print_string(o && o->dev_given ? PRINT_JSON : PRINT_ANY, "dev",
			     "dev %s ", mnl_attr_get_str(tb[VTEP_A_IFNAME]));
	if (attr_u8(t[VTEP_FDB_A_TYPE], &type) && type &&
	    type <= VTEP_FDB_TYPE_MAX)
		print_string(PRINT_ANY, "type", "%s ", type_names[type]);
	if (attr_u32(t[VTEP_FDB_A_AGE], &age))
		print_uint(PRINT_ANY, "age_ms", "age %ums ", age);
	close_json_object();
	print_nl();
	return 0;
}

static int fdb_show_dev(struct vtep_ctx *ctx, const char *ifname, void *data)
{
	const struct fdb_req *f = data;
	struct show_opts o = { .dev_given = f->dev[0], .vni = f->vni };
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct fdb_req r = *f;
	struct nlmsghdr *nlh;

	snprintf(r.dev, sizeof(r.dev), "%s", ifname);
	/*
	 * Without "dev", a device that lacks the VNI is no error: it has no
	 * entry in it. fdb_print filters by o.vni, so the kernel filters only
	 * when one device was named (and says so if it lacks the VNI).
	 */
	if (!f->dev[0])
		r.set &= ~BIT(VTEP_FDB_A_VNI);
	nlh = nl_genl_msg(ctx->nl, buf, VTEP_CMD_FDB_GET, 0);
	fdb_build(nlh, &r);
	return dump_print(ctx, nlh, fdb_print, &o);
}

static void fdb_what(const struct fdb_req *r, char *buf, size_t len)
{
	char mac[18];

	if (r->set & BIT(VTEP_FDB_A_MAC))
		snprintf(buf, len, "fdb %s vni %u dev %s",
			 format_mac(r->mac, mac), r->vni, r->dev);
	else
		snprintf(buf, len, "fdb dev %s", r->dev);
}

static int fdb_show(struct vtep_ctx *ctx, const struct fdb_req *r)
{
	struct show_opts o = { .dev_given = true };
	char buf[MNL_SOCKET_BUFFER_SIZE], what[80];
	struct vtep_nl *nl = ctx_nl(ctx);
	struct nlmsghdr *nlh;
	int err;

	if (!nl)
		return -1;
	open_json_array(NULL);
	if (r->set & BIT(VTEP_FDB_A_MAC)) {
		nlh = nl_genl_msg(nl, buf, VTEP_CMD_FDB_GET, 0);
		fdb_build(nlh, r);
		err = nl_request(nl, nlh, fdb_print, &o);
		if (err) {
			fdb_what(r, what, sizeof(what));
			nl_perror(nl, what);
		}
	} else {
		err = for_each_vtep(ctx, r->dev, fdb_show_dev, (void *)r);
	}
	close_json_array();
	return err ? -1 : 0;
}

static int fdb_run(struct vtep_ctx *ctx, int cmd, int argc, char **argv)
{
	static const uint8_t genl_cmd[CMD_COUNT] = {
		[FDB_ADD] = VTEP_CMD_FDB_NEW,
		[FDB_REPLACE] = VTEP_CMD_FDB_NEW,
		[FDB_DEL] = VTEP_CMD_FDB_DEL,
		[FDB_FLUSH] = VTEP_CMD_FDB_FLUSH,
	};
	static const uint16_t flags[CMD_COUNT] = {
		[FDB_ADD] = NLM_F_CREATE | NLM_F_EXCL,
		[FDB_REPLACE] = NLM_F_CREATE | NLM_F_REPLACE,
	};
	char buf[MNL_SOCKET_BUFFER_SIZE], what[80];
	bool queue = ctx->fdbb && (cmd == FDB_ADD || cmd == FDB_REPLACE);
	struct nlmsghdr *nlh;
	struct vtep_nl *nl;
	struct fdb_req r;
	int err;

	err_defer(queue);
	err = fdb_parse(cmd, argc, argv, &r);
	err_defer(false);
	if (err == KW_HELP) {
		fputs(fdb_object.help, stdout);
		return 0;
	}
	if (err) {
		/* the queued lines come first: their error wins */
		if (queue && fdb_batch_flush(ctx) && !ctx->force)
			return -1;
		err_emit_deferred();
		return -1;
	}
	if (queue)
		return fdb_batch_add(ctx, &r, cmd == FDB_REPLACE);
	if (cmd == FDB_SHOW)
		return fdb_show(ctx, &r);
	nl = ctx_nl(ctx);
	if (!nl)
		return -1;
	nlh = nl_genl_msg(nl, buf, genl_cmd[cmd], flags[cmd]);
	fdb_build(nlh, &r);
	if (nl_request(nl, nlh, NULL, NULL)) {
		fdb_what(&r, what, sizeof(what));
		nl_perror(nl, what);
		return -1;
	}
	return 0;
}

const struct vtep_object fdb_object = {
	.name = "fdb",
	.summary = "static MAC entries; show, delete and flush the MAC table",
	.help =
	"Usage: vtepctl fdb { add | replace } MAC vni VNI dst ADDR dev NAME\n"
	"       vtepctl fdb del MAC vni VNI dev NAME\n"
	"       vtepctl fdb show [ dev NAME ] [ vni VNI ] [ static | learned ]\n"
	"       vtepctl fdb show MAC vni VNI dev NAME\n"
	"       vtepctl fdb flush dev NAME [ vni VNI ] [ static | learned ]\n"
	"Where: MAC  := xx:xx:xx:xx:xx:xx\n"
	"       VNI  := 1-16777215\n"
	"       ADDR := IPv4 or IPv6 address of the remote VTEP\n"
	"add fails if (VNI, MAC) exists; replace creates or overwrites it.\n"
	"In -batch, consecutive adds to one device go in few large messages.\n",
	.cmds = fdb_cmds,
	.default_cmd = FDB_SHOW,
	.kws = fdb_kws,
	.run = fdb_run,
};
