// SPDX-License-Identifier: GPL-2.0
/*
 * A device's configuration as a set of entries, read from the lines
 * showconf writes, and the difference between two such sets: what
 * syncconf applies to make the device's state the file's.
 *
 * Both sides are read by the same parser, the device's from showconf's
 * own text: the two then compare entry by entry without a second
 * formatter to drift from the first. Lines are validated by the objects'
 * own keyword tables (obj_parse), so a file line means what -batch would
 * make of it. Settings (the link's, a VNI's) compare as written in
 * showconf's spelling, keyword by keyword.
 *
 * Who owns what: the file defines the link settings, the VNIs and the
 * aliases (none has an owner); of remotes, peers, static FDB entries and
 * neighbours, only the entries of syncconf's owner are deleted or
 * replaced, and an entry of the file whose key another owner holds is
 * reported as skipped.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>

#include "vtepctl.h"
#include "conf.h"

/* An owner's name (parse.c's), or its number in @buf */
const char *conf_owner_name(uint8_t owner, char buf[4])
{
	const char *name = owner_name(owner);

	if (name)
		return name;
	snprintf(buf, 4, "%u", owner);
	return buf;
}

int conf_owner_parse(const char *s, uint8_t *owner)
{
	if (parse_owner(s, owner))
		return invarg("OWNER must be unspec, kernel, user, conf, evpn, hook or 0-255",
			      s);
	return 0;
}

static const char *const kind_names[] = {
	[CONF_LINK] = "link", [CONF_VNI] = "vni", [CONF_ALIAS] = "alias",
	[CONF_REMOTE] = "remote", [CONF_PEER] = "peer", [CONF_FDB] = "fdb",
	[CONF_NEIGH] = "neigh",
};

const char *conf_kind_name(unsigned int kind)
{
	return kind < ARRAY_SIZE(kind_names) ? kind_names[kind] : "?";
}

bool conf_kind_owned(unsigned int kind)
{
	return kind == CONF_REMOTE || kind == CONF_PEER || kind == CONF_FDB ||
	       kind == CONF_NEIGH;
}

void conf_free(struct conf *c)
{
	for (unsigned int i = 0; i < c->n; i++)
		free(c->e[i].sets);
	free(c->e);
	memset(c, 0, sizeof(*c));
}

/* ---- reading lines ---- */

static const struct vtep_object *const kind_objects[] = {
	[CONF_LINK] = &link_object, [CONF_VNI] = &vni_object,
	[CONF_ALIAS] = &alias_object, [CONF_REMOTE] = &remote_object,
	[CONF_PEER] = &peer_object, [CONF_FDB] = &fdb_object,
	[CONF_NEIGH] = &neigh_object,
};

static const struct kw *find_kw(const struct kw *tab, const char *w)
{
	for (const struct kw *k = tab; k->name; k++)
		if (!kw_is_positional(k) && !strcmp(k->name, w))
			return k;
	return NULL;
}

/*
 * Take "owner NAME" out of argv (the keyword tables may not have it), for
 * the kinds that have owners. Returns the new argc, or -1.
 */
static int take_owner(const struct kw *tab, int argc, char **argv,
		      bool owned, uint8_t *owner, bool *given)
{
	int i = 0;

	while (i < argc) {
		const struct kw *k;

		if (owned && !strcmp(argv[i], "owner")) {
			if (*given)
				return invarg("\"owner\" is given twice", argv[i]);
			if (i + 1 == argc)
				return invarg("\"owner\" needs a name", argv[i]);
			if (conf_owner_parse(argv[i + 1], owner))
				return -1;
			*given = true;
			memmove(argv + i, argv + i + 2,
				(size_t)(argc - i - 2) * sizeof(*argv));
			argc -= 2;
			continue;
		}
		k = find_kw(tab, argv[i]);
		i += 1 + (k ? k->nargs : 0);
	}
	return argc;
}

