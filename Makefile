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

VERSION := $(shell cat VERSION)
# The kernel release KDIR builds for (its utsrelease.h: Debian's 6.1
# headers carry another string in include/config/kernel.release).
KVER     = $(shell sed -n 's/.*UTS_RELEASE "\(.*\)"/\1/p' $(KDIR)/include/generated/utsrelease.h)

# make install: DESTDIR and PREFIX as usual. The ip plugin goes where
# Debian's ip(8) looks for it, whatever the prefix (or set IPLIBDIR and
# run ip with IP_LIB_DIR=...).
PREFIX  ?= /usr/local
SBINDIR ?= $(PREFIX)/sbin
MANDIR  ?= $(PREFIX)/share/man
BASHCOMPDIR ?= $(PREFIX)/share/bash-completion/completions
EXAMPLEDIR ?= $(PREFIX)/share/doc/vtep/examples
SYSTEMDDIR ?= $(PREFIX)/lib/systemd/system
MULTIARCH := $(shell $(or $(CC),gcc) -print-multiarch 2>/dev/null)
IPLIBDIR ?= /usr/lib/$(MULTIARCH)/ip
# The ip binary the plugin's symbols are checked against.
IP      ?= /usr/sbin/ip
# make modules_install: which build of the module to install (./vtep.ko,
# built against KDIR, unless told build/<kernel>/vtep.ko).
MODULE_KO ?= vtep.ko
INSTALL_MOD_PATH ?=
MAN8    := $(firstword $(wildcard userspace/vtepctl.8 vtepctl.8))
# vtep-evpn's python: Debian's, where python3-grpcio and friends are.
PYTHON3 ?= /usr/bin/python3
# gobgp's .proto files (golang-github-osrg-gobgp-dev), for vtep-evpn's stubs.
GOBGP_API ?= /usr/share/gocode/src/github.com/osrg/gobgp/api

CC      ?= gcc
CFLAGS  ?= -O2 -g
CFLAGS  += -Wall -Wextra -Wno-unused-parameter -Wformat=2 -Wshadow \
	   -D_GNU_SOURCE -Iuapi -Iuserspace -DVTEPCTL_VERSION=\"$(VERSION)\"
MNL_LIBS := $(shell pkg-config --libs libmnl 2>/dev/null || echo -lmnl)

