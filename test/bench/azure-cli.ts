// Azure CLI (`az`, Debian's azure-cli package) signed in against loopback fakes of Entra ID and
// Azure Resource Manager, for the bench's comparison of `pgentra token --no-agent` with
// `az account get-access-token` on its cached path. az hard-codes login.microsoftonline.com and
// management.azure.com, so while this runs /etc/hosts points them at the fake Entra (127.0.0.1:443)
// and the testbed's fake ARM (127.0.0.2:443, the same world the testbed serves) and hosts-file.ts
// restores the file after. Both fakes have certificates from a test CA that az's Python `requests`
// trusts through REQUESTS_CA_BUNDLE. az keeps its MSAL cache in a private AZURE_CONFIG_DIR.
import { spawn, spawnSync } from 'node:child_process';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { startFakeArm, type FakeArm } from '../support/testbed/fake-arm/index.js';
import { defaultAzure } from '../support/testbed/fake-arm/world.js';
import { startFakeEntra, type FakeEntra } from '../support/testbed/fake-entra/index.js';
import { keyResolver } from '../support/testbed/gateway.js';
import { createTestCa, issueLeaf } from '../support/testbed/tls.js';
import type { TimedCommand } from './measure.js';
import { pointHostsAt, whyHostsFileIsNotWritable, type HostsOverride } from './hosts-file.js';

/** Azure CLI's public client id (the "Microsoft Azure CLI" first-party application). */
export const AZURE_CLI_CLIENT_ID = '04b07795-8ddb-461a-bbee-02f9e1bf7b46';
const ENTRA_HOST = 'login.microsoftonline.com';
const ARM_HOST = 'management.azure.com';
// Both fakes need port 443; Linux routes all of 127.0.0.0/8 to the loopback.
const ENTRA_ADDRESS = '127.0.0.1';
const ARM_ADDRESS = '127.0.0.2';
// az's first run in a fresh config dir probes azure.microsoft.com before asking GitHub for the
// latest release. Pointed at the loopback, the probe meets a certificate without that name, az
// takes it for no connectivity and skips the check, so nothing here leaves the machine.
const CONNECTIVITY_PROBE_HOST = 'azure.microsoft.com';
const LOGIN_TIMEOUT_MS = 120_000;
const TENANT_ID = '7f0c1a4e-0b5d-4c1e-9a57-3f6c2d1b8e90';

export interface SignedInAzureCli {
  /** `az account get-access-token` for PostgreSQL's resource, as the bench times it. */
  command: TimedCommand;
  entra: FakeEntra;
  arm: FakeArm;
  azVersion: string;
  /** Closes the fakes and restores /etc/hosts. */
  stop(): Promise<void>;
}

export type AzureCliSetup = { ok: true; az: SignedInAzureCli } | { ok: false; reason: string };

function findAz(pathVariable: string): string | undefined {
  const found = spawnSync('sh', ['-c', 'command -v az'], { env: { PATH: pathVariable }, encoding: 'utf8' });
  return found.status === 0 ? found.stdout.trim() || undefined : undefined;
}

