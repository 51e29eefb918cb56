// SPDX-License-Identifier: GPL-2.0
/*
 * cli.c: dispatch, and the agreement of help, man page and parser: every
 * command and keyword an object's parser accepts is in its help text and
 * in vtepctl.8, so neither can fall behind the code.
 */
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <linux/rtnetlink.h>

#include "unit.h"

/* w as a whole word of text: not inside a longer keyword like max-fdb */
static bool has_word(const char *text, const char *w)
{
	size_t n = strlen(w);

	for (const char *p = strstr(text, w); p; p = strstr(p + 1, w)) {
		char before = p == text ? ' ' : p[-1];
		char after = p[n];

		if (!isalnum((unsigned char)before) && before != '-' &&
		    before != '_' && !isalnum((unsigned char)after) &&
		    after != '-' && after != '_')
			return true;
	}
	return false;
}

static unsigned int nobjects(void)
{
	unsigned int n = 0;

	while (vtep_objects[n])
		n++;
	return n;
}

START_TEST(help_lists_every_keyword)
{
	const struct vtep_object *o = vtep_objects[_i];

	for (int i = 0; o->ops && o->ops[i].name; i++)
		ck_assert_msg(has_word(o->help, o->ops[i].name),
			      "\"%s help\" does not list command \"%s\"",
			      o->name, o->ops[i].name);
	for (const struct kw *k = o->kws; k && k->name; k++)
		ck_assert_msg(has_word(o->help, k->name),
			      "\"%s help\" does not list \"%s\"", o->name,
			      k->name);
	ck_assert_msg(!strncmp(o->help, "Usage: vtepctl ", 15),
		      "\"%s help\" does not start with the usage", o->name);
}
END_TEST

/* The dispatcher parses into a buffer of vtep_req_room() bytes */
START_TEST(request_fits_the_dispatcher)
{
	const struct vtep_object *o = vtep_objects[_i];

	ck_assert_msg(o->req_size <= vtep_req_room(),
		      "struct %s_req (%zu bytes) is not in union vtep_any_req",
		      o->name, o->req_size);
}
END_TEST

START_TEST(usage_lists_every_object)
{
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);

	vtep_usage(f);
	fclose(f);
	for (unsigned int i = 0; vtep_objects[i]; i++)
		ck_assert_msg(has_word(text, vtep_objects[i]->name),
			      "usage lacks \"%s\"", vtep_objects[i]->name);
	ck_assert(has_word(text, "-json") || strstr(text, "-j[son]"));
	free(text);
}
END_TEST

/* A man page of userspace/ (NAME: "vtepctl.8"), groff's escapes taken out */
static char *man_page_of(const char *name)
{
	static const char *const dirs[] = { "userspace", "../userspace",
					    "../../userspace" };
	char *text = NULL, *out, path[128];
	size_t len = 0, j = 0;
	FILE *f = NULL;

	for (unsigned int i = 0; i < ARRAY_SIZE(dirs) && !f; i++) {
		snprintf(path, sizeof(path), "%s/%s", dirs[i], name);
		f = fopen(path, "r");
	}
	ck_assert_msg(f != NULL, "%s not found", name);
	ck_assert(getdelim(&text, &len, 0, f) > 0);
	fclose(f);
	out = malloc(strlen(text) + 1);
	for (size_t i = 0; text[i]; i++) {
		if (text[i] == '\\' && text[i + 1] == 'f' && text[i + 2]) {
			i += 2;		/* \fB \fI \fR \fP */
			continue;
		}
		if (text[i] == '\\' && (text[i + 1] == '-' || text[i + 1] == '&' ||
					text[i + 1] == '|')) {
			i++;
			if (text[i] == '-')
				out[j++] = '-';
			continue;
		}
		out[j++] = text[i];
	}
	out[j] = 0;
	free(text);
	return out;
}

static char *man_page(void)
{
	return man_page_of("vtepctl.8");
}

