/* SPDX-License-Identifier: GPL-2.0 */
/*
 * vtepctl: shared declarations.
 *
 * Layers, each in its own files; a file calls only files below it:
 *   main.c             main()
 *   cli.c              global options, the object table, dispatch: parse,
 *                      help, build, request, report, written once for all
 *   batch.c            -batch: reads and splits lines for the dispatcher
 *   monitor.c          events (prints them with fdb.c's and vni.c's printers)
 *   link.c fdb.c vni.c remote.c stats.c flow.c
 *                      one object each: keyword rows, command table, hooks,
 *                      reply printing
 *   prom.c             stats -o prom: counters in Prometheus' text format
 *   showconf.c         showconf: the -batch lines that recreate a device
 *   syncconf.c         syncconf: apply only what differs from such lines
 *   conf.c             those lines as entries, and their difference
 *   fdb_batch.c        -batch fdb lines: coalesced into lists, sent by a
 *                      thread while the next lines are parsed
 *   request.c          what the objects share: parse by table, messages
 *                      from typed rows, a request reported, show and dump
 *   parse.c            pure parsers of one argument and the keyword walker
 *   link_opts.c        the link settings table, shared with the ip plugin
 *   netlink.c          the only file that opens sockets (libmnl)
 *   print.c            text/JSON output helpers and the error voice
 */
#ifndef VTEPCTL_H
#define VTEPCTL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <net/if.h>
#include <netinet/in.h>
#include <linux/netlink.h>
#include <linux/vtep.h>

#include "link_opts.h"

/* The build should pass -DVTEPCTL_VERSION from the top-level VERSION file */
#ifndef VTEPCTL_VERSION
#define VTEPCTL_VERSION "0.1.0"
#endif

/*
 * Exit statuses, for scripts (vtepctl.8, EXIT STATUS): a command that
 * failed says why by its status as well as in words. 1 and 2 are ip(8)'s:
 * 1 a syntax error, 2 an error the kernel reported. In -batch, the status
 * is that of the first line that failed.
 */
enum {
	VTEP_EXIT_OK = 0,
	VTEP_EXIT_USAGE = 1,	/* bad arguments: nothing was sent */
	VTEP_EXIT_REFUSED = 2,	/* the kernel refused it, or it failed running */
	VTEP_EXIT_NO_MODULE = 3,	/* no genl family "vtep": module not loaded */
};
/* What an object's own run returns for an error of its input (a file it
 * reads): exit status VTEP_EXIT_USAGE, where -1 is VTEP_EXIT_REFUSED. */
#define VTEP_RUN_USAGE	(-2)

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#define BIT(n) (1ULL << (n))

/* strcmp() == 0 for the short words of a command line, without a call:
 * -batch compares several on every line */
static inline bool str_eq(const char *a, const char *b)
{
	while (*a && *a == *b) {
		a++;
		b++;
	}
	return *a == *b;
}

struct nlmsghdr;
struct nlattr;

/* ---- parse.c ---------------------------------------------------------- */

/* An underlay address; family AF_UNSPEC means "not given" */
struct vtep_ip {
	int family;
	union {
		struct in_addr v4;
		struct in6_addr v6;
	};
};

int parse_u32(const char *s, uint32_t min, uint32_t max, uint32_t *out);
int parse_u64(const char *s, uint64_t min, uint64_t max, uint64_t *out);
int parse_vni(const char *s, uint32_t *vni);
int parse_vlan(const char *s, uint16_t *vid);
int parse_port(const char *s, uint16_t *port);
int parse_on_off(const char *s, uint8_t *on);
/* An owner (enum vtep_owner): its name or a number 0-255 */
int parse_owner(const char *s, uint8_t *owner);
/* Its name, or NULL for a number vtepctl has no name for */
const char *owner_name(uint8_t owner);
int parse_seconds(const char *s, uint32_t *secs);
int parse_mac(const char *s, uint8_t mac[6]);
int parse_ip(const char *s, struct vtep_ip *ip);
int parse_ifname(const char *s, char name[IFNAMSIZ]);
bool ip_is_multicast(const struct vtep_ip *ip);
const char *format_ip(const struct vtep_ip *ip, char *buf, size_t len);
const char *format_mac(const uint8_t mac[6], char buf[18]);
/* What a request names: "WORD ADDR vni VNI dev NAME" */
void format_at(char *buf, size_t len, const char *word,
	       const struct vtep_ip *addr, uint32_t vni, const char *dev);

