// `pgentra doctor`: every check prints one line with what it found and, when something is wrong,
// what to do. The exit code is the worst problem found (design.md exit codes).
import { spawn } from 'node:child_process';
import net from 'node:net';
import { describeFailure } from '../core/errors.js';
import { resolveConfigDir } from '../core/config-dir.js';
import { assertPsqlCanVerify, psqlInvocation } from '../core/launch/psql.js';
import { createNodeProcesses } from '../core/node-ports.js';
import type { ClusterView, Pgentra } from '../core/pgentra.js';
import { decodeClaims, tokenUser } from '../core/tokens.js';
import { AZURE_CLI_CLIENT_ID } from '../shared/settings.js';
import { openCore } from './core-loader.js';
import { ExitCode, exitCodeFor } from './exit-codes.js';
import type { Io } from './io.js';

export async function runDoctor(io: Io, options: { cluster?: string; connect: boolean }): Promise<number> {
  let worst: number = ExitCode.ok;
  const ok = (message: string) => io.stdout(`  ok    ${message}\n`);
  const note = (message: string) => io.stdout(`  note  ${message}\n`);
  const fail = (code: number, message: string, fix?: string) => {
    io.stdout(`  FAIL  ${message}\n${fix ? `        → ${fix}\n` : ''}`);
    if (worst === ExitCode.ok || code > worst) worst = code;
  };

  io.stdout('Configuration\n');
  let core: Pgentra;
  try {
    core = await openCore(io);
  } catch (error) {
    fail(ExitCode.config, error instanceof Error ? error.message : String(error));
    return worst;
  }
  const settings = core.settings;
  ok(`config dir ${resolveConfigDir(io.env)}`);
  ok(`cloud ${settings.cloud}, tenant ${settings.tenant}, client ID ${settings.clientId}`);
  if (settings.clientId === AZURE_CLI_CLIENT_ID) {
    note(
      'using the Azure CLI public client ID; an app registration of your own is recommended (see the README)',
    );
  }
  ok(`pgpass ${settings.pgpass.enabled ? core.pgpassPath() : 'sync is off'}`);

  io.stdout('Sign-in\n');
  try {
    const backend = await core.cacheBackend();
    if (backend === 'plaintext-file')
      fail(
        ExitCode.config,
        'your sign-in is stored in a plaintext file ("allowPlaintextCache" is on)',
        'set up an OS keychain and turn the setting off',
      );
    else ok(`token cache encrypted by ${backend}`);
  } catch (error) {
    fail(ExitCode.config, error instanceof Error ? error.message : String(error));
    return worst;
  }
  const accounts = await core.accounts().catch(() => []);
  if (accounts.length === 0) fail(ExitCode.needsSignIn, 'no account is signed in', 'run `pgentra login`');
  for (const account of accounts) ok(`signed in as ${account.username} (tenant ${account.tenantId})`);

  const clusters = options.cluster ? [core.cluster(options.cluster)] : core.clusters();
  if (clusters.length === 0) note('no clusters yet: add one with `pgentra cluster add NAME --host HOST`');
  for (const cluster of clusters) {
    io.stdout(
      `Cluster ${cluster.name} (${cluster.kind}, ${cluster.host}:${cluster.port}, user ${cluster.loginUser})\n`,
    );
    checkTls(core, cluster, { ok, fail, note });
    const tokenOk = await checkToken(core, cluster, { ok, fail, note });
    if (options.connect && tokenOk) await checkAzure(core, cluster, { ok, fail, note }, io);
    if (options.connect) await checkServer(core, cluster, tokenOk, { ok, fail, note });
  }
  io.stdout(worst === ExitCode.ok ? '\nAll checks passed.\n' : '\nSome checks failed (see FAIL above).\n');
  return worst;
}

interface Report {
  ok: (message: string) => void;
  note: (message: string) => void;
  fail: (code: number, message: string, fix?: string) => void;
}

/**
 * What Azure Resource Manager says about the cluster's server, before connecting. Azure access
 * that is missing is a note: many who may log in to a database may not read its subscription.
 */
