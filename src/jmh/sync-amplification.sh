#!/usr/bin/env bash
# Bytes written to the device per sync, on ext4 and on XFS (SyncAmplificationMain): each file
# system on a loop device of its own, so that the device's write counter sees only the
# benchmark. Needs root (losetup, mkfs, mount) and mkfs.xfs (Debian: xfsprogs). A few minutes.
#
#   src/jmh/sync-amplification.sh                 # both file systems, 3 rounds
#   ROUNDS=5 src/jmh/sync-amplification.sh xfs    # one of them
#   EVERY=16 src/jmh/sync-amplification.sh ext4-fast-commit   # ext4 made with -O fast_commit
#
# The 2 GiB images go to a fresh directory under $GROWLOG_BENCH_PARENT (default /var/tmp) and
# are detached and deleted at the end, also on failure.
set -euo pipefail
cd "$(dirname "$0")/../.."

[ -f target/benchmarks.jar ] || mvn -B -q -Pbench package -DskipTests
work=$(mktemp -d "${GROWLOG_BENCH_PARENT:-/var/tmp}/growlog-syncamp.XXXXXX")
mnt="" loop=""
cleanup() {
  if [ -n "$mnt" ] && mountpoint -q "$mnt"; then umount "$mnt"; fi
  if [ -n "$loop" ]; then losetup -d "$loop"; fi
  mnt="" loop=""
}
trap 'cleanup; rm -rf "$work"' EXIT

for fs in "${@:-ext4 xfs}"; do
  for one in $fs; do
    truncate -s 2G "$work/$one.img"
    loop=$(losetup -f --show "$work/$one.img")
    case "$one" in
      ext4) mkfs.ext4 -q "$loop" ;;
      ext4-fast-commit) mkfs.ext4 -q -O fast_commit "$loop" ;;
      xfs) mkfs.xfs -q -f "$loop" ;;
      *) echo "unknown file system $one" >&2; exit 2 ;;
    esac
    mnt="$work/$one"
    mkdir -p "$mnt"
    mount "$loop" "$mnt"
    java --enable-native-access=ALL-UNNAMED -cp target/benchmarks.jar dev.growlog.bench.SyncAmplificationMain \
      --dir "$mnt" --device "$(basename "$loop")" --label "$one" --rounds "${ROUNDS:-3}" \
      ${EVERY:+--every "$EVERY"} ${WRITERS:+--writers "$WRITERS"}
    cleanup
    rm -f "$work/$one.img"
  done
done