/*
 * One keyword of an object's grammar. A row whose name is in UPPERCASE is
 * the positional argument (VNI, MAC, ...): a word that is no keyword. The
 * help test walks these tables, so every word the parser takes is in the
 * object's help text.
 *
 * Most rows are typed: the walker parses the value by type, stores it at
 * off in the request and sets bit attr of the request's set mask (every
 * request struct starts with "uint64_t set"). A callback is for what no
 * type says (ttl auto, tos, df, srcport).
 */
enum kw_type {
	KW_NONE,	/* no value: a flag attribute (attr) or a callback */
	KW_DEV,		/* char[IFNAMSIZ]; with attr 0, the request's ifname */
	KW_VNI,		/* uint32_t, 1-16777215 */
	KW_VLAN,	/* uint16_t, 1-4094 */
	KW_PORT,	/* uint16_t, 1-65535, sent big-endian */
	KW_MAC,		/* uint8_t[6] */
	KW_IP,		/* struct vtep_ip: attr, or attr + 1 for IPv6 */
	KW_UNICAST,	/* the same, not multicast (why: the refusal) */
	KW_GROUP,	/* the same, multicast or "none" (sent as 0) */
	KW_ON_OFF,	/* uint8_t */
	KW_SECS,	/* uint32_t, 0-VTEP_AGEING_MAX (why: the refusal) */
	KW_U32,		/* uint32_t, the row's lo-hi if hi (why: the refusal) */
	KW_U8,		/* uint8_t, parsed by the row's callback */
	KW_RANGE,	/* uint16_t[2] as attr, attr + 1; by the callback */
	KW_TRUE,	/* bool set, never sent */
	KW_CONST,	/* uint8_t set to val */
	KW_U64,		/* uint64_t, the row's lo-hi (hi 0: no bound) */
	KW_OWNER,	/* uint8_t, enum vtep_owner: a name or 0-255; a
			 * show filters by it instead of sending it */
};

/* What a type stores and how a number of it is bounded (max 0: no number) */
struct kw_type_info {
	unsigned char size;
	uint32_t min, max;
	const char *why;
};
extern const struct kw_type_info kw_types[];

struct kw {
	const char *name;
	unsigned int cmds;	/* bit per command that accepts it */
	unsigned int needed;	/* bit per command that requires it */
	unsigned char nargs;	/* 0 (a flag), 1 or 2 values */
	unsigned char excl;	/* non-zero: one keyword per group at most */
	int (*parse)(void *req, char **val);	/* instead of the type's */
	unsigned char type;	/* enum kw_type */
	unsigned char attr;	/* bit set in the request's set mask, 0: none */
	unsigned short off;	/* offsetof() the value in the request */
	const char *why;	/* KW_UNICAST, KW_GROUP, KW_SECS, KW_U32: refusal */
	unsigned char val;	/* KW_CONST */
	uint64_t lo, hi;	/* KW_U32, KW_U64: the row's bounds, if hi */
	bool many;		/* may be given more than once */
};

/* The typed part of a row of request struct T */
#define KT(T, t, a, field) .type = (t), .attr = (a), \
			   .off = (unsigned short)offsetof(T, field)

#define KW_HELP 1	/* kw_walk saw "help" */

/* Walk argv against tab for command cmd; returns 0, KW_HELP or -1. */
int kw_walk(const struct kw *tab, const char *obj, const char *cmdname,
	    unsigned int cmd, int argc, char **argv, void *req);
bool kw_is_positional(const struct kw *k);

/* ---- print.c ---------------------------------------------------------- */

enum { PRINT_FP = 1, PRINT_JSON = 2, PRINT_ANY = 3 };

/* pretty takes effect only with json, as ip's -p needs -j */
void print_setup(FILE *out, bool json, bool pretty);
bool is_json(void);
/* VTEPCTL_JSON_COMPAT is set: print the keys renamed to ip's as they were */
bool json_compat_env(void);
bool json_compat(void);		/* JSON output, and the old keys */
/* -s and -d, as ip has them: set by vtep_dispatch from the context */
void print_show_flags(bool stats, bool details);
bool show_stats(void);
bool show_details(void);
/* JSON: key (a string value) is the first member of the next object
 * opened, at the top or in the top array (monitor's "timestamp") */
