#!/usr/bin/env bash
# Runs a command inside a memory limit, as a container or a smaller machine
# would impose, and says how it ended: its time (/usr/bin/time), its exit
# status, and whether the kernel killed it for want of memory.
#   usage: bench/limit.sh BYTES COMMAND [ARG...]      (as root)
# Uses a cgroup of its own (v1 memory controller, or v2), removed at the end.
set -u
if [ $# -lt 2 ]; then
  echo "usage: bench/limit.sh BYTES COMMAND [ARG...]" >&2
  exit 2
fi
limit=$1
shift
if [ -d /sys/fs/cgroup/memory ]; then
  cg=/sys/fs/cgroup/memory/parcours-limit-$$
  mkdir "$cg" || exit 1
  echo "$limit" > "$cg/memory.limit_in_bytes"
  kills() { grep -m1 '^oom_kill ' "$cg/memory.oom_control" | cut -d' ' -f2; }
else
  cg=/sys/fs/cgroup/parcours-limit-$$
  mkdir "$cg" || exit 1
  echo "$limit" > "$cg/memory.max"
  echo 0 > "$cg/memory.swap.max" 2>/dev/null
  kills() { grep -m1 '^oom_kill ' "$cg/memory.events" | cut -d' ' -f2; }
fi
trap 'rmdir "$cg" 2>/dev/null' EXIT
bash -c 'echo $$ > "$1/cgroup.procs"; shift; exec /usr/bin/time -f "%e s elapsed, %U s user, %S s system" "$@"' \
  limit "$cg" "$@"
status=$?
echo "limit.sh: exit status $status, killed for want of memory: $(kills) time(s)" >&2
exit $status