/** Runs az to the end; the fake Entra answers from this process, so this must not block it. */
function runAz(
  az: string,
  args: string[],
  env: Record<string, string>,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(az, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const timer = setTimeout(() => child.kill('SIGTERM'), LOGIN_TIMEOUT_MS);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

/** The version az recorded in its command index (`az version` would ask GitHub for the latest). */
async function installedVersion(configDir: string): Promise<string> {
  try {
    const text = await fs.readFile(path.join(configDir, 'commandIndex.json'), 'utf8');
    const index = JSON.parse(text.replace(/^\uFEFF/, '')) as { version?: unknown };
    return typeof index.version === 'string' ? index.version : 'unknown';
  } catch {
    return 'unknown';
  }
}

/**
 * Signs az in by device code (the fake approves it on the second poll) and fetches one
 * PostgreSQL token, so the timed calls that follow find it in az's cache. Answers why not when
 * this machine cannot do it; never leaves /etc/hosts changed.
 */
export async function signInAzureCli(base: string, pathVariable: string): Promise<AzureCliSetup> {
  const az = findAz(pathVariable);
  if (!az) return { ok: false, reason: 'Azure CLI (`az`) is not on PATH' };
  const notWritable = await whyHostsFileIsNotWritable();
  if (notWritable) return { ok: false, reason: notWritable };

  const dir = path.join(base, 'azure-cli');
  const home = path.join(dir, 'home');
  await fs.mkdir(home, { recursive: true });
  const ca = await createTestCa(path.join(dir, 'ca'));
  let entra: FakeEntra | undefined;
  let arm: FakeArm | undefined;
  let hosts: HostsOverride | undefined;
  const stop = async () => {
    hosts?.restore();
    await arm?.close();
    await entra?.close();
  };
  // Another server on 443, no privilege to bind it, or no 127.0.0.2 (macOS): a reason to skip.
  const cannotListen = async (error: unknown, what: string, address: string) => {
    const code = (error as { code?: unknown }).code;
    if (code !== 'EADDRINUSE' && code !== 'EACCES' && code !== 'EADDRNOTAVAIL') throw error;
    await stop();
    return { ok: false, reason: `the ${what} cannot listen on ${address}:443 (${String(code)})` } as const;
  };
  try {
    try {
      entra = await startFakeEntra({
        dir: path.join(dir, 'entra'),
        ca,
        hostName: ENTRA_HOST,
        port: 443,
        tenantId: TENANT_ID,
        clientIds: [AZURE_CLI_CLIENT_ID],
        users: [{ upn: 'alice@contoso.com' }],
      });
    } catch (error) {
      return await cannotListen(error, 'fake Entra ID', ENTRA_ADDRESS);
    }
    const armCert = await issueLeaf(ca, 'arm', [ARM_HOST]);
    try {
      arm = await startFakeArm({
        tls: { cert: armCert.cert, key: armCert.key },
        hostName: ARM_HOST,
        address: ARM_ADDRESS,
        port: 443,
        issuer: entra.issuer,
        tenantId: entra.tenantId,
        // Fetched once the hosts file sends login.microsoftonline.com to the fake Entra.
        keys: keyResolver({ jwksUri: entra.jwksUri, caFile: ca.caFile }),
        ...defaultAzure(entra),
      });
    } catch (error) {
      return await cannotListen(error, 'fake ARM', ARM_ADDRESS);
    }
    hosts = pointHostsAt({
      [ENTRA_HOST]: ENTRA_ADDRESS,
      [ARM_HOST]: ARM_ADDRESS,
      [CONNECTIVITY_PROBE_HOST]: ENTRA_ADDRESS,
    });
    const env: Record<string, string> = {
      PATH: pathVariable,
      HOME: home,
      AZURE_CONFIG_DIR: path.join(dir, 'config'),
      REQUESTS_CA_BUNDLE: ca.caFile,
      // Telemetry would upload to the real Internet at exit; surveys and colour only add noise.
      AZURE_CORE_COLLECT_TELEMETRY: 'false',
      AZURE_CORE_SURVEY_MESSAGE: 'false',
      AZURE_CORE_NO_COLOR: 'true',
    };
    const login = await runAz(
      az,
      ['login', '--use-device-code', '--allow-no-subscriptions', '--output', 'none'],
      env,
    );
    if (login.code !== 0) {
      await stop();
      return { ok: false, reason: `az login against the fake Entra ID failed:\n${login.stderr.trim()}` };
    }
    const command: TimedCommand = {
      command: az,
      args: ['account', 'get-access-token', '--resource', 'https://ossrdbms-aad.database.windows.net'],
      env,
    };
    const warm = await runAz(az, command.args, env);
    if (warm.code !== 0) {
      await stop();
      return { ok: false, reason: `az account get-access-token failed:\n${warm.stderr.trim()}` };
    }
    return {
      ok: true,
      az: { command, entra, arm, azVersion: await installedVersion(env.AZURE_CONFIG_DIR ?? ''), stop },
    };
  } catch (error) {
    await stop();
    throw error;
  }
}