void print_first_key(const char *key, const char *val);
void open_json_array(const char *key);
void close_json_array(void);
void open_json_object(const char *key);
void close_json_object(void);
__attribute__((format(printf, 3, 0)))
void print_string(int type, const char *key, const char *fmt, const char *v);
__attribute__((format(printf, 3, 0)))
void print_uint(int type, const char *key, const char *fmt, unsigned int v);
__attribute__((format(printf, 3, 0)))
void print_u64(int type, const char *key, const char *fmt, uint64_t v);
/* text: fmt gets "on" or "off"; JSON: true or false */
__attribute__((format(printf, 3, 0)))
void print_on_off(int type, const char *key, const char *fmt, bool v);
void print_bool(const char *key, bool v);	/* JSON only */
void print_null(const char *key);		/* JSON only */
/* The end of an object in a VNI: "vni VNI [dev NAME]", the line ends */
void print_vni_dev_end(uint32_t vni, const char *dev);
__attribute__((format(printf, 1, 2)))
void print_text(const char *fmt, ...);		/* text only */
void print_nl(void);				/* text: end of a line */
void print_flush(void);
/* len bytes of s as they are, after what is pending (stats -o prom) */
void print_raw(const char *s, size_t len);
/* Output of a dump that may be retried: held back until committed */
void print_capture_begin(void);
void print_capture_end(bool keep);

void err_setup(FILE *err);
void err_set_location(const char *file, unsigned int line);
void err_defer(bool on);
bool err_emit_deferred(void);
__attribute__((format(printf, 1, 2)))
void pr_err(const char *fmt, ...);	/* "Error: ..." */
__attribute__((format(printf, 1, 2)))
void pr_msg(const char *fmt, ...);	/* the same stream, no "Error: " */
__attribute__((format(printf, 1, 2)))
void pr_warn(const char *fmt, ...);
/* The same at FILE:LINE given (file NULL: none), kind "Error", "Warning"
 * or NULL; safe from another thread than the parser's */
__attribute__((format(printf, 4, 5)))
void pr_at(const char *file, unsigned int line, const char *kind,
	   const char *fmt, ...);
int invarg(const char *why, const char *arg);

/* ---- netlink.c -------------------------------------------------------- */

/* What the kernel said about a refused request (extended ack) */
struct nl_ext {
	int err;		/* negative errno, 0 = success */
	char msg[256];		/* NLMSGERR_ATTR_MSG, "" if none */
	uint32_t off;		/* NLMSGERR_ATTR_OFFS */
	bool has_off;
	uint32_t miss_type;	/* NLMSGERR_ATTR_MISS_TYPE */
	bool has_miss;
};

/* State of one request while its replies are read */
struct nl_state {
	bool done;
	bool intr;		/* NLM_F_DUMP_INTR seen */
	int cb_err;		/* first error a callback returned */
	struct nl_ext ext;
};

typedef int (*nl_cb)(const struct nlmsghdr *nlh, void *data);

struct vtep_nl;

/* On failure *err is the reason: -ENOENT when the family is missing */
struct vtep_nl *nl_open(int *err);
void nl_close(struct vtep_nl *nl);
struct nlmsghdr *genl_msg(void *buf, uint16_t family, uint8_t cmd,
			  uint16_t flags);
struct nlmsghdr *nl_genl_msg(struct vtep_nl *nl, void *buf, uint8_t cmd,
			     uint16_t flags);
int nl_request(struct vtep_nl *nl, struct nlmsghdr *nlh, nl_cb cb, void *data);
/* The same, printing nothing: a warning the kernel acks a success with is
 * left in nl_last_error()->msg for the caller to print */
int nl_request_quiet(struct vtep_nl *nl, struct nlmsghdr *nlh, nl_cb cb,
		     void *data);
int nl_dump(struct vtep_nl *nl, struct nlmsghdr *nlh, nl_cb cb, void *data);
int nl_rtnl_request(struct vtep_nl *nl, struct nlmsghdr *nlh);
const struct nl_ext *nl_last_error(const struct vtep_nl *nl);
/* Whether the module takes top-level attribute @attr (its VTEP_A_MAX) */
bool nl_has_attr(const struct vtep_nl *nl, unsigned int attr);
void nl_perror(const struct vtep_nl *nl, const char *what);
/* What nl_perror() says of the last request, without printing it */
const char *nl_errmsg(const struct vtep_nl *nl, char *buf, size_t len);
const char *nl_strerror(int err);
int nl_process(const void *buf, size_t len, uint32_t seq, uint32_t portid,
	       nl_cb cb, void *data, struct nl_state *st);
