// SPDX-License-Identifier: GPL-2.0
/*
 * Global options and dispatch. The object table is the one list of what
 * vtepctl knows: it generates the usage text and routes every command.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <libmnl/libmnl.h>

#include "vtepctl.h"

static int help_run(int argc, char **argv);

static const struct vtep_object help_object = {
	.name = "help",
	.summary = "this text, or an object's: vtepctl help OBJECT",
	.help = "Usage: vtepctl help [ OBJECT ]\n",
};

const struct vtep_object *const vtep_objects[] = {
	&link_object,
	&vni_object,
	&remote_object,
	&peer_object,
	&alias_object,
	&fdb_object,
	&neigh_object,
	&flows_object,
	&stats_object,
	&monitor_object,
	&showconf_object,
	&syncconf_object,
	&help_object,
	NULL,
};

static const struct vtep_object *find_object(const char *name)
{
	for (int i = 0; vtep_objects[i]; i++)
		if (str_eq(vtep_objects[i]->name, name))
			return vtep_objects[i];
	return NULL;
}

void vtep_usage(FILE *out)
{
	fprintf(out,
		"Usage: vtepctl [ OPTIONS ] OBJECT { COMMAND | help }\n"
		"       vtepctl [ OPTIONS ] -batch FILE\n"
		"where  OBJECT := {");
	for (int i = 0; vtep_objects[i]; i++)
		fprintf(out, "%s %s", i ? " |" : "", vtep_objects[i]->name);
	fprintf(out,
		" }\n"
		"       OPTIONS := { -j[son] | -p[retty] | -s[tatistics] | -d[etails] |\n"
		"                    -t[imestamp] | -ts[hort] | -n[etns] NETNS |\n"
		"                    -batch FILE | -force | -ignore-missing |\n"
		"                    -V[ersion] | -h[elp] }\n"
		"\nObjects:\n");
	for (int i = 0; vtep_objects[i]; i++)
		fprintf(out, "  %-8s %s\n", vtep_objects[i]->name,
			vtep_objects[i]->summary);
	fprintf(out,
		"\n-p: pretty-print the JSON of -j (alone, it does nothing).\n"
		"-s: \"link show\" and \"vni show\" add the counters. -d: accepted, as ip has it;\n"
		"link and vni show print every setting already.\n"
		"-t, -ts: monitor prints a timestamp with each event, as ip monitor.\n"
		"-ignore-missing: del and flush of what is not there succeed.\n"
		"Exit status, as ip(8): 0 done; 1 bad arguments, nothing sent;\n"
		"2 refused by the kernel (or failed running); 3 the vtep module is\n"
		"not loaded.\n"
		"-batch stops at the first line that fails (-force: goes on) and\n"
		"exits with that line's status.\n"
		"\nSee \"vtepctl OBJECT help\" and vtepctl(8).\n");
}

static int help_run(int argc, char **argv)
{
	const struct vtep_object *o;

	if (argc == 0) {
		vtep_usage(stdout);
		return 0;
	}
	o = find_object(argv[0]);
	if (!o) {
		pr_msg("Object \"%s\" is unknown, try \"vtepctl help\".",
		       argv[0]);
		return -1;
	}
	fputs(o->help, stdout);
	return 0;
}

/*
 * -batch: queued commands (an object's batch hook) are sent before any
 * other line runs, so lines take effect in file order.
 */
static int flush_queue(struct vtep_ctx *ctx)
{
	const struct vtep_object *o = ctx->queued;

	ctx->queued = NULL;
	return o ? o->flush(ctx) : 0;
}

/* The object's command, or -1 (after saying why), or -2 for "help" */
static int find_cmd(const struct vtep_object *o, int *argc, char ***argv)
{
	int cmd;

	if (!o->ops[0].name)
		return 0;
	if (*argc == 0)
		return o->default_cmd;
	if (str_eq((*argv)[0], "help"))
		return -2;
	/* an option (-o) is no command: the default command's argument */
	if ((*argv)[0][0] == '-')
		return o->default_cmd;
	for (cmd = 0; o->ops[cmd].name; cmd++)
		if (str_eq(o->ops[cmd].name, (*argv)[0]))
			break;
	if (!o->ops[cmd].name) {
		pr_msg("Command \"%s\" is unknown, try \"vtepctl %s help\".",
		       (*argv)[0], o->name);
		return -1;
	}
	(*argc)--;
	(*argv)++;
	return cmd;
}

/* What a command word asks of an existing object: see struct vtep_op */
static uint16_t op_flags(const char *name)
{
	if (!strcmp(name, "add"))
		return NLM_F_CREATE | NLM_F_EXCL;
	if (!strcmp(name, "replace"))
		return NLM_F_CREATE | NLM_F_REPLACE;
	return 0;
}

