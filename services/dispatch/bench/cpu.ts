// Where the CPU goes during a benchmark: CPU seconds of each part of the platform between two
// snapshots, read from /proc (Linux), so a bench can print "CPU ms per order" per part. On a
// 2-core machine the pipeline is CPU-bound; this says which process to make cheaper.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';

/** The groups a process is counted in, by its command line; the first that matches wins. */
const GROUPS: [string, (args: string) => boolean][] = [
  ['Temporal server', (a) => /temporal(-server)? .*(start-dev|start)\b/.test(a) || /\btemporal-server\b/.test(a)],
  ['Kafka', (a) => a.startsWith('java') && a.includes('kafka')],
  ['PostgreSQL', (a) => a.startsWith('postgres') || a.includes('/bin/postgres')],
  [
    'idle platform (services, worker, web)',
    (a) => /(services\/\w+\/dist\/src\/\w+\.js|workflows\/dist\/src\/worker\.js|web\/server\/main\.js|maildev)/.test(a),
  ],
];

const TICKS = 100; // USER_HZ on Linux

/** utime + stime + cutime + cstime of one process, in seconds (children that exited count in the parent). */
function cpuSeconds(pid: number): number {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command (which may hold spaces) start after the last ')'.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // utime is field 14 of stat, i.e. index 11 after pid and comm are removed.
    return (Number(fields[11]) + Number(fields[12]) + Number(fields[13]) + Number(fields[14])) / TICKS;
  } catch {
    return 0; // gone between listing and reading
  }
}

export type CpuSnapshot = Map<string, number>;

/** CPU seconds so far per group; `bench` names the benchmark's own processes (pid → label). */
export function cpuSnapshot(bench: Map<number, string>): CpuSnapshot {
  const snapshot: CpuSnapshot = new Map();
  const add = (group: string, seconds: number) => snapshot.set(group, (snapshot.get(group) ?? 0) + seconds);
  let listing = '';
  try {
    listing = execFileSync('ps', ['-eo', 'pid=,args='], { encoding: 'utf8' });
  } catch {
    return snapshot;
  }
  const processes = listing
    .split('\n')
    .map((line) => line.trim().match(/^(\d+)\s+(.*)$/))
    .filter((m): m is RegExpMatchArray => m !== null)
    .map((m) => ({ pid: Number(m[1]), args: m[2]! }));
  for (const p of processes) {
    if (bench.has(p.pid)) {
      add(`bench: ${bench.get(p.pid)}`, cpuSeconds(p.pid));
      continue;
    }
    const group = GROUPS.find(([, matches]) => matches(p.args))?.[0];
    // An alive process counts itself; one that exited counts in its parent's cutime (PostgreSQL's
    // backends in the postmaster's).
    if (group) add(group, cpuSeconds(p.pid));
  }
  const machine = fs.readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/).slice(1).map(Number);
  // user nice system idle iowait irq softirq steal: busy = all but idle and iowait.
  snapshot.set('machine (busy, all processes)', (machine.reduce((a, b) => a + b, 0) - machine[3]! - machine[4]!) / TICKS);
  return snapshot;
}

/** Lines of a table: CPU ms per order for each group between two snapshots, and the share of the total. */
export function cpuTable(
  before: CpuSnapshot,
  after: CpuSnapshot,
  orders: number,
  seconds: number,
  unit: { what: string; per: string } = { what: 'orders went through', per: 'order' },
): string[] {
  const machine = 'machine (busy, all processes)';
  const total = (after.get(machine) ?? 0) - (before.get(machine) ?? 0);
  const rows = [...after.keys()]
    .filter((k) => k !== machine)
    .map((k) => [k, Math.max(0, (after.get(k) ?? 0) - (before.get(k) ?? 0))] as const)
    .sort((a, b) => b[1] - a[1]);
  const counted = rows.reduce((sum, [, s]) => sum + s, 0);
  const line = (label: string, s: number) =>
    `    ${label.padEnd(40)} ${s.toFixed(1).padStart(7)} s  ${((s * 1000) / Math.max(orders, 1)).toFixed(1).padStart(7)} ms/${unit.per}  ${((100 * s) / Math.max(total, 0.001)).toFixed(0).padStart(3)} %`;
  return [
    `  CPU while ${orders} ${unit.what} (${seconds.toFixed(0)} s; the machine had ${(total / Math.max(seconds, 0.001)).toFixed(2)} cores busy):`,
    ...rows.map(([k, s]) => line(k, s)),
    line('other (kernel, tools, other processes)', Math.max(0, total - counted)),
    line('machine', total),
  ];
}
