// A real Secret Service for tests: a private D-Bus session with an unlocked gnome-keyring, so the
// OS-keychain cache path (libsecret via keytar, used by @azure/msal-node-extensions) is exercised
// for real rather than mocked. The keyring must be unlocked explicitly: an auto-activated, locked
// gnome-keyring makes keytar hang for ~25 s (testbed.md §3).
import { spawn, type ChildProcess } from 'node:child_process';
import { promises as fs } from 'node:fs';
import path from 'node:path';

export interface KeyringSession {
  /** Environment a child process needs to reach this keyring (merge into its env). */
  env: { DBUS_SESSION_BUS_ADDRESS: string };
  close(): Promise<void>;
}

const SESSION_SCRIPT = `
set -e
mkdir -p "$XDG_DATA_HOME" "$XDG_RUNTIME_DIR"
chmod 700 "$XDG_RUNTIME_DIR"
eval "$(printf '%s' "$KEYRING_PASSWORD" | gnome-keyring-daemon --unlock --components=secrets)"
echo "READY $DBUS_SESSION_BUS_ADDRESS"
# The session (bus + keyring daemon) lives until our parent closes stdin, so a crashed test run
# cannot leave daemons behind.
cat > /dev/null || true
`;

export async function startKeyringSession(dir: string, timeoutMs = 15_000): Promise<KeyringSession> {
  for (const tool of ['dbus-run-session', 'gnome-keyring-daemon']) {
    if (!(await isOnPath(tool))) {
      throw new Error(
        `${tool} not found: install dbus and gnome-keyring (apt-get install dbus gnome-keyring)`,
      );
    }
  }
  const home = path.join(dir, 'keyring-home');
  await fs.mkdir(home, { recursive: true });
  const child = spawn('dbus-run-session', ['--', 'bash', '-c', SESSION_SCRIPT], {
    env: {
      PATH: process.env.PATH,
      HOME: home,
      XDG_DATA_HOME: path.join(home, '.local', 'share'),
      XDG_RUNTIME_DIR: path.join(home, 'run'),
      KEYRING_PASSWORD: 'pgentra-testbed',
    },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  const address = await waitForReady(child, timeoutMs);
  return {
    env: { DBUS_SESSION_BUS_ADDRESS: address },
    close: () => stop(child),
  };
}

async function isOnPath(tool: string): Promise<boolean> {
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    try {
      await fs.access(path.join(dir, tool));
      return true;
    } catch {
      // keep looking
    }
  }
  return false;
}

function waitForReady(child: ChildProcess, timeoutMs: number): Promise<string> {
  return new Promise((resolve, reject) => {
    let stdout = '';
    let stderr = '';
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`keyring session did not start within ${timeoutMs} ms: ${stderr.trim()}`));
    }, timeoutMs);
    child.stdout?.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      const match = /READY (\S+)/.exec(stdout);
      if (match?.[1]) {
        clearTimeout(timer);
        resolve(match[1]);
      }
    });
    child.stderr?.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`keyring session exited (code ${code}) before it was ready: ${stderr.trim()}`));
    });
  });
}

function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const force = setTimeout(() => child.kill('SIGKILL'), 5_000);
    child.once('exit', () => {
      clearTimeout(force);
      resolve();
    });
    child.stdin?.end();
  });
}
