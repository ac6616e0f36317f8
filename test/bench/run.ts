// `npm run bench`: performance as ratios against a baseline measured in the same run, so figures
// compare across machines. Starts its own testbed (keyring, fake Entra, PostgreSQL) and the
// built CLI. Prints a Markdown table; docs/benchmarks.md records a run.
import { existsSync, promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { nodeFileSystem, systemClock } from '../../electron/core/node-ports.js';
import { Pgentra } from '../../electron/core/pgentra.js';
import { syncPgpass, type PgpassEntry } from '../../electron/core/pgpass/index.js';
import { PGENTRA_BIN, ensureCliBuilt, runCli } from '../support/testbed/cli.js';
import { startTestbed } from '../support/testbed/testbed.js';
import { sshdUnavailable, startSshd } from '../support/testbed/sshd.js';
import { holdAgent } from '../../electron/core/agent/client.js';
import { agentEndpoint } from '../../electron/core/agent/paths.js';
import { EMBEDDED_NODE, NODE_VERSION, STANDALONE_BINARY, ensureBinaryBuilt } from '../support/build.js';

const SYSTEM_CA_BUNDLE = '/etc/ssl/certs/ca-certificates.crt';
import { findTlsRootsDir } from '../../electron/core/tls-roots.js';
import {
  RUNS,
  compareProcesses,
  countBy,
  describeRequests,
  median,
  type ProcessTiming,
  type TimedCommand,
} from './measure.js';
import { signInAzureCli } from './azure-cli.js';

const ms = (value: number) => `${value.toFixed(0)} ms`;

/** A table row: one command's median against a baseline timed in the same interleaved runs. */
function row(
  what: string,
  measured: ProcessTiming | undefined,
  baselineName: string,
  baseline: ProcessTiming | undefined,
  goal: string,
): string[] {
  const value = measured?.medianMs ?? Number.NaN;
  const base = baseline?.medianMs ?? Number.NaN;
  return [what, ms(value), `${baselineName}: ${ms(base)}`, `${(value / base).toFixed(2)}×`, goal];
}

/**
 * A forwarded `pgentra token` against a local one, both with the agent running: through a
 * forward's own socket (the policy's cost), and through OpenSSH to a second user (what a remote
 * pays; needs root and sshd, else left out). runuser is on both sides of the second ratio.
 */
async function forwardedTokenRows(
  env: Record<string, string>,
  base: string,
  npmCli: (...args: string[]) => TimedCommand,
): Promise<string[][]> {
  const rows: string[][] = [];
  const lease = await holdAgent(agentEndpoint(env.PGENTRA_HOME ?? '', env), {
    op: 'forward-open',
    label: 'bench',
    ratePerMinute: 6000,
  });
  if (!lease?.answer.ok || !('forward' in lease.answer)) throw new Error('the agent opened no forward');
  const local = npmCli('token', 'flex');
  const throughForward = { ...local, env: { ...local.env, PGENTRA_AGENT: lease.answer.forward.address } };
  const [localTiming, forwardTiming] = await compareProcesses([local, throughForward]);
  lease.close();
  rows.push(
    row(
      '`pgentra token` through a forward socket (no ssh)',
      forwardTiming,
      'local `pgentra token`',
      localTiming,
      '—',
    ),
  );
  if (sshdUnavailable()) return rows;
  // sshd reads the authorized keys as the remote user, who must reach them.
  await fs.chmod(base, 0o755);
  const sshd = await startSshd(path.join(base, 'sshd'));
  const socket = `/tmp/pgentra-bench-${process.pid}.sock`;
  const session = runCli(
    [
      'ssh',
      '--remote-socket',
      socket,
      '--rate',
      '6000',
      sshd.destination,
      ...sshd.clientArgs,
      '--',
      'sleep 600',
    ],
    env,
  );
  try {
    await session.waitForStderr(/forwarding flex/);
    for (let i = 0; i < 100 && !(await fs.stat(socket).catch(() => null)); i += 1)
      await new Promise((resolve) => setTimeout(resolve, 100));
    const asUser = (user: string, extra: string[]): TimedCommand => ({
      command: 'runuser',
      args: ['-u', user, '--', '/usr/bin/env', ...extra, process.execPath, PGENTRA_BIN, 'token', 'flex'],
      env,
    });
    const [localRun, remoteRun] = await compareProcesses([
      asUser('root', []),
      asUser(sshd.user, [`PGENTRA_AGENT=${socket}`, `HOME=${sshd.home}`]),
    ]);
    rows.push(
      row(
        '`pgentra token` on an ssh remote (`pgentra ssh`, loopback)',
        remoteRun,
        'local `pgentra token`',
        localRun,
        '≤ 1.5×',
      ),
    );
  } finally {
    session.kill('SIGTERM');
    await session;
    await sshd.stop();
    await fs.rm(socket, { force: true });
  }
  return rows;
}

async function main(): Promise<void> {
  ensureCliBuilt();
  const base = await fs.mkdtemp(path.join(os.tmpdir(), 'pgentra-bench-'));
  const testbed = await startTestbed({ keyring: true });
  const rows: string[][] = [];
  const notes: string[] = [];
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
    const nodeStart: TimedCommand = { command: process.execPath, args: ['-e', '0'], env };
    const npmCli = (...args: string[]): TimedCommand => ({
      command: process.execPath,
      args: [PGENTRA_BIN, ...args],
      env,
    });
    const binary = (...args: string[]): TimedCommand => ({ command: STANDALONE_BINARY, args, env });
    const agent = runCli(['agent'], env);
    await agent.waitForStderr(/serving tokens/);
    // Two more baselines: the Node 24 the binary embeds, started bare (what pgentra adds on top of
    // it), and both sides under an inherited NODE_EXTRA_CA_CERTS (set by many corporate shells, and
    // by this machine's): Node 20 parses that bundle at start, Node 24 only when TLS needs it.
    const embeddedNode = existsSync(EMBEDDED_NODE) ? EMBEDDED_NODE : undefined;
    const caBundle = existsSync(SYSTEM_CA_BUNDLE) ? SYSTEM_CA_BUNDLE : undefined;
    const withCaBundle = (command: TimedCommand): TimedCommand => ({
      ...command,
      env: { ...command.env, NODE_EXTRA_CA_CERTS: caBundle },
    });
    const [bareNode, npmAgent, binaryAgent, bareNode24, bareNodeCa, binaryAgentCa] = await compareProcesses([
      nodeStart,
      npmCli('token', 'flex'),
      binary('token', 'flex'),
      ...(embeddedNode ? [{ command: embeddedNode, args: ['-e', '0'], env }] : []),
      ...(caBundle ? [withCaBundle(nodeStart), withCaBundle(binary('token', 'flex'))] : []),
    ]);
    const forwarded = await forwardedTokenRows(env, base, npmCli).catch((error: unknown) => {
      if (process.env.BENCH_DEBUG) process.stderr.write(`agent: ${agent.stderrSoFar()}\n`);
      throw error;
    });
    agent.kill('SIGTERM');
    await agent;
    rows.push(...forwarded);
    rows.push(
      row('`pgentra token`, agent running: standalone binary', binaryAgent, 'node -e 0', bareNode, '≤ 0.8×'),
      row(
        '`pgentra token`, agent running: npm CLI (`node bin/pgentra.cjs`)',
        npmAgent,
        'node -e 0',
        bareNode,
        '≤ 1.5×',
      ),
    );
    if (bareNode24)
      rows.push(
        row(
          '`pgentra token`, agent running: standalone binary, against its own Node 24',
          binaryAgent,
          `Node ${NODE_VERSION} -e 0`,
          bareNode24,
          '—',
        ),
      );
    if (bareNodeCa && binaryAgentCa)
      rows.push(
        row(
          '`pgentra token`, agent running: standalone binary, NODE_EXTRA_CA_CERTS inherited',
          binaryAgentCa,
          'node -e 0, same env',
          bareNodeCa,
          '≤ 0.8×',
        ),
      );

    // 2. No agent, still-valid cached token, against Azure CLI's cached path in the same interleaved
    // runs (when this machine lets az sign in against the fake: root, /etc/hosts, az installed).
    const azure = await signInAzureCli(base, env.PATH ?? '/usr/bin:/bin');
    if (!azure.ok) notes.push(`Azure CLI rows skipped: ${azure.reason}`);
    try {
      const az = azure.ok ? azure.az : undefined;
      const requestCounts = () => ({
        ...countBy(testbed.entra.requests, (r) => `pgentra fake Entra ${r.endpoint}`),
        ...(az ? countBy(az.entra.requests, (r) => `az fake Entra ${r.endpoint}`) : {}),
        ...(az ? countBy(az.arm.requests, (r) => `az fake ARM ${r.path}`) : {}),
      });
      const [bareNodeAgain, npmCache, binaryCache, azCache] = await compareProcesses(
        [
          nodeStart,
          npmCli('token', 'flex', '--no-agent'),
          binary('token', 'flex', '--no-agent'),
          ...(az ? [az.command] : []),
        ],
        requestCounts,
      );
      rows.push(
        row(
          '`pgentra token`, no agent (shared cache): standalone binary',
          binaryCache,
          'node -e 0',
          bareNodeAgain,
          '—',
        ),
        row('`pgentra token`, no agent (shared cache): npm CLI', npmCache, 'node -e 0', bareNodeAgain, '—'),
      );
      if (az && azCache) {
        const azLabel = `\`az account get-access-token\` (cached, azure-cli ${az.azVersion})`;
        rows.push(
          row(azLabel, azCache, 'node -e 0', bareNodeAgain, '—'),
          row(
            '`pgentra token --no-agent` vs az, cached: standalone binary',
            binaryCache,
            'az',
            azCache,
            '≤ 0.4×',
          ),
          row('`pgentra token --no-agent` vs az, cached: npm CLI', npmCache, 'az', azCache, '≤ 0.4×'),
        );
      }
      notes.push(
        `Requests per timed run at the fakes: pgentra binary, no agent: ${describeRequests(binaryCache?.requestsPerRun ?? {})}; ` +
          `npm CLI, no agent: ${describeRequests(npmCache?.requestsPerRun ?? {})}` +
          (azCache ? `; az: ${describeRequests(azCache.requestsPerRun)}.` : '.'),
      );
    } finally {
      if (azure.ok) await azure.az.stop();
    }

    // 3. Refresh fan-out: 100 clusters over 2 resources ask Entra twice, not 100 times.
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

    // 4. pgpass sync: 1,000 managed + 10,000 foreign lines, against reading and writing the same bytes.
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
    `${table}\n\n${notes.map((note) => `${note}\n\n`).join('')}${os.cpus().length} × ${cpu}, Node ${process.version}, ${RUNS} interleaved runs per process timing (median).\n`,
  );
}

main().catch((error: unknown) => {
  process.stderr.write(
    `bench failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
  process.exitCode = 1;
});
