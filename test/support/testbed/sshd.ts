// A real OpenSSH server on loopback for the forwarding tests: Debian's sshd on a free port with its
// own host key, one authorized client key, and a second local user as the remote side (created
// when absent). Needs root (sshd switches users); tests say why they skip otherwise.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, promises as fs } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { collect, type CliResult } from './cli.js';

export const SSHD = '/usr/sbin/sshd';
export const REMOTE_USER = 'pgentra-remote';

/** Why these tests cannot run here, or null when they can. */
export function sshdUnavailable(): string | null {
  if (process.getuid?.() !== 0) return 'needs root: sshd switches to a second local user';
  if (!existsSync(SSHD)) return `needs ${SSHD} (apt-get install openssh-server)`;
  if (!existsSync('/usr/bin/ssh')) return 'needs ssh (apt-get install openssh-client)';
  return null;
}

export interface Sshd {
  port: number;
  /** The remote side's user, home and uid. */
  user: string;
  home: string;
  uid: number;
  /** What `ssh` needs besides the destination: port, key, no host-key prompts. */
  clientArgs: string[];
  destination: string;
  /**
   * Runs a command as the remote user on this machine. Asynchronous on purpose: the gateway and
   * fake Entra ID it may talk to run in the test's own process.
   */
  asRemote(command: string, args: string[]): Promise<CliResult>;
  stop(): Promise<void>;
}

async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

function ensureRemoteUser(): { home: string; uid: number } {
  const exists = (() => {
    try {
      execFileSync('id', ['-u', REMOTE_USER], { stdio: 'ignore' });
      return true;
    } catch {
      return false;
    }
  })();
  if (!exists) execFileSync('useradd', ['-m', '-s', '/bin/sh', REMOTE_USER]);
  // A new account is locked ("!"), which sshd without PAM refuses even for keys; "*" allows keys only.
  execFileSync('usermod', ['-p', '*', REMOTE_USER]);
  const [, , uid, , , home] = execFileSync('getent', ['passwd', REMOTE_USER], { encoding: 'utf8' })
    .trim()
    .split(':');
  return { home: home ?? `/home/${REMOTE_USER}`, uid: Number(uid) };
}

export async function startSshd(dir: string): Promise<Sshd> {
  await fs.mkdir(dir, { recursive: true, mode: 0o755 });
  const { home, uid } = ensureRemoteUser();
  const hostKey = path.join(dir, 'host_key');
  const clientKey = path.join(dir, 'client_key');
  for (const key of [hostKey, clientKey]) {
    await fs.rm(key, { force: true });
    await fs.rm(`${key}.pub`, { force: true });
    execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', key]);
  }
  const authorizedKeys = path.join(dir, 'authorized_keys');
  await fs.copyFile(`${clientKey}.pub`, authorizedKeys);
  await fs.chmod(authorizedKeys, 0o644);
  // The privilege separation folder Debian's init script would create.
  await fs.mkdir('/run/sshd', { recursive: true, mode: 0o755 });
  const port = await freePort();
  const config = path.join(dir, 'sshd_config');
  await fs.writeFile(
    config,
    [
      `Port ${port}`,
      'ListenAddress 127.0.0.1',
      `HostKey ${hostKey}`,
      `PidFile ${path.join(dir, 'sshd.pid')}`,
      `AuthorizedKeysFile ${authorizedKeys}`,
      // The keys live in a temp folder below the world-writable /tmp.
      'StrictModes no',
      'UsePAM no',
      'PasswordAuthentication no',
      'KbdInteractiveAuthentication no',
      `AllowUsers ${REMOTE_USER}`,
      // Stock settings otherwise: AllowStreamLocalForwarding yes, AcceptEnv nothing.
      '',
    ].join('\n'),
  );
  const log = path.join(dir, 'sshd.log');
  const child: ChildProcess = spawn(SSHD, ['-D', '-e', '-f', config], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let output = '';
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`sshd did not start:\n${output}`)), 15_000);
    child.stderr?.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      void fs.appendFile(log, chunk);
      if (output.includes('Server listening')) {
        clearTimeout(timer);
        resolve();
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`sshd exited (${code}):\n${output}`));
    });
  });
  return {
    port,
    user: REMOTE_USER,
    home,
    uid,
    destination: `${REMOTE_USER}@127.0.0.1`,
    clientArgs: [
      '-p',
      String(port),
      '-i',
      clientKey,
      '-o',
      'IdentitiesOnly=yes',
      '-o',
      'BatchMode=yes',
      '-o',
      'StrictHostKeyChecking=no',
      '-o',
      'UserKnownHostsFile=/dev/null',
      '-o',
      'LogLevel=ERROR',
    ],
    asRemote: (command, args) =>
      collect('runuser', ['-u', REMOTE_USER, '--', command, ...args], {
        PATH: process.env.PATH ?? '/usr/bin:/bin',
      }),
    stop: async () => {
      child.kill('SIGTERM');
      await new Promise<void>((resolve) =>
        child.exitCode !== null ? resolve() : child.once('exit', () => resolve()),
      );
    },
  };
}