/* A setting: the keyword, its values joined by blanks; "local" repeats */
static int add_set(struct conf_entry *e, const char *kw, char **val, int n)
{
	struct conf_set *s = NULL;
	size_t len;

	for (unsigned int i = 0; i < e->nsets; i++)
		if (!strcmp(e->sets[i].kw, kw))
			s = &e->sets[i];
	if (!s) {
		s = realloc(e->sets, (e->nsets + 1) * sizeof(*s));
		if (!s)
			return -ENOMEM;
		e->sets = s;
		s = &e->sets[e->nsets++];
		snprintf(s->kw, sizeof(s->kw), "%s", kw);
		s->val[0] = 0;
	}
	for (int i = 0; i < n; i++) {
		len = strlen(s->val);
		snprintf(s->val + len, sizeof(s->val) - len, "%s%s",
			 len ? " " : "", val[i]);
	}
	return 0;
}

/* The settings of a link or vni line: every keyword but dev, untagged as
 * vlan's value */
static int take_sets(struct conf_entry *e, const struct kw *tab, int argc,
		     char **argv)
{
	char *untagged = "untagged";
	int i = 0, err = 0;

	while (i < argc && !err) {
		const struct kw *k = find_kw(tab, argv[i]);

		if (!k) {		/* the positional NAME or VNI */
			i++;
			continue;
		}
		if (!strcmp(k->name, "untagged"))
			err = add_set(e, "vlan", &untagged, 1);
		else if (strcmp(k->name, "dev"))
			err = add_set(e, k->name, argv + i + 1, k->nargs);
		i += 1 + k->nargs;
	}
	return err;
}

const struct conf_set *conf_find_set(const struct conf_entry *e,
				     const char *kw)
{
	for (unsigned int i = 0; i < e->nsets; i++)
		if (!strcmp(e->sets[i].kw, kw))
			return &e->sets[i];
	return NULL;
}

static int bad_dev(const char *dev, const char *want)
{
	pr_err("the line is of dev \"%s\", not \"%s\"", dev, want);
	return -1;
}

/* Fill e from the request that obj_parse() made of the line */
static int take_req(struct conf_entry *e, const void *req, const char *dev)
{
	const struct vni_req *v = req;
	const struct remote_req *r = req;
	const struct peer_req *p = req;
	const struct alias_req *a = req;
	const struct fdb_req *f = req;
	const struct neigh_req *n = req;
	const char *name;

	switch (e->kind) {
	case CONF_LINK:
		name = ((const struct link_req *)req)->name;
		snprintf(e->name, sizeof(e->name), "%s", name);
		break;
	case CONF_VNI:
		name = v->dev;
		e->vni = v->vni;
		break;
	case CONF_REMOTE:
		name = r->dev;
		e->vni = r->vni;
		e->addr = r->addr;
		break;
	case CONF_PEER:
		name = p->dev;
		e->vni = p->vni;
		e->addr = p->addr;
		e->plen = (p->set & BIT(VTEP_PEER_A_PREFIX)) ? p->plen :
			  p->addr.family == AF_INET6 ? 128 : 32;
		break;
	case CONF_ALIAS:
		name = a->dev;
		e->addr = a->addr;
		e->dst = a->peer;
		break;
	case CONF_FDB:
		name = f->dev;
		e->vni = f->vni;
		memcpy(e->mac, f->mac, 6);
		e->dst = f->dst;
		if (!e->dst.family) {
			pr_err("an fdb line needs \"dst\"");
			return -1;
		}
		break;
	default:
		name = n->dev;
		e->vni = n->vni;
		e->addr = n->addr;
		memcpy(e->mac, n->mac, 6);
		break;
	}
	return strcmp(name, dev) ? bad_dev(name, dev) : 0;
}

static int conf_push(struct conf *c, const struct conf_entry *e)
{
	if (c->n == c->cap) {
		unsigned int cap = c->cap ? c->cap * 2 : 64;
		struct conf_entry *p = realloc(c->e, cap * sizeof(*p));

		if (!p)
			return -ENOMEM;
		c->e = p;
		c->cap = cap;
	}
	c->e[c->n++] = *e;
	return 0;
}

