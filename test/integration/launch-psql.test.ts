// "Open psql" for real: the launch code starts psql inside a real terminal emulator (xterm under
// Xvfb) against a real PostgreSQL, with a role and database whose names need quoting, the password
// only in a pgpass file, and a stale PGPASSWORD in the environment that must not win. While psql
// runs, its /proc cmdline and environ are read: the password is in neither.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ConnectionTarget } from '../../electron/core/launch/connection.js';
import { openPsqlWindow, runPsql } from '../../electron/core/launch/psql.js';
import { createNodeProcesses, nodeFileSystem } from '../../electron/core/node-ports.js';
import { startPostgres, type PostgresServer } from '../support/testbed/postgres.js';

const ROLE = "zoë o'brien@contoso.com $x";
const DATABASE = 'app db & %PATH% (ü)';
const haveDisplayTools = ['/usr/bin/Xvfb', '/usr/bin/xterm'].every((tool) => existsSync(tool));

let dir: string;
let postgres: PostgresServer | undefined;
let xvfb: ChildProcess | undefined;
let display = '';
let target: ConnectionTarget;
let secret = '';

/** Starts Xvfb on a free display (it writes the number it picked to fd 3), like `xvfb-run -a`. */
async function startXvfb(): Promise<{ child: ChildProcess; display: string }> {
  const child = spawn('Xvfb', ['-displayfd', '3', '-nolisten', 'tcp', '-screen', '0', '1024x768x24'], {
    stdio: ['ignore', 'ignore', 'pipe', 'pipe'],
  });
  const number = await new Promise<string>((resolve, reject) => {
    let text = '';
    const timer = setTimeout(() => reject(new Error('Xvfb did not report a display within 20 s')), 20_000);
    child.stdio[3]?.on('data', (chunk: Buffer) => {
      text += chunk.toString();
      if (text.includes('\n')) {
        clearTimeout(timer);
        resolve(text.trim());
      }
    });
    child.once('exit', (code) => reject(new Error(`Xvfb exited with ${code}`)));
  });
  return { child, display: `:${number}` };
}

/** pgpass field escaping (libpq: backslash escapes `:` and `\`). */
const pgpassField = (value: string) => value.replace(/[\\:]/g, (c) => `\\${c}`);

interface ProcInfo {
  pid: number;
  argv: string[];
  environ: string[];
}

/** Reads every process's argv and environment; processes that end meanwhile are skipped. */
async function processes(): Promise<ProcInfo[]> {
  const found: ProcInfo[] = [];
  for (const entry of await fs.readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const argv = (await fs.readFile(`/proc/${entry}/cmdline`, 'utf8')).split('\0').slice(0, -1);
      const environ = (await fs.readFile(`/proc/${entry}/environ`, 'utf8')).split('\0').slice(0, -1);
      found.push({ pid: Number(entry), argv, environ });
    } catch {
      // Gone already, or a kernel thread.
    }
  }
  return found;
}

async function waitFor<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

beforeAll(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'pgentra-launch-psql-'));
  postgres = await startPostgres({ dir: await fs.mkdtemp(path.join(os.tmpdir(), 'pgentra-pg-launch-')) });
  await postgres.createRole(ROLE);
  await postgres.createDatabase(DATABASE, ROLE);
  secret = postgres.roleSecret(ROLE);
  // The passfile path needs conninfo quoting too.
  const passDir = path.join(dir, "pass dir 'q' $HOME");
  await fs.mkdir(passDir, { mode: 0o700 });
  const passfile = path.join(passDir, 'pgpass');
  await fs.writeFile(
    passfile,
    `${[postgres.host, String(postgres.port), DATABASE, ROLE, secret].map(pgpassField).join(':')}\n`,
    { mode: 0o600 },
  );
  target = {
    host: postgres.host,
    port: postgres.port,
    database: DATABASE,
    user: ROLE,
    passfile,
    sslmode: 'disable',
  };
  if (haveDisplayTools) ({ child: xvfb, display } = await startXvfb());
});

afterAll(async () => {
  xvfb?.kill();
  await postgres?.stop();
  if (postgres) await fs.rm(path.dirname(postgres.dataDir), { recursive: true, force: true });
  await fs.rm(dir, { recursive: true, force: true });
});

describe('psql launch against a real server', () => {
  it("runs psql in the current process's terminal and passes its exit code through", async () => {
    const out = path.join(dir, 'inline.txt');
    const env = { ...process.env, PGPASSWORD: 'stale-password' };
    const deps = { processes: createNodeProcesses({ env }), fs: nodeFileSystem, env };
    const ok = await runPsql(deps, target, {
      extraArgs: ['-X', '-A', '-t', '-o', out, '-c', "select current_user || ' in ' || current_database()"],
    });
    expect(ok).toBe(0);
    expect(await fs.readFile(out, 'utf8')).toBe(`${ROLE} in ${DATABASE}\n`);
    expect(
      await runPsql(deps, target, {
        extraArgs: ['-X', '-q', '-v', 'ON_ERROR_STOP=1', '-c', 'select 1/0', '-o', '/dev/null'],
      }),
    ).toBe(1);
  });

  it.skipIf(!haveDisplayTools)(
    'opens psql in a new terminal window; the password is in neither its argv nor its environment',
    async () => {
      const out = path.join(dir, 'window.txt');
      const env = { ...process.env, DISPLAY: display, PGPASSWORD: 'stale-password' };
      const marker = `launch-${process.pid}-${Date.now()}`;
      const opened = await openPsqlWindow(
        { processes: createNodeProcesses({ env }), fs: nodeFileSystem, env, tmpdir: os.tmpdir() },
        target,
        {
          title: 'psql test',
          extraArgs: [
            '-X',
            '-A',
            '-t',
            '-o',
            out,
            '-v',
            `marker=${marker}`,
            '-c',
            'select pg_sleep(2)',
            '-c',
            "select 'ran as ' || current_user || ' in ' || current_database()",
          ],
        },
      );
      expect(['x-terminal-emulator', 'xterm']).toContain(opened.terminal);

      const psql = await waitFor('psql to start in the terminal', async () =>
        (await processes()).find(
          (p) => /(^|\/)psql$/.test(p.argv[0] ?? '') && p.argv.includes(`marker=${marker}`),
        ),
      );
      // Every process of the launch (terminal, env, sh, Debian's pg_wrapper, psql) as another process could read it.
      const launched = (await processes()).filter((p) => p.argv.some((arg) => arg.includes(marker)));
      expect(launched.some((p) => /xterm/.test(p.argv[0] ?? ''))).toBe(true);
      for (const p of launched) {
        expect(p.argv.join(' ')).not.toContain(secret);
        expect(p.environ.join('\n')).not.toContain(secret);
        expect(p.environ.some((line) => line.startsWith('PGPASSWORD='))).toBe(false);
      }
      expect(psql.argv).toContain('--dbname');
      expect(psql.argv.find((arg) => arg.startsWith('host='))).toMatch(
        /passfile='.*pass dir \\'q\\' \$HOME\/pgpass'/,
      );
      expect(psql.environ).toContain(`DISPLAY=${display}`);

      const result = await waitFor('psql to write its output', async () => {
        const text = await fs.readFile(out, 'utf8').catch(() => '');
        return text.includes('ran as') ? text : undefined;
      });
      expect(result).toContain(`ran as ${ROLE} in ${DATABASE}`);
      // psql succeeded, so the wrapper closes the window: the terminal exits.
      await waitFor('the terminal window to close', async () =>
        (await processes()).some((p) => p.pid === psql.pid) ? undefined : true,
      );
    },
  );
});
