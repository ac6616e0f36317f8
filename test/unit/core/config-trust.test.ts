// config.json is refused, as ssh refuses ~/.ssh/config, when someone else could have written it.
// Real files with real modes; "another user" is `nobody` (the tests run as root here).
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ConfigStore } from '../../../electron/core/config-store.js';
import { isPgentraError } from '../../../electron/core/errors.js';
import { nodeFileSystem, systemClock } from '../../../electron/core/node-ports.js';

const NOBODY = 65534;
const canChown = process.getuid?.() === 0;

describe('config.json trust', () => {
  let dir: string;
  let file: string;
  const store = () => new ConfigStore({ fs: nodeFileSystem, dir, clock: systemClock });
  const refusal = async () => {
    const error: unknown = await store()
      .load()
      .then(
        () => null,
        (e: unknown) => e,
      );
    expect(error, 'the config was loaded').not.toBeNull();
    expect(isPgentraError(error) && error.code).toBe('config-unsafe');
    return (error as Error).message;
  };

  beforeEach(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'pgentra-trust-'));
    await fs.chmod(dir, 0o700);
    file = path.join(dir, 'config.json');
    await fs.writeFile(file, JSON.stringify({ version: 1 }), { mode: 0o600 });
  });
  afterEach(() => fs.rm(dir, { recursive: true, force: true }));

  it('loads a file only its owner can write', async () => {
    await expect(store().load()).resolves.toMatchObject({ version: 1 });
  });

  it.each(['666', '620', '602'])('refuses a file with mode %s and says how to fix it', async (mode) => {
    await fs.chmod(file, parseInt(mode, 8));
    const message = await refusal();
    expect(message).toContain(file);
    expect(message).toContain(`chmod 600 '${file}'`);
  });

  it('refuses a folder others can write, naming the chmod', async () => {
    await fs.chmod(dir, 0o777);
    expect(await refusal()).toContain(`chmod 700 '${dir}'`);
  });

  it('refuses an update too: nothing is written through an unsafe folder', async () => {
    await fs.chmod(dir, 0o770);
    await expect(store().update((c) => c)).rejects.toMatchObject({ code: 'config-unsafe' });
  });

  it.runIf(canChown)('refuses a file owned by another user, naming the chown', async () => {
    await fs.chown(file, NOBODY, NOBODY);
    const message = await refusal();
    expect(message).toContain('belongs to another user');
    expect(message).toContain(`chown "$(id -un)" '${file}'`);
  });

  it.runIf(canChown)('refuses a folder owned by another user', async () => {
    await fs.chown(dir, NOBODY, NOBODY);
    expect(await refusal()).toContain(dir);
  });

  it('accepts a config.json that is a symlink to a private file (dotfiles)', async () => {
    const real = path.join(dir, 'real.json');
    await fs.rename(file, real);
    await fs.symlink(real, file);
    await expect(store().load()).resolves.toMatchObject({ version: 1 });
  });
});
