/* SPDX-License-Identifier: GPL-2.0 */
/*
 * conf.c: a device's configuration as sorted entries, read from showconf's
 * lines, and the changes that turn one such set into another (syncconf).
 */
#ifndef VTEP_CONF_H
#define VTEP_CONF_H

#include "vtepctl.h"

/* Kinds, in the order their changes are applied */
enum { CONF_LINK, CONF_VNI, CONF_ALIAS, CONF_REMOTE, CONF_PEER, CONF_FDB,
       CONF_NEIGH };

/* A link or VNI setting as written: "ageing" "600", "local" "a b" */
struct conf_set {
	char kw[24];
	char val[136];
};

struct conf_entry {
	uint8_t kind;			/* CONF_* */
	uint8_t owner;			/* enum vtep_owner */
	uint8_t plen;			/* peer: prefix length */
	uint8_t mac[6];			/* fdb: key; neigh: lladdr */
	uint32_t vni;
	unsigned int line;		/* in its text, from 1 */
	struct vtep_ip addr;		/* remote, peer, alias, neigh: key */
	struct vtep_ip dst;		/* fdb: dst; alias: its peer */
	char name[IFNAMSIZ];		/* link: the device */
	unsigned int nsets;		/* link, vni: settings */
	struct conf_set *sets;
};

struct conf {
	char dev[IFNAMSIZ];		/* every line must name it */
	struct conf_entry *e;
	unsigned int n, cap;
};

enum { CONF_ADD, CONF_CHANGE, CONF_DEL, CONF_SKIP };

struct conf_change {
	uint8_t op;			/* CONF_ADD ... */
	const struct conf_entry *e;	/* want's (del: cur's) */
	const struct conf_entry *old;	/* cur's, for change and skip */
	char sets[512];			/* change of link, vni: what differs */
};

struct conf_diff {
	struct conf_change *c;		/* in the order to apply them */
	unsigned int n, cap;
};

const char *conf_owner_name(uint8_t owner, char buf[4]);
int conf_owner_parse(const char *s, uint8_t *owner);
const char *conf_kind_name(unsigned int kind);
bool conf_kind_owned(unsigned int kind);

/* Parse text (changed in place) into c (c->dev set); lines without an
 * owner get dflt_owner. Errors name file:line. 0 or -1. */
int conf_parse(struct conf *c, char *text, const char *file,
	       uint8_t dflt_owner);
void conf_sort(struct conf *c);
int conf_check_dups(const struct conf *c, const char *file);
void conf_free(struct conf *c);
int conf_key_cmp(const struct conf_entry *a, const struct conf_entry *b);
const struct conf_set *conf_find_set(const struct conf_entry *e,
				     const char *kw);
void conf_format_key(const struct conf_entry *e, char *buf, size_t len);
void conf_format_value(const struct conf_entry *e, char *buf, size_t len);

/* The changes that make cur (the device) want (the file), for owner */
int conf_diff(const struct conf *want, const struct conf *cur, uint8_t owner,
	      struct conf_diff *d);
void conf_diff_free(struct conf_diff *d);
void conf_format_change(const struct conf_change *c, char *buf, size_t len);

#endif /* VTEP_CONF_H */