/* One line's words: "OBJECT add ..." of the kinds showconf writes */
static int parse_words(struct conf *c, int argc, char **argv,
		       unsigned int line, uint8_t dflt_owner)
{
	union vtep_any_req req;	/* the line's request, parsed */
	struct conf_entry e = { .line = line, .owner = dflt_owner };
	const struct vtep_object *o;
	bool given = false;
	unsigned int kind;

	for (kind = 0; kind < ARRAY_SIZE(kind_names); kind++)
		if (!strcmp(argv[0], kind_names[kind]))
			break;
	if (kind == ARRAY_SIZE(kind_names) || argc < 2 ||
	    strcmp(argv[1], "add")) {
		pr_err("only the lines showconf writes can be synced: { link | vni | remote | peer | alias | fdb | neigh } add ...");
		return -1;
	}
	e.kind = (uint8_t)kind;
	o = kind_objects[kind];
	argc = take_owner(o->kws, argc - 2, argv + 2, conf_kind_owned(kind),
			  &e.owner, &given);
	if (argc < 0 || obj_parse(o, 0, argc, argv + 2, &req))
		return -1;
	if (take_req(&e, &req, c->dev))
		return -1;
	if ((kind == CONF_LINK || kind == CONF_VNI) &&
	    take_sets(&e, o->kws, argc, argv + 2)) {
		free(e.sets);
		return -ENOMEM;
	}
	if (conf_push(c, &e)) {
		free(e.sets);
		return -ENOMEM;
	}
	return 0;
}

int conf_parse(struct conf *c, char *text, const char *file,
	       uint8_t dflt_owner)
{
	char *argv[BATCH_MAX_ARGS], *p = text, *nl;
	unsigned int line = 0;
	int argc, err = 0;

	while (p && *p && !err) {
		nl = strchr(p, '\n');
		if (nl)
			*nl = 0;
		line++;
		err_set_location(file, line);
		argc = makeargs(p, argv, BATCH_MAX_ARGS);
		if (argc < 0) {
			pr_err("%s", argc == -1 ? "too many words on the line" :
			       "unterminated quote");
			err = -1;
		} else if (argc > 0) {
			err = parse_words(c, argc, argv, line, dflt_owner);
		}
		if (err == -ENOMEM)
			pr_err("out of memory");
		p = nl ? nl + 1 : NULL;
	}
	err_set_location(NULL, 0);
	if (err)
		return -1;
	conf_sort(c);
	return conf_check_dups(c, file);
}

/* ---- comparing ---- */

static int ip_cmp(const struct vtep_ip *a, const struct vtep_ip *b)
{
	if (a->family != b->family)
		return a->family < b->family ? -1 : 1;
	if (a->family == AF_INET)
		return memcmp(&a->v4, &b->v4, sizeof(a->v4));
	if (a->family == AF_INET6)
		return memcmp(&a->v6, &b->v6, sizeof(a->v6));
	return 0;
}

/* The order entries are applied in, and their identity: kind, then key */
int conf_key_cmp(const struct conf_entry *a, const struct conf_entry *b)
{
	int d;

	if (a->kind != b->kind)
		return a->kind < b->kind ? -1 : 1;
	if (a->vni != b->vni)
		return a->vni < b->vni ? -1 : 1;
	if (a->kind == CONF_FDB)
		return memcmp(a->mac, b->mac, 6);
	d = ip_cmp(&a->addr, &b->addr);
	if (d || a->kind != CONF_PEER)
		return d;
	return a->plen == b->plen ? 0 : a->plen < b->plen ? -1 : 1;
}

static int entry_cmp(const void *a, const void *b)
{
	int d = conf_key_cmp(a, b);

	if (d)
		return d;
	/* keep file order among equal keys, for the duplicate's line */
	return ((const struct conf_entry *)a)->line <
	       ((const struct conf_entry *)b)->line ? -1 : 1;
}

void conf_sort(struct conf *c)
{
	if (c->n)
		qsort(c->e, c->n, sizeof(*c->e), entry_cmp);
}

int conf_check_dups(const struct conf *c, const char *file)
{
	char buf[160];

	for (unsigned int i = 1; i < c->n; i++) {
		if (conf_key_cmp(&c->e[i - 1], &c->e[i]))
			continue;
		conf_format_key(&c->e[i], buf, sizeof(buf));
		pr_at(file, c->e[i].line, "Error",
		      "%s %s is given again (first at line %u)",
		      conf_kind_name(c->e[i].kind), buf, c->e[i - 1].line);
		return -1;
	}
	return 0;
}

/* Whether the values (not the keys) of two entries of a key differ */
static bool value_differs(const struct conf_entry *a,
			  const struct conf_entry *b)
{
	switch (a->kind) {
	case CONF_ALIAS:
	case CONF_FDB:
		return ip_cmp(&a->dst, &b->dst) != 0;
	case CONF_NEIGH:
		return memcmp(a->mac, b->mac, 6) != 0;
	default:
		return false;
	}
}

