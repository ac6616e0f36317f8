// pgentra's block in a pgpass file the user also edits: the block goes first, the user's bytes
// stay exactly as they were (comments, blank lines, CRLF, a missing final newline, a BOM,
// malformed lines), and marker damage is refused rather than guessed at.
import { describe, expect, it } from 'vitest';
import {
  BLOCK_END,
  BLOCK_START,
  lookupPassword,
  parse,
  PgpassBlockError,
  PgpassEntryError,
  scanManagedBlocks,
  serialize,
  withManagedBlock,
  withoutManagedBlock,
  type PgpassManagedEntry,
} from '../../../../electron/core/pgpass/index.js';

const HOST = 'mydb.postgres.database.azure.com';
const entry = (
  user: string,
  password: string,
  extra: Partial<PgpassManagedEntry> = {},
): PgpassManagedEntry => ({
  host: HOST,
  port: 5432,
  database: null,
  user,
  password,
  ...extra,
});
const ALICE = entry('alice@contoso.com', 'token-alice-1');

/** The rendered file as bytes. */
function render(file: string | Buffer, entries: readonly PgpassManagedEntry[]): Buffer {
  return serialize(withManagedBlock(parse(file), entries).document);
}

/** The block's own lines: marker, entries, marker, with the given line ending. */
function block(lines: string[], eol = '\n'): string {
  return [BLOCK_START, ...lines, BLOCK_END].map((l) => l + eol).join('');
}

describe('withManagedBlock: the block goes first, foreign bytes are untouched', () => {
  it('an empty file gets just the block, LF-terminated', () => {
    expect(render('', [ALICE]).toString()).toBe(block([`${HOST}:5432:*:alice@contoso.com:token-alice-1`]));
  });

  it('comments, blank lines, malformed and short lines and a missing final newline are kept byte for byte', () => {
    const user =
      '# my servers\n\nlocalhost:5432:*:me:pw\ngarbage without colons\nhost:5432:db\n  # indented\n*:*:*:*:wild';
    const out = render(user, [ALICE]).toString();
    expect(out).toBe(block([`${HOST}:5432:*:alice@contoso.com:token-alice-1`]) + user);
  });

  it('follows a CRLF file’s line ending for the block and keeps the user’s CRLFs', () => {
    const user = '# windows\r\nlocalhost:5432:*:me:pw\r\n';
    const out = render(user, [ALICE]).toString();
    expect(out).toBe(block([`${HOST}:5432:*:alice@contoso.com:token-alice-1`], '\r\n') + user);
  });

  it('a mixed LF/CRLF file keeps each line’s own ending', () => {
    const user = 'a:1:2:3:4\r\nb:1:2:3:4\nc:1:2:3:4\r\n';
    expect(render(user, [ALICE]).toString().endsWith(user)).toBe(true);
  });

  it('a BOM at the start of the user’s file stays on the user’s first line (libpq reads it as part of that line)', () => {
    const user = '\uFEFF# saved by Notepad\nlocalhost:5432:*:me:pw\n';
    const out = render(user, [ALICE]);
    expect(out.subarray(out.length - Buffer.byteLength(user)).toString()).toBe(user);
    expect(out.subarray(0, BLOCK_START.length).toString()).toBe(BLOCK_START);
  });

  it('a BOM an editor put in front of our start marker stays at byte 0 and the block is replaced, not duplicated', () => {
    const before = `\uFEFF${block([`${HOST}:5432:*:alice@contoso.com:old`])}localhost:5432:*:me:pw\n`;
    const out = render(before, [ALICE]).toString();
    expect(out).toBe(
      `\uFEFF${block([`${HOST}:5432:*:alice@contoso.com:token-alice-1`])}localhost:5432:*:me:pw\n`,
    );
    expect(out.match(/pgentra managed block/g)).toHaveLength(2);
    // And clean removes it, BOM included: nothing of ours is left.
    expect(serialize(withoutManagedBlock(parse(before)).document).toString()).toBe(
      'localhost:5432:*:me:pw\n',
    );
  });

  it('invalid UTF-8 and NUL bytes in foreign lines are kept', () => {
    const user = Buffer.from([0x68, 0xff, 0xfe, 0x00, 0x3a, 0x0a, 0xc3, 0x28]);
    const out = render(user, [ALICE]);
    expect(out.subarray(out.length - user.length)).toEqual(user);
  });

  it('rewrites an existing block in place at the top, with exactly the new entries', () => {
    const user = 'localhost:5432:*:me:pw\n';
    const once = render(user, [ALICE, entry('bob@contoso.com', 'token-bob')]);
    const twice = render(once, [entry('bob@contoso.com', 'token-bob-2')]);
    expect(twice.toString()).toBe(block([`${HOST}:5432:*:bob@contoso.com:token-bob-2`]) + user);
  });

  it('a block found in the middle of the file goes back to the top', () => {
    const above = '# mine\n*:*:*:alice@contoso.com:shadow\n';
    const below = 'localhost:5432:*:me:pw\n';
    const before = above + block([`${HOST}:5432:*:alice@contoso.com:old`]) + below;
    const { document, scan } = withManagedBlock(parse(before), [ALICE]);
    expect(scan.blocks).toEqual([{ start: 2, end: 4 }]);
    expect(serialize(document).toString()).toBe(
      block([`${HOST}:5432:*:alice@contoso.com:token-alice-1`]) + above + below,
    );
    // Which is the point: the wildcard line above no longer shadows our token.
    expect(
      lookupPassword(serialize(document), {
        host: HOST,
        port: 5432,
        database: 'x',
        user: 'alice@contoso.com',
      }),
    ).toBe('token-alice-1');
  });

  it('two duplicated blocks collapse into one at the top; the lines between them are kept', () => {
    const before = `${block(['h:1:*:u:old1'])}between\n${block(['h:1:*:u:old2'])}after\n`;
    const { document, scan } = withManagedBlock(parse(before), [ALICE]);
    expect(scan.blocks).toHaveLength(2);
    expect(serialize(document).toString()).toBe(
      `${block([`${HOST}:5432:*:alice@contoso.com:token-alice-1`])}between\nafter\n`,
    );
  });

  it('recognises the markers an older pgentra wrote (matched by prefix)', () => {
    const old =
      '# >>> pgentra managed block - do not edit, pgentra rewrites it (pgentra pgpass clean removes it) >>>\n' +
      'h:1:*:u:old\n# <<< pgentra managed block <<<\nmine:1:2:3:4\n';
    expect(serialize(withoutManagedBlock(parse(old)).document).toString()).toBe('mine:1:2:3:4\n');
  });

  it('with no entries there is no block at all', () => {
    expect(render(`${block(['h:1:*:u:old'])}mine\n`, []).toString()).toBe('mine\n');
  });

  it('writes an entry comment (sanitised) above the entry, never a marker look-alike', () => {
    const out = render('', [entry('u', 'p', { comment: 'cluster prod\nexpires 12:00' })]).toString();
    expect(out).toBe(block(['# cluster prod expires 12:00', `${HOST}:5432:*:u:p`]));
    expect(() => render('', [entry('u', 'p', { comment: '>>> pgentra managed block' })])).toThrow(
      PgpassEntryError,
    );
  });

  it('refuses an entry libpq could not read back, before touching anything', () => {
    expect(() => render('', [entry('eve\n*:*:*:*:', 'p')])).toThrow(/user contains a line break/);
    expect(() => render('', [entry('u', '')])).toThrow(/password is empty/);
  });
});

