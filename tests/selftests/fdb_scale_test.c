// SPDX-License-Identifier: GPL-2.0
/*
 * Tables of 100,000 entries, spoken as raw generic netlink: they load,
 * dump each entry exactly once (also while the table resizes), and go
 * away with their device or namespace without a trace in the slab caches.
 * Apart from fdb_test, whose cases are small and quick, so a failure of
 * either says which kind it is.
 */
#include "vtep_fixture.h"

/* ---- teardown ---- */

#define SLABS 4096

struct slabs {
	int n;
	char name[SLABS][64];
	long active[SLABS];
};

static int read_slabs(struct slabs *s)
{
	FILE *f = fopen("/proc/slabinfo", "r");
	char line[512];

	if (!f)
		return -1;
	s->n = 0;
	while (fgets(line, sizeof(line), f) && s->n < SLABS) {
		if (line[0] == '#' || !strncmp(line, "slabinfo", 8))
			continue;
		if (sscanf(line, "%63s %ld", s->name[s->n], &s->active[s->n]) == 2)
			s->n++;
	}
	fclose(f);
	return 0;
}

static long slab_active(const struct slabs *s, const char *name)
{
	int i;

	for (i = 0; i < s->n; i++)
		if (!strcmp(s->name[i], name))
			return s->active[i];
	return 0;
}

/*
 * The kernel has KASAN: its quarantine keeps freed objects counted in
 * /proc/slabinfo a while, so a slab count says nothing of a leak there
 */
static bool kernel_has_kasan(void)
{
	char line[256];
	bool found = false;
	FILE *f = fopen("/proc/kallsyms", "r");

	if (!f)
		return false;
	while (!found && fgets(line, sizeof(line), f))
		found = strstr(line, " kasan_quarantine_put\n") != NULL;
	fclose(f);
	return found;
}

/*
 * Counting objects in the slab caches is the one view of kernel memory a
 * test gets without a debug kernel. The caches that hold the entries are
 * found by their growth while 100,000 entries load (the entry's cache is
 * fdb.c's business, and kmalloc caches are shared), then must come back
 * to within 2% of that growth of where they started: other kernel users
 * of a shared cache move its count a little, a leak moves it by the
 * number of entries. (So no test before these leaves thousands of entries
 * behind to be freed while they count.) Frees after a grace period and namespace cleanup are
 * asynchronous, so the count is polled, for at most a minute.
 */
static void teardown_leaves_no_entries(struct __test_metadata *_metadata,
				       FIXTURE_DATA(vtep_dev) *self,
				       bool whole_netns)
{
	struct slabs *before, *loaded, *after;
	int i, tries, grown = 0, back = 0;

	if (kernel_has_kasan())
		SKIP(return, "KASAN's quarantine holds freed objects: slab counts say nothing");
	before = calloc(1, sizeof(*before));
	loaded = calloc(1, sizeof(*loaded));
	after = calloc(1, sizeof(*after));

	ASSERT_EQ(0, read_slabs(before)) TH_LOG("/proc/slabinfo: %s", strerror(errno));
	ASSERT_OK(vni_new(self->nl, self->ifindex, 100, 10, NULL, 0));
	ASSERT_OK(fdb_load(self->nl, self->ifindex, 100, 0, BIG));
	ASSERT_EQ(0, read_slabs(loaded));
	for (i = 0; i < loaded->n; i++)
		if (loaded->active[i] - slab_active(before, loaded->name[i]) >=
		    BIG * 9 / 10) {
			grown++;
			TH_LOG("%s: %ld -> %ld", loaded->name[i],
			       slab_active(before, loaded->name[i]),
			       loaded->active[i]);
		}
	if (!grown) {
		for (i = 0; i < loaded->n; i++)
			if (loaded->active[i] - slab_active(before, loaded->name[i]) > 1000)
				TH_LOG("%s: %ld -> %ld", loaded->name[i],
				       slab_active(before, loaded->name[i]),
				       loaded->active[i]);
	}
	ASSERT_LT(0, grown) TH_LOG("no slab cache grew by the entries");

	if (whole_netns) {
		vnl_close(self->nl);
		vnl_close(self->rt);
		self->nl = self->rt = NULL;
		ASSERT_EQ(0, setns(self->init_netns, CLONE_NEWNET));
	} else {
		ASSERT_EQ(0, vnl_dellink(self->rt, "vtep0"));
	}
	for (tries = 0; tries < 600 && back < grown; tries++) {
		usleep(100 * 1000);
		ASSERT_EQ(0, read_slabs(after));
		back = 0;
		for (i = 0; i < loaded->n; i++) {
			long b = slab_active(before, loaded->name[i]);

			if (loaded->active[i] - b >= BIG * 9 / 10 &&
			    slab_active(after, loaded->name[i]) - b < BIG / 50)
				back++;
		}
	}
	for (i = 0; i < loaded->n; i++) {
		long b = slab_active(before, loaded->name[i]);

		if (loaded->active[i] - b < BIG * 9 / 10)
			continue;
		EXPECT_GT(BIG / 50, slab_active(after, loaded->name[i]) - b)
			TH_LOG("%s: %ld before, %ld loaded, %ld after",
			       loaded->name[i], b, loaded->active[i],
			       slab_active(after, loaded->name[i]));
	}
	free(before);
	free(loaded);
	free(after);
}