/* ---- formatting ---- */

void conf_format_key(const struct conf_entry *e, char *buf, size_t len)
{
	char ip[INET6_ADDRSTRLEN], mac[18];

	switch (e->kind) {
	case CONF_LINK:
		snprintf(buf, len, "%s", e->name);
		break;
	case CONF_VNI:
		snprintf(buf, len, "%u", e->vni);
		break;
	case CONF_ALIAS:
		snprintf(buf, len, "%s", format_ip(&e->addr, ip, sizeof(ip)));
		break;
	case CONF_PEER:
		snprintf(buf, len, "%s/%u vni %u",
			 format_ip(&e->addr, ip, sizeof(ip)), e->plen, e->vni);
		break;
	case CONF_FDB:
		snprintf(buf, len, "%s vni %u", format_mac(e->mac, mac),
			 e->vni);
		break;
	default:
		snprintf(buf, len, "%s vni %u",
			 format_ip(&e->addr, ip, sizeof(ip)), e->vni);
		break;
	}
}

/* A setting as a command line has it: vlan untagged is "untagged" */
static size_t put_set(char *buf, size_t len, const struct conf_set *s)
{
	int n;

	if (!strcmp(s->kw, "vlan") && !strcmp(s->val, "untagged"))
		n = snprintf(buf, len, " untagged");
	else
		n = snprintf(buf, len, " %s %s", s->kw, s->val);
	return n < 0 ? 0 : (size_t)n >= len ? len - 1 : (size_t)n;
}

/* What follows the key: " dst IP", " lladdr MAC", " to IP", settings */
void conf_format_value(const struct conf_entry *e, char *buf, size_t len)
{
	char ip[INET6_ADDRSTRLEN], mac[18];
	size_t n = 0;

	buf[0] = 0;
	switch (e->kind) {
	case CONF_ALIAS:
		snprintf(buf, len, " to %s", format_ip(&e->dst, ip, sizeof(ip)));
		break;
	case CONF_FDB:
		snprintf(buf, len, " dst %s", format_ip(&e->dst, ip, sizeof(ip)));
		break;
	case CONF_NEIGH:
		snprintf(buf, len, " lladdr %s", format_mac(e->mac, mac));
		break;
	case CONF_LINK:
	case CONF_VNI:
		for (unsigned int i = 0; i < e->nsets && n + 1 < len; i++)
			n += put_set(buf + n, len - n, &e->sets[i]);
		break;
	}
}

/* ---- the difference ---- */

static int push_change(struct conf_diff *d, uint8_t op,
		       const struct conf_entry *e, const struct conf_entry *old)
{
	if (d->n == d->cap) {
		unsigned int cap = d->cap ? d->cap * 2 : 64;
		struct conf_change *p = realloc(d->c, cap * sizeof(*p));

		if (!p)
			return -ENOMEM;
		d->c = p;
		d->cap = cap;
	}
	d->c[d->n++] = (struct conf_change){ .op = op, .e = e, .old = old };
	return 0;
}

/* The settings of want that cur has not, or has otherwise, in *out */
static int sets_differ(const struct conf_entry *want,
		       const struct conf_entry *cur, char *out, size_t len)
{
	size_t n = 0;

	out[0] = 0;
	for (unsigned int i = 0; i < want->nsets && n + 1 < len; i++) {
		const struct conf_set *s = &want->sets[i];
		const struct conf_set *c = conf_find_set(cur, s->kw);
		const char *v = c ? c->val : NULL;

		if (!v && want->kind == CONF_VNI && !strcmp(s->kw, "group"))
			v = "none";
		if (!v || strcmp(v, s->val))
			n += put_set(out + n, len - n, s);
	}
	/* a VNI line without group means none, as showconf writes it */
	if (want->kind == CONF_VNI && !conf_find_set(want, "group") &&
	    conf_find_set(cur, "group") && n + 1 < len)
		n += put_set(out + n, len - n,
			     &(struct conf_set){ "group", "none" });
	return n > 0;
}

/* The phase a change is applied in: the order that dependencies need */
static int phase(const struct conf_change *c)
{
	const struct conf_entry *e = c->e;

	switch (e->kind) {
	case CONF_LINK:
		return 0;
	case CONF_VNI:
		return c->op == CONF_DEL ? 3 : 1;
	default:
		/* entries out first (their VNI may go), then in */
		return c->op == CONF_DEL ? 2 : c->op == CONF_SKIP ? 5 : 4;
	}
}