unsigned int nl_ifindex(const char *name);
const char *nl_ifname(unsigned int ifindex, char buf[IFNAMSIZ]);
/* Monitor: a second socket joined to the "events" group */
int nl_monitor_open(struct vtep_nl *nl);
int nl_monitor_recv(struct vtep_nl *nl, nl_cb cb, void *data);
/* A stand-in kernel for the unit tests: gets every request instead of a
 * socket, fills ext and calls cb for each reply it makes up. */
typedef int (*nl_fake_fn)(struct nlmsghdr *nlh, nl_cb cb, void *data,
			  struct nl_ext *ext, void *priv);
struct vtep_nl *nl_fake(nl_fake_fn fn, void *priv);

/* Attribute helpers: length-checked readers, address writers */
bool attr_u8(const struct nlattr *a, uint8_t *v);
bool attr_u16(const struct nlattr *a, uint16_t *v);
bool attr_u32(const struct nlattr *a, uint32_t *v);
bool attr_u64(const struct nlattr *a, uint64_t *v);
bool attr_ip(const struct nlattr *a4, const struct nlattr *a6,
	     struct vtep_ip *ip);
void attr_put_ip(struct nlmsghdr *nlh, uint16_t a4, uint16_t a6,
		 const struct vtep_ip *ip);
/* Parse a nest or a message's attributes into tb[0..max], others ignored */
void attr_parse_nest(const struct nlattr *nest, const struct nlattr **tb,
		     unsigned int max);
void attr_parse_genl(const struct nlmsghdr *nlh, const struct nlattr **tb,
		     unsigned int max);
void put_dev(struct nlmsghdr *nlh, const char *ifname);
/* A NUL-terminated string attribute's text, or NULL */
const char *attr_str(const struct nlattr *a);
/* A reply's attributes (tb: VTEP_A_MAX + 1), its device's ifindex if
 * given (else *ifindex is left alone) and name, or NULL if it has none */
const char *attr_parse_dev(const struct nlmsghdr *nlh,
			   const struct nlattr **tb, uint32_t *ifindex);

/* ---- request.c: the context and the requests every object makes ----- */

struct vtep_object;

struct vtep_ctx {
	struct vtep_nl *nl;		/* opened on first use */
	int nl_err;			/* why opening it failed, if it did */
	bool json, pretty, force;
	bool stats, details;		/* -s, -d */
	int timestamp;			/* -t 1, -ts 2: monitor's, as ip's */
	bool ignore_missing;		/* -ignore-missing */
	bool missing_ok;		/* this command deletes: absent is done */
	int status;			/* -batch: the first failed line's */
	const char *batch_file;		/* NULL outside -batch */
	unsigned int line;
	unsigned int batch_lines;	/* -batch FILE's lines; 0: not known */
	unsigned int failed;		/* -batch -force: commands refused */
	const struct vtep_object *queued;	/* whose batch hook holds lines */
	void *queue;			/* that object's queue */
};

/* Printing options shared by show and monitor */
struct show_opts {
	bool dev_given;			/* omit "dev" in text, like ip -d */
	const char *event;		/* monitor: the event's name */
	uint32_t vni;			/* show only this VNI, 0 = all */
	const struct nlattr *stats;	/* -s: counters to print, VTEP_A_STATS */
	bool owner_given;		/* show only entries of owner */
	uint8_t owner;
};

struct vtep_nl *ctx_nl(struct vtep_ctx *ctx);
/* The exit status of a command that failed after parsing */
int ctx_status(const struct vtep_ctx *ctx);
/* -batch: count a failed line (or queued entry); the first sets status */
void ctx_failed(struct vtep_ctx *ctx, int status);
/* Report the refusal of the last request, naming what; returns -1, or 0
 * if the command deletes and the kernel says the object is already gone
 * (ENOENT, ENODEV) under -ignore-missing */
int vtep_refused(struct vtep_ctx *ctx, const char *what);
/* Send nlh, replies to cb; a refusal is reported naming what */
int vtep_request(struct vtep_ctx *ctx, struct nlmsghdr *nlh, nl_cb cb,
		 void *data, const char *what);
/* Run fn for every vtep device (by name), or only for dev if given */
int for_each_vtep(struct vtep_ctx *ctx, const char *dev,
		  int (*fn)(struct vtep_ctx *ctx, const char *ifname,
			    void *data),
		  void *data);