/* The commands that -ignore-missing makes succeed on what is not there */
static bool op_deletes(const char *name)
{
	return name && (!strcmp(name, "del") || !strcmp(name, "flush"));
}

/* One command once parsed: the object's own run, or build and send */
static int run_cmd(struct vtep_ctx *ctx, const struct vtep_object *o,
		   int cmd, void *req)
{
	const struct vtep_op *op = &o->ops[cmd];
	char buf[MNL_SOCKET_BUFFER_SIZE], what[128];
	struct nlmsghdr *nlh;

	if (!ctx_nl(ctx))
		return -1;
	ctx->missing_ok = ctx->ignore_missing && op_deletes(op->name);
	if (op->run)
		return op->run(ctx, req);
	if (o == &vni_object && cmd == VNI_SHOW && ctx->stats)
		return vni_show_stats(ctx, req);	/* -s */
	if (op->print && o->one && o->one(req))
		return obj_get(ctx, o, req, op->genl, op->print);
	if (op->print)
		return obj_show(ctx, o, req, op->genl, op->print, op->dump);
	nlh = nl_genl_msg(ctx->nl, buf, op->genl, op_flags(op->name));
	if (o->build)
		o->build(nlh, req);
	else
		obj_build(nlh, o, req);
	o->what(req, what, sizeof(what));
	return vtep_request(ctx, nlh, NULL, NULL, what);
}

#define LINE_HELP (-1)	/* the line asks for help */


size_t vtep_req_room(void)
{
	return sizeof(union vtep_any_req);
}

/* Parse: the object, its command, its arguments; 0, LINE_HELP or an exit
 * status. *reqp is the request to run (in room), NULL for the help object. */
static int parse_line(const struct vtep_object *o, int *cmd, int *argc,
		      char ***argv, union vtep_any_req *room, void **reqp)
{
	int err;

	*reqp = NULL;
	if (!o) {
		pr_msg("Object \"%s\" is unknown, try \"vtepctl help\".",
		       (*argv)[-1]);
		return VTEP_EXIT_USAGE;
	}
	if (o == &help_object)
		return 0;
	*cmd = find_cmd(o, argc, argv);
	if (*cmd == -2)
		return LINE_HELP;
	if (*cmd < 0)
		return VTEP_EXIT_USAGE;
	if (o->req_size > sizeof(*room)) {
		pr_err("internal error: the %s request does not fit", o->name);
		return VTEP_EXIT_REFUSED;
	}
	*reqp = room;
	err = obj_parse(o, *cmd, *argc, *argv, *reqp);
	if (err == KW_HELP)
		return LINE_HELP;
	return err ? VTEP_EXIT_USAGE : 0;
}

/*
 * Parse, help, build, request, report: the same for every object. In
 * -batch, errors of this line are held back while earlier lines sit in a
 * queue, whose errors come first. Returns the line's exit status.
 */
int vtep_dispatch(struct vtep_ctx *ctx, int argc, char **argv)
{
	const struct vtep_object *o;
	union vtep_any_req room;
	void *req;
	int cmd = 0, err, queued;

	print_show_flags(ctx->stats, ctx->details);
	err_defer(ctx->queued != NULL);
	o = find_object(argv[0]);
	argc--;
	argv++;
	err = parse_line(o, &cmd, &argc, &argv, &room, &req);
	err_defer(false);
	if (!err && req && ctx->batch_file && o->batch) {
		queued = o->batch(ctx, cmd, req);
		if (queued) {
			if (queued > 0)
				ctx->queued = o;
			return queued > 0 ? 0 : ctx_status(ctx);
		}
	}
	if (flush_queue(ctx) && !ctx->force)
		return VTEP_EXIT_REFUSED;	/* an earlier line's refusal */
	err_emit_deferred();
	if (err == LINE_HELP) {
		fputs(o->help, stdout);
		err = 0;
	} else if (!err && req) {
		err = run_cmd(ctx, o, cmd, req);
		if (err)
			err = err == VTEP_RUN_USAGE ? VTEP_EXIT_USAGE :
			      ctx_status(ctx);
	} else if (!err) {
		err = help_run(argc, argv) ? VTEP_EXIT_USAGE : 0;
	}
	ctx->missing_ok = false;
	return err;
}

int run_batch(struct vtep_ctx *ctx, const char *file)
{
	return batch_read(ctx, file, vtep_dispatch, flush_queue);
}

/* ---- global options ---- */

static bool opt_is(const char *arg, const char *shrt, const char *lng)
{
	if (arg[0] == '-' && arg[1] == '-')
		arg++;
	return (shrt && !strcmp(arg, shrt)) || (lng && !strcmp(arg, lng));
}

