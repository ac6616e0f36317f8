import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startKeyringSession, type KeyringSession } from '../support/testbed/keyring-session.js';

const run = promisify(execFile);

// keytar is what @azure/msal-node-extensions uses for libsecret; a separate process proves the
// secret lives in the Secret Service and not in this process's memory.
const keytarScript = (op: 'set' | 'get' | 'delete') => `
const keytar = require('keytar');
const [service, account, secret] = process.argv.slice(1);
(async () => {
  if ('${op}' === 'set') await keytar.setPassword(service, account, secret);
  if ('${op}' === 'get') process.stdout.write(String(await keytar.getPassword(service, account)));
  if ('${op}' === 'delete') process.stdout.write(String(await keytar.deletePassword(service, account)));
})().catch((e) => { console.error(e.message); process.exit(1); });
`;

describe('keyring session (real gnome-keyring under dbus-run-session)', () => {
  let dir: string;
  let session: KeyringSession;

  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'pgentra-keyring-'));
    session = await startKeyringSession(dir);
  });
  afterAll(async () => {
    await session?.close();
    await rm(dir, { recursive: true, force: true });
  });

  const keytar = async (op: 'set' | 'get' | 'delete', ...args: string[]) => {
    const { stdout } = await run(process.execPath, ['-e', keytarScript(op), ...args], {
      env: { PATH: process.env.PATH, ...session.env },
      cwd: process.cwd(),
      timeout: 20_000,
    });
    return stdout;
  };

  it('stores a secret and reads it back from another process', async () => {
    await keytar('set', 'pgentra-selftest', 'alice', 'not-a-real-secret-é');
    expect(await keytar('get', 'pgentra-selftest', 'alice')).toBe('not-a-real-secret-é');
    expect(await keytar('get', 'pgentra-selftest', 'bob')).toBe('null');
    expect(await keytar('delete', 'pgentra-selftest', 'alice')).toBe('true');
    expect(await keytar('get', 'pgentra-selftest', 'alice')).toBe('null');
  });

  it('is unreachable without the session bus address', async () => {
    const failure = run(process.execPath, ['-e', keytarScript('get'), 'pgentra-selftest', 'alice'], {
      env: { PATH: process.env.PATH, DBUS_SESSION_BUS_ADDRESS: 'unix:path=/nonexistent/bus' },
      timeout: 20_000,
    });
    await expect(failure).rejects.toThrow();
  });
});
