#!/usr/bin/env bash
# A throw-away single-node SLURM cluster for the batch tests: munged, slurmctld and slurmd on this
# host, configuration and state in DIR, ports chosen by the caller.
#   cluster.sh start DIR PORT   prints "ready" once sinfo answers, or "skip: REASON" and exits 3
#   cluster.sh stop DIR         stops the daemons started in DIR (by their pid files)
# Clients find the cluster with SLURM_CONF=DIR/slurm.conf. The memory limit of a task is enforced
# by mrs's own runner (no cgroups here: ProctrackType=proctrack/linuxproc, TaskPlugin=task/none).
set -u
cmd=$1 dir=$2
stop() {
    local f pid
    for f in "$dir/slurmd.pid" "$dir/slurmctld.pid" "$dir/munge/munged.pid"; do
        pid=$(cat "$f" 2>/dev/null) && [ -n "$pid" ] && kill "$pid" 2>/dev/null
    done
    for f in "$dir/slurmd.pid" "$dir/slurmctld.pid" "$dir/munge/munged.pid"; do
        pid=$(cat "$f" 2>/dev/null) || continue
        for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
        kill -9 "$pid" 2>/dev/null
    done
    return 0
}
skip() { echo "skip: $*"; stop; exit 3; }
if [ "$cmd" = stop ]; then stop; exit 0; fi
port=$3
for p in munged slurmctld slurmd sinfo sbatch squeue; do
    command -v "$p" >/dev/null || [ -x "/usr/sbin/$p" ] || skip "$p is not installed (apt-get install slurm-wlm munge)"
done
[ "$(id -u)" = 0 ] || skip "slurmd must run as root (SlurmdUser=root) and this test runs as $(id -un)"
[ -r /etc/munge/munge.key ] || skip "no readable munge key at /etc/munge/munge.key (created by the munge package)"
PATH=$PATH:/usr/sbin
mkdir -p "$dir/munge" "$dir/state" "$dir/spool" "$dir/log"
munged --force --socket="$dir/munge/socket" --pid-file="$dir/munge/munged.pid" \
    --log-file="$dir/munge/munged.log" --seed-file="$dir/munge/seed" </dev/null >"$dir/log/munged.err" 2>&1 \
    || skip "munged did not start: $(tail -1 "$dir/log/munged.err")"
host=$(hostname -s)
mem=$(awk '/MemTotal/ {print int($2 / 1024)}' /proc/meminfo)
cat >"$dir/slurm.conf" <<CONF
ClusterName=mrstest
SlurmctldHost=$host
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
CredType=cred/munge
AuthInfo=socket=$dir/munge/socket
SlurmctldPort=$port
SlurmdPort=$((port + 1))
StateSaveLocation=$dir/state
SlurmdSpoolDir=$dir/spool
SlurmctldPidFile=$dir/slurmctld.pid
SlurmdPidFile=$dir/slurmd.pid
SlurmctldLogFile=$dir/log/slurmctld.log
SlurmdLogFile=$dir/log/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/linux
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/none
SchedulerType=sched/builtin
SelectType=select/cons_tres
SelectTypeParameters=CR_Core_Memory
DefMemPerCPU=512
ReturnToService=2
MpiDefault=none
SwitchType=switch/none
NodeName=$host CPUs=2 RealMemory=$mem State=UNKNOWN
PartitionName=mrstest Nodes=$host Default=YES MaxTime=INFINITE State=UP
CONF
export SLURM_CONF=$dir/slurm.conf
# Daemons must not hold the caller's output pipe open (it waits for its end).
slurmctld -D -i </dev/null >"$dir/log/slurmctld.out" 2>&1 &
slurmd -D </dev/null >"$dir/log/slurmd.out" 2>&1 &
for _ in $(seq 100); do
    if sinfo -h -o %T 2>/dev/null | grep -q idle; then echo ready; exit 0; fi
    sleep 0.1
done
skip "the cluster did not come up within 10 s: $(tail -2 "$dir/log/slurmctld.log" "$dir/log/slurmd.log" 2>/dev/null | tr '\n' ' ')"