START_TEST(man_page_lists_every_keyword)
{
	const struct vtep_object *o = vtep_objects[_i];
	char *man = man_page();

	ck_assert_msg(has_word(man, o->name), "vtepctl.8 lacks object \"%s\"",
		      o->name);
	for (int i = 0; o->ops && o->ops[i].name; i++)
		ck_assert_msg(has_word(man, o->ops[i].name),
			      "vtepctl.8 lacks command \"%s %s\"", o->name,
			      o->ops[i].name);
	for (const struct kw *k = o->kws; k && k->name; k++)
		ck_assert_msg(has_word(man, k->name),
			      "vtepctl.8 lacks \"%s\" of \"%s\"", k->name,
			      o->name);
	free(man);
}
END_TEST

START_TEST(man_page_lists_options)
{
	static const char *const opts[] = { "-j", "-json", "-p", "-pretty",
					    "-s", "-statistics", "-d", "-details",
					    "-t", "-timestamp", "-ts", "-tshort",
					    "-batch", "-force", "-ignore-missing",
					    "-V", "-version", "-h", "-help" };
	char *man = man_page();

	for (unsigned int i = 0; i < ARRAY_SIZE(opts); i++)
		ck_assert_msg(strstr(man, opts[i]), "vtepctl.8 lacks %s", opts[i]);
	for (const char *s = "NAME\0SYNOPSIS\0DESCRIPTION\0OPTIONS\0COMMANDS\0"
			     "EXAMPLES\0EXIT STATUS\0SEE ALSO\0"; *s; s += strlen(s) + 1)
		ck_assert_msg(strstr(man, s), "vtepctl.8 lacks section %s", s);
	free(man);
}
END_TEST

/* The man page's section NAME: from its .SH line to the next one */
static char *man_section(const char *man, const char *name)
{
	char head[64];
	const char *p, *end;

	snprintf(head, sizeof(head), ".SH %s\n", name);
	p = strstr(man, head);
	ck_assert_msg(p != NULL, "the man page lacks section %s", name);
	p += strlen(head);
	end = strstr(p, "\n.SH ");
	return strndup(p, end ? (size_t)(end - p) : strlen(p));
}

/* Each exit status is in the man page's EXIT STATUS and in the usage */
/* The man page's title line names the version vtepctl is built with
 * (VTEPCTL_VERSION, from the VERSION file, as debian/changelog's must be) */
START_TEST(man_page_version)
{
	char *man = man_page(), want[64];
	char *th = strstr(man, ".TH ");

	snprintf(want, sizeof(want), "\"vtep %s\"", VTEPCTL_VERSION);
	ck_assert_msg(th != NULL, "vtepctl.8 has no .TH line");
	*strchrnul(th, '\n') = 0;
	ck_assert_msg(strstr(th, want), "vtepctl.8's %s does not name %s", th, want);
	free(man);
}
END_TEST

START_TEST(exit_statuses_documented)
{
	static const char *const codes[] = { "0", "1", "2", "3" };
	char *man = man_page(), *sec = man_section(man, "EXIT STATUS");
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);

	vtep_usage(f);
	fclose(f);
	for (unsigned int i = 0; i < ARRAY_SIZE(codes); i++) {
		ck_assert_msg(has_word(sec, codes[i]),
			      "EXIT STATUS lacks %s", codes[i]);
		ck_assert_msg(has_word(text, codes[i]), "usage lacks %s",
			      codes[i]);
	}
	ck_assert_msg(strstr(sec, "-batch"), "EXIT STATUS lacks -batch");
	ck_assert_msg(strstr(text, "-ignore-missing"), "usage lacks -ignore-missing");
	free(text);
	free(sec);
	free(man);
}
END_TEST

/* ip(8)'s numbers, not only the names: 1 a syntax error, 2 the kernel's */
START_TEST(exit_statuses_are_ips)
{
	struct fake f = { .err = -EEXIST };
	struct cap c;

	ck_assert_int_eq(VTEP_EXIT_USAGE, 1);
	ck_assert_int_eq(VTEP_EXIT_REFUSED, 2);
	ck_assert_int_eq(run_cmd("vni add 0 dev vtep0 untagged", &f, false, &c), 1);
	ck_assert_uint_eq(f.n, 0);
	cap_free(&c);
	ck_assert_int_eq(run_cmd("vni add 1 dev vtep0 untagged", &f, false, &c), 2);
	ck_assert_uint_eq(f.n, 1);
	cap_free(&c);
}
END_TEST

