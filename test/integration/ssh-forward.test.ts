// Issue 16 as a user meets it: a desktop signed in (fake Entra ID, `pgentra agent` running), a real
// OpenSSH server on loopback, and a second local user as the remote side with no pgentra
// configuration at all. Through `pgentra ssh`, the remote's psql logs in at the token-checking
// gateway; a cluster the forward does not allow is refused on both ends; when the connection
// ends, the remote's pgpass lines go with it; a remote flooding the forward is told to slow down
// while the desktop keeps answering its own `pgentra token`.
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { clusterAddArgs, cliEnvironment, PGENTRA_BIN, runCli, type CliRun } from '../support/testbed/cli.js';
import { sshdUnavailable, startSshd, type Sshd } from '../support/testbed/sshd.js';
import { startTestbed, type Testbed } from '../support/testbed/testbed.js';

const unavailable = sshdUnavailable();

/** Waits for something that happens in another process (a remote agent cleaning up). */
async function waitFor(check: () => Promise<boolean>, what: string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}
if (unavailable) console.log(`skipping the ssh forwarding tests: ${unavailable}`);

/** The remote runs the same CLI bundle (what the standalone binary also contains). */
const remotePgentra = `${process.execPath} ${PGENTRA_BIN}`;

describe.skipIf(unavailable !== null)('pgentra ssh: the agent forwarded to a real OpenSSH server', () => {
  let base: string;
  let testbed: Testbed;
  let sshd: Sshd;
  let env: Record<string, string>;
  let agent: CliRun;

  beforeAll(async () => {
    base = await fs.mkdtemp(path.join(os.tmpdir(), 'pgentra-ssh-'));
    await fs.chmod(base, 0o755);
    testbed = await startTestbed({ keyring: true });
    env = await cliEnvironment(testbed.facts, path.join(base, 'desktop'));
    sshd = await startSshd(path.join(base, 'sshd'));
    expect((await runCli(['login', '--device-code'], env)).code).toBe(0);
    expect((await runCli(clusterAddArgs(testbed.facts, 'flex'), env)).code).toBe(0);
    expect((await runCli(clusterAddArgs(testbed.facts, 'secret', 'cosmos'), env)).code).toBe(0);
    agent = runCli(['agent'], env);
    await agent.waitForStderr(/serving tokens/);
  }, 120_000);

  afterAll(async () => {
    // sshd leaves forwarded sockets behind (StreamLocalBindUnlink only clears them before a bind).
    for (const name of await fs.readdir('/tmp').catch(() => [] as string[]))
      if (/^pgentra-[0-9a-f]{24}\.sock$/.test(name))
        await fs.rm(path.join('/tmp', name), { force: true }).catch(() => undefined);
    agent?.kill('SIGTERM');
    await agent;
    await sshd?.stop();
    await testbed?.stop();
    await fs.rm(base, { recursive: true, force: true });
  });

  beforeEach(async () => {
    // The remote starts with nothing of pgentra's: no config, no pgpass, no service file.
    for (const file of ['.pgpass', '.pg_service.conf', '.config/pgentra'])
      await fs.rm(path.join(sshd.home, file), { recursive: true, force: true });
  });

  const ssh = (pgentraOptions: string[], remoteCommand: string) =>
    runCli(['ssh', ...pgentraOptions, sshd.destination, ...sshd.clientArgs, '--', remoteCommand], env);
  const remotePgpass = () => fs.readFile(path.join(sshd.home, '.pgpass'), 'utf8').catch(() => '');

  it('psql on the remote logs in at the gateway with the forwarded token', async () => {
    const result = await ssh(
      ['--cluster', 'flex'],
      `${remotePgentra} psql flex -- -Atc "select current_user"`,
    );
    expect(result.stderr).not.toContain('password authentication failed');
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout.trim()).toBe('alice@contoso.com');
    expect(result.stderr).toContain(`forwarding flex to ${sshd.destination}`);
    // The token went to the remote user's own pgpass file, 0600, and nothing else did.
    const stat = await fs.stat(path.join(sshd.home, '.pgpass'));
    expect(stat.uid).toBe(sshd.uid);
    expect(stat.mode & 0o777).toBe(0o600);
    expect(await remotePgpass()).toContain(`:${testbed.facts.gateways.flexible.port}:*:alice@contoso.com:ey`);
    expect(agent.stderrSoFar()).toContain('forward "127.0.0.1": token for flex');
  });

  it('a cluster the forward does not allow is refused, and both ends say so', async () => {
    const result = await ssh(['--cluster', 'flex', '--label', 'jump'], `${remotePgentra} token secret`);
    expect(result.code).toBe(5);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain(
      'pgentra on the desktop refused a token for cluster "secret": it is not allowed through the forward "jump" (allowed: flex)',
    );
    expect(agent.stderrSoFar()).toContain(
      'forward "jump": refused a token for cluster "secret" (not allowed through this forward)',
    );
  });

  it('when the connection ends, the lines it brought leave the remote pgpass file', async () => {
    const keeper = ssh(['--cluster', 'flex', '--label', 'keeper'], `${remotePgentra} agent --from-forward`);
    await keeper.waitForStderr(/pgpass: updated/, 60_000);
    expect(await remotePgpass()).toContain('alice@contoso.com:ey');
    // psql on the remote, outside pgentra, with what the keeper wrote (service file and pgpass).
    const psql = await sshd.asRemote('psql', ['-w', '-X', '-Atc', 'select current_user', 'service=flex']);
    expect(psql.stdout.trim(), psql.stderr).toBe('alice@contoso.com');

    // The connection ends from the desktop's side: ssh is told to stop, the remote agent notices.
    keeper.kill('SIGTERM');
    await keeper;
    await agent.waitForStderr(/forward "keeper": closed \(\d+ token\(s\) handed out/);
    const remoteService = () => fs.readFile(path.join(sshd.home, '.pg_service.conf'), 'utf8').catch(() => '');
    await waitFor(
      async () =>
        !(await remotePgpass()).includes('alice@contoso.com') && !(await remoteService()).includes('[flex]'),
      'the remote pgpass and service lines to go',
    );
    expect(await remotePgpass()).toBe('');
    expect(await remoteService()).toBe('');
  });

  it('a remote flooding the forward is told to slow down while the desktop keeps answering', async () => {
    const flood = path.join(base, 'flood.cjs');
    await fs.writeFile(
      flood,
      `const net = require('node:net');
const ask = () => new Promise((resolve) => {
  const socket = net.createConnection(process.env.PGENTRA_AGENT, () =>
    socket.end(JSON.stringify({ v: 1, op: 'token', cluster: 'flex' }) + '\\n'));
  let text = '';
  socket.on('data', (chunk) => (text += chunk));
  socket.on('close', () => resolve(text));
  socket.on('error', () => resolve(''));
});
Promise.all(Array.from({ length: 300 }, ask)).then((answers) => {
  const ok = answers.filter((a) => a.includes('"token"')).length;
  const limited = answers.filter((a) => a.includes('more than 30 a minute')).length;
  // Connections beyond what the forward takes at once are closed unanswered.
  const dropped = answers.filter((a) => a === '').length;
  console.log(JSON.stringify({ ok, limited, dropped, total: answers.length }));
});`,
      { mode: 0o644 },
    );
    const flooding = ssh(
      ['--cluster', 'flex', '--label', 'flood', '--rate', '30'],
      `${process.execPath} ${flood}`,
    );
    await agent.waitForStderr(/forward "flood": over the rate limit/, 60_000);
    // The desktop's own `pgentra token` while the remote floods.
    const local = await runCli(['token', 'flex'], env);
    expect(local.code, local.stderr).toBe(0);
    expect(local.stdout).toMatch(/^ey/);
    const result = await flooding;
    expect(result.code, result.stderr).toBe(0);
    const counts = JSON.parse(result.stdout.trim()) as {
      ok: number;
      limited: number;
      dropped: number;
      total: number;
    };
    expect(counts.ok + counts.limited + counts.dropped, result.stdout).toBe(300);
    expect(counts.limited, result.stdout).toBeGreaterThan(0);
    expect(counts.ok, result.stdout).toBeGreaterThan(0);
    // The burst (20) and what the rate refilled meanwhile; never the 300 asked for.
    expect(counts.ok, result.stdout).toBeLessThanOrEqual(40);
  });

  it('the WSL relay: a socket on the Linux side whose requests a relay program answers from the desktop', async () => {
    // What WSL does with `pgentra.exe wsl-relay` through interop, with the Linux CLI on both ends.
    const linux = path.join(base, 'wsl');
    await fs.mkdir(linux, { recursive: true });
    const socket = path.join(linux, 'run', 'forward.sock');
    const linuxEnv = {
      ...env,
      PGPASSFILE: path.join(linux, 'pgpass'),
      PGSERVICEFILE: path.join(linux, 'pg_service.conf'),
    };
    const relayCommand = `${remotePgentra} wsl-relay --cluster flex --label wsl-test`;
    const keeper = runCli(
      ['agent', '--from-forward', '--relay-command', relayCommand, '--socket', socket],
      linuxEnv,
    );
    await keeper.waitForStderr(/pgpass: updated/, 60_000);
    expect(await fs.readFile(linuxEnv.PGPASSFILE, 'utf8')).toContain('alice@contoso.com:ey');

    // Another Linux program with no configuration of its own, told where the forward is.
    const bare = {
      PATH: env.PATH ?? '/usr/bin:/bin',
      HOME: linux,
      PGENTRA_HOME: path.join(linux, 'none'),
      PGENTRA_AGENT: socket,
    };
    const token = await runCli(['token', 'flex'], bare);
    expect(token.code, token.stderr).toBe(0);
    expect(token.stdout).toMatch(/^ey/);
    const refused = await runCli(['token', 'secret'], bare);
    expect(refused.code).toBe(5);
    expect(refused.stderr).toContain('it is not allowed through the forward "wsl-test" (allowed: flex)');
    expect(agent.stderrSoFar()).toContain('forward "wsl-test": token for flex');

    keeper.kill('SIGTERM');
    const ended = await keeper;
    expect(ended.stderr).toContain('forward "wsl-test" ended: removed its tokens from');
    expect(await fs.readFile(linuxEnv.PGPASSFILE, 'utf8').catch(() => '')).not.toContain('alice@contoso.com');
    await agent.waitForStderr(/forward "wsl-test": closed/);
  });
});