async function checkAzure(core: Pgentra, cluster: ClusterView, report: Report, io: Io): Promise<void> {
  if (!core.azure.knows(cluster.cloud)) return;
  let checked;
  try {
    checked = await core.azure.check(cluster);
  } catch (error) {
    const problem = describeFailure(error);
    report.note(
      `Azure checks skipped: ${problem.message}${problem.category === 'internal' ? '' : ` (${problem.advice})`}`,
    );
    return;
  }
  if (!checked.server) {
    report.note(
      `Azure checks skipped: no server with host ${cluster.host} among those your account sees (\`pgentra discover\`)`,
    );
    return;
  }
  report.ok(
    `Azure: ${checked.server.kind} server ${checked.server.name} (resource group ${checked.server.resourceGroup})`,
  );
  for (const result of checked.results) {
    const extra = [
      ...(result.command ? [`run: ${result.command}`] : []),
      ...(result.sql ? [`SQL: ${result.sql}`] : []),
    ];
    if (result.status === 'ok') report.ok(result.message);
    else if (result.status === 'skip') report.note(result.message);
    else if (result.status === 'warn') {
      report.note(`warning: ${result.message}`);
      for (const line of [...(result.fix ? [result.fix] : []), ...extra]) io.stdout(`        → ${line}\n`);
    } else {
      report.fail(ExitCode.databaseCheck, result.message, result.fix);
      for (const line of extra) io.stdout(`        → ${line}\n`);
    }
  }
}

/** "12:04:31, 3 min ago": when something happened, for a person reading doctor's output. */
function when(at: number): string {
  const seconds = Math.max(0, Math.round((Date.now() - at) / 1000));
  const ago = seconds < 90 ? `${seconds} s ago` : `${Math.round(seconds / 60)} min ago`;
  return `${new Date(at).toLocaleTimeString()}, ${ago}`;
}

/** What the server is verified with; `require` is the user's choice, so it is reported, not failed. */
function checkTls(core: Pgentra, cluster: ClusterView, report: Report): void {
  try {
    const { sslmode, sslrootcert, warning } = core.tlsFor(cluster);
    if (warning) report.note(`warning: ${warning}`);
    else
      report.ok(
        `TLS ${sslmode}: the server's certificate must match ${cluster.host} and chain to ${sslrootcert}`,
      );
  } catch (error) {
    const problem = describeFailure(error);
    report.fail(exitCodeFor(error), problem.message, problem.advice);
  }
}

async function checkToken(core: Pgentra, cluster: ClusterView, report: Report): Promise<boolean> {
  const noToken = (error: unknown) => {
    const problem = describeFailure(error);
    report.fail(
      exitCodeFor(error),
      `no token: ${problem.message}${problem.details.entraCode ? ` [${problem.details.entraCode}]` : ''}`,
      problem.advice,
    );
    return false;
  };
  // A token from the cache says nothing about a sign-in revoked since: ask Entra (or use an
  // answer it gave within the last 30 s) before calling the sign-in alive.
  let proof;
  try {
    proof = await core.proveSession(cluster);
  } catch (error) {
    return noToken(error);
  }
  const last = proof.lastIssuedAt === undefined ? 'none yet' : when(proof.lastIssuedAt);
  if (proof.problem) {
    const problem = describeFailure(proof.problem);
    report.fail(
      exitCodeFor(proof.problem),
      `the sign-in cannot get new tokens: ${problem.message}${problem.details.entraCode ? ` [${problem.details.entraCode}]` : ''} (last token Entra issued: ${last})`,
      problem.advice,
    );
    return false;
  }
  report.ok(
    proof.reused
      ? `sign-in alive: Entra ID issued a token at ${last} (not asked again within 30 s)`
      : `sign-in alive: Entra ID issued a new token just now (${last})`,
  );
  let token: string;
  try {
    token = (await core.token(cluster, { userAction: true })).token;
  } catch (error) {
    return noToken(error);
  }
  const claims = decodeClaims(token);
  const minutes = Math.floor((claims.exp * 1000 - Date.now()) / 60_000);
  report.ok(`token valid for ${minutes} more minutes`);
  if (claims.aud.replace(/\/$/, '') !== cluster.resource.replace(/\/$/, '')) {
    report.fail(
      ExitCode.config,
      `token audience is ${claims.aud} but a ${cluster.kind} server expects ${cluster.resource}`,
      'check the cluster kind and cloud (`pgentra cluster add --kind/--cloud`)',
    );
  } else report.ok(`audience ${claims.aud} matches a ${cluster.kind} server`);
  // The server accepts tokens only from its own Entra tenant, which only the server knows; a
  // tenant pinned in the settings is what the user says it is.
  const pinnedTenant = /^[0-9a-f]{8}-([0-9a-f]{4}-){3}[0-9a-f]{12}$/i.test(core.settings.tenant)
    ? core.settings.tenant.toLowerCase()
    : undefined;
  if (pinnedTenant && claims.tid.toLowerCase() !== pinnedTenant)
    report.fail(
      ExitCode.config,
      `the token is from tenant ${claims.tid} but the settings pin tenant ${pinnedTenant}`,
      'sign in with `pgentra login --tenant ' + pinnedTenant + '`',
    );
  else
    report.ok(
      `token from tenant ${claims.tid}${pinnedTenant ? ' as the settings pin' : ''} (the server must belong to it)`,
    );
  const upn = tokenUser(claims);
  const expectedUser =
    cluster.kind === 'single'
      ? cluster.loginUser.slice(0, cluster.loginUser.lastIndexOf('@'))
      : cluster.loginUser;
  if (cluster.group) {
    report.note(
      `group login as "${cluster.user}": the server checks that ${upn ?? 'you'} is a member (${claims.groups?.length ?? 0} group ids in the token)`,
    );
  } else if (upn !== expectedUser) {
    report.fail(
      ExitCode.config,
      `the token is for ${upn ?? 'an unknown user'} but the cluster logs in as ${expectedUser}`,
      'set --user to your UPN, or --group for a group login',
    );
  } else report.ok(`token user ${upn} matches the database user`);
  return true;
}

