// `npm run demo`: pgentra against the offline testbed, ready to click. Starts the stack (fake
// Entra ID, PostgreSQL behind Azure-like gateways, a private keyring), adds a Flexible-like and a
// Cosmos-like cluster, signs in by device code (the fake Entra approves by itself), then opens the
// tray app under Electron, or, where there is no Electron binary (this machine, CI), the same
// window in a browser through the preview host. Prints how to use the CLI and psql against the
// same stack, and stays up until Ctrl-C. Every failure is printed, never swallowed.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { nodeFileSystem, systemClock } from '../../../electron/core/node-ports.js';
import { Pgentra } from '../../../electron/core/pgentra.js';
import { ensureCliBuilt, runCli } from '../testbed/cli.js';
import { CLI_FROM_CHECKOUT, exportLines, shellQuote, testbedShellEnv } from '../testbed/shell-env.js';
import { startPreviewHost, type PreviewHost } from './preview-host.js';
import { conninfoOf, runPsql } from '../testbed/psql.js';
import { startTestbed, type Testbed } from '../testbed/testbed.js';
import { findTlsRootsDir } from '../../../electron/core/tls-roots.js';
import { findElectronBinary } from '../electron-binary.js';

const root = path.resolve(import.meta.dirname, '..', '..', '..');
const say = (line = '') => process.stdout.write(`${line}\n`);

function build(targets: string[]): void {
  const result = spawnSync(process.execPath, [path.join(root, 'scripts', 'build.mjs'), ...targets], {
    cwd: root,
    encoding: 'utf8',
  });
  if (result.status !== 0)
    throw new Error(`building ${targets.join(', ')} failed:\n${result.stdout}${result.stderr}`);
}

async function waitFor<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe().catch(() => undefined);
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

