// A throwaway PostgreSQL cluster of a test's own (initdb + pg_ctl in a temporary directory), for
// tests that stop and start the database — never the shared one everyone else's tests use.
import { execFileSync } from 'node:child_process';
import { chownSync, mkdtempSync, rmSync, writeFileSync, appendFileSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

export interface ThrowawayPostgres {
  port: number;
  url: string;
  stop(): void;
  start(): void;
  /** Stops the server and removes its data directory. */
  destroy(): void;
}

const isRoot = () => process.getuid?.() === 0;
/** initdb and postgres refuse to run as root: run them as the `postgres` user then. */
const asPostgres = (command: string, args: string[]) =>
  isRoot() ? execFileSync('runuser', ['-u', 'postgres', '--', command, ...args], { stdio: 'pipe' }) : execFileSync(command, args, { stdio: 'pipe' });

/** A port from this worktree's block (PORT_BLOCK_BASE + offset) if given, else any free one. */
export async function freePort(offset?: number): Promise<number> {
  const base = Number(process.env.PORT_BLOCK_BASE);
  if (offset !== undefined && Number.isInteger(base) && base > 0) return base + offset;
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

export async function startThrowawayPostgres(options: { portOffset?: number } = {}): Promise<ThrowawayPostgres> {
  const bin = process.env.PG_BIN ?? '/usr/lib/postgresql/15/bin';
  const port = await freePort(options.portOffset);
  const dir = mkdtempSync(path.join(os.tmpdir(), 'diandan-pg-'));
  const data = path.join(dir, 'data');
  const log = path.join(dir, 'postgres.log');
  writeFileSync(log, '');
  if (isRoot()) {
    const uid = Number(execFileSync('id', ['-u', 'postgres']).toString());
    const gid = Number(execFileSync('id', ['-g', 'postgres']).toString());
    chownSync(dir, uid, gid);
    chownSync(log, uid, gid);
  }
  asPostgres(path.join(bin, 'initdb'), ['-D', data, '-U', 'postgres', '--auth=trust', '--encoding=UTF8', '--locale=C.UTF-8', '--no-sync']);
  appendFileSync(
    path.join(data, 'postgresql.conf'),
    `listen_addresses = '127.0.0.1'\nport = ${port}\nunix_socket_directories = '${dir}'\nfsync = off\nmax_connections = 50\n`,
  );
  const pgCtl = path.join(bin, 'pg_ctl');
  const start = () => void asPostgres(pgCtl, ['-D', data, '-l', log, '-w', 'start']);
  const stop = () => void asPostgres(pgCtl, ['-D', data, '-m', 'fast', '-w', 'stop']);
  start();
  return {
    port,
    url: `postgresql://postgres@127.0.0.1:${port}/postgres`,
    start,
    stop,
    destroy: () => {
      try {
        stop();
      } catch {
        // already stopped
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
