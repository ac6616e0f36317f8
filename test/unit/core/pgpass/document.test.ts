// The pgpass document API (parse/serialize, lineKind, matches, findPassword), libpq's lookup
// defaults, and its fgets read loop: the NUL and buffer-boundary quirks are also checked against
// real psql in test/integration/pgpass-libpq.test.ts; these run where no psql is installed.
import { describe, expect, it } from 'vitest';
import {
  BLOCK_END,
  BLOCK_START,
  findPassword,
  formatEntry,
  libpqLines,
  lineKind,
  lookupPassword,
  matches,
  normalizeTarget,
  parse,
  resolvePgpassPath,
  scanManagedBlocks,
  serialize,
  withManagedBlock,
  type PgpassTarget,
} from '../../../../electron/core/pgpass/index.js';

const target: PgpassTarget = { host: 'db.example.com', port: 5432, database: 'app', user: 'alice' };
const PREFIX = 'db.example.com:5432:app:alice:';
const bytes = (text: string) => Buffer.from(text, 'latin1');

describe('parse / serialize', () => {
  it('gives back the exact bytes: BOM, CRLF and LF mixed, lone CRs, NUL, invalid UTF-8, no final newline', () => {
    const input = Buffer.concat([
      Buffer.from([0xef, 0xbb, 0xbf]),
      bytes('# c\r\n\nx:y\r\r\n\\\\:\\*\0\n'),
      Buffer.from([0xff, 0xfe, 0xc3, 0x28, 0x0d]),
    ]);
    const document = parse(input);
    expect(document.lines.map((l) => l.eol)).toEqual(['\r\n', '\n', '\r\n', '\n', '']);
    expect(serialize(document)).toEqual(input);
  });

  it('takes a string as text and encodes it as UTF-8', () => {
    expect(serialize(parse('zoë:1:2:3:4\n'))).toEqual(Buffer.from('zoë:1:2:3:4\n', 'utf8'));
  });

  it('an empty file is an empty document', () => {
    expect(parse(Buffer.alloc(0)).lines).toEqual([]);
    expect(serialize({ lines: [] })).toEqual(Buffer.alloc(0));
  });
});

describe('lineKind (as passwordFromFile sees a line)', () => {
  it.each([
    ['# comment', 'comment'],
    ['#', 'comment'],
    ['#x:1:2:3:4', 'comment'],
    [' # indented', 'entry'],
    ['\xef\xbb\xbf# behind a BOM', 'entry'],
    ['', 'blank'],
    ['\r', 'blank'],
    ['\r\r', 'blank'],
    [' ', 'entry'],
    ['a:b', 'entry'],
    ['\0# after NUL', 'blank'],
  ] as const)('%j is %s', (text, kind) => {
    expect(lineKind({ text, eol: '\n' })).toBe(kind);
  });
});

describe('matches (one line, libpq’s defaults applied to the connection)', () => {
  const line = (text: string) => ({ text, eol: '\n' as const });

  it('matches exactly that user and not a prefix, suffix or case variant', () => {
    const ours = line(formatEntry({ ...target, password: 'tok' }));
    expect(matches(ours, target)).toBe(true);
    for (const user of ['alic', 'alice ', 'Alice', 'alice@x', '', '*'])
      expect(matches(ours, { ...target, user })).toBe(false);
  });

  it('a null database or port is written as a wildcard and matches any', () => {
    const ours = line(formatEntry({ ...target, database: null, port: null, password: 'tok' }));
    expect(ours.text).toBe('db.example.com:*:*:alice:tok');
    expect(matches(ours, { ...target, database: 'other', port: '6432' })).toBe(true);
  });

  it('an empty database means the user name (libpq’s default database)', () => {
    expect(matches(line('db.example.com:5432:alice:alice:x'), { ...target, database: '' })).toBe(true);
  });

  it('an unknown user (empty) never reads the file', () => {
    expect(matches(line('*:*:*:*:x'), { ...target, user: '' })).toBe(false);
    expect(normalizeTarget({ ...target, user: '' })).toBeNull();
  });

  it('the default socket directory is configurable (/tmp upstream, /var/run/postgresql on Debian)', () => {
    const local = line('localhost:5432:app:alice:x');
    expect(matches(local, { ...target, host: '/tmp' })).toBe(false);
    expect(matches(local, { ...target, host: '/tmp' }, { defaultSocketDir: '/tmp' })).toBe(true);
    expect(matches(local, { ...target, host: '/var/run/postgresql' })).toBe(true);
    expect(matches(line('/tmp:5432:app:alice:x'), { ...target, host: '/tmp' })).toBe(true);
  });

  it('a NUL ends the line for libpq', () => {
    expect(matches(line(`${PREFIX}pw\0tail`), target)).toBe(true);
    expect(matches(line(`db.example.com:5432:app:al\0ice:pw`), target)).toBe(false);
  });
});

