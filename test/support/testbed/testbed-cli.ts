// `npm run testbed -- <command>`: the testbed from a shell. `up` starts a background daemon that
// owns the stack (same code as the tests use in-process) and prints its facts; the other
// commands talk to that daemon's fake Entra ID over its control endpoint; `down` stops it.
import { spawn } from 'node:child_process';
import { promises as fs, openSync } from 'node:fs';
import https from 'node:https';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { CLI_FROM_CHECKOUT, exportLines, testbedShellEnv } from './shell-env.js';
import type { TestbedFacts } from './testbed.js';

const stateDir =
  process.env.PGENTRA_TESTBED_STATE ?? path.join(os.tmpdir(), `pgentra-testbed-${os.userInfo().uid}`);
const stateFile = path.join(stateDir, 'state.json');

const stateSchema = z.object({
  pid: z.number().int(),
  facts: z.custom<TestbedFacts>((value) => typeof value === 'object' && value !== null),
});

const FAULT_ENDPOINTS = ['token', 'devicecode', 'authorize', 'discovery', 'jwks', '*'] as const;
const FAULT_KINDS = [
  'http-429',
  'http-500',
  'http-503',
  'stall',
  'invalid-grant',
  'interaction-required',
  'revoked',
] as const;

const usage = `Usage: npm run testbed -- <command>
  up [--json] [--user UPN]... [--group NAME=UPN,UPN]... [--lifetime SECONDS]
                         start the stack in the background and print the \`export …\` lines
                         to paste into a shell (--json: its facts as JSON instead)
  status                 print the running stack's facts
  login-as UPN           who the next browser or device-code approval signs in as
  fault ENDPOINT KIND [--count N] [--retry-after SECONDS]
                         ENDPOINT: ${FAULT_ENDPOINTS.join(', ')}
                         KIND: ${FAULT_KINDS.join(', ')}
  clear-faults           remove all injected faults
  revoke [UPN]           revoke refresh tokens (everyone's without UPN)
  lifetime SECONDS       lifetime of tokens issued from now on
  azure SERVER stop|start|entra-off|entra-on|private|public|no-firewall
                         change a server of the fake Azure Resource Manager (its gateway follows)
  client-ip IP           the public IP the fake ARM reports and the gateways check
  down                   stop everything \`up\` started`;

async function readState() {
  try {
    return stateSchema.parse(JSON.parse(await fs.readFile(stateFile, 'utf8')));
  } catch {
    return null;
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function runningState() {
  const state = await readState();
  if (!state || !alive(state.pid))
    throw new Error('no testbed is running: start one with `npm run testbed -- up`');
  return state;
}

async function control(body: Record<string, unknown>, to: 'entra' | 'arm' = 'entra'): Promise<void> {
  const { facts } = await runningState();
  const url = to === 'entra' ? facts.controlUrl : `${facts.arm.endpoint}/_testbed/control`;
  const ca = await fs.readFile(facts.caFile);
  const payload = JSON.stringify(body);
  await new Promise<void>((resolve, reject) => {
    const request = https.request(
      url,
      {
        method: 'POST',
        ca,
        headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) },
      },
      (response) => {
        let text = '';
        response.on('data', (chunk: Buffer) => (text += chunk.toString()));
        response.on('end', () =>
          response.statusCode === 200
            ? resolve()
            : reject(new Error(`testbed refused: ${text || response.statusCode}`)),
        );
      },
    );
    request.on('error', reject);
    request.end(payload);
  });
}

function parseGroups(values: string[]): { name: string; members: string[] }[] {
  return values.map((value) => {
    const at = value.lastIndexOf('=');
    if (at <= 0) throw new Error(`--group must look like NAME=UPN,UPN (got "${value}")`);
    return {
      name: value.slice(0, at),
      members: value
        .slice(at + 1)
        .split(',')
        .filter(Boolean),
    };
  });
}

