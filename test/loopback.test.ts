// Everything the local platform starts listens on loopback only. Reads the kernel's socket tables
// (/proc/net/tcp, tcp6) and keeps the listening sockets that belong to the processes this
// worktree's platform started (.diandan/run/*.pid and their children, PostgreSQL's postmaster).
// Under `npm test` the servers run; after `npm run up` the services and the worker too, and
// they are checked as well.
import fs from 'node:fs';
import path from 'node:path';

const home = process.env.DIANDAN_HOME ?? path.join(__dirname, '..', '.diandan');

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** name → pid of what the platform started and still runs. */
function platformProcesses(): Map<string, number> {
  const found = new Map<string, number>();
  const run = path.join(home, 'run');
  for (const file of fs.existsSync(run) ? fs.readdirSync(run) : []) {
    const pid = Number(fs.readFileSync(path.join(run, file), 'utf8').trim());
    if (file.endsWith('.pid') && alive(pid)) found.set(file.slice(0, -4), pid);
  }
  const postmaster = path.join(home, 'postgres', 'postmaster.pid');
  if (fs.existsSync(postmaster)) {
    const pid = Number(fs.readFileSync(postmaster, 'utf8').split('\n')[0]);
    if (alive(pid)) found.set('postgres', pid);
  }
  return found;
}

/** A process and all its descendants (start_bg runs each server under setsid + nohup). */
function withDescendants(pid: number): number[] {
  const children = new Map<number, number[]>();
  for (const entry of fs.readdirSync('/proc').filter((e) => /^\d+$/.test(e))) {
    try {
      const stat = fs.readFileSync(`/proc/${entry}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      children.set(ppid, [...(children.get(ppid) ?? []), Number(entry)]);
    } catch {
      // gone meanwhile
    }
  }
  const all = [pid];
  for (let i = 0; i < all.length; i++) all.push(...(children.get(all[i]!) ?? []));
  return all;
}

function socketInodes(pid: number): Set<string> {
  const inodes = new Set<string>();
  try {
    for (const fd of fs.readdirSync(`/proc/${pid}/fd`)) {
      try {
        const m = /^socket:\[(\d+)\]$/.exec(fs.readlinkSync(`/proc/${pid}/fd/${fd}`));
        if (m) inodes.add(m[1]!);
      } catch {
        // closed meanwhile
      }
    }
  } catch {
    // not ours to read, or gone
  }
  return inodes;
}

/** Listening TCP sockets: inode → "address:port". */
function listeningSockets(): Map<string, string> {
  const sockets = new Map<string, string>();
  for (const table of ['/proc/net/tcp', '/proc/net/tcp6']) {
    if (!fs.existsSync(table)) continue;
    for (const line of fs.readFileSync(table, 'utf8').split('\n').slice(1)) {
      const cols = line.trim().split(/\s+/);
      if (cols.length < 10 || cols[3] !== '0A') continue; // 0A = LISTEN
      const [hexAddress, hexPort] = cols[1]!.split(':') as [string, string];
      sockets.set(cols[9]!, `${addressOf(hexAddress)}:${parseInt(hexPort, 16)}`);
    }
  }
  return sockets;
}

/** /proc/net's little-endian hex address → text (IPv4, or IPv6 in four 32-bit words). */
function addressOf(hex: string): string {
  const bytes = (word: string) => word.match(/../g)!.reverse().map((b) => parseInt(b, 16));
  if (hex.length === 8) return bytes(hex).join('.');
  const words = hex.match(/.{8}/g)!.flatMap(bytes);
  if (words.slice(0, 10).every((b) => b === 0) && words[10] === 255 && words[11] === 255) return words.slice(12).join('.'); // ::ffff:a.b.c.d
  const groups: string[] = [];
  for (let i = 0; i < 16; i += 2) groups.push(((words[i]! << 8) | words[i + 1]!).toString(16));
  return groups.join(':').replace(/(^|:)0(:0)+(:|$)/, '::');
}

const isLoopback = (endpoint: string) => /^127\.\d+\.\d+\.\d+:\d+$/.test(endpoint) || endpoint.startsWith('0:0:0:0:0:0:0:1:') || endpoint.startsWith('::1:');

describe('network exposure of the local platform', () => {
  test('listeningSockets.loopbackCheck: every socket the platform listens on is bound to loopback', () => {
    const processes = platformProcesses();
    // The servers always run under the tests: a check over nothing would prove nothing.
    expect([...processes.keys()]).toEqual(expect.arrayContaining(['postgres', 'kafka', 'temporal']));
    const listening = listeningSockets();
    const seen: string[] = [];
    const exposed: string[] = [];
    for (const [name, pid] of processes) {
      for (const member of withDescendants(pid)) {
        for (const inode of socketInodes(member)) {
          const endpoint = listening.get(inode);
          if (!endpoint) continue;
          seen.push(`${name} ${endpoint}`);
          if (!isLoopback(endpoint)) exposed.push(`${name} ${endpoint}`);
        }
      }
    }
    expect(seen.length).toBeGreaterThanOrEqual(processes.size);
    expect(exposed).toEqual([]);
  });

  test('addressOf: reads the kernel tables', () => {
    expect(addressOf('0100007F')).toBe('127.0.0.1');
    expect(addressOf('00000000')).toBe('0.0.0.0');
    expect(addressOf('00000000000000000000000001000000')).toBe('::1');
    expect(addressOf('0000000000000000FFFF00000100007F')).toBe('127.0.0.1');
    expect(addressOf('00000000000000000000000000000000')).toBe('::');
  });
});
