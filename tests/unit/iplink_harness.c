// SPDX-License-Identifier: GPL-2.0
/*
 * The ip plugin (userspace/ip/link_vtep.c) compiled into the unit tests,
 * with stand-ins for what ip gives it: addattr* writing into a message,
 * invarg & co. jumping back here with their message, the json_print calls
 * writing text or compact JSON as vtepctl's print.c does. Its own file:
 * iproute2.h and vtepctl.h declare some names differently. The names ip
 * defines are renamed to iph_* so they clash with nothing of vtepctl's.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#define addattr8 iph_addattr8
#define addattr16 iph_addattr16
#define addattr32 iph_addattr32
#define addattr64 iph_addattr64
#define addattr_l iph_addattr_l
#define addattr_nest iph_addattr_nest
#define addattr_nest_end iph_addattr_nest_end
#define incomplete_command iph_incomplete_command
#define invarg iph_invarg
#define duparg2 iph_duparg2
#define ll_name_to_index iph_ll_name_to_index
#define ll_index_to_name iph_ll_index_to_name
#define is_json_context iph_is_json_context
#define open_json_object iph_open_json_object
#define close_json_object iph_close_json_object
#define open_json_array iph_open_json_array
#define close_json_array iph_close_json_array
#define print_color_uint iph_print_color_uint
#define print_color_u64 iph_print_color_u64
#define print_color_string iph_print_color_string
#define print_color_on_off iph_print_color_on_off
#define print_color_bool iph_print_color_bool
#define print_color_null iph_print_color_null
#define vtep_link_util iph_vtep_link_util

#include "../../userspace/ip/link_vtep.c"

#include "iplink_harness.h"

static jmp_buf iph_jump;
static char iph_err[256];
static FILE *iph_out;
static bool iph_json, iph_first = true;

static void fail(const char *fmt, ...) __attribute__((noreturn, format(printf, 1, 2)));
static void fail(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(iph_err, sizeof(iph_err), fmt, ap);
	va_end(ap);
	longjmp(iph_jump, 1);
}

/* iproute2's lib/utils.c words */
void incomplete_command(void)
{
	fail("Command line is not complete. Try option \"help\"");
}

void invarg(const char *msg, const char *arg)
{
	fail("Error: argument \"%s\" is wrong: %s", arg, msg);
}

void duparg2(const char *key, const char *arg)
{
	fail("Error: either \"%s\" is duplicate, or \"%s\" is a garbage.",
	     key, arg);
}

int addattr_l(struct nlmsghdr *n, int maxlen, int type, const void *data,
	      int alen)
{
	struct rtattr *rta = (void *)((char *)n + NLMSG_ALIGN(n->nlmsg_len));

	if ((int)(NLMSG_ALIGN(n->nlmsg_len) + RTA_ALIGN(RTA_LENGTH(alen))) > maxlen)
		fail("addattr_l: message exceeded bound of %d", maxlen);
	rta->rta_type = (unsigned short)type;
	rta->rta_len = (unsigned short)RTA_LENGTH(alen);
	if (alen)
		memcpy(RTA_DATA(rta), data, (size_t)alen);
	n->nlmsg_len = NLMSG_ALIGN(n->nlmsg_len) + RTA_ALIGN(rta->rta_len);
	return 0;
}

int addattr8(struct nlmsghdr *n, int maxlen, int type, __u8 data)
{
	return addattr_l(n, maxlen, type, &data, 1);
}

int addattr16(struct nlmsghdr *n, int maxlen, int type, __u16 data)
{
	return addattr_l(n, maxlen, type, &data, 2);
}

int addattr32(struct nlmsghdr *n, int maxlen, int type, __u32 data)
{
	return addattr_l(n, maxlen, type, &data, 4);
}

int addattr64(struct nlmsghdr *n, int maxlen, int type, __u64 data)
{
	return addattr_l(n, maxlen, type, &data, 8);
}

struct rtattr *addattr_nest(struct nlmsghdr *n, int maxlen, int type)
{
	struct rtattr *nest = (void *)((char *)n + NLMSG_ALIGN(n->nlmsg_len));

	addattr_l(n, maxlen, type, NULL, 0);
	return nest;
}

int addattr_nest_end(struct nlmsghdr *n, struct rtattr *nest)
{
	nest->rta_len = (unsigned short)((char *)n + NLMSG_ALIGN(n->nlmsg_len) -
					 (char *)nest);
	return n->nlmsg_len;
}

