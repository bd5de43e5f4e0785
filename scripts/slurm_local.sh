#!/usr/bin/env bash
# A one-node Slurm cluster on loopback, for the Slurm integration test (never for real use).
#   scripts/slurm_local.sh start   installs slurm-wlm and munge when missing, configures, starts
#   scripts/slurm_local.sh stop    stops the daemons it started (by process id)
# Exits 3 with a message when Slurm cannot run here (no root, no packages).
set -euo pipefail
state=/tmp/winnow-slurm
case "${1:-}" in
start)
  if [ "$(id -u)" -ne 0 ]; then echo "slurm_local: needs root (it writes /etc/slurm and /etc/munge)" >&2; exit 3; fi
  if ! command -v slurmctld >/dev/null || ! command -v munged >/dev/null; then
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq slurm-wlm munge >/dev/null \
      || { echo "slurm_local: cannot install slurm-wlm and munge" >&2; exit 3; }
  fi
  mkdir -p "$state" /etc/munge /var/log/munge /run/munge /var/lib/munge /etc/slurm /var/spool/slurmctld /var/spool/slurmd
  if [ ! -s /etc/munge/munge.key ]; then
    dd if=/dev/urandom of=/etc/munge/munge.key bs=1024 count=1 status=none
  fi
  chown -R munge:munge /etc/munge /var/log/munge /run/munge /var/lib/munge 2>/dev/null || true
  chmod 700 /etc/munge; chmod 400 /etc/munge/munge.key
  if ! pgrep -x munged >/dev/null; then
    runuser -u munge -- /usr/sbin/munged --force 2>/dev/null || /usr/sbin/munged --force
    sleep 0.5
    pgrep -n -x munged > "$state/munged.pid"
  fi
  host=$(hostname -s)
  cat > /etc/slurm/slurm.conf <<CONF
ClusterName=winnow-test
SlurmctldHost=${host}(127.0.0.1)
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
SchedulerType=sched/backfill
StateSaveLocation=/var/spool/slurmctld
SlurmdSpoolDir=/var/spool/slurmd
SlurmctldPidFile=$state/slurmctld.pid
SlurmdPidFile=$state/slurmd.pid
SlurmctldLogFile=$state/slurmctld.log
SlurmdLogFile=$state/slurmd.log
ReturnToService=2
# Small, so that the check meets what a real cluster's limit does to a larger submission (4 tasks, arrays of 3).
MaxArraySize=3
KillOnBadExit=1
NodeName=${host} NodeAddr=127.0.0.1 CPUs=$(nproc) State=UNKNOWN
PartitionName=main Nodes=${host} Default=YES MaxTime=INFINITE State=UP
CONF
  cat > /etc/slurm/cgroup.conf <<CONF
CgroupPlugin=cgroup/v1
IgnoreSystemd=yes
CONF
  if sinfo -h -o '%t' 2>/dev/null | grep -qE '^(idle|mix|alloc)'; then
    echo "slurm_local: reusing the running cluster"; exit 0
  fi
  # Daemons left by an earlier start that no longer answer are replaced.
  pkill -x slurmd 2>/dev/null || true
  pkill -x slurmctld 2>/dev/null || true
  sleep 1
  /usr/sbin/slurmctld -c
  /usr/sbin/slurmd -c
  sleep 0.5
  pgrep -n -x slurmctld > "$state/slurmctld.pid.own" || true
  pgrep -n -x slurmd > "$state/slurmd.pid.own" || true
  for _ in $(seq 1 60); do
    if sinfo -h -o '%t' 2>/dev/null | grep -qE '^(idle|mix|alloc)'; then echo "slurm_local: one-node cluster up (${host})"; exit 0; fi
    scontrol update nodename="$host" state=resume >/dev/null 2>&1 || true
    sleep 1
  done
  echo "slurm_local: the node did not come up; $state/slurmctld.log and slurmd.log say why" >&2
  tail -n 5 "$state/slurmctld.log" "$state/slurmd.log" >&2 || true
  exit 3
  ;;
stop)
  for file in slurmd.pid.own slurmctld.pid.own munged.pid; do
    if [ -f "$state/$file" ]; then kill $(cat "$state/$file") 2>/dev/null || true; rm -f "$state/$file"; fi
  done
  ;;
*)
  echo "usage: $0 start|stop" >&2; exit 64 ;;
esac
