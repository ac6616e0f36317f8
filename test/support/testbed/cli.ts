// Runs the built `pgentra` CLI as a user would: a separate process, real argv, real exit code.
import { spawn, spawnSync } from 'node:child_process';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import type { GatewayKind, TestbedFacts } from './testbed.js';

const root = path.resolve(import.meta.dirname, '..', '..', '..');
export const PGENTRA_BIN = path.join(root, 'bin', 'pgentra.cjs');

let built = false;
/** Builds the CLI bundle once per test process (the tests exercise what users run). */
export function ensureCliBuilt(): void {
  if (built) return;
  const result = spawnSync(process.execPath, [path.join(root, 'scripts', 'build.mjs'), 'cli'], {
    cwd: root,
    encoding: 'utf8',
  });
  if (result.status !== 0) throw new Error(`building the CLI failed:\n${result.stdout}${result.stderr}`);
  built = true;
}

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

export interface CliRun extends Promise<CliResult> {
  pid: number | undefined;
  /** Resolves with the first stderr match (a device code, a sign-in URL, "serving tokens"). */
  waitForStderr(pattern: RegExp, timeoutMs?: number): Promise<RegExpMatchArray>;
  /** Everything written to stderr so far (to wait for what comes after a point). */
  stderrSoFar(): string;
  kill(signal?: NodeJS.Signals): void;
}

export function runCli(args: string[], env: Record<string, string | undefined>): CliRun {
  ensureCliBuilt();
  return runProgram([process.execPath, PGENTRA_BIN], args, env);
}

/** `runCli` for another build of pgentra: `command` is its argv prefix (the standalone binary, say). */
export function runProgram(
  command: readonly string[],
  args: string[],
  env: Record<string, string | undefined>,
): CliRun {
  const [program = 'pgentra', ...prefix] = command;
  const child = spawn(program, [...prefix, ...args], {
    env: env as NodeJS.ProcessEnv,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  const waiters: { pattern: RegExp; resolve: (match: RegExpMatchArray) => void }[] = [];
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
    for (const waiter of [...waiters]) {
      const match = stderr.match(waiter.pattern);
      if (match) {
        waiters.splice(waiters.indexOf(waiter), 1);
        waiter.resolve(match);
      }
    }
  });
  const done = new Promise<CliResult>((resolve) =>
    child.once('close', (code) => resolve({ code, stdout, stderr })),
  ) as CliRun;
  done.pid = child.pid;
  done.stderrSoFar = () => stderr;
  done.kill = (signal = 'SIGTERM') => void child.kill(signal);
  done.waitForStderr = (pattern, timeoutMs = 30_000) =>
    new Promise((resolve, reject) => {
      const existing = stderr.match(pattern);
      if (existing) return resolve(existing);
      const timer = setTimeout(
        () => reject(new Error(`timed out waiting for ${pattern} on stderr; got:\n${stderr}`)),
        timeoutMs,
      );
      waiters.push({
        pattern,
        resolve: (match) => {
          clearTimeout(timer);
          resolve(match);
        },
      });
    });
  return done;
}

/**
 * A user's environment for the CLI against a started testbed: a private HOME, pgpass file and
 * runtime directory under `base`, and the testbed's config home and CA.
 */
export async function cliEnvironment(
  facts: { pgentraHome: string; env: Record<string, string> },
  base: string,
): Promise<Record<string, string>> {
  const home = path.join(base, 'home');
  await mkdir(path.join(base, 'run'), { recursive: true, mode: 0o700 });
  await mkdir(home, { recursive: true });
  return {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    HOME: home,
    PGENTRA_HOME: facts.pgentraHome,
    PGPASSFILE: path.join(home, 'pgpass'),
    XDG_RUNTIME_DIR: path.join(base, 'run'),
    ...facts.env,
  };
}

/** `cluster add NAME` for one of the testbed's gateways, every field given (no inference). */
export function clusterAddArgs(
  facts: Pick<TestbedFacts, 'gateways' | 'database'>,
  name: string,
  kind: GatewayKind = 'flexible',
): string[] {
  const { host, port } = facts.gateways[kind];
  return [
    'cluster',
    'add',
    name,
    '--host',
    host,
    '--port',
    `${port}`,
    '--kind',
    kind,
    '--database',
    facts.database,
  ];
}

/** Runs a program to its end and collects what it printed (for tools other than pgentra). */
export function collect(command: string, args: string[], env: NodeJS.ProcessEnv): Promise<CliResult> {
  const child = spawn(command, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  return new Promise((resolve) => child.once('close', (code) => resolve({ code, stdout, stderr })));
}
