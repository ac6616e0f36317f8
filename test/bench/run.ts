// `npm run bench`: performance as ratios against a baseline measured in the same run, so figures
// compare across machines. Starts its own testbed (keyring, fake Entra, PostgreSQL) and the
// built CLI. Prints a Markdown table; docs/benchmarks.md records a run.
import { spawn } from 'node:child_process';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { nodeFileSystem, systemClock } from '../../electron/core/node-ports.js';
import { Pgentra } from '../../electron/core/pgentra.js';
import { syncPgpass, type PgpassEntry } from '../../electron/core/pgpass/index.js';
import { PGENTRA_BIN, ensureCliBuilt, runCli } from '../support/testbed/cli.js';
import { startTestbed } from '../support/testbed/testbed.js';
import { STANDALONE_BINARY, ensureBinaryBuilt } from '../support/build.js';
import { findTlsRootsDir } from '../../electron/core/tls-roots.js';

const RUNS = Number(process.env.BENCH_RUNS ?? 30);

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? (sorted[mid] ?? 0) : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
}

/** Async on purpose: the testbed (fake Entra ID) runs in this process and must keep answering. */
function timeProcess(command: string, args: string[], env: NodeJS.ProcessEnv): Promise<number> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(command, args, { env, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('close', (code) => {
      const elapsed = performance.now() - started;
      if (code === 0) resolve(elapsed);
      else reject(new Error(`${command} ${args.join(' ')} failed: ${stderr}`));
    });
  });
}

/** Interleaves the runs so background noise hits every command alike; medians in ms. */
async function compareProcesses(commands: [string, string[]][], env: NodeJS.ProcessEnv): Promise<number[]> {
  const times: number[][] = commands.map(() => []);
  for (const [command, args] of commands) await timeProcess(command, args, env);
  for (let i = 0; i < RUNS; i += 1)
    for (const [index, [command, args]] of commands.entries())
      times[index]?.push(await timeProcess(command, args, env));
  return times.map(median);
}