async function up(argv: string[]): Promise<void> {
  const { values } = parseArgs({
    args: argv,
    options: {
      json: { type: 'boolean' },
      user: { type: 'string', multiple: true },
      group: { type: 'string', multiple: true },
      lifetime: { type: 'string' },
    },
  });
  const existing = await readState();
  if (existing && alive(existing.pid))
    throw new Error(
      `a testbed is already running (pid ${existing.pid}); run \`npm run testbed -- down\` first`,
    );
  await fs.mkdir(stateDir, { recursive: true, mode: 0o700 });
  await fs.rm(stateFile, { force: true });
  const groups = parseGroups(values.group ?? []);
  const users = values.user?.length ? values.user : undefined;
  const options = {
    users: users && [...new Set([...users, ...groups.flatMap((group) => group.members)])],
    groups: groups.length ? groups : undefined,
    tokenLifetimeSec: values.lifetime ? Number(values.lifetime) : undefined,
    keyring: true,
  };
  const log = openSync(path.join(stateDir, 'daemon.log'), 'w');
  const daemon = spawn(
    process.execPath,
    [
      ...process.execArgv,
      path.join(import.meta.dirname, 'testbed-daemon.ts'),
      stateFile,
      JSON.stringify(options),
    ],
    {
      detached: true,
      stdio: ['ignore', log, log],
    },
  );
  daemon.unref();
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    const state = await readState();
    if (state) {
      if (values.json) {
        process.stdout.write(JSON.stringify(state.facts) + '\n');
        return;
      }
      // Every file pgentra writes stays under the state dir, never in the person's own HOME.
      await fs.mkdir(path.join(stateDir, 'run'), { recursive: true, mode: 0o700 });
      const env = { ...testbedShellEnv(state.facts, stateDir), PGENTRA_TESTBED_STATE: stateDir };
      process.stdout.write(
        exportLines(env)
          .map((line) => `${line}\n`)
          .join(''),
      );
      process.stderr.write(
        `testbed up (daemon pid ${state.pid}). Paste the lines above into a shell, then e.g.:\n` +
          `  ${CLI_FROM_CHECKOUT} login --device-code\n` +
          `  ${CLI_FROM_CHECKOUT} cluster add demo --host ${state.facts.gateway.host} --port ${state.facts.gateway.port} --kind flexible --database ${state.facts.database}\n` +
          `Stop it with \`npm run testbed -- down\`.\n`,
      );
      return;
    }
    if (daemon.exitCode !== null || !alive(daemon.pid ?? -1)) break;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  const output = await fs.readFile(path.join(stateDir, 'daemon.log'), 'utf8').catch(() => '');
  throw new Error(`the testbed did not start:\n${output.trim()}`);
}

async function down(): Promise<void> {
  const state = await readState();
  if (!state || !alive(state.pid)) {
    await fs.rm(stateFile, { force: true });
    process.stderr.write('no testbed was running\n');
    return;
  }
  process.kill(state.pid, 'SIGTERM');
  const deadline = Date.now() + 30_000;
  while (alive(state.pid) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 100));
  if (alive(state.pid)) process.kill(state.pid, 'SIGKILL');
  await fs.rm(stateFile, { force: true });
  process.stderr.write('testbed stopped\n');
}

async function main(argv: string[]): Promise<void> {
  const [command, ...rest] = argv;
  switch (command) {
    case 'up':
      return up(rest);
    case 'down':
      return down();
    case 'status':
      process.stdout.write(JSON.stringify((await runningState()).facts, null, 2) + '\n');
      return;
    case 'login-as': {
      const upn = z.string().min(1, 'login-as needs a UPN').parse(rest[0]);
      return control({ op: 'login-as', upn });
    }
    case 'fault': {
      const { values, positionals } = parseArgs({
        args: rest,
        allowPositionals: true,
        options: { count: { type: 'string' }, 'retry-after': { type: 'string' } },
      });
      const endpoint = z.enum(FAULT_ENDPOINTS).parse(positionals[0]);
      const kind = z.enum(FAULT_KINDS).parse(positionals[1]);
      return control({
        op: 'fault',
        endpoint,
        kind,
        ...(values.count ? { count: Number(values.count) } : {}),
        ...(values['retry-after'] ? { retryAfterSec: Number(values['retry-after']) } : {}),
      });
    }
    case 'clear-faults':
      return control({ op: 'clear-faults' });
    case 'revoke':
      return control({ op: 'revoke', ...(rest[0] ? { upn: rest[0] } : {}) });
    case 'lifetime':
      return control({ op: 'lifetime', sec: z.coerce.number().int().positive().parse(rest[0]) });
    case 'azure': {
      const changes: Record<string, Record<string, unknown>> = {
        stop: { state: 'Stopped' },
        start: { state: 'Ready' },
        'entra-off': { entraAuth: false },
        'entra-on': { entraAuth: true },
        private: { publicAccess: false },
        public: { publicAccess: true },
        'no-firewall': { clearFirewall: true },
      };
      const change = changes[rest[1] ?? ''];
      if (!rest[0] || !change) throw new Error(`usage: azure SERVER ${Object.keys(changes).join('|')}`);
      return control({ server: rest[0], ...change }, 'arm');
    }
    case 'client-ip':
      return control({ clientIp: rest[0] }, 'arm');
    case '--help':
    case '-h':
    case 'help':
      process.stdout.write(`${usage}\n`);
      return;
    default:
      // An unknown command is a usage error (2); none at all just shows what there is.
      process.stderr.write(`${command ? `testbed: unknown command "${command}"\n` : ''}${usage}\n`);
      process.exitCode = command ? 2 : 0;
  }
}

main(process.argv.slice(2)).catch((error: unknown) => {
  const message =
    error instanceof z.ZodError
      ? error.issues.map((issue) => issue.message).join('; ')
      : error instanceof Error
        ? error.message
        : String(error);
  process.stderr.write(`testbed: ${message}\n`);
  process.exitCode = 1;
});