/*
 * Every JSON key a show prints is in the man page's JSON section: each
 * object's show, run against its stand-in kernel, and monitor's "event".
 */
static const struct {
	const char *line;
	int (*reply)(struct fake *f, struct nlmsghdr *req, nl_cb cb,
		     void *data, struct nl_ext *ext);
} json_shows[] = {
	{ "link show vtep0", link_reply },
	{ "vni show dev vtep0", vni_reply },
	{ "remote show dev vtep0", remote_reply },
	{ "fdb show dev vtep0", fdb_reply },
	{ "stats show dev vtep0 vni 100", stats_reply },
};

static bool is_counter(const char *key)
{
	for (unsigned int i = 0; vtep_stat_names[i]; i++)
		if (!strcmp(vtep_stat_names[i], key))
			return true;
	return !strncmp(key, "stat_", 5);
}

START_TEST(man_page_lists_json_keys)
{
	struct fake f = { .reply = json_shows[_i].reply };
	char *man = man_page_of("vtepctl-json.7"), *sec = man_section(man, "JSON");
	struct cap c;

	ck_assert_int_eq(run_cmd(json_shows[_i].line, &f, true, &c), 0);
	for (const char *p = strchr(c.obuf, '"'); p; p = strchr(p, '"')) {
		const char *end = strchr(p + 1, '"');
		char key[64];

		ck_assert(end != NULL);
		snprintf(key, sizeof(key), "%.*s", (int)(end - p - 1), p + 1);
		p = end + 1;
		if (*p != ':')
			continue;	/* a string value, not a key */
		ck_assert_msg(is_counter(key) || has_word(sec, key),
			      "\"%s\": JSON key \"%s\" is not in vtepctl-json.7's JSON section",
			      json_shows[_i].line, key);
	}
	ck_assert(has_word(sec, "event"));
	cap_free(&c);
	free(sec);
	free(man);
}
END_TEST

/*
 * -ignore-missing: a del (or flush) the kernel answers with ENOENT (the
 * object or its VNI is not there) or ENODEV (nor its device) succeeds in
 * silence; any other refusal, and any other command, still fails.
 */
static int gone_on_dellink(struct fake *f, struct nlmsghdr *req, nl_cb cb,
			   void *data, struct nl_ext *ext)
{
	char b[256];

	if (req->nlmsg_type == RTM_DELLINK)
		return -ENODEV;		/* deleted meanwhile */
	cb(reply_start(b, VTEP_CMD_LINK_GET, "vtep0", 7), data);
	return 0;
}

static const struct {
	const char *line;
	bool ignore;
	int kerr;
	int ret;
	const char *err;
	unsigned int sent;
} missing_cases[] = {
	{ "fdb del 02:00:00:00:00:01 vni 1 dev vtep0", true, -ENOENT, 0, "", 1 },
	{ "fdb del 02:00:00:00:00:01 vni 1 dev vtep0", false, -ENOENT, VTEP_EXIT_REFUSED,
	  "Error: fdb 02:00:00:00:00:01 vni 1 dev vtep0: does not exist\n", 1 },
	/* absent, or pointing elsewhere: both ENOENT */
	{ "fdb del 02:00:00:00:00:01 vni 1 dev vtep0 dst 192.0.2.9", true,
	  -ENOENT, 0, "", 1 },
	{ "fdb del 02:00:00:00:00:01 vni 1 dev vtep0 dst 192.0.2.9", false,
	  -ENOENT, VTEP_EXIT_REFUSED,
	  "Error: fdb 02:00:00:00:00:01 vni 1 dev vtep0: does not exist\n", 1 },
	{ "fdb del 02:00:00:00:00:01 vni 1 dev gone0", true, -ENODEV, 0, "", 1 },
	{ "remote del 192.0.2.2 vni 1 dev vtep0", true, -ENOENT, 0, "", 1 },
	{ "vni del 1 dev vtep0", true, -ENOENT, 0, "", 1 },
	{ "vni del 1 dev gone0", true, -ENODEV, 0, "", 1 },
	{ "fdb flush dev vtep0 vni 9", true, -ENOENT, 0, "", 1 },
	{ "link del gone0", true, -ENODEV, 0, "", 1 },	/* no RTM_DELLINK */
	{ "link del gone0", false, -ENODEV, VTEP_EXIT_REFUSED,
	  "Error: link gone0: no such device\n", 1 },
	/* refusals that are not "absent" */
	{ "link del lo", true, -EOPNOTSUPP, VTEP_EXIT_REFUSED,
	  "Error: link lo: operation not supported\n", 1 },
	{ "vni del 1 dev vtep0", true, -EPERM, VTEP_EXIT_REFUSED,
	  "Error: vni 1 dev vtep0: operation not permitted (CAP_NET_ADMIN is needed)\n", 1 },
	/* commands that do not delete */
	{ "fdb add 02:00:00:00:00:01 vni 1 dst 192.0.2.2 dev vtep0", true,
	  -ENOENT, VTEP_EXIT_REFUSED, "Error: fdb 02:00:00:00:00:01 vni 1 dev vtep0: does not exist\n", 1 },
	{ "vni set 1 dev vtep0 flood off", true, -ENOENT, VTEP_EXIT_REFUSED,
	  "Error: vni 1 dev vtep0: does not exist\n", 1 },
	{ "vni show 1 dev vtep0", true, -ENOENT, VTEP_EXIT_REFUSED,
	  "Error: vni 1 dev vtep0: does not exist\n", 1 },
};