describe('libpqLines / findPassword (passwordFromFile’s read loop, byte for byte)', () => {
  const lookup = (file: string, t: PgpassTarget = target) => lookupPassword(bytes(file), t);

  it('reports the line the match starts on', () => {
    expect(findPassword(bytes(`# c\n\n*:*:*:bob:x\n${PREFIX}found\n`), target)).toEqual({
      password: 'found',
      lineNumber: 4,
    });
  });

  it('a NUL drops the rest of its line and glues the next physical line on', () => {
    const logical = [...libpqLines(bytes(`junk\0zzz\n${PREFIX}a\n${PREFIX}b\n`))];
    expect(logical.map((l) => [l.content, l.lineNumber])).toEqual([
      [`junk${PREFIX}a\n`, 1],
      [`${PREFIX}b\n`, 3],
    ]);
    expect(lookup(`junk\0zzz\n${PREFIX}a\n${PREFIX}b\n`)).toBe('b');
    expect(lookup(`db.example.com:5432:app:\0\nalice:merged\n`)).toBe('merged');
  });

  it('a comment with a NUL swallows the entry on the next line', () => {
    expect(lookup(`#note\0\n${PREFIX}swallowed\n${PREFIX}next\n`)).toBe('next');
  });

  it('a matching line with a NUL and a newline, at the end of the file, is lost', () => {
    expect(lookup(`${PREFIX}pw\0tail\n`)).toBeNull();
    expect(lookup(`${PREFIX}pw\0tail`)).toBe('pw');
  });

  it('an unterminated last line that exactly fills the read buffer (255, 511… bytes) is dropped', () => {
    const last = (length: number) => PREFIX + 'p'.repeat(length - PREFIX.length);
    expect(lookup(last(254))).not.toBeNull();
    expect(lookup(last(255))).toBeNull();
    expect(lookup(last(256))).not.toBeNull();
    expect(lookup(last(511))).toBeNull();
    expect(lookup(`${last(255)}\n`)).not.toBeNull();
    // After a 300-byte line the buffer is 512 bytes, so the unlucky length moves to 511.
    const grown = `${'x'.repeat(300)}\n`;
    expect(lookup(grown + last(255))).not.toBeNull();
    expect(lookup(grown + last(511))).toBeNull();
  });

  it('reads lines of any length (Entra tokens are 2–3 KB; old libpq stopped at 320 bytes)', () => {
    const token = 'eyJ' + 'a'.repeat(8000);
    expect(lookup(`${'#'.repeat(5000)}\n${PREFIX}${token}\n`)).toBe(token);
  });

  it('accepts a document or its lines as well as bytes', () => {
    const document = parse(`${PREFIX}pw\n`);
    expect(lookupPassword(document, target)).toBe('pw');
    expect(lookupPassword(document.lines, target)).toBe('pw');
  });
});

describe('formatEntry', () => {
  const entry = { ...target, password: 'tok' };

  it('escapes a host that starts with "#" so the line is not a comment', () => {
    const line = formatEntry({ ...entry, host: '#odd' });
    expect(lineKind({ text: line, eol: '\n' })).toBe('entry');
    expect(lookupPassword(bytes(`${line}\n`), { ...target, host: '#odd' })).toBe('tok');
  });

  it.each(['host', 'port', 'database', 'user', 'password'] as const)('refuses an empty %s', (field) => {
    expect(() => formatEntry({ ...entry, [field]: '' })).toThrow(new RegExp(`the ${field} is empty`));
  });

  it('writes a numeric port as digits', () => {
    expect(formatEntry({ ...entry, port: 6432 })).toBe('db.example.com:6432:app:alice:tok');
  });
});

describe('resolvePgpassPath', () => {
  it('on Windows prefers the application-data folder the OS reports over %APPDATA%', () => {
    const win = { homedir: 'C:\\Users\\Zoë', platform: 'win32' as const, env: { APPDATA: 'D:\\Roaming' } };
    expect(resolvePgpassPath({ ...win, appData: 'E:\\AppData' })).toBe(
      'E:\\AppData\\postgresql\\pgpass.conf',
    );
  });

  it('takes a relative PGPASSFILE from the given working directory', () => {
    const options = { env: { PGPASSFILE: 'conf/pgpass' }, homedir: '/home/zoë', platform: 'linux' as const };
    expect(resolvePgpassPath({ ...options, cwd: '/srv/app' })).toBe('/srv/app/conf/pgpass');
  });
});

describe('managed block details', () => {
  const entry = { host: 'h', port: 5432, database: null, user: 'u', password: 'tok' };
  const block = (eol: string, ...lines: string[]) =>
    [BLOCK_START, ...lines, BLOCK_END].map((line) => line + eol).join('');

  it('with no foreign line ending to follow, the block keeps the ending it was written with', () => {
    const out = serialize(withManagedBlock(parse(block('\r\n', 'old:1:2:3:4')), [entry]).document);
    expect(out.toString()).toBe(block('\r\n', 'h:5432:*:u:tok'));
  });

  it('reports where each block was, markers included (0-based lines)', () => {
    const file = 'a\n' + block('\n', 'x') + 'b\n' + block('\n');
    expect(scanManagedBlocks(parse(file)).blocks).toEqual([
      { start: 1, end: 3 },
      { start: 5, end: 6 },
    ]);
  });
});