static int change_cmp(const void *a, const void *b)
{
	const struct conf_change *x = a, *y = b;
	int px = phase(x), py = phase(y), d;

	if (px != py)
		return px < py ? -1 : 1;
	d = conf_key_cmp(x->e, y->e);
	if (d)
		return d;
	return x->op < y->op ? -1 : x->op > y->op;
}

/* One key: in want only (w), in cur only (c), or both */
static int diff_key(struct conf_diff *d, const struct conf_entry *w,
		    const struct conf_entry *c, uint8_t owner)
{
	const struct conf_entry *k = w ? w : c;
	bool owned = conf_kind_owned(k->kind);
	char sets[sizeof(d->c->sets)];

	if (w && !c)
		return push_change(d, CONF_ADD, w, NULL);
	if (!w)
		return owned && c->owner != owner ? 0 :
		       push_change(d, CONF_DEL, c, NULL);
	if (owned && c->owner != owner)
		return push_change(d, CONF_SKIP, w, c);
	if (k->kind == CONF_LINK || k->kind == CONF_VNI) {
		if (!sets_differ(w, c, sets, sizeof(sets)))
			return 0;
		if (push_change(d, CONF_CHANGE, w, c))
			return -ENOMEM;
		memcpy(d->c[d->n - 1].sets, sets, sizeof(sets));
		return 0;
	}
	return value_differs(w, c) ? push_change(d, CONF_CHANGE, w, c) : 0;
}

/*
 * want (the file) against cur (the device), both sorted. A want entry of
 * another owner than owner is not the file's to apply: it is left out.
 * A link entry of want without one in cur creates the device.
 */
int conf_diff(const struct conf *want, const struct conf *cur, uint8_t owner,
	      struct conf_diff *d)
{
	unsigned int i = 0, j = 0;
	int err = 0;

	memset(d, 0, sizeof(*d));
	while (!err && (i < want->n || j < cur->n)) {
		const struct conf_entry *w = i < want->n ? &want->e[i] : NULL;
		const struct conf_entry *c = j < cur->n ? &cur->e[j] : NULL;
		int cmp = !w ? 1 : !c ? -1 : conf_key_cmp(w, c);

		if (w && conf_kind_owned(w->kind) && w->owner != owner) {
			i++;
			continue;
		}
		if (cmp < 0) {
			err = diff_key(d, w, NULL, owner);
			i++;
		} else if (cmp > 0) {
			/* the device itself is never deleted */
			if (c->kind != CONF_LINK)
				err = diff_key(d, NULL, c, owner);
			j++;
		} else {
			err = diff_key(d, w, c, owner);
			i++;
			j++;
		}
	}
	if (err) {
		conf_diff_free(d);
		return err;
	}
	if (d->n)
		qsort(d->c, d->n, sizeof(*d->c), change_cmp);
	return 0;
}

void conf_diff_free(struct conf_diff *d)
{
	free(d->c);
	memset(d, 0, sizeof(*d));
}

/* "+ fdb 02:.. vni 100 dst 192.0.2.2", "skipped: fdb ... is owned by evpn" */
void conf_format_change(const struct conf_change *c, char *buf, size_t len)
{
	char key[96], val[sizeof(c->sets)], ob[4];
	const char *kind = conf_kind_name(c->e->kind);

	conf_format_key(c->e, key, sizeof(key));
	if (c->op == CONF_SKIP) {
		snprintf(buf, len, "skipped: %s %s is owned by %s", kind, key,
			 conf_owner_name(c->old->owner, ob));
		return;
	}
	if (c->op == CONF_CHANGE && (c->e->kind == CONF_LINK ||
				     c->e->kind == CONF_VNI))
		snprintf(val, sizeof(val), "%s", c->sets);
	else if (c->op == CONF_DEL)
		val[0] = 0;
	else
		conf_format_value(c->e, val, sizeof(val));
	snprintf(buf, len, "%c %s%s%s%s",
		 c->op == CONF_ADD ? '+' : c->op == CONF_DEL ? '-' : '~',
		 kind, key[0] ? " " : "", key, val);
}