START_TEST(ignore_missing)
{
	struct vtep_ctx opts = { .ignore_missing = missing_cases[_i].ignore };
	struct fake f = { .err = missing_cases[_i].kerr };
	struct cap c;
	int r;

	r = run_cmd_opts(missing_cases[_i].line, &f, &opts, &c);
	ck_assert_msg(r == missing_cases[_i].ret, "\"%s\": returned %d",
		      missing_cases[_i].line, r);
	ck_assert_str_eq(c.ebuf, missing_cases[_i].err);
	ck_assert_uint_eq(f.n, missing_cases[_i].sent);
	cap_free(&c);
}
END_TEST

/* A device deleted between link del's lookup and its RTM_DELLINK */
START_TEST(ignore_missing_link_race)
{
	struct vtep_ctx opts = { .ignore_missing = true };
	struct fake f = { .reply = gone_on_dellink };
	struct cap c;

	ck_assert_int_eq(run_cmd_opts("link del vtep0", &f, &opts, &c), 0);
	ck_assert_uint_eq(f.n, 2);
	ck_assert_str_eq(c.ebuf, "");
	cap_free(&c);
	opts.ignore_missing = false;
	memset(&f, 0, sizeof(f));
	f.reply = gone_on_dellink;
	ck_assert_int_eq(run_cmd_opts("link del vtep0", &f, &opts, &c),
			 VTEP_EXIT_REFUSED);
	ck_assert_str_eq(c.ebuf, "Error: link vtep0: no such device\n");
	cap_free(&c);
}
END_TEST

/* Without the family (module not loaded): 3; any other failure: 1 */
START_TEST(status_of_a_missing_module)
{
	struct vtep_ctx ctx = { .nl_err = -ENOENT };

	ck_assert_int_eq(ctx_status(&ctx), VTEP_EXIT_NO_MODULE);
	ctx.nl_err = -EPERM;
	ck_assert_int_eq(ctx_status(&ctx), VTEP_EXIT_REFUSED);
	ctx.nl_err = -ENOENT;
	ctx.nl = nl_fake(fake_kernel, NULL);	/* open: ENOENT is the kernel's */
	ck_assert_int_eq(ctx_status(&ctx), VTEP_EXIT_REFUSED);
	nl_close(ctx.nl);
}
END_TEST

