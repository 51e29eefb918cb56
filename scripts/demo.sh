#!/usr/bin/env bash
# `make demo`: build what is needed, boot a VM on Debian's 6.1 kernel and
# run scripts/demo-guest.sh in it: three hypervisor hosts on one underlay,
# two tenants, one host running the kernel's own vxlan driver.
set -euo pipefail
cd "$(dirname "$0")/.."
KNAME=${KNAME:-6.1}
bash scripts/deps.sh
make --no-print-directory -s "build/$KNAME/vtep.ko" userspace/vtepctl >/dev/null
exec scripts/vm.sh --kernel "$KNAME" --timeout 600 -- bash scripts/demo-guest.sh