/* Whether a show skips an entry of owner attribute a (NULL: none said) */
bool owner_skip(const struct show_opts *o, const struct nlattr *a);
/* "owner evpn", or a number without a name; text leaves out unspec */
void print_owner(const struct nlattr *a);
/* add and replace without "owner": the operator's (VTEP_OWNER_USER) */
void owner_default(int cmd_add, int cmd_replace, int cmd, void *req,
		   unsigned int off, unsigned int attr);
/* A dump whose printed output is held back and retried if interrupted */
int dump_print(struct vtep_ctx *ctx, struct nlmsghdr *nlh, nl_cb cb,
	       void *data);

/*
 * An object: its grammar (ops' names, kws) and what each command does. A
 * command with a genl command and no run is run by cli.c alone: with a
 * print callback, obj_show() for every device (or the one named);
 * without, build, one request, reported as what() names it. As in ip(8),
 * "add" creates only (NLM_F_EXCL) and "replace" creates or replaces.
 */
struct vtep_op {
	const char *name;		/* the command word; NULL: none */
	uint8_t genl;			/* genl command */
	nl_cb print;			/* a show: prints each reply */
	bool dump;			/* a show as one dump per device */
	int (*run)(struct vtep_ctx *ctx, void *req);	/* anything else */
};

struct vtep_object {
	const char *name;
	const char *summary;
	const char *help;
	int default_cmd;		/* when only the object is given */
	const struct kw *kws;		/* NULL-name terminated */
	size_t req_size;
	const struct vtep_op *ops;	/* indexed by command, NULL-name ended */
	uint16_t nest;			/* VTEP_A_*: what the attrs go in */
	/* rules across keywords, after the walk; optional */
	int (*check)(int cmd, void *req);
	/* a show names one entry: one request, not one per device */
	bool (*one)(const void *req);
	/* the message of a genl command; NULL: obj_build() */
	void (*build)(struct nlmsghdr *nlh, const void *req);
	void (*what)(const void *req, char *buf, size_t len);
	/* -batch only, optional: take the command into the object's queue
	 * (1), or leave it to be run now (0); -1 on failure */
	int (*batch)(struct vtep_ctx *ctx, int cmd, const void *req);
	/* send and free the queue; returns how many commands were refused */
	int (*flush)(struct vtep_ctx *ctx);
};

/* The tables of object obj, by their names: obj_ops, obj_kws and struct
 * obj_req; dflt runs when only the object is given */
#define VTEP_OBJECT(obj, dflt)						\
	.name = #obj, .ops = obj##_ops, .default_cmd = (dflt),		\
	.kws = obj##_kws, .req_size = sizeof(struct obj##_req)

/* Parse argv for command cmd of o into req (o->req_size bytes) */
int obj_parse(const struct vtep_object *o, int cmd, int argc, char **argv,
	      void *req);
/* The given typed attributes of req, in table order */
void kw_put(struct nlmsghdr *nlh, const struct kw *tab, const void *req);
/* The request's ifname, then its attributes in the object's nest */
void obj_build(struct nlmsghdr *nlh, const struct vtep_object *o,
	       const void *req);
int find_word(const char *const *words, const char *w);
/* show: genl for every device (or the one req names), replies to cb, as
 * a dump or one request each; a JSON array of what cb prints */
int obj_show(struct vtep_ctx *ctx, const struct vtep_object *o, void *req,
	     uint8_t genl, nl_cb cb, bool dump);
/* show of one thing: one request, cb prints its reply */
int obj_get(struct vtep_ctx *ctx, const struct vtep_object *o, void *req,
	    uint8_t genl, nl_cb cb);

/* ---- cli.c: the object table, dispatch ---------------------------------- */

extern const struct vtep_object *const vtep_objects[];
int vtepctl_main(int argc, char **argv);
/* Run one command line; returns its exit status (VTEP_EXIT_*) */
int vtep_dispatch(struct vtep_ctx *ctx, int argc, char **argv);
int run_batch(struct vtep_ctx *ctx, const char *file);

/* The largest request vtep_dispatch() parses into (every req_size fits) */
size_t vtep_req_room(void);
void vtep_usage(FILE *out);
/* The loaded module's version, from sysdir (/sys/module/vtep): "not
 * loaded" without sysdir, "unknown" without its version file */
const char *module_version(const char *sysdir, char *buf, size_t len);
void print_version(FILE *out, const char *sysdir);