/* Global options: an unknown one, or -batch without a file, is usage */
static const struct {
	const char *args;
	int ret;
	const char *err;
} option_cases[] = {
	{ "-x link show", VTEP_EXIT_USAGE,
	  "Option \"-x\" is unknown, try \"vtepctl help\".\n" },
	{ "-batch", VTEP_EXIT_USAGE,
	  "Error: \"-batch\" needs a file name or \"-\"\n" },
	{ "-batch - link show", VTEP_EXIT_USAGE,
	  "Error: \"-batch\" takes no command line command\n" },
	{ "-ignore-missing -j link frob", VTEP_EXIT_USAGE,
	  "Command \"frob\" is unknown, try \"vtepctl link help\".\n" },
	{ "--ignore-missing vni add 0 dev vtep0 untagged", VTEP_EXIT_USAGE,
	  "Error: argument \"0\" is wrong: VNI must be 1-16777215\n" },
	{ "-n", VTEP_EXIT_USAGE,
	  "Error: \"-n\" needs a network namespace\n" },
	{ "-netns /nonexistent/vtep-unit link show", VTEP_EXIT_USAGE,
	  "Error: cannot open network namespace \"/nonexistent/vtep-unit\": "
	  "No such file or directory\n" },
	/* ip's -s, -d, -t, -ts (and -p) are options, in short and long form */
	{ "-s -d -t -ts -stats -statistics -details -timestamp -tshort -p -x link show",
	  VTEP_EXIT_USAGE, "Option \"-x\" is unknown, try \"vtepctl help\".\n" },
	{ "-n /dev/null link show", VTEP_EXIT_USAGE,
	  "Error: cannot enter network namespace \"/dev/null\": Invalid argument\n" },
};

START_TEST(options)
{
	char line[256], buf[256], *argv[16];
	struct cap c;
	int argc, r;

	snprintf(line, sizeof(line), "vtepctl %s", option_cases[_i].args);
	argc = split(line, buf, sizeof(buf), argv, 15);
	cap_begin(&c, false, false);
	r = vtepctl_main(argc, argv);
	cap_end(&c);
	ck_assert_msg(r == option_cases[_i].ret, "\"%s\": returned %d",
		      option_cases[_i].args, r);
	ck_assert_str_eq(c.ebuf, option_cases[_i].err);
	cap_free(&c);
}
END_TEST

/*
 * -p alone is no -j (ip's -p only pretty-prints JSON): "-o prom", which
 * refuses -j while parsing, is not refused for -p. (What it does next, on
 * this host's netlink, does not matter here.)
 */
START_TEST(pretty_alone_is_no_json)
{
	char line[] = "vtepctl -p stats show -o prom dev vtepunit0", buf[128];
	char *argv[16];
	struct cap c;
	int argc, r;

	argc = split(line, buf, sizeof(buf), argv, 15);
	cap_begin(&c, false, false);
	r = vtepctl_main(argc, argv);
	cap_end(&c);
	ck_assert_msg(!strstr(c.ebuf, "cannot be used together"),
		      "-p was taken for -j: %s", c.ebuf);
	ck_assert_int_ne(r, VTEP_EXIT_USAGE);
	cap_free(&c);

	snprintf(line, sizeof(line), "vtepctl -j -p stats show -o prom");
	argc = split(line, buf, sizeof(buf), argv, 15);
	cap_begin(&c, false, false);
	r = vtepctl_main(argc, argv);
	cap_end(&c);
	ck_assert_int_eq(r, VTEP_EXIT_USAGE);
	ck_assert_str_eq(c.ebuf, "Error: \"-o prom\" and \"-j\" cannot be used together\n");
	cap_free(&c);
}
END_TEST

/* -V: the module's version from sysfs, or why there is none */
START_TEST(module_versions)
{
	char dir[] = "/tmp/vtepctl-unit-mod-XXXXXX", path[64], buf[64];
	char *text = NULL;
	size_t len = 0;
	FILE *f;

	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/version", dir);
	ck_assert_str_eq(module_version("/nonexistent/vtep", buf, sizeof(buf)),
			 "not loaded");
	ck_assert_str_eq(module_version(dir, buf, sizeof(buf)), "unknown");
	f = fopen(path, "w");
	fputs("0.2.0\n", f);
	fclose(f);
	ck_assert_str_eq(module_version(dir, buf, sizeof(buf)), "0.2.0");

	f = open_memstream(&text, &len);
	print_version(f, dir);
	fclose(f);
	ck_assert_str_eq(text, "vtepctl " VTEPCTL_VERSION " (genl family \"vtep\" version 2)\n"
			 "vtep module: 0.2.0\n");
	free(text);
	unlink(path);
	rmdir(dir);
}
END_TEST

