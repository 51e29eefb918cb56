// SPDX-License-Identifier: GPL-2.0
/*
 * insncount: a QEMU TCG plugin that counts, exactly, the guest instructions
 * run between two marks the guest sets, per translated block.
 *
 * Wall-clock rates under TCG spread 2x between runs and a TCG guest has no
 * PMU, so `make bench` could not tell vtep from the kernel's vxlan per
 * packet. Instructions retired can be counted exactly: every translated
 * block gets an inline 64-bit add of 1 each time it runs, and a block's
 * instructions are known at translation. The guest (bench/insnmark.c)
 * opens and closes a window with two marker instructions no compiler
 * emits, `nopl 0x56540001(%rax)` and `nopl 0x56540002(%rax)`; at the close
 * the plugin writes one line per block that ran in the window:
 *
 *	VADDR INSNS EXECS
 *
 * (hex address, decimal counts) to OUT.N, N counting windows from 0, and a
 * last line "total INSNS" over all blocks. Blocks are keyed by address and
 * length, so a block translated again keeps its count.
 *
 * Usage: qemu-system-x86_64 -accel tcg,thread=single \
 *		-plugin insncount.so,out=/path/prefix ...
 * thread=single: one host thread runs every vCPU, so the adds, not atomic,
 * race with nothing, and the window counts every vCPU's work.
 *
 * Debian ships no qemu-plugin.h: what this uses of plugin API version 1
 * (QEMU 7.2) is declared here.
 */
#include <inttypes.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define EXPORT __attribute__((visibility("default")))

typedef uint64_t qemu_plugin_id_t;
struct qemu_plugin_tb;
struct qemu_plugin_insn;
enum qemu_plugin_cb_flags { QEMU_PLUGIN_CB_NO_REGS };
enum qemu_plugin_op { QEMU_PLUGIN_INLINE_ADD_U64 };

void qemu_plugin_register_vcpu_tb_trans_cb(qemu_plugin_id_t id,
	void (*cb)(qemu_plugin_id_t id, struct qemu_plugin_tb *tb));
void qemu_plugin_register_vcpu_tb_exec_inline(struct qemu_plugin_tb *tb,
	enum qemu_plugin_op op, void *ptr, uint64_t imm);
void qemu_plugin_register_vcpu_insn_exec_cb(struct qemu_plugin_insn *insn,
	void (*cb)(unsigned int vcpu, void *udata),
	enum qemu_plugin_cb_flags flags, void *udata);
void qemu_plugin_register_atexit_cb(qemu_plugin_id_t id,
	void (*cb)(qemu_plugin_id_t id, void *udata), void *udata);
size_t qemu_plugin_tb_n_insns(const struct qemu_plugin_tb *tb);
uint64_t qemu_plugin_tb_vaddr(const struct qemu_plugin_tb *tb);
struct qemu_plugin_insn *qemu_plugin_tb_get_insn(const struct qemu_plugin_tb *tb,
						 size_t idx);
const void *qemu_plugin_insn_data(const struct qemu_plugin_insn *insn);
size_t qemu_plugin_insn_size(const struct qemu_plugin_insn *insn);
void qemu_plugin_outs(const char *string);

EXPORT int qemu_plugin_version = 1;

/* A translated block: its count, and the count when the window opened */
struct block {
	uint64_t vaddr;
	uint64_t insns;
	uint64_t execs;
	uint64_t base;
	struct block *next;
};

/* Chained hash by (vaddr, insns); blocks are never freed (the inline adds
 * point into them). */
static struct block **table;
static size_t buckets = 1 << 16, nblocks;
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static char *out;
static int window;		/* windows closed so far */
static bool open_;

/* The marks: nopl disp32(%rax) */
static const uint8_t mark[3] = { 0x0f, 0x1f, 0x80 };
#define MARK_OPEN	0x56540001u
#define MARK_CLOSE	0x56540002u

/* A block's bucket in a table of @n (a power of two) */
static size_t slot(uint64_t vaddr, uint64_t insns, size_t n)
{
	uint64_t h = (vaddr ^ (insns << 48)) * 0x9e3779b97f4a7c15ull;

	return h >> 32 & (n - 1);
}