TEST_F_TIMEOUT(vtep_dev, deleting_the_device_with_100000_entries_frees_them, 600)
{
	teardown_leaves_no_entries(_metadata, self, false);
}

TEST_F_TIMEOUT(vtep_dev, deleting_the_namespace_with_100000_entries_frees_them, 600)
{
	teardown_leaves_no_entries(_metadata, self, true);
}

/*
 * A flush shrinks the table in the background, and entries added while it
 * does go to the table being built: a dump then has to walk that one too,
 * or say it did not see everything. Each dump here is read once, not
 * retried: it must hold every entry, or carry NLM_F_DUMP_INTR (an empty
 * dump reported as complete was the failure).
 */
TEST_F_TIMEOUT(vtep_dev, a_dump_during_a_resize_is_whole_or_flagged, 600)
{
	uint8_t *seen = calloc(1, BIG);
	int round, flagged = 0, short_clean = 0;
	struct fdb_seen s;

	ASSERT_OK(vni_new(self->nl, self->ifindex, 100, 10, NULL, 0));
	for (round = 0; round < 30; round++) {
		struct nlmsghdr *nlh;
		uint32_t i, missing = 0;

		ASSERT_OK(fdb_load(self->nl, self->ifindex, 100, 1000, 20000));
		ASSERT_OK(fdb_flush(self->nl, self->ifindex, 0, 0));
		ASSERT_OK(fdb_load(self->nl, self->ifindex, 100, 0, 200));
		nlh = vnl_genl(self->nl, VTEP_CMD_FDB_GET, NLM_F_DUMP,
			       self->ifindex);
		memset(&s, 0, sizeof(s));
		memset(seen, 0, BIG);
		s.seen = seen;
		ASSERT_OK(vnl_run(self->nl, nlh, fdb_seen_cb, &s));
		for (i = 0; i < 200; i++)
			missing += !seen[i];
		if (self->nl->intr) {
			flagged++;
		} else if (missing) {
			short_clean++;
			TH_LOG("round %d: %u of the 200 entries missing, not flagged",
			       round, missing);
		}
		ASSERT_OK(fdb_flush(self->nl, self->ifindex, 0, 0));
	}
	TH_LOG("%d of 30 dumps were flagged", flagged);
	EXPECT_EQ(0, short_clean);
	free(seen);
}

/*
 * Last: its 100,000 entries are freed asynchronously after the test's
 * namespace goes, and would blur the slab counts of the teardown tests.
 */
TEST_F_TIMEOUT(vtep_dev, loads_100000_entries_and_dumps_each_exactly_once, 600)
{
	struct fdb_seen s = { .seen = calloc(1, BIG) };
	struct replies *r = calloc(1, sizeof(*r));
	struct vnl_tb v;
	uint32_t i, missing = 0;

	ASSERT_OK(vni_new(self->nl, self->ifindex, 100, 10, NULL, 0));
	ASSERT_OK(fdb_load(self->nl, self->ifindex, 100, 0, BIG));
	ASSERT_OK(fdb_dump(self->nl, self->ifindex, 0, 0, &s));
	EXPECT_EQ(BIG, s.count);
	EXPECT_EQ(0, s.dups);
	EXPECT_EQ(0, s.bad);
	for (i = 0; i < BIG; i++)
		missing += !s.seen[i];
	EXPECT_EQ(0, missing);
	ASSERT_OK(vni_get(self->nl, self->ifindex, 100, r, &v));
	EXPECT_EQ(BIG, mnl_attr_get_u32(v.a[VTEP_VNI_A_FDB_COUNT]));
	free(s.seen);
	free(r);
}

TEST_HARNESS_MAIN
