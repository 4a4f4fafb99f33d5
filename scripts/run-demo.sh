#!/bin/sh
# The README main-job command: builds papi-virt, then shows what PAPI sees on
# this machine through our libpapi.  When the per-VM monitor (papi_vmpower)
# is built, runs it for a bounded time on the host's VMs, or on the project's
# own tiny VM lab (3 guests: busy, half, idle) when the host has none.
set -eu

top=$(cd "$(dirname "$0")/.." && pwd)
B=$(sh "$top/scripts/build.sh")
export LD_LIBRARY_PATH="$B/papi/src"
PATH="$B/papi/src/utils:$B/utils:$PATH"

papi_component_avail

if [ ! -x "$B/utils/papi_vmpower" ]; then
    echo "run-demo: papi_vmpower is not built in this tree; the component list above is the main job's output."
    exit 0
fi
exec sh "$top/scripts/demo-vmpower.sh" "$B"