unsigned int ll_name_to_index(const char *name)
{
	return strcmp(name, "lo") ? 0 : 1;
}

const char *ll_index_to_name(unsigned int idx)
{
	return idx == 1 ? "lo" : NULL;
}

/* ---- json_print: text, or JSON in the compact form of vtepctl's ---- */

bool is_json_context(void)
{
	return iph_json;
}

static void key(const char *k)
{
	if (!iph_first)
		fputc(',', iph_out);
	iph_first = false;
	if (k)
		fprintf(iph_out, "\"%s\":", k);
}

void open_json_object(const char *k)
{
	if (!iph_json)
		return;
	key(k);
	fputc('{', iph_out);
	iph_first = true;
}

void close_json_object(void)
{
	if (!iph_json)
		return;
	fputc('}', iph_out);
	iph_first = false;
}

void open_json_array(enum output_type t, const char *k)
{
	if (!iph_json)
		return;
	key(k);
	fputc('[', iph_out);
	iph_first = true;
}

void close_json_array(enum output_type t, const char *delim)
{
	if (!iph_json)
		return;
	fputc(']', iph_out);
	iph_first = false;
}

/* the text of fmt, or the JSON value v (already JSON) under k */
static void out(enum output_type t, const char *k, const char *fmt,
		const char *v, const char *text)
{
	if (iph_json && (t & (PRINT_JSON | PRINT_ANY))) {
		key(k);
		fputs(v, iph_out);
	} else if (!iph_json && (t & (PRINT_FP | PRINT_ANY)) && fmt) {
		fputs(text, iph_out);
	}
}

int print_color_uint(enum output_type t, enum color_attr color,
		     const char *k, const char *fmt, unsigned int value)
{
	return print_color_u64(t, color, k, fmt, value);
}

#pragma GCC diagnostic ignored "-Wformat-nonliteral"
int print_color_u64(enum output_type t, enum color_attr color,
		    const char *k, const char *fmt, unsigned long long value)
{
	char v[32], text[64] = "";

	snprintf(v, sizeof(v), "%llu", value);
	if (fmt)
		snprintf(text, sizeof(text), fmt, value);
	out(t, k, fmt, v, text);
	return 0;
}

int print_color_string(enum output_type t, enum color_attr color,
		       const char *k, const char *fmt, const char *value)
{
	char v[128], text[128] = "";

	snprintf(v, sizeof(v), "\"%s\"", value);
	if (fmt)
		snprintf(text, sizeof(text), fmt, value);
	out(t, k, fmt, v, text);
	return 0;
}

int print_color_bool(enum output_type t, enum color_attr color,
		     const char *k, const char *fmt, bool value)
{
	out(t, k, fmt, value ? "true" : "false", value ? "true" : "false");
	return 0;
}

int print_color_on_off(enum output_type t, enum color_attr color,
		       const char *k, const char *fmt, bool value)
{
	return print_color_bool(t, color, k, fmt, value);
}

int print_color_null(enum output_type t, enum color_attr color,
		     const char *k, const char *fmt, const char *value)
{
	out(t, k, fmt, "null", "");
	return 0;
}

/* ---- what the tests call ---- */

int iph_parse(int argc, char **argv, struct nlmsghdr *n, char *err,
	      size_t errlen)
{
	iph_err[0] = 0;
	if (setjmp(iph_jump)) {
		snprintf(err, errlen, "%s", iph_err);
		return -1;
	}
	if (iph_vtep_link_util.parse_opt(&iph_vtep_link_util, argc, argv, n))
		return snprintf(err, errlen, "usage"), -1;
	return 0;
}

void iph_print(struct rtattr **tb, bool json, char *buf, size_t len)
{
	char *text = NULL;
	size_t n = 0;

	iph_out = open_memstream(&text, &n);
	iph_json = json;
	iph_first = true;
	iph_vtep_link_util.print_opt(&iph_vtep_link_util, iph_out, tb);
	fclose(iph_out);
	snprintf(buf, len, "%s", text);
	free(text);
}

void iph_usage(char *buf, size_t len)
{
	char *text = NULL;
	size_t n = 0;
	FILE *f = open_memstream(&text, &n);

	iph_vtep_link_util.print_help(&iph_vtep_link_util, 0, NULL, f);
	fclose(f);
	snprintf(buf, len, "%s", text);
	free(text);
}
