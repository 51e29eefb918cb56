# vtep: `make` builds the module and vtepctl, `make check` tests everything,
# `make help` lists the rest.

# The cache of Debian kernels, kselftest headers and checkpatch; the scripts
# read the same variable.
VTEP_CACHE ?= $(or $(XDG_CACHE_HOME),$(HOME)/.cache)/vtep
export VTEP_CACHE
KERNELS ?= 6.1 6.12
HOSTKDIR := /lib/modules/$(shell uname -r)/build
KDIR    ?= $(if $(wildcard $(HOSTKDIR)/Makefile),$(HOSTKDIR),$(VTEP_CACHE)/6.1/build)
# make vm-test: which test, on which cached kernel.
T       ?= tests/selftests/control_test
KERNEL  ?= 6.1

CC      ?= gcc
CFLAGS  ?= -O2 -g
CFLAGS  += -Wall -Wextra -Wno-unused-parameter -Wformat=2 -Wshadow \
	   -D_GNU_SOURCE -Iuapi -Iuserspace
MNL_LIBS := $(shell pkg-config --libs libmnl 2>/dev/null || echo -lmnl)

USER_SRC  := $(filter-out userspace/main.c,$(wildcard userspace/*.c))
USER_HDR  := $(wildcard userspace/*.h) uapi/linux/vtep.h
UNIT_SRC  := $(wildcard tests/unit/*.c)
SELFTESTS := $(patsubst %.c,%,$(wildcard tests/selftests/*_test.c))
SELFTEST_HDR := $(wildcard tests/selftests/*.h)
BPF_OBJS  := $(patsubst %.bpf.c,%.bpf.o,$(wildcard tests/bpf/*.bpf.c))
KSRC      := Kbuild $(wildcard kmod/*.c kmod/*.h) uapi/linux/vtep.h

.PHONY: all module cached-modules vtepctl tests check unit vm-test demo \
	style sparse deps clean help soak

all: module vtepctl ## build ./vtep.ko (against KDIR) and vtepctl

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | \
		sed 's/:.*## /\t/' | awk -F'\t' '{ printf "  make %-15s %s\n", $$1, $$2 }'
	@echo "  variables: KDIR=$(KDIR) KERNELS=\"$(KERNELS)\""
	@echo "             VTEP_CACHE=$(VTEP_CACHE) T=$(T) KERNEL=$(KERNEL)"

deps: ## install packages; cache Debian's kernels, kselftest headers, checkpatch (idempotent)
	@bash scripts/deps.sh

# Two builds of the same sources: ./vtep.ko for this machine (insmod it
# here), and build/<kernel>/vtep.ko per cached Debian kernel, side by side,
# for the VM tests (scripts/vm.sh loads build/<kernel>/vtep.ko).
module: ## build ./vtep.ko against KDIR (this host's kernel) with W=1
	$(MAKE) -C $(KDIR) M=$(CURDIR) W=1 modules

cached-modules: $(foreach k,$(KERNELS),build/$(k)/vtep.ko) ## build build/<kernel>/vtep.ko for every cached kernel (VM tests)

build/%/vtep.ko: $(KSRC)
	@mkdir -p $(@D)/kmod $(@D)/uapi/linux
	@find $(@D) -type l -delete
	@ln -sf $(CURDIR)/Kbuild $(@D)/Kbuild
	@for f in kmod/*.c kmod/*.h uapi/linux/vtep.h; do ln -sf $(CURDIR)/$$f $(@D)/$$f; done
	$(MAKE) -C $(VTEP_CACHE)/$*/build M=$(CURDIR)/$(@D) W=1 $(if $(C),C=$(C)) modules

sparse: ## build the module for every cached kernel with sparse (C=2)
	@for k in $(KERNELS); do rm -f build/$$k/vtep.ko; \
		$(MAKE) --no-print-directory build/$$k/vtep.ko C=2 || exit 1; done

style: ## checkpatch over kmod/ (fetched with the kernel cache); an ERROR fails
	@bash scripts/checkpatch.sh

vtepctl: userspace/vtepctl ## build the CLI

userspace/vtepctl: userspace/main.c $(USER_SRC) $(USER_HDR)
	$(CC) $(CFLAGS) -o $@ userspace/main.c $(USER_SRC) $(MNL_LIBS)

tests/unit/check_vtepctl: $(UNIT_SRC) $(USER_SRC) $(USER_HDR)
	$(CC) $(CFLAGS) -Itests/unit -o $@ $(UNIT_SRC) $(USER_SRC) \
		$(MNL_LIBS) $(shell pkg-config --libs check)

tests/selftests/%_test: tests/selftests/%_test.c $(SELFTEST_HDR) uapi/linux/vtep.h
	$(CC) $(CFLAGS) -Wno-sign-compare -I$(VTEP_CACHE)/kselftest -Itests/selftests \
		-o $@ $< $(MNL_LIBS) -lbpf -lelf -lz -lpthread

tests/bpf/%.bpf.o: tests/bpf/%.bpf.c
	clang -O2 -g -target bpf -D__TARGET_ARCH_x86 -I/usr/include/x86_64-linux-gnu \
		-Iuapi -c $< -o $@

# The netlink fuzzer (tests/topo/nlfuzz.sh)
tests/fuzz/%: tests/fuzz/%.c uapi/linux/vtep.h
	$(CC) $(CFLAGS) -o $@ $< $(MNL_LIBS)

tests/bpf/portcount: tests/bpf/portcount.c $(wildcard tests/bpf/*.h)
	$(CC) $(CFLAGS) -o $@ $< -lbpf -lelf -lz

TEST_BINS := userspace/vtepctl tests/unit/check_vtepctl $(SELFTESTS) $(BPF_OBJS) \
	tests/bpf/portcount
FUZZ_BINS := tests/fuzz/nlfuzz
tests: $(TEST_BINS) $(FUZZ_BINS) ## build vtepctl, the unit tests, the selftests and the BPF observers

unit: tests/unit/check_vtepctl ## run the unit tests on the host
	CK_TAP_LOG_FILE_NAME=- tests/unit/check_vtepctl

# One selftest or topology script in a VM, e.g.
#   make vm-test T=tests/topo/learning.sh KERNEL=6.12
vm-test: build/$(KERNEL)/vtep.ko tests ## run test T in a VM on KERNEL (a selftest or tests/topo/*.sh)
	scripts/vm.sh --kernel $(KERNEL) --timeout 900 -- bash scripts/vm-tests.sh $(T)

check: ## install, build, run every test (host + VMs), print the summary
	@bash scripts/check.sh

soak: ## the reliability suites at full size on 6.1, 6.12 and 6.1 PREEMPT_RT (hours)
	@bash scripts/soak.sh

demo: ## boot a VM and show the overlay working
	@bash scripts/demo.sh

clean: ## remove build outputs (the kernel cache stays)
	rm -rf build userspace/vtepctl tests/unit/check_vtepctl $(SELFTESTS) \
		tests/bpf/*.o tests/bpf/portcount $(FUZZ_BINS)
	-$(MAKE) -C $(KDIR) M=$(CURDIR) clean >/dev/null 2>&1