describe('damaged markers are refused, naming the line', () => {
  const refusal = (file: string): PgpassBlockError => {
    try {
      scanManagedBlocks(parse(file));
    } catch (error) {
      expect(error).toBeInstanceOf(PgpassBlockError);
      return error as PgpassBlockError;
    }
    throw new Error('expected a PgpassBlockError');
  };

  it('an orphan start marker (end marker deleted) is left alone: we refuse to guess which lines are ours', () => {
    const error = refusal(`mine\n${BLOCK_START}\nh:1:*:u:tok\nalso mine\n`);
    expect(error.lineNumber).toBe(2);
    expect(error.message).toContain('line 2');
    expect(error.message).toContain('never ends');
  });

  it('an end marker without a start', () => {
    const error = refusal(`mine\nh:1:*:u:tok\n${BLOCK_END}\n`);
    expect(error.lineNumber).toBe(3);
    expect(error.message).toContain('never started');
  });

  it('a start marker inside a block (a block pasted into another)', () => {
    const error = refusal(`${BLOCK_START}\nA\n${block(['h:1:*:u:t'])}B\n${BLOCK_END}\n`);
    expect(error.lineNumber).toBe(3);
    expect(error.message).toContain('inside the one starting at line 1');
  });

  it('an indented marker is the user’s text, not ours', () => {
    const file = ` ${BLOCK_START}\nmine\n`;
    expect(scanManagedBlocks(parse(file)).foreign).toHaveLength(2);
    expect(render(file, [ALICE]).toString().endsWith(file)).toBe(true);
  });
});