USER_SRC  := $(filter-out userspace/main.c,$(wildcard userspace/*.c))
USER_HDR  := $(wildcard userspace/*.h) uapi/linux/vtep.h
UNIT_SRC  := $(wildcard tests/unit/*.c)
SELFTESTS := $(patsubst %.c,%,$(wildcard tests/selftests/*_test.c))
SELFTEST_HDR := $(wildcard tests/selftests/*.h)
BPF_OBJS  := $(patsubst %.bpf.c,%.bpf.o,$(wildcard tests/bpf/*.bpf.c))
KSRC      := Kbuild $(wildcard kmod/*.c kmod/*.h) uapi/linux/vtep.h VERSION

.PHONY: all module cached-modules vtepctl man-link-options tests check unit vm-test mutants demo \
	style sparse deps clean help plugin install modules_install \
	dkms-src dkms-install deb bench bench-insns soak debug-kernel evpn-stubs install-evpn

all: module vtepctl ## build ./vtep.ko (against KDIR) and vtepctl

help: ## list the targets
	@grep -E '^[a-z_-]+:.*## ' $(MAKEFILE_LIST) | \
		sed 's/:.*## /\t/' | awk -F'\t' '{ printf "  make %-15s %s\n", $$1, $$2 }'
	@echo "  variables: KDIR=$(KDIR) KERNELS=\"$(KERNELS)\""
	@echo "             VTEP_CACHE=$(VTEP_CACHE) T=$(T) KERNEL=$(KERNEL)"
	@echo "             VERSION=$(VERSION) PREFIX=$(PREFIX) DESTDIR=$(DESTDIR) IPLIBDIR=$(IPLIBDIR)"

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
	@for f in kmod/*.c kmod/*.h uapi/linux/vtep.h VERSION; do ln -sf $(CURDIR)/$$f $(@D)/$$f; done
	$(MAKE) -C $(VTEP_CACHE)/$*/build M=$(CURDIR)/$(@D) W=1 $(if $(C),C=$(C)) modules

sparse: ## build the module for every cached kernel with sparse (C=2)
	@for k in $(KERNELS); do rm -f build/$$k/vtep.ko; \
		$(MAKE) --no-print-directory build/$$k/vtep.ko C=2 || exit 1; done

style: ## checkpatch over kmod/ (fetched with the kernel cache); an ERROR fails
	@bash scripts/checkpatch.sh

vtepctl: userspace/vtepctl man-link-options ## build the CLI

# vtepctl.8's LINK_OPTIONS block is written from "vtepctl link help", that
# is from userspace/link_opts.h; `make` keeps it current, `make unit` checks
# it and the rest (scripts/link-opts.sh).
man-link-options: userspace/vtepctl
	@scripts/link-opts.sh update userspace/vtepctl $(MAN8)

userspace/vtepctl: userspace/main.c $(USER_SRC) $(USER_HDR)
	$(CC) $(CPPFLAGS) $(CFLAGS) -pthread $(LDFLAGS) -o $@ userspace/main.c $(USER_SRC) $(MNL_LIBS)

# The ip(8) plugin: only vtep_link_util exported, nothing linked but libc
# (ip itself provides the iproute2 functions it calls), checked against $(IP).
plugin: userspace/ip/link_vtep.so ## build the ip link plugin (link_vtep.so), check its symbols against the ip binary IP

userspace/ip/link_vtep.so: userspace/ip/link_vtep.c userspace/ip/iproute2.h uapi/linux/vtep.h \
		userspace/link_opts.c userspace/link_opts.h \
		scripts/ip-plugin-symbols.sh
	$(CC) $(CPPFLAGS) $(CFLAGS) -Iuserspace/ip -fPIC -shared -fvisibility=hidden \
		$(LDFLAGS) -o $@.tmp userspace/ip/link_vtep.c userspace/link_opts.c
	scripts/ip-plugin-symbols.sh $@.tmp $(IP)
	mv $@.tmp $@

install: userspace/vtepctl userspace/ip/link_vtep.so ## install vtepctl, its man page, the ip plugin, completion, examples (DESTDIR, PREFIX)
	install -D -m 755 userspace/vtepctl $(DESTDIR)$(SBINDIR)/vtepctl
	install -D -m 644 $(MAN8) $(DESTDIR)$(MANDIR)/man8/vtepctl.8
	install -D -m 644 userspace/vtepctl-json.7 $(DESTDIR)$(MANDIR)/man7/vtepctl-json.7
	install -D -m 644 userspace/vtep.conf.5 $(DESTDIR)$(MANDIR)/man5/vtep.conf.5
	install -D -m 644 userspace/ip/link_vtep.so $(DESTDIR)$(IPLIBDIR)/link_vtep.so
	install -D -m 644 completion/vtepctl $(DESTDIR)$(BASHCOMPDIR)/vtepctl
	install -d $(DESTDIR)$(SYSTEMDDIR) $(DESTDIR)$(EXAMPLEDIR)
	sed 's|/usr/sbin/vtepctl|$(SBINDIR)/vtepctl|' examples/vtep@.service \
		>$(DESTDIR)$(SYSTEMDDIR)/vtep@.service
	chmod 644 $(DESTDIR)$(SYSTEMDDIR)/vtep@.service
	install -m 755 examples/libvirt-qemu-hook $(DESTDIR)$(EXAMPLEDIR)/libvirt-qemu-hook
	install -m 644 examples/ifupdown-vtep examples/vtep0.conf $(DESTDIR)$(EXAMPLEDIR)/

# vtep-evpn imports gobgp's gRPC stubs, generated here and never at run
# time, from one of two fixed places beside itself: build/evpn-stubs in this
# tree, PREFIX/lib/vtep-evpn beside PREFIX/sbin/vtep-evpn when installed
# (with its package, vtep_evpn, which in the tree is beside it). It refuses
# them unless they and the directories above them are owned by root or its
# user and only they can write them (see vtep-evpn(8)).
EVPN_STUBS   := build/evpn-stubs
EVPN_PKG     := $(wildcard userspace/evpn/vtep_evpn/*.py)
GOBGP_PROTOS := gobgp.proto attribute.proto capability.proto
evpn-stubs: $(EVPN_STUBS)/gobgp_pb2.py ## generate vtep-evpn's gRPC stubs into build/evpn-stubs (python3-grpc-tools)

$(EVPN_STUBS)/gobgp_pb2.py: $(wildcard $(addprefix $(GOBGP_API)/,$(GOBGP_PROTOS)))
	@test -e $(GOBGP_API)/gobgp.proto || { echo "no $(GOBGP_API)/gobgp.proto:" \
		"install golang-github-osrg-gobgp-dev (make deps) or set GOBGP_API" >&2; exit 1; }
	@$(PYTHON3) -c 'import grpc_tools.protoc' 2>/dev/null || { echo "no grpc_tools in" \
		"$(PYTHON3): install python3-grpc-tools (make deps)" >&2; exit 1; }
	rm -rf $(EVPN_STUBS) $(EVPN_STUBS).tmp
	install -d -m 755 build $(EVPN_STUBS).tmp
	$(PYTHON3) -m grpc_tools.protoc -I$(GOBGP_API) --python_out=$(EVPN_STUBS).tmp \
		--grpc_python_out=$(EVPN_STUBS).tmp $(addprefix $(GOBGP_API)/,$(GOBGP_PROTOS))
	chmod 644 $(EVPN_STUBS).tmp/*.py
	# compiled now: the agent (and the test guests, whose tree is
	# read-only) would otherwise compile 660 kB of stubs at every start
	$(PYTHON3) -m compileall -q $(EVPN_STUBS).tmp
	mv $(EVPN_STUBS).tmp $(EVPN_STUBS)

# The agent's entry point in PREFIX/sbin, its package (vtep_evpn) and stubs
# read-only in PREFIX/lib/vtep-evpn, where the entry point looks for them;
# the man page, its unit and a drop-in binding gobgpd's unauthenticated
# gRPC API to 127.0.0.1:50051.
install-evpn: $(EVPN_STUBS)/gobgp_pb2.py ## install vtep-evpn, its package and stubs, man page, unit and the gobgpd drop-in (DESTDIR, PREFIX)
	install -D -m 755 userspace/evpn/vtep-evpn $(DESTDIR)$(PREFIX)/sbin/vtep-evpn
	install -d -m 755 $(DESTDIR)$(PREFIX)/lib/vtep-evpn
	install -m 644 $(EVPN_STUBS)/*.py $(DESTDIR)$(PREFIX)/lib/vtep-evpn/
	install -d -m 755 $(DESTDIR)$(PREFIX)/lib/vtep-evpn/vtep_evpn
	install -m 644 $(EVPN_PKG) $(DESTDIR)$(PREFIX)/lib/vtep-evpn/vtep_evpn/
	install -D -m 644 userspace/evpn/vtep-evpn.8 $(DESTDIR)$(MANDIR)/man8/vtep-evpn.8
	install -d -m 755 $(DESTDIR)$(SYSTEMDDIR)/gobgpd.service.d
	sed 's|/usr/sbin/vtep-evpn|$(PREFIX)/sbin/vtep-evpn|' examples/vtep-evpn.service \
		>$(DESTDIR)$(SYSTEMDDIR)/vtep-evpn.service
	chmod 644 $(DESTDIR)$(SYSTEMDDIR)/vtep-evpn.service
	install -m 644 examples/gobgpd-api-loopback.conf \
		$(DESTDIR)$(SYSTEMDDIR)/gobgpd.service.d/vtep-evpn-api-loopback.conf

vtep.ko: $(KSRC)
	$(MAKE) module

# Kernel's own modules_install would sign and compress by the kernel's
# config, which a headers-only tree cannot; this installs and runs depmod.
modules_install: $(MODULE_KO) ## install vtep.ko into INSTALL_MOD_PATH/lib/modules/KVER/updates, run depmod (KDIR, MODULE_KO)
	@test -n "$(KVER)" || { echo "no kernel release in $(KDIR)" >&2; exit 1; }
	install -D -m 644 $(MODULE_KO) $(DESTDIR)$(INSTALL_MOD_PATH)/lib/modules/$(KVER)/updates/vtep.ko
	$(if $(DESTDIR),,depmod $(if $(INSTALL_MOD_PATH),-b $(INSTALL_MOD_PATH)) $(KVER))

# DKMS: the module's sources as /usr/src/vtep-VERSION, then dkms builds and
# installs it for the running kernel and, by AUTOINSTALL, every later one.
DKMS_FILES := Kbuild VERSION $(wildcard kmod/*.c kmod/*.h) uapi/linux/vtep.h
DKMS_SRC = $(DESTDIR)/usr/src/vtep-$(VERSION)
dkms-src: ## copy the module sources and dkms.conf to DESTDIR/usr/src/vtep-VERSION
	rm -rf $(DKMS_SRC)
	for f in $(DKMS_FILES); do install -D -m 644 $$f $(DKMS_SRC)/$$f; done
	sed 's/#MODULE_VERSION#/$(VERSION)/' dkms.conf >$(DKMS_SRC)/dkms.conf

dkms-install: dkms-src ## dkms-src, then dkms add, build and install for the running kernel
	dkms status vtep/$(VERSION) | grep -q . || dkms add vtep/$(VERSION)
	dkms install vtep/$(VERSION)

# Debian packages vtep-dkms, vtepctl and vtep-evpn from a copy of the tree,
# so the build leaves nothing in it; lintian checks them (its errors and
# warnings fail).
DEB_DIR := build/deb
deb: ## build the vtep-dkms, vtepctl and vtep-evpn .debs into build/deb/ (dpkg-buildpackage, lintian)
	rm -rf $(DEB_DIR) && mkdir -p $(DEB_DIR)/vtep-$(VERSION)
	git ls-files -z --cached --others --exclude-standard | xargs -0 cp --parents -t $(DEB_DIR)/vtep-$(VERSION)
	cd $(DEB_DIR)/vtep-$(VERSION) && dpkg-buildpackage -us -uc -b --no-sign
	lintian --fail-on error,warning $(DEB_DIR)/*.changes

# iplink_harness.c compiles the ip plugin in, to hold it to vtepctl
tests/unit/check_vtepctl: $(UNIT_SRC) $(USER_SRC) $(USER_HDR) $(wildcard tests/unit/*.h) \
		userspace/ip/link_vtep.c userspace/ip/iproute2.h
	$(CC) $(CFLAGS) -pthread -Itests/unit -o $@ $(UNIT_SRC) $(USER_SRC) \
		$(MNL_LIBS) $(shell pkg-config --libs check)

tests/selftests/%_test: tests/selftests/%_test.c $(SELFTEST_HDR) uapi/linux/vtep.h
	$(CC) $(CFLAGS) -Wno-sign-compare -I$(VTEP_CACHE)/kselftest -Itests/selftests \
		-o $@ $< $(MNL_LIBS) -lbpf -lelf -lz -lpthread

tests/bpf/%.bpf.o: tests/bpf/%.bpf.c
	clang -O2 -g -target bpf -D__TARGET_ARCH_x86 -I/usr/include/x86_64-linux-gnu \
		-Iuapi -c $< -o $@

# The fuzzers: netlink (tests/topo/nlfuzz.sh), topology (tests/topo/topofuzz.sh)
tests/fuzz/nlfuzz: tests/fuzz/nlfuzz.c tests/fuzz/fuzz.h uapi/linux/vtep.h
	$(CC) $(CFLAGS) -o $@ $< $(MNL_LIBS)
TOPOFUZZ_SRC := tests/fuzz/topofuzz.c tests/fuzz/topofuzz_nl.c tests/fuzz/topofuzz_act.c
tests/fuzz/topofuzz: $(TOPOFUZZ_SRC) tests/fuzz/topofuzz.h tests/fuzz/fuzz.h uapi/linux/vtep.h
	$(CC) $(CFLAGS) -o $@ $(TOPOFUZZ_SRC) $(MNL_LIBS)

# The tests' in-process drivers (vtepctl's code linked in): warnings fail
NLRUN := tests/drivers/nlrun.c
tests/drivers/%: tests/drivers/%.c $(NLRUN) tests/drivers/nlrun.h $(USER_SRC) $(USER_HDR)
	$(CC) $(CFLAGS) -Werror -pthread -o $@ $< $(NLRUN) $(USER_SRC) $(MNL_LIBS)

tests/bpf/portcount: tests/bpf/portcount.c $(wildcard tests/bpf/*.h)
	$(CC) $(CFLAGS) -o $@ $< -lbpf -lelf -lz

# The frames the topology tests send, made here once (scapy, on the host)
# and sent in the guest by tests/tools/pcapsend; ndask asks ARP/ND
# questions. A guest imports no scapy: 10 s a start under TCG.
TOOLS      := tests/tools/pcapsend tests/tools/ndask
FRAMES_DIR := build/frames
tests/tools/%: tests/tools/%.c
	$(CC) $(CFLAGS) -Werror -o $@ $<

$(FRAMES_DIR)/.made: tests/frames/mkframes.py tests/storm/gen.py
	@$(PYTHON3) -c 'import scapy.all' 2>/dev/null || { echo "no scapy in" \
		"$(PYTHON3): install python3-scapy (make deps)" >&2; exit 1; }
	rm -rf $(FRAMES_DIR) $(FRAMES_DIR).tmp
	mkdir -p $(FRAMES_DIR).tmp
	$(PYTHON3) tests/frames/mkframes.py $(FRAMES_DIR).tmp
	$(PYTHON3) tests/storm/gen.py pcaps --seed 1 --out $(FRAMES_DIR).tmp/storm
	$(PYTHON3) tests/storm/gen.py random --count 200 --seed 1 \
		--out $(FRAMES_DIR).tmp/storm-warm >/dev/null
	mv $(FRAMES_DIR).tmp $(FRAMES_DIR)
	touch $@

# vtepctl under AddressSanitizer, for tests where an overflow would land
# in a neighbouring global unseen (syncconf.sh's large sets)
build/vtepctl-asan: userspace/main.c $(USER_SRC) $(USER_HDR)
	@mkdir -p build
	$(CC) $(CPPFLAGS) $(CFLAGS) -fsanitize=address,undefined \
		-fno-sanitize-recover=all -fno-omit-frame-pointer -pthread $(LDFLAGS) \
		-o $@ userspace/main.c $(USER_SRC) $(MNL_LIBS)

TEST_BINS := userspace/vtepctl userspace/ip/link_vtep.so tests/unit/check_vtepctl $(SELFTESTS) $(BPF_OBJS) \
	tests/bpf/portcount build/vtepctl-asan
FUZZ_BINS := tests/fuzz/nlfuzz tests/fuzz/topofuzz
DRIVER_BINS := tests/drivers/nlcmd tests/drivers/lifecycle
tests: $(TEST_BINS) $(FUZZ_BINS) $(DRIVER_BINS) $(TOOLS) $(FRAMES_DIR)/.made $(EVPN_STUBS)/gobgp_pb2.py ## build vtepctl, the unit tests, the selftests, the BPF observers, the drivers, the test frames and their senders, vtep-evpn's stubs

unit: tests/unit/check_vtepctl userspace/vtepctl $(EVPN_STUBS)/gobgp_pb2.py ## run the unit tests on the host
	CK_TAP_LOG_FILE_NAME=- tests/unit/check_vtepctl
	scripts/link-opts.sh check userspace/vtepctl $(MAN8)
	$(PYTHON3) tests/unit/test_evpn.py
	$(PYTHON3) tests/unit/test_promcheck.py

# One selftest or topology script in a VM, e.g.
#   make vm-test T=tests/topo/learning.sh KERNEL=6.12
vm-test: build/$(KERNEL)/vtep.ko tests ## run test T in a VM on KERNEL (a selftest or tests/topo/*.sh)
	scripts/vm.sh --kernel $(KERNEL) --timeout 900 -- bash scripts/vm-tests.sh $(T)

check: ## install, build, run every test (host + VMs), print the summary
	@bash scripts/check.sh

bench: ## one VM: vtep vs kernel vxlan, veth, geneve; table scale; then exact instructions per packet (KERNEL=6.1|6.12)
	@KERNEL=$(or $(KERNEL),6.1) bash scripts/bench.sh
	@[ "$(BENCH_INSNS)" = 0 ] || KERNEL=$(or $(KERNEL),6.1) bash scripts/insns.sh

bench-insns: ## guest kernel instructions per packet, counted by a QEMU plugin: veth, vxlan, vtep, geneve (KERNEL=6.1|6.12)
	@KERNEL=$(or $(KERNEL),6.1) bash scripts/insns.sh

# The instruction counter of `make bench`: a QEMU TCG plugin (host) and
# the guest's window marks.
build/bench/insncount.so: bench/insncount.c
	@mkdir -p $(@D)
	$(CC) -O2 -Wall -Wextra -Werror -shared -fPIC -fvisibility=hidden -o $@ $<

build/bench/insnmark: bench/insnmark.c
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) -Werror -o $@ $<

mutants: ## planted bugs (allow check off, a counter not counted, learning off, ...) the suite must catch (KERNEL=6.1)
	@KERNEL=$(or $(KERNEL),6.1) bash scripts/mutants.sh

soak: ## the reliability suites at full size on 6.1, 6.12, 6.1 PREEMPT_RT and 6.1-debug (KERNEL=K: one kernel)
	@$(if $(filter command line environment,$(origin KERNEL)),SOAK_KERNELS="$(KERNEL)") bash scripts/soak.sh

debug-kernel: ## build 6.1-debug (linux-source-6.1 with lockdep, KASAN) into the cache, once
	@bash scripts/debug-kernel.sh

demo: ## boot a VM and show the overlay working
	@bash scripts/demo.sh

clean: ## remove build outputs (the kernel cache stays)
	rm -rf build userspace/vtepctl tests/unit/check_vtepctl $(SELFTESTS) \
		tests/bpf/*.o tests/bpf/portcount userspace/ip/link_vtep.so \
		$(FUZZ_BINS) $(DRIVER_BINS) $(TOOLS)
	-$(MAKE) -C $(KDIR) M=$(CURDIR) clean >/dev/null 2>&1