/* ---- objects: the request structs start with their set mask ---------- */

struct link_req {
	uint64_t set;			/* BIT(LO_*) given, as v.given */
	char name[IFNAMSIZ];
	struct link_vals v;		/* link_opts.h */
};
enum { LINK_ADD, LINK_SET, LINK_DEL, LINK_SHOW };
extern const struct vtep_object link_object;

struct vni_req {
	uint64_t set;			/* BIT(VTEP_VNI_A_*) given */
	char dev[IFNAMSIZ];
	uint32_t vni;
	uint16_t vlan;
	struct vtep_ip group;		/* AF_UNSPEC + set bit: "none" */
	uint8_t flood, peers, suppress;
};
enum { VNI_ADD, VNI_REPLACE, VNI_SET, VNI_DEL, VNI_SHOW };
extern const struct vtep_object vni_object;
int vni_print(const struct nlmsghdr *nlh, void *data);

struct remote_req {
	uint64_t set;
	char dev[IFNAMSIZ];
	uint32_t vni;
	struct vtep_ip addr;
	uint8_t owner;			/* enum vtep_owner */
};
enum { REMOTE_ADD, REMOTE_REPLACE, REMOTE_DEL, REMOTE_SHOW };
extern const struct vtep_object remote_object;

struct peer_req {
	uint64_t set;			/* BIT(VTEP_PEER_A_*) given */
	char dev[IFNAMSIZ];
	uint32_t vni;
	struct vtep_ip addr;
	uint8_t plen;
	uint8_t owner;			/* enum vtep_owner */
};
enum { PEER_ADD, PEER_REPLACE, PEER_DEL, PEER_SHOW };
extern const struct vtep_object peer_object;
int peer_print(const struct nlmsghdr *nlh, void *data);

struct neigh_req {
	uint64_t set;			/* BIT(VTEP_NEIGH_A_*) given */
	char dev[IFNAMSIZ];
	struct vtep_ip addr;
	uint8_t mac[6];
	uint32_t vni;
	uint8_t owner;			/* enum vtep_owner */
};
enum { NEIGH_ADD, NEIGH_REPLACE, NEIGH_DEL, NEIGH_SHOW };
extern const struct vtep_object neigh_object;
struct alias_req {
	uint64_t set;			/* BIT(VTEP_ALIAS_A_*) given */
	char dev[IFNAMSIZ];
	struct vtep_ip addr, peer;
};
enum { ALIAS_ADD, ALIAS_REPLACE, ALIAS_DEL, ALIAS_SHOW };
extern const struct vtep_object alias_object;

struct fdb_req {
	uint64_t set;			/* BIT(VTEP_FDB_A_*) given */
	char dev[IFNAMSIZ];
	uint8_t mac[6];
	uint32_t vni;
	struct vtep_ip dst;
	uint8_t type;			/* enum vtep_fdb_type, show/flush */
	uint8_t owner;			/* enum vtep_owner */
};
enum { FDB_ADD, FDB_REPLACE, FDB_DEL, FDB_SHOW, FDB_FLUSH };
extern const struct vtep_object fdb_object;
void fdb_put_entry(struct nlmsghdr *nlh, const struct fdb_req *r);
int fdb_print(const struct nlmsghdr *nlh, void *data);
/* -batch: consecutive adds go as VTEP_A_FDB_LIST messages of this size
 * (the list nest length is a u16) */
#define FDB_BATCH_BYTES (56 * 1024)
struct fdb_batch_entry {
	uint32_t vni;
	uint8_t mac[6];
	struct vtep_ip dst;
	bool has_owner;			/* OWNER sent: an add's, a delete's */
	uint8_t owner;
	unsigned int line;
	uint32_t off;			/* offset of its nest in the message */
};
/* Build one FDB_NEW or FDB_DEL list message of entries [0, n) that fit in
 * limit; an entry's dst of family 0 (a delete without condition) is left out */
unsigned int fdb_batch_build(struct nlmsghdr *nlh, const char *dev,
			     struct fdb_batch_entry *e, unsigned int n,
			     size_t limit);
/* The same as one VTEP_A_FDB_RECORDS attribute (a module that takes it) */
unsigned int fdb_batch_build_records(struct nlmsghdr *nlh, const char *dev,
				     struct fdb_batch_entry *e, unsigned int n,
				     size_t limit);
