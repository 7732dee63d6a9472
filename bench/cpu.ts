// Where the CPU went during a measurement (Linux /proc; empty elsewhere): the bench process, the
// Jifen server, the PostgreSQL processes, and everything else on the machine. On a 2-core machine a
// throughput ceiling is about 2 cores / (CPU ms per op), so this says which process to look at,
// and "other" shows when something else was competing for the cores during the run.
import { readdirSync, readFileSync } from 'node:fs';
import os from 'node:os';
import { round } from './stats.ts';

const TICK_MS = 10; // USER_HZ is 100 on Linux.

interface Snapshot {
  at: number;
  busyTicks: number;
  totalTicks: number;
  selfMs: number;
  serverTicks: number;
  postgresTicks: number;
}

export interface CpuFigures {
  cores: number;
  /** Share of all cores busy during the measurement (0..1). */
  machineBusy: number;
  /** Share of all cores used by processes outside the bench, its server and PostgreSQL (0..1). */
  otherShare: number;
  /** CPU milliseconds per measured unit (credit or row), by process. */
  msPerUnit: { bench: number; server: number | null; postgres: number; other: number };
  /**
   * The units per second this machine could reach if nothing else ran: cores × 1000 / (bench +
   * server + postgres ms per unit), and at most 1000 / ms per unit of each single-threaded Node
   * process. An upper bound (it assumes perfect overlap), for reading figures from a busy machine.
   */
  idleCeilingPerSecond: number;
}

function procTicks(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // utime and stime are fields 14 and 15 of the full line, 12 and 13 after "pid (comm) ".
    return Number(fields[11]) + Number(fields[12]);
  } catch {
    return 0;
  }
}

function postgresTicks(): number {
  let ticks = 0;
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      if (readFileSync(`/proc/${name}/comm`, 'utf8').trim() === 'postgres') ticks += procTicks(Number(name));
    } catch {
      // The process ended between the listing and the read.
    }
  }
  return ticks;
}

export function cpuSnapshot(serverPid?: number): Snapshot | null {
  if (process.platform !== 'linux') return null;
  try {
    const line = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/).slice(1).map(Number);
    const [user = 0, nice = 0, system = 0, idle = 0, iowait = 0, irq = 0, softirq = 0, steal = 0] = line;
    const usage = process.cpuUsage();
    return {
      at: performance.now(),
      busyTicks: user + nice + system + irq + softirq + steal,
      totalTicks: user + nice + system + idle + iowait + irq + softirq + steal,
      selfMs: (usage.user + usage.system) / 1000,
      serverTicks: serverPid ? procTicks(serverPid) : 0,
      postgresTicks: postgresTicks(),
    };
  } catch {
    return null;
  }
}

export function cpuBetween(
  start: Snapshot | null,
  end: Snapshot | null,
  units: number,
  hasServer: boolean,
): CpuFigures | null {
  if (!start || !end || units <= 0) return null;
  const busyMs = (end.busyTicks - start.busyTicks) * TICK_MS;
  const totalTicks = end.totalTicks - start.totalTicks;
  const bench = end.selfMs - start.selfMs;
  const server = (end.serverTicks - start.serverTicks) * TICK_MS;
  const postgres = (end.postgresTicks - start.postgresTicks) * TICK_MS;
  const per = (ms: number) => round(ms / units, 4);
  const ours = bench + server + postgres;
  return {
    cores: os.cpus().length,
    machineBusy: totalTicks > 0 ? round((end.busyTicks - start.busyTicks) / totalTicks, 3) : 0,
    otherShare:
      totalTicks > 0 ? round(Math.max(0, busyMs - bench - server - postgres) / (totalTicks * TICK_MS), 3) : 0,
    msPerUnit: {
      bench: per(bench),
      server: hasServer ? per(server) : null,
      postgres: per(postgres),
      other: per(Math.max(0, busyMs - bench - server - postgres)),
    },
    // Node processes (the bench, the server) run their JavaScript and PGlite on one thread each.
    idleCeilingPerSecond:
      ours > 0
        ? Math.round(
            Math.min(
              (os.cpus().length * 1000 * units) / ours,
              bench > 0 ? (1000 * units) / bench : Number.POSITIVE_INFINITY,
              server > 0 ? (1000 * units) / server : Number.POSITIVE_INFINITY,
            ),
          )
        : 0,
  };
}

export function describeCpu(cpu: CpuFigures | null): string {
  if (!cpu) return 'cpu: n/a';
  const m = cpu.msPerUnit;
  return `cpu ms/unit: bench ${m.bench}${m.server === null ? '' : `, server ${m.server}`}, postgres ${m.postgres}, other ${m.other}; machine ${Math.round(cpu.machineBusy * 100)}% busy, ${Math.round(cpu.otherShare * 100)}% by other processes; idle-machine ceiling ~${cpu.idleCeilingPerSecond}/s`;
}