static void grow(void)
{
	size_t n = buckets * 2, i;
	struct block **t = calloc(n, sizeof(*t)), *b, *next;

	if (!t)
		return;		/* longer chains: slower, still exact */
	for (i = 0; i < buckets; i++)
		for (b = table[i]; b; b = next) {
			size_t s = slot(b->vaddr, b->insns, n);

			next = b->next;
			b->next = t[s];
			t[s] = b;
		}
	free(table);
	table = t;
	buckets = n;
}

static struct block *block_of(uint64_t vaddr, uint64_t insns)
{
	struct block *b;
	size_t s = slot(vaddr, insns, buckets);

	for (b = table[s]; b; b = b->next)
		if (b->vaddr == vaddr && b->insns == insns)
			return b;
	b = calloc(1, sizeof(*b));
	if (!b)
		return NULL;
	b->vaddr = vaddr;
	b->insns = insns;
	b->next = table[s];
	table[s] = b;
	if (++nblocks > buckets)
		grow();
	return b;
}

static void window_open(void)
{
	size_t i;
	struct block *b;

	for (i = 0; i < buckets; i++)
		for (b = table[i]; b; b = b->next)
			b->base = b->execs;
	open_ = true;
}

static void window_close(void)
{
	char path[4096], msg[4200];
	uint64_t total = 0, n;
	struct block *b;
	size_t i;
	FILE *f;

	if (!open_)
		return;
	open_ = false;
	snprintf(path, sizeof(path), "%s.%d", out, window++);
	f = fopen(path, "w");
	if (!f) {
		snprintf(msg, sizeof(msg), "insncount: cannot write %s\n", path);
		qemu_plugin_outs(msg);
		return;
	}
	for (i = 0; i < buckets; i++)
		for (b = table[i]; b; b = b->next) {
			n = b->execs - b->base;
			if (!n)
				continue;
			fprintf(f, "%" PRIx64 " %" PRIu64 " %" PRIu64 "\n",
				b->vaddr, b->insns, n);
			total += n * b->insns;
		}
	fprintf(f, "total %" PRIu64 "\n", total);
	fclose(f);
}

static void on_mark(unsigned int vcpu, void *udata)
{
	(void)vcpu;
	pthread_mutex_lock(&lock);
	if ((uintptr_t)udata == MARK_OPEN)
		window_open();
	else
		window_close();
	pthread_mutex_unlock(&lock);
}

static void on_translate(qemu_plugin_id_t id, struct qemu_plugin_tb *tb)
{
	size_t n = qemu_plugin_tb_n_insns(tb), i;
	struct qemu_plugin_insn *insn;
	const uint8_t *p;
	struct block *b;
	uint32_t disp;

	(void)id;
	pthread_mutex_lock(&lock);
	b = block_of(qemu_plugin_tb_vaddr(tb), n);
	pthread_mutex_unlock(&lock);
	if (b)
		qemu_plugin_register_vcpu_tb_exec_inline(tb,
			QEMU_PLUGIN_INLINE_ADD_U64, &b->execs, 1);
	for (i = 0; i < n; i++) {
		insn = qemu_plugin_tb_get_insn(tb, i);
		if (qemu_plugin_insn_size(insn) != 7)
			continue;
		p = qemu_plugin_insn_data(insn);
		if (memcmp(p, mark, sizeof(mark)))
			continue;
		memcpy(&disp, p + 3, sizeof(disp));
		if (disp == MARK_OPEN || disp == MARK_CLOSE)
			qemu_plugin_register_vcpu_insn_exec_cb(insn, on_mark,
				QEMU_PLUGIN_CB_NO_REGS, (void *)(uintptr_t)disp);
	}
}

static void on_exit_(qemu_plugin_id_t id, void *udata)
{
	char msg[128];

	(void)id;
	(void)udata;
	snprintf(msg, sizeof(msg), "insncount: %d windows, %zu blocks\n",
		 window, nblocks);
	qemu_plugin_outs(msg);
}

EXPORT int qemu_plugin_install(qemu_plugin_id_t id, const void *info,
			       int argc, char **argv)
{
	int i;

	(void)info;
	for (i = 0; i < argc; i++)
		if (!strncmp(argv[i], "out=", 4))
			out = strdup(argv[i] + 4);
	if (!out) {
		fprintf(stderr, "insncount: needs out=PREFIX\n");
		return -1;
	}
	table = calloc(buckets, sizeof(*table));
	if (!table)
		return -1;
	qemu_plugin_register_vcpu_tb_trans_cb(id, on_translate);
	qemu_plugin_register_atexit_cb(id, on_exit_, NULL);
	return 0;
}
