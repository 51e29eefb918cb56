// SPDX-License-Identifier: GPL-2.0
/*
 * Global options and dispatch. The object table is the one list of what
 * vtepctl knows: it generates the usage text and routes every command.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <libmnl/libmnl.h>

#include "vtepctl.h"

static int help_run(struct vtep_ctx *ctx, int cmd, int argc, char **argv);

static const struct vtep_object help_object = {
	.name = "help",
	.summary = "this text, or an object's: vtepctl help OBJECT",
	.help = "Usage: vtepctl help [ OBJECT ]\n",
	.run = help_run,
};

const struct vtep_object *const vtep_objects[] = {
	&link_object,
	&vni_object,
	&remote_object,
	&fdb_object,
	&stats_object,
	&monitor_object,
	&help_object,
	NULL,
};

static const struct vtep_object *find_object(const char *name)
{
	for (int i = 0; vtep_objects[i]; i++)
		if (!strcmp(vtep_objects[i]->name, name))
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
		"       OPTIONS := { -j[son] | -p[retty] | -batch FILE | -force |\n"
		"                    -V[ersion] | -h[elp] }\n"
		"\nObjects:\n");
	for (int i = 0; vtep_objects[i]; i++)
		fprintf(out, "  %-8s %s\n", vtep_objects[i]->name,
			vtep_objects[i]->summary);
	fprintf(out, "\nSee \"vtepctl OBJECT help\" and vtepctl(8).\n");
}

static int help_run(struct vtep_ctx *ctx, int cmd, int argc, char **argv)
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

int find_word(const char *const *words, const char *w)
{
	for (int i = 0; words && words[i]; i++)
		if (!strcmp(words[i], w))
			return i;
	return -1;
}

struct vtep_nl *ctx_nl(struct vtep_ctx *ctx)
{
	if (!ctx->nl)
		ctx->nl = nl_open();
	return ctx->nl;
}

int vtep_dispatch(struct vtep_ctx *ctx, int argc, char **argv)
{
	const struct vtep_object *o;
	int cmd = 0;

	/* in -batch, FDB adds are queued; anything else sends them first */
	if (ctx->fdbb && !(argc >= 2 && !strcmp(argv[0], "fdb") &&
			   (!strcmp(argv[1], "add") ||
			    !strcmp(argv[1], "replace")))) {
		if (fdb_batch_flush(ctx) && !ctx->force)
			return -1;
	}
	o = find_object(argv[0]);
	if (!o) {
		pr_msg("Object \"%s\" is unknown, try \"vtepctl help\".",
		       argv[0]);
		return -1;
	}
	argc--;
	argv++;
	if (o->cmds) {
		if (argc == 0) {
			cmd = o->default_cmd;
		} else if (!strcmp(argv[0], "help")) {
			fputs(o->help, stdout);
			return 0;
		} else {
			cmd = find_word(o->cmds, argv[0]);
			if (cmd < 0) {
				pr_msg("Command \"%s\" is unknown, try \"vtepctl %s help\".",
				       argv[0], o->name);
				return -1;
			}
			argc--;
			argv++;
		}
	}
	return o->run(ctx, cmd, argc, argv);
}

/* ---- helpers shared by the objects' show commands ---- */

struct names {
	char (*name)[IFNAMSIZ];
	unsigned int n, cap;
};

static int names_cb(const struct nlmsghdr *nlh, void *data)
{
	const struct nlattr *tb[VTEP_A_MAX + 1];
	struct names *ns = data;

	attr_parse_genl(nlh, tb, VTEP_A_MAX);
	if (!tb[VTEP_A_IFNAME] ||
	    mnl_attr_validate(tb[VTEP_A_IFNAME], MNL_TYPE_NUL_STRING))
		return 0;
	if (ns->n == ns->cap) {
		unsigned int cap = ns->cap ? ns->cap * 2 : 16;
		void *p = realloc(ns->name, cap * sizeof(*ns->name));

		if (!p)
			return -ENOMEM;
		ns->name = p;
		ns->cap = cap;
	}
	snprintf(ns->name[ns->n++], IFNAMSIZ, "%s",
		 mnl_attr_get_str(tb[VTEP_A_IFNAME]));
	return 0;
}