async function checkServer(
  core: Pgentra,
  cluster: ClusterView,
  tokenOk: boolean,
  report: Report,
): Promise<void> {
  // A private endpoint is reached at its hostaddr; the name is only checked against the certificate.
  const address = cluster.hostaddr ?? cluster.host;
  const reachable = await new Promise<string | null>((resolve) => {
    const socket = net.createConnection({ host: address, port: cluster.port, timeout: 5_000 });
    socket.once('connect', () => {
      socket.destroy();
      resolve(null);
    });
    socket.once('timeout', () => {
      socket.destroy();
      resolve('no answer within 5 s');
    });
    socket.once('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? error.message));
  });
  if (reachable) {
    report.fail(
      ExitCode.databaseCheck,
      `cannot reach ${address}:${cluster.port}: ${reachable}`,
      "check the host name, your network/VPN and the server's firewall rules",
    );
    return;
  }
  report.ok(`${address}:${cluster.port} is reachable`);
  if (!tokenOk) return;
  const target = await core.connectionTarget(cluster.name, { ensureToken: true });
  try {
    await assertPsqlCanVerify(createNodeProcesses(), 'psql', target);
  } catch (error) {
    const problem = describeFailure(error);
    report.fail(exitCodeFor(error), problem.message, problem.advice);
    return;
  }
  const result = await new Promise<{
    code: number | null;
    stdout: string;
    stderr: string;
    missing?: boolean;
  }>((resolve) => {
    // The same invocation `pgentra psql` uses: passfile= in the conninfo, and no PGPASSWORD or
    // PGSERVICE from this shell to override the fresh token.
    const psql = psqlInvocation(target, ['-w', '-X', '-A', '-t', '-c', 'select current_user']);
    const child = spawn(psql.command, psql.args, {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, ...psql.env },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.once('error', () => resolve({ code: null, stdout, stderr, missing: true }));
    child.once('close', (code) => resolve({ code, stdout, stderr }));
  });
  if (result.missing)
    report.note('psql is not installed, so the login itself was not tried (install the PostgreSQL client)');
  else if (result.code === 0)
    report.ok(
      `the server accepted the token: logged in as ${result.stdout.trim()} (sslmode ${target.sslmode})`,
    );
  else
    report.fail(
      ExitCode.databaseCheck,
      `the server refused the login: ${result.stderr.trim().split('\n').pop() ?? ''}`,
      'see the message above; `pgentra doctor` checks the claims the server compares',
    );
}