/*
 * -n NETNS, as ip has it: enter the network namespace NETNS (a name under
 * /run/netns, as `ip netns add` makes, or a path to a namespace file, as
 * /proc/PID/ns/net) before any socket is opened. Only the network
 * namespace changes; /sys is left as it is (vtepctl reads only the
 * module's directory there, the same in every namespace).
 */
static int netns_enter(const char *name)
{
	char path[PATH_MAX];
	int fd;

	if (!*name || snprintf(path, sizeof(path), strchr(name, '/') ?
			       "%s" : "/run/netns/%s", name) >= (int)sizeof(path)) {
		pr_err("network namespace \"%s\": not a name", name);
		return -1;
	}
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		pr_err("cannot open network namespace \"%s\": %s", name,
		       strerror(errno));
		return -1;
	}
	if (setns(fd, CLONE_NEWNET)) {
		pr_err("cannot enter network namespace \"%s\": %s", name,
		       strerror(errno));
		close(fd);
		return -1;
	}
	close(fd);
	return 0;
}

const char *module_version(const char *sysdir, char *buf, size_t len)
{
	char path[256];
	size_t n;
	FILE *f;

	if (access(sysdir, F_OK))
		return "not loaded";
	snprintf(path, sizeof(path), "%s/version", sysdir);
	f = fopen(path, "r");
	if (!f)
		return "unknown";
	n = fread(buf, 1, len - 1, f);
	fclose(f);
	buf[n] = 0;
	buf[strcspn(buf, "\n")] = 0;
	return buf[0] ? buf : "unknown";
}

/* The tool's version and the loaded module's: they may differ */
void print_version(FILE *out, const char *sysdir)
{
	char buf[64];

	fprintf(out, "vtepctl %s (genl family \"%s\" version %d)\n",
		VTEPCTL_VERSION, VTEP_GENL_NAME, VTEP_GENL_VERSION);
	fprintf(out, "vtep module: %s\n",
		module_version(sysdir, buf, sizeof(buf)));
}

int vtepctl_main(int argc, char **argv)
{
	struct vtep_ctx ctx = { 0 };
	const char *batch = NULL;
	int ret;

	for (argc--, argv++; argc > 0 && argv[0][0] == '-'; argc--, argv++) {
		if (opt_is(argv[0], "-j", "-json")) {
			ctx.json = true;
		} else if (opt_is(argv[0], "-p", "-pretty")) {
			ctx.pretty = true;	/* with -j only, as in ip */
		} else if (opt_is(argv[0], "-s", "-stats") ||
			   opt_is(argv[0], NULL, "-statistics")) {
			ctx.stats = true;
		} else if (opt_is(argv[0], "-d", "-details")) {
			ctx.details = true;
		} else if (opt_is(argv[0], "-t", "-timestamp")) {
			ctx.timestamp = 1;
		} else if (opt_is(argv[0], "-ts", "-tshort")) {
			ctx.timestamp = 2;
		} else if (opt_is(argv[0], NULL, "-force")) {
			ctx.force = true;
		} else if (opt_is(argv[0], NULL, "-ignore-missing")) {
			ctx.ignore_missing = true;
		} else if (opt_is(argv[0], "-n", "-netns")) {
			if (argc < 2) {
				pr_err("\"%s\" needs a network namespace", argv[0]);
				return VTEP_EXIT_USAGE;
			}
			if (netns_enter(argv[1]))
				return VTEP_EXIT_USAGE;
			argc--;
			argv++;
		} else if (opt_is(argv[0], NULL, "-batch")) {
			if (argc < 2) {
				pr_err("\"-batch\" needs a file name or \"-\"");
				return VTEP_EXIT_USAGE;
			}
			batch = argv[1];
			argc--;
			argv++;
		} else if (opt_is(argv[0], "-V", "-version")) {
			print_version(stdout, "/sys/module/vtep");
			return 0;
		} else if (opt_is(argv[0], "-h", "-help")) {
			vtep_usage(stdout);
			return 0;
		} else {
			pr_msg("Option \"%s\" is unknown, try \"vtepctl help\".",
			       argv[0]);
			return VTEP_EXIT_USAGE;
		}
	}
	print_setup(stdout, ctx.json, ctx.pretty);
	if (batch) {
		if (argc > 0) {
			pr_err("\"-batch\" takes no command line command");
			return VTEP_EXIT_USAGE;
		}
		ret = run_batch(&ctx, batch);
	} else if (argc == 0) {
		vtep_usage(stderr);
		ret = VTEP_EXIT_USAGE;
	} else {
		ret = vtep_dispatch(&ctx, argc, argv);
	}
	print_flush();
	nl_close(ctx.nl);
	return ret;
}
