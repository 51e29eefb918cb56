# vtep: `make` builds the module and vtepctl, `make check` tests everything,
# `make help` lists the rest.

CACHE   ?= $(HOME)/.cache/vtep
KERNELS ?= 6.1 6.12
HOSTKDIR := /lib/modules/$(shell uname -r)/build
KDIR    ?= $(if $(wildcard $(HOSTKDIR)/Makefile),$(HOSTKDIR),$(CACHE)/6.1/build)

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

.PHONY: all module modules vtepctl tests check unit demo style sparse \
	deps clean help bench

all: module vtepctl ## build vtep.ko (against KDIR) and vtepctl

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | \
		sed 's/:.*## /\t/' | awk -F'\t' '{ printf "  make %-10s %s\n", $$1, $$2 }'
	@echo "  variables: KDIR=$(KDIR) KERNELS=\"$(KERNELS)\" CACHE=$(CACHE)"

deps: ## install packages and cache Debian's kernels (idempotent)
	@bash scripts/deps.sh

module: ## build vtep.ko against KDIR with W=1
	$(MAKE) -C $(KDIR) M=$(CURDIR) W=1 modules

# One mirror of the module sources per cached kernel, so both build side by
# side: build/<kernel>/vtep.ko.
modules: $(foreach k,$(KERNELS),build/$(k)/vtep.ko) ## build vtep.ko for every cached kernel

build/%/vtep.ko: $(KSRC)
	@mkdir -p $(@D)/kmod $(@D)/uapi/linux
	@find $(@D) -type l -delete
	@ln -sf $(CURDIR)/Kbuild $(@D)/Kbuild
	@for f in kmod/*.c kmod/*.h uapi/linux/vtep.h; do ln -sf $(CURDIR)/$$f $(@D)/$$f; done
	$(MAKE) -C $(CACHE)/$*/build M=$(CURDIR)/$(@D) W=1 $(if $(C),C=$(C)) modules

sparse: ## build the module for every cached kernel with sparse (C=2)
	@for k in $(KERNELS); do rm -f build/$$k/vtep.ko; \
		$(MAKE) --no-print-directory build/$$k/vtep.ko C=2 || exit 1; done

style: ## checkpatch over the module sources
	@perl $(CACHE)/src/scripts/checkpatch.pl --no-tree --terse -f kmod/*.c kmod/*.h || true

vtepctl: userspace/vtepctl ## build the CLI

userspace/vtepctl: userspace/main.c $(USER_SRC) $(USER_HDR)
	$(CC) $(CFLAGS) -o $@ userspace/main.c $(USER_SRC) $(MNL_LIBS)

tests/unit/check_vtepctl: $(UNIT_SRC) $(USER_SRC) $(USER_HDR)
	$(CC) $(CFLAGS) -Itests/unit -o $@ $(UNIT_SRC) $(USER_SRC) \
		$(MNL_LIBS) $(shell pkg-config --libs check)

tests/selftests/%_test: tests/selftests/%_test.c $(SELFTEST_HDR) uapi/linux/vtep.h
	$(CC) $(CFLAGS) -Wno-sign-compare -I$(CACHE)/kselftest -Itests/selftests \
		-o $@ $< $(MNL_LIBS) -lbpf -lelf -lz -lpthread

tests/bpf/%.bpf.o: tests/bpf/%.bpf.c
	clang -O2 -g -target bpf -D__TARGET_ARCH_x86 -I/usr/include/x86_64-linux-gnu \
		-Iuapi -c $< -o $@

tests/bpf/portcount: tests/bpf/portcount.c $(wildcard tests/bpf/*.h)
	$(CC) $(CFLAGS) -o $@ $< -lbpf -lelf -lz

tests: userspace/vtepctl tests/unit/check_vtepctl $(SELFTESTS) $(BPF_OBJS) \
	tests/bpf/portcount

unit: tests/unit/check_vtepctl ## run the unit tests on the host
	CK_TAP_LOG_FILE_NAME=- tests/unit/check_vtepctl

check: ## install, build, run every test (host + VMs), print the summary
	@bash scripts/check.sh

bench: ## one VM: vtep vs kernel vxlan, veth, geneve; table scale (KERNEL=6.1|6.12)
	@KERNEL=$(or $(KERNEL),6.1) bash scripts/bench.sh

demo: ## boot a VM and show the overlay working
	@bash scripts/demo.sh

clean: ## remove build outputs (the kernel cache stays)
	rm -rf build userspace/vtepctl tests/unit/check_vtepctl $(SELFTESTS) \
		tests/bpf/*.o tests/bpf/portcount
	-$(MAKE) -C $(KDIR) M=$(CURDIR) clean >/dev/null 2>&1