static const struct {
	const char *line;
	int ret;
	const char *out;	/* prefix of stdout */
	const char *err;
} dispatch_cases[] = {
	{ "frob", VTEP_EXIT_USAGE, "", "Object \"frob\" is unknown, try \"vtepctl help\".\n" },
	{ "vni frob", VTEP_EXIT_USAGE, "", "Command \"frob\" is unknown, try \"vtepctl vni help\".\n" },
	{ "Vni show", VTEP_EXIT_USAGE, "", "Object \"Vni\" is unknown, try \"vtepctl help\".\n" },
	{ "vn show", VTEP_EXIT_USAGE, "", "Object \"vn\" is unknown, try \"vtepctl help\".\n" },
	{ "help frob", VTEP_EXIT_USAGE, "", "Object \"frob\" is unknown, try \"vtepctl help\".\n" },
	{ "vni help", 0, "Usage: vtepctl vni ", "" },
	{ "fdb add help", 0, "Usage: vtepctl fdb ", "" },
	{ "help fdb", 0, "Usage: vtepctl fdb ", "" },
	{ "monitor help", 0, "Usage: vtepctl monitor ", "" },
};

START_TEST(dispatch)
{
	struct fake f = { 0 };
	char path[] = "/tmp/vtepctl-unit-out-XXXXXX";
	char buf[4096] = "";
	struct cap c;
	FILE *saved;
	int fd, r;

	/* help goes to the real stdout: point it at a file meanwhile */
	fd = mkstemp(path);
	ck_assert_int_ge(fd, 0);
	fflush(stdout);
	saved = stdout;
	stdout = fdopen(fd, "w+");
	r = run_cmd(dispatch_cases[_i].line, &f, false, &c);
	fflush(stdout);
	rewind(stdout);
	buf[fread(buf, 1, sizeof(buf) - 1, stdout)] = 0;
	fclose(stdout);
	stdout = saved;
	unlink(path);
	ck_assert_msg(r == dispatch_cases[_i].ret, "\"%s\": returned %d",
		      dispatch_cases[_i].line, r);
	ck_assert_str_eq(c.ebuf, dispatch_cases[_i].err);
	ck_assert_msg(!strncmp(buf, dispatch_cases[_i].out,
			       strlen(dispatch_cases[_i].out)),
		      "\"%s\": stdout \"%.60s\"", dispatch_cases[_i].line, buf);
	ck_assert_uint_eq(f.n, 0);
	cap_free(&c);
}
END_TEST

Suite *suite_cli(void)
{
	Suite *s = suite_create("cli");
	TCase *tc = tcase_create("cli");

	tcase_add_loop_test(tc, help_lists_every_keyword, 0, (int)nobjects());
	tcase_add_test(tc, usage_lists_every_object);
	tcase_add_loop_test(tc, request_fits_the_dispatcher, 0, (int)nobjects());
	tcase_add_loop_test(tc, man_page_lists_every_keyword, 0, (int)nobjects());
	tcase_add_test(tc, man_page_lists_options);
	tcase_add_loop_test(tc, dispatch, 0, ARRAY_SIZE(dispatch_cases));
	tcase_add_test(tc, exit_statuses_documented);
	tcase_add_test(tc, exit_statuses_are_ips);
	tcase_add_test(tc, man_page_version);
	tcase_add_loop_test(tc, man_page_lists_json_keys, 0,
			    ARRAY_SIZE(json_shows));
	tcase_add_loop_test(tc, ignore_missing, 0, ARRAY_SIZE(missing_cases));
	tcase_add_test(tc, ignore_missing_link_race);
	tcase_add_test(tc, status_of_a_missing_module);
	tcase_add_loop_test(tc, options, 0, ARRAY_SIZE(option_cases));
	tcase_add_test(tc, pretty_alone_is_no_json);
	tcase_add_test(tc, module_versions);
	suite_add_tcase(s, tc);
	return s;
}