async function main(): Promise<void> {
  ensureCliBuilt();
  const base = await fs.mkdtemp(path.join(os.tmpdir(), 'pgentra-bench-'));
  const testbed = await startTestbed({ keyring: true });
  const rows: string[][] = [];
  try {
    const home = path.join(base, 'home');
    await fs.mkdir(path.join(base, 'run'), { recursive: true, mode: 0o700 });
    await fs.mkdir(home, { recursive: true });
    const env: Record<string, string> = {
      PATH: process.env.PATH ?? '/usr/bin:/bin',
      HOME: home,
      PGENTRA_HOME: testbed.facts.pgentraHome,
      PGPASSFILE: path.join(home, 'pgpass'),
      XDG_RUNTIME_DIR: path.join(base, 'run'),
      ...testbed.facts.env,
    };
    const g = testbed.facts.gateways;
    const must = async (args: string[]) => {
      const result = await runCli(args, env);
      if (result.code !== 0) throw new Error(`pgentra ${args.join(' ')}: ${result.stderr}`);
    };
    await must(['login', '--device-code']);
    await must([
      'cluster',
      'add',
      'flex',
      '--host',
      g.flexible.host,
      '--port',
      String(g.flexible.port),
      '--kind',
      'flexible',
    ]);

    // 1. `pgentra token` as pgAdmin runs it: whole process, agent running vs none, against `node -e 0`,
    // from the npm CLI (this machine's Node) and from the standalone binary (its own Node 24).
    ensureBinaryBuilt();
    const nodeStart: [string, string[]] = [process.execPath, ['-e', '0']];
    const agent = runCli(['agent'], env);
    await agent.waitForStderr(/serving tokens/);
    const [bareNode = 1, npmCli = 0, binary = 0] = await compareProcesses(
      [nodeStart, [process.execPath, [PGENTRA_BIN, 'token', 'flex']], [STANDALONE_BINARY, ['token', 'flex']]],
      env,
    );
    agent.kill('SIGTERM');
    await agent;
    const [bareNodeAgain = 1, npmCliCache = 0, binaryCache = 0] = await compareProcesses(
      [
        nodeStart,
        [process.execPath, [PGENTRA_BIN, 'token', 'flex', '--no-agent']],
        [STANDALONE_BINARY, ['token', 'flex', '--no-agent']],
      ],
      env,
    );
    const ms = (value: number) => `${value.toFixed(0)} ms`;
    const ratio = (value: number, baseline: number) => `${(value / baseline).toFixed(2)}×`;
    rows.push(
      [
        '`pgentra token`, agent running: standalone binary',
        ms(binary),
        `node -e 0: ${ms(bareNode)}`,
        ratio(binary, bareNode),
        '≤ 0.8×',
      ],
      [
        '`pgentra token`, agent running: npm CLI (`node bin/pgentra.cjs`)',
        ms(npmCli),
        `node -e 0: ${ms(bareNode)}`,
        ratio(npmCli, bareNode),
        '≤ 1.5×',
      ],
      [
        '`pgentra token`, no agent (shared cache): standalone binary',
        ms(binaryCache),
        `node -e 0: ${ms(bareNodeAgain)}`,
        ratio(binaryCache, bareNodeAgain),
        '—',
      ],
      [
        '`pgentra token`, no agent (shared cache): npm CLI',
        ms(npmCliCache),
        `node -e 0: ${ms(bareNodeAgain)}`,
        ratio(npmCliCache, bareNodeAgain),
        '—',
      ],
    );

    // 2. Refresh fan-out: 100 clusters over 2 resources ask Entra twice, not 100 times.
    // keytar finds the keyring's session bus through this process's own environment.
    Object.assign(process.env, testbed.facts.env);
    const core = await Pgentra.open({
      configDir: testbed.facts.pgentraHome,
      env,
      fs: nodeFileSystem,
      clock: systemClock,
      browser: { open: async () => undefined },
      tlsRootsDir: findTlsRootsDir(import.meta.dirname),
      warn: () => undefined,
    });
    for (let i = 0; i < 100; i += 1) {
      const cosmos = i % 2 === 1;
      await core.addCluster({
        name: `c${i}`,
        host: cosmos ? g.cosmos.host : g.flexible.host,
        port: cosmos ? g.cosmos.port : g.flexible.port,
        kind: cosmos ? 'cosmos' : 'flexible',
      });
    }
    await core.trackClusters();
    const tokenRequestsBefore = testbed.entra.requests.filter((r) => r.endpoint === 'token').length;
    const fanStart = performance.now();
    await core.refresh();
    const fanMs = performance.now() - fanStart;
    const fanRequests =
      testbed.entra.requests.filter((r) => r.endpoint === 'token').length - tokenRequestsBefore;
    const oneStart = performance.now();
    await core.refresh('c0');
    const oneMs = performance.now() - oneStart;
    rows.push([
      'Refresh all: 100 clusters over 2 resources',
      `${fanRequests} token requests, ${fanMs.toFixed(0)} ms`,
      `one key: ${oneMs.toFixed(0)} ms`,
      `${(fanMs / oneMs).toFixed(2)}×`,
      '2 requests',
    ]);

    // 3. pgpass sync: 1,000 managed + 10,000 foreign lines, against reading and writing the same bytes.
    const pgpass = path.join(base, 'big-pgpass');
    const foreign =
      Array.from({ length: 10_000 }, (_, i) => `host${i}.example.com:5432:db${i}:user${i}:secret-${i}`).join(
        '\n',
      ) + '\n';
    await fs.writeFile(pgpass, foreign, { mode: 0o600 });
    const token = (await runCli(['token', 'flex'], env)).stdout.trim();
    const entries: PgpassEntry[] = Array.from({ length: 1_000 }, (_, i) => ({
      host: `srv${i}.postgres.database.azure.com`,
      port: '5432',
      database: null,
      user: `user${i}@contoso.com`,
      password: token,
    }));
    const syncTimes: number[] = [];
    const copyTimes: number[] = [];
    for (let i = 0; i < 15; i += 1) {
      // Change one token each round so every sync really rewrites the file.
      entries[0] = { ...entries[0]!, password: `${token}${i}` };
      let started = performance.now();
      await syncPgpass({ fs: nodeFileSystem, path: pgpass, entries, clock: systemClock });
      syncTimes.push(performance.now() - started);
      started = performance.now();
      const copy = `${pgpass}.baseline`;
      const same = await fs.readFile(pgpass);
      await fs.writeFile(`${copy}.tmp`, same, { mode: 0o600 });
      const handle = await fs.open(`${copy}.tmp`, 'r');
      await handle.sync();
      await handle.close();
      await fs.rename(`${copy}.tmp`, copy);
      copyTimes.push(performance.now() - started);
    }
    const size = (await fs.stat(pgpass)).size;
    rows.push([
      `pgpass sync, 1,000 managed + 10,000 foreign lines (${(size / 1024 / 1024).toFixed(1)} MB)`,
      `${median(syncTimes).toFixed(1)} ms`,
      `read + fsync'd write of the same bytes: ${median(copyTimes).toFixed(1)} ms`,
      `${(median(syncTimes) / median(copyTimes)).toFixed(2)}×`,
      '—',
    ]);
  } finally {
    await testbed.stop();
    await fs.rm(base, { recursive: true, force: true });
  }

  const header = ['What', 'Measured', 'Baseline (same run)', 'Ratio', 'Goal'];
  const table = [header, header.map(() => '---'), ...rows].map((row) => `| ${row.join(' | ')} |`).join('\n');
  const cpu = os.cpus()[0]?.model ?? 'unknown CPU';
  process.stdout.write(
    `${table}\n\n${os.cpus().length} × ${cpu}, Node ${process.version}, ${RUNS} interleaved runs per process timing (median).\n`,
  );
}

main().catch((error: unknown) => {
  process.stderr.write(
    `bench failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
  process.exitCode = 1;
});