int fdb_batch_find(const struct fdb_batch_entry *e, unsigned int n,
		   uint32_t off);
/* fdb_batch.c: queue an add, replace or delete (FDB_*) of -batch: 1, or
 * -1 if it failed or an earlier line's refusal stops the file */
int fdb_batch_queue(struct vtep_ctx *ctx, int cmd, const struct fdb_req *r);
/* Send the queue, wait until it is sent; returns the entries refused */
int fdb_batch_flush(struct vtep_ctx *ctx);

struct stats_req {
	uint64_t set;
	char dev[IFNAMSIZ];
	uint32_t vni;
	uint8_t format;			/* STATS_FMT_*: -o */
};
enum { STATS_SHOW };
enum { STATS_FMT_TEXT, STATS_FMT_PROM };
extern const struct vtep_object stats_object;
extern const char *const vtep_stat_names[];
/* A VTEP_A_STATS nest: text lines, JSON "stats64" and "vtep_stats" */
void print_counters(const struct nlattr *nest);
/* -s vni show: each VNI (r->vni, or all) of r->dev (or all) and its counters */
struct vni_req;
int vni_show_stats(struct vtep_ctx *ctx, const struct vni_req *r);

/* prom.c: counter i of enum vtep_stat as a Prometheus family */
struct prom_metric {
	const char *family;	/* less "vtep_" (or "vtep_vni_") and "_total" */
	const char *help;
	bool drop;		/* labelled reason=its name less "drop_" */
};
extern const struct prom_metric prom_metrics[__VTEP_STAT_MAX];
/* stats -o prom: every device (or r->dev), and each of its VNIs (or r->vni) */
int prom_run(struct vtep_ctx *ctx, const struct stats_req *r);

struct flows_req {
	uint64_t set;
	char dev[IFNAMSIZ];
};
enum { FLOWS_SHOW };
extern const struct vtep_object flows_object;
int flow_print(const struct nlmsghdr *nlh, void *data);

/* showconf.c: a device's configuration as -batch lines */
struct showconf_req {
	uint64_t set;
	char dev[IFNAMSIZ];
	uint8_t owner;			/* enum vtep_owner, if has_owner */
	bool has_owner;
};
extern const struct vtep_object showconf_object;
/* ifname's lines (every owner's) in *text, to free: 0, 1 if there is no
 * such device (*text NULL), -1 on failure (said) */
int showconf_read(struct vtep_ctx *ctx, const char *ifname, char **text);

/* syncconf.c: make a device what a showconf file says */
struct syncconf_req {
	uint64_t set;
	char dev[IFNAMSIZ];
	char file[256];
	uint8_t owner;			/* enum vtep_owner, if has_owner */
	bool has_owner, dry_run;
};
extern const struct vtep_object syncconf_object;

struct monitor_req {
	uint64_t set;
	char dev[IFNAMSIZ];
	bool dump, noresync;
	int timestamp;			/* the context's -t (1) or -ts (2) */
};
extern const struct vtep_object monitor_object;
struct timeval;
/* -t, -ts: where the time comes from (gettimeofday; the tests' own) */
extern void (*monitor_clock)(struct timeval *tv);
int monitor_parse(int argc, char **argv, struct monitor_req *r);
int monitor_print_event(const struct nlmsghdr *nlh, void *data);
const char *event_name(unsigned int ev);

/* ---- batch.c: reading a -batch file ----------------------------------- */

#define BATCH_MAX_ARGS 64

int makeargs(char *line, char **argv, int max);
int makeargs_padded(char *line, char **argv, int max);
/* Hand each line of file to line() (which returns an exit status),
 * stopping at the first failure unless ctx->force; flush() sends what was
 * queued, before a refusal and at the end. Returns 0, or the status of the
 * first line that failed. */
int batch_read(struct vtep_ctx *ctx, const char *file,
	       int (*line)(struct vtep_ctx *ctx, int argc, char **argv),
	       int (*flush)(struct vtep_ctx *ctx));

/* Room for any object's request: -batch parses a line without malloc */
union vtep_any_req {
	struct link_req link;
	struct vni_req vni;
	struct remote_req remote;
	struct peer_req peer;
	struct alias_req alias;
	struct fdb_req fdb;
	struct neigh_req neigh;
	struct stats_req stats;
	struct flows_req flows;
	struct monitor_req monitor;
	struct showconf_req showconf;
	struct syncconf_req syncconf;
};

#endif /* VTEPCTL_H */