async function main(): Promise<void> {
  let testbed: Testbed | undefined;
  let host: PreviewHost | undefined;
  let electron: ChildProcess | undefined;
  let stopping: Promise<void> | undefined;
  const stop = (code: number) =>
    (stopping ??= (async () => {
      say('\nStopping…');
      electron?.kill('SIGTERM');
      await host?.stop().catch((error: unknown) => say(`  preview host: ${String(error)}`));
      await testbed?.stop().catch((error: unknown) => say(`  testbed: ${String(error)}`));
      say('Stopped everything the demo started.');
      process.exit(code);
    })());
  let interrupts = 0;
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.on(signal, () => {
      if (++interrupts > 1) process.exit(130);
      void stop(0);
    });
  }

  try {
    say(
      'pgentra demo: starting the offline testbed (fake Entra ID, PostgreSQL 15, Azure-like gateways, keyring)…',
    );
    testbed = await startTestbed({ keyring: true });
    const { facts } = testbed;
    const env = testbedShellEnv(facts, testbed.dir);
    await fs.mkdir(env.XDG_RUNTIME_DIR ?? '', { recursive: true, mode: 0o700 });
    // libsecret talks to the session bus of this process: the testbed's private keyring.
    Object.assign(process.env, facts.env);

    say('Signing in by device code (the fake Entra ID approves it by itself)…');
    const core = await Pgentra.open({
      configDir: facts.pgentraHome,
      env,
      fs: nodeFileSystem,
      clock: systemClock,
      browser: { open: async () => undefined },
      tlsRootsDir: findTlsRootsDir(import.meta.dirname),
      warn: (message) => say(`  warning: ${message}`),
    });
    const account = await core.signIn({
      method: 'device-code',
      onDeviceCode: (prompt) => say(`  device code ${prompt.userCode} at ${prompt.verificationUri}`),
    });
    say(`  signed in as ${account.username}`);
    const clusters = [
      { name: 'orders-flex', kind: 'flexible' as const },
      { name: 'shop-cosmos', kind: 'cosmos' as const },
    ];
    for (const { name, kind } of clusters) {
      const gateway = facts.gateways[kind];
      await core.addCluster({
        name,
        host: gateway.host,
        port: gateway.port,
        database: facts.database,
        kind,
      });
      say(`  added ${name} (${kind}, ${gateway.host}:${gateway.port}, database ${facts.database})`);
    }

    const found = findElectronBinary();
    let windowLine: string;
    if (found.ok) {
      say('Building the app and starting it under Electron…');
      build(['main', 'preload', 'renderer']);
      electron = spawn(
        found.path,
        [...(process.getuid?.() === 0 ? ['--no-sandbox'] : []), path.join(root, 'dist', 'main', 'main.cjs')],
        { cwd: root, env: { ...process.env, ...env }, stdio: 'inherit' },
      );
      electron.on('exit', (code) => {
        say(`Electron exited (code ${code}).`);
        void stop(code ?? 0);
      });
      windowLine = 'The pgentra tray app is running under Electron (look for its tray icon and window).';
    } else {
      say(
        `No Electron binary on this machine (${found.reason}); opening the browser preview instead: the same window, the same IPC, the real core.`,
      );
      host = await startPreviewHost({
        configDir: facts.pgentraHome,
        env,
        serveAgent: true,
        port: process.env.PGENTRA_PREVIEW_PORT ? Number(process.env.PGENTRA_PREVIEW_PORT) : undefined,
        log: (line) => {
          if (process.env.PGENTRA_DEMO_VERBOSE) say(`  [app] ${line}`);
        },
      });
      windowLine = [
        `Open the pgentra window in a browser: ${host.url}`,
        `  and its tray icon and menu (macOS or Windows look): ${host.trayUrl}`,
      ].join('\n');
    }

    // The app writes the tokens into PGPASSFILE as it gets them; check psql really gets in.
    const g = facts.gateways.flexible;
    const conninfo = `host=${g.host} port=${g.port} dbname=${facts.database} user=${account.username} sslmode=verify-full sslrootcert=${facts.caFile}`;
    const psqlCheck = await waitFor('psql to connect with the token in PGPASSFILE', async () => {
      const result = await runPsql(
        conninfoOf({
          host: g.host,
          port: g.port,
          dbname: facts.database,
          user: account.username,
          sslmode: 'verify-full',
          sslrootcert: facts.caFile,
        }),
        'select current_user',
        { PGPASSFILE: env.PGPASSFILE ?? '' },
      );
      return result.code === 0 ? result.stdout : undefined;
    }).catch((error: unknown) => `NOT WORKING (${error instanceof Error ? error.message : String(error)})`);

    // `npm run testbed -- <command>` finds a stack by its state file: point it at this one.
    const stateDir = path.join(testbed.dir, 'testbed-state');
    await fs.mkdir(stateDir, { recursive: true, mode: 0o700 });
    await fs.writeFile(path.join(stateDir, 'state.json'), JSON.stringify({ pid: process.pid, facts }), {
      mode: 0o600,
    });

    ensureCliBuilt();
    const cliCheck = await runCli(['status'], { PATH: process.env.PATH, HOME: process.env.HOME, ...env });

    say();
    say('────────────────────────────────────────────────────────────────────────');
    say(windowLine);
    say();
    say(`Use the CLI against the same stack: paste these lines into a shell in ${root}:`);
    for (const line of exportLines({ ...env, PGENTRA_TESTBED_STATE: stateDir })) say(`  ${line}`);
    say(`  ${CLI_FROM_CHECKOUT} status`);
    say(
      cliCheck.code === 0
        ? '  (checked: it answers)'
        : `  (checked: it exited ${cliCheck.code}: ${cliCheck.stderr.trim().split('\n').at(-1) ?? ''})`,
    );
    say();
    say('psql in that shell, with the token pgentra keeps in PGPASSFILE (no password prompt):');
    say(`  psql ${shellQuote(conninfo)}`);
    say(`  (checked: ${psqlCheck.startsWith('NOT') ? psqlCheck : `connected as ${psqlCheck}`})`);
    say();
    say('Break things on purpose (the window shows what happens), e.g.:');
    say('  npm run testbed -- revoke');
    say('  (also: fault token http-503 --count 3, lifetime 120, clear-faults; `down` stops the demo)');
    say('The window\'s "Add from Azure" and a cluster\'s "Check connection" ask the testbed\'s fake Azure');
    say('Resource Manager; close its firewall to see a check fail and "Allow my IP" fix it:');
    say('  npm run testbed -- azure pg-flex no-firewall');
    say('Press Ctrl-C to stop everything.');
    say('────────────────────────────────────────────────────────────────────────');
  } catch (error) {
    process.stderr.write(
      `\npgentra demo failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
    );
    await stop(1);
  }
  // Stay up until Ctrl-C (the signal handlers stop everything).
  setInterval(() => undefined, 1 << 30);
}

void main();
