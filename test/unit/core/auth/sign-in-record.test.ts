// sign-in-state.json: a sign-in some pgentra process found gone reaches every other process,
// the file holds no secret and is private, a newer token or a sign-in ends it, and a damaged
// or missing file is ignored with one warning rather than stopping anything.
import { describe, expect, it } from 'vitest';
import { SignInRecord } from '../../../../electron/core/auth/sign-in-record.js';
import { FakeClock } from '../../../support/fakes/fake-clock.js';
import { MemoryFileSystem } from '../../../support/fakes/memory-fs.js';

const DIR = '/home/alice/.config/pgentra';
const FILE = `${DIR}/sign-in-state.json`;
const REVOKED = {
  kind: 'needs-sign-in' as const,
  message: 'Sign-in needed: AADSTS50173: The provided grant has expired due to it being revoked.',
  entraCode: 'AADSTS50173',
};

function setup() {
  const clock = new FakeClock();
  const fs = new MemoryFileSystem({ now: () => clock.now() }).mkdirp(DIR, 0o700);
  const warnings: string[] = [];
  const open = () => new SignInRecord({ fs, clock, configDir: DIR, warn: (w) => warnings.push(w) });
  return { clock, fs, warnings, open };
}

describe('SignInRecord', () => {
  it('a loss one process records is what the next process reads, in a 0600 file without tokens', async () => {
    const { fs, clock, open } = setup();
    const cli = open();
    await cli.ready();
    cli.markGone('alice-id', REVOKED);
    await cli.settled();
    expect(fs.modeOf(FILE)).toBe(0o600);
    expect(JSON.parse(fs.peek(FILE)?.toString() ?? '')).toEqual({
      version: 1,
      accounts: { 'alice-id': { since: clock.now(), ...REVOKED } },
    });

    const status = open();
    await status.ready();
    expect(status.gone('alice-id')).toMatchObject({ entraCode: 'AADSTS50173', since: clock.now() });
    expect(status.gone('bob-id')).toBeUndefined();
  });

  it('keeps the first time the loss was found, and ignores failures that are not a lost sign-in', async () => {
    const { clock, open } = setup();
    const record = open();
    await record.ready();
    record.markGone('alice-id', REVOKED);
    const first = clock.now();
    await clock.advance(60_000);
    record.markGone('alice-id', { ...REVOKED, kind: 'interaction-required' });
    record.markGone('bob-id', { kind: 'network', message: 'Entra ID did not answer' });
    await record.settled();
    expect(record.gone('alice-id')?.since).toBe(first);
    expect(record.gone('bob-id')).toBeUndefined();
  });

  it('a token issued after the loss ends it, one from before does not; a sign-in ends it at once', async () => {
    const { clock, open } = setup();
    const record = open();
    await record.ready();
    const before = clock.now() - 1_000;
    record.markGone('alice-id', REVOKED);
    record.markGone('bob-id', REVOKED);
    await record.settled();
    record.clear('alice-id', before);
    await record.settled();
    expect(record.gone('alice-id')).toBeDefined();
    record.clear('alice-id', clock.now() + 1_000);
    record.clear('bob-id');
    await record.settled();
    expect(record.gone('alice-id')).toBeUndefined();
    expect(record.gone('bob-id')).toBeUndefined();
    const next = open();
    await next.ready();
    expect(next.gone('alice-id')).toBeUndefined();
  });

  it('nothing recorded: clearing writes no file (the everyday token path stays read-only)', async () => {
    const { fs, open } = setup();
    const record = open();
    await record.ready();
    record.clear('alice-id', Date.now());
    await record.settled();
    expect(fs.exists(FILE)).toBe(false);
  });

  it.each([
    ['not JSON', '{"version": 1, "accounts": {'],
    ['another shape', JSON.stringify({ version: 2, accounts: [] })],
    ['a bad entry', JSON.stringify({ version: 1, accounts: { a: { since: 'yesterday' } } })],
  ])('a damaged file (%s) is ignored with one warning, and replaced by the next loss', async (_, text) => {
    const { fs, open, warnings } = setup();
    fs.put(FILE, text);
    const record = open();
    await record.ready();
    await record.reload();
    expect(record.gone('a')).toBeUndefined();
    expect(warnings).toEqual([expect.stringContaining(`ignoring ${FILE}: it is not a record pgentra wrote`)]);
    record.markGone('alice-id', REVOKED);
    await record.settled();
    expect(record.gone('alice-id')).toBeDefined();
    expect(JSON.parse(fs.peek(FILE)?.toString() ?? '')).toMatchObject({ version: 1 });
  });

  it('an unreadable or unwritable file is a warning, never a failure', async () => {
    const { fs, open, warnings } = setup();
    fs.put(FILE, '{}');
    fs.fail({ op: 'readFile', code: 'EACCES', path: FILE });
    const record = open();
    await expect(record.ready()).resolves.toBeUndefined();
    expect(warnings[0]).toMatch(/ignoring .*sign-in-state\.json: EACCES/);
    fs.fail({ op: 'rename', code: 'ENOSPC', times: Infinity });
    record.markGone('alice-id', REVOKED);
    await expect(record.settled()).resolves.toBeUndefined();
    expect(warnings.at(-1)).toMatch(/could not update .*sign-in-state\.json: .*the disk is full/);
  });
});
