// Without an OS keychain (no Secret Service on the session bus, as over plain SSH) pgentra refuses
// to keep a sign-in at all, and says what to do; only the explicit allowPlaintextCache setting
// stores it in a 0600 file, with a warning on every start.
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../support/testbed/cli.js';
import { startTestbed, type Testbed } from '../support/testbed/testbed.js';

describe('no OS keychain', () => {
  let testbed: Testbed;
  let base: string;
  let env: Record<string, string>;
  const cacheFile = () => path.join(testbed.facts.pgentraHome, 'msal-cache.json');

  beforeAll(async () => {
    base = await fs.mkdtemp(path.join(os.tmpdir(), 'pgentra-nokeyring-'));
    testbed = await startTestbed({ keyring: false });
    await fs.mkdir(path.join(base, 'run'), { recursive: true, mode: 0o700 });
    env = {
      PATH: process.env.PATH ?? '/usr/bin:/bin',
      HOME: base,
      PGENTRA_HOME: testbed.facts.pgentraHome,
      PGPASSFILE: path.join(base, 'pgpass'),
      XDG_RUNTIME_DIR: path.join(base, 'run'),
      // A bus nobody listens on: libsecret cannot reach any Secret Service.
      DBUS_SESSION_BUS_ADDRESS: `unix:path=${path.join(base, 'no-bus')}`,
    };
  });
  afterAll(async () => {
    await testbed?.stop();
    await fs.rm(base, { recursive: true, force: true });
  });

  it('refuses to sign in, explains why and what to do, and stores nothing', async () => {
    const result = await runCli(['login', '--device-code'], env);
    expect(result.code).toBe(5);
    expect(result.stderr).toContain('pgentra keeps your sign-in in the Secret Service');
    expect(result.stderr).toContain('"allowPlaintextCache": true under "settings"');
    expect(result.stderr).not.toContain('Signed in as');
    // msal-node-extensions leaves an empty marker file behind; it must hold nothing.
    expect(await fs.readFile(cacheFile(), 'utf8').catch(() => '')).toBe('');
  });

  it('with allowPlaintextCache, keeps the sign-in in a 0600 file and warns every time', async () => {
    const configFile = path.join(testbed.facts.pgentraHome, 'config.json');
    const config = JSON.parse(await fs.readFile(configFile, 'utf8')) as {
      settings?: Record<string, unknown>;
    };
    config.settings = { ...config.settings, allowPlaintextCache: true };
    await fs.writeFile(configFile, JSON.stringify(config, null, 2), { mode: 0o600 });

    const login = await runCli(['login', '--device-code'], env);
    expect(login.code, login.stderr).toBe(0);
    expect(login.stderr).toContain('stored UNENCRYPTED');
    expect((await fs.stat(cacheFile())).mode & 0o777).toBe(0o600);

    const accounts = await runCli(['accounts'], env);
    expect(accounts.code).toBe(0);
    expect(accounts.stdout).toContain('alice@contoso.com');
    expect(accounts.stderr).toContain('stored UNENCRYPTED');
  });

  it('a damaged token cache asks for a new sign-in instead of failing every command', async () => {
    await fs.writeFile(cacheFile(), '{"Account": {"x": ', { mode: 0o600 });
    const accounts = await runCli(['accounts'], env);
    expect(accounts.stderr).toContain('The saved sign-in could not be read (the token cache is damaged)');
    expect(accounts.stderr).not.toContain('Unexpected end of JSON input');
    const login = await runCli(['login', '--device-code'], env);
    expect(login.code, login.stderr).toBe(0);
    const after = await runCli(['accounts'], env);
    expect(after.code).toBe(0);
    expect(after.stdout).toContain('alice@contoso.com');
    expect(after.stderr).not.toContain('damaged');
  });
});