int for_each_vtep(struct vtep_ctx *ctx, const char *dev,
		  int (*fn)(struct vtep_ctx *ctx, const char *ifname,
			    void *data),
		  void *data)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct names ns = { 0 };
	struct vtep_nl *nl;
	int err = 0, tries = 0;

	nl = ctx_nl(ctx);
	if (!nl)
		return -1;
	if (dev && *dev)
		return fn(ctx, dev, data);
	do {
		ns.n = 0;
		err = nl_dump(nl, nl_genl_msg(nl, buf, VTEP_CMD_LINK_GET, 0),
			      names_cb, &ns);
	} while (err == -EINTR && ++tries < 3);
	if (err && err != -EINTR) {
		nl_perror(nl, "listing vtep devices");
		free(ns.name);
		return -1;
	}
	for (unsigned int i = 0; i < ns.n && !err; i++)
		err = fn(ctx, ns.name[i], data);
	free(ns.name);
	return err ? -1 : 0;
}

int dump_print(struct vtep_ctx *ctx, struct nlmsghdr *nlh, nl_cb cb,
	       void *data)
{
	struct vtep_nl *nl = ctx_nl(ctx);
	int err, tries = 0;

	if (!nl)
		return -1;
	for (;;) {
		print_capture_begin();
		err = nl_dump(nl, nlh, cb, data);
		if (err != -EINTR || ++tries == 3)
			break;
		print_capture_end(false);
	}
	print_capture_end(true);
	if (err == -EINTR) {
		/* the kernel still returns each stable entry exactly once */
		pr_warn("the table kept changing during the dump; entries changed meanwhile may be missing or stale");
		err = 0;
	}
	if (err) {
		const struct nlattr *tb[VTEP_A_MAX + 1];
		char what[IFNAMSIZ + 8] = "";

		/* name the device the dump was of */
		attr_parse_genl(nlh, tb, VTEP_A_MAX);
		if (tb[VTEP_A_IFNAME] &&
		    !mnl_attr_validate(tb[VTEP_A_IFNAME], MNL_TYPE_NUL_STRING))
			snprintf(what, sizeof(what), "dev %s",
				 mnl_attr_get_str(tb[VTEP_A_IFNAME]));
		nl_perror(nl, what[0] ? what : NULL);
		return -1;
	}
	return 0;
}

/* ---- global options ---- */

static bool opt_is(const char *arg, const char *shrt, const char *lng)
{
	if (arg[0] == '-' && arg[1] == '-')
		arg++;
	return (shrt && !strcmp(arg, shrt)) || (lng && !strcmp(arg, lng));
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
			ctx.json = ctx.pretty = true;
		} else if (opt_is(argv[0], NULL, "-force")) {
			ctx.force = true;
		} else if (opt_is(argv[0], NULL, "-batch")) {
			if (argc < 2) {
				pr_err("\"-batch\" needs a file name or \"-\"");
				return 1;
			}
			batch = argv[1];
			argc--;
			argv++;
		} else if (opt_is(argv[0], "-V", "-version")) {
			printf("vtepctl %s (genl family \"%s\" version %d)\n",
			       VTEPCTL_VERSION, VTEP_GENL_NAME,
			       VTEP_GENL_VERSION);
			return 0;
		} else if (opt_is(argv[0], "-h", "-help")) {
			vtep_usage(stdout);
			return 0;
		} else {
			pr_msg("Option \"%s\" is unknown, try \"vtepctl help\".",
			       argv[0]);
			return 1;
		}
	}
	print_setup(stdout, ctx.json, ctx.pretty);
	if (batch) {
		if (argc > 0) {
			pr_err("\"-batch\" takes no command line command");
			return 1;
		}
		ret = run_batch(&ctx, batch);
	} else if (argc == 0) {
		vtep_usage(stderr);
		ret = 1;
	} else {
		ret = vtep_dispatch(&ctx, argc, argv) ? 1 : 0;
	}
	print_flush();
	nl_close(ctx.nl);
	return ret;
}
