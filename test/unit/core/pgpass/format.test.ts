// The pgpass line format exactly as libpq reads it (fe-connect.c passwordFromFile and
// pwdfMatchesString): escaping, wildcards, comments, CR/LF handling, libpq's host/port defaults.
import { describe, expect, it } from 'vitest';
import {
  escapeField,
  formatEntry,
  joinLines,
  lookupPassword,
  matchLine,
  splitLines,
  type PgpassTarget,
} from '../../../../electron/core/pgpass/index.js';

const target: PgpassTarget = { host: 'db.example.com', port: '5432', database: 'app', user: 'alice' };
const lines = (text: string) => splitLines(Buffer.from(text, 'utf8'));

describe('splitLines / joinLines', () => {
  it('keeps each line ending, CRLF or LF, and a missing final newline', () => {
    const bytes = Buffer.from('a\r\nb\nc', 'latin1');
    expect(splitLines(bytes)).toEqual([
      { text: 'a', eol: '\r\n' },
      { text: 'b', eol: '\n' },
      { text: 'c', eol: '' },
    ]);
    expect(joinLines(splitLines(bytes))).toEqual(bytes);
  });

  it('an empty file has no lines; a lone newline is one empty line', () => {
    expect(splitLines(Buffer.alloc(0))).toEqual([]);
    expect(splitLines(Buffer.from('\n'))).toEqual([{ text: '', eol: '\n' }]);
  });

  it('a CR that does not precede LF stays part of the text (bytes are never reinterpreted)', () => {
    const bytes = Buffer.from('a\rb\r\r\n\r', 'latin1');
    expect(splitLines(bytes)).toEqual([
      { text: 'a\rb\r', eol: '\r\n' },
      { text: '\r', eol: '' },
    ]);
    expect(joinLines(splitLines(bytes))).toEqual(bytes);
  });

  it('invalid UTF-8, NUL bytes and a BOM survive the round trip', () => {
    const bytes = Buffer.from([0xef, 0xbb, 0xbf, 0x61, 0x00, 0xff, 0xfe, 0x0a, 0xc3, 0x28]);
    expect(joinLines(splitLines(bytes))).toEqual(bytes);
  });
});

describe('escapeField / formatEntry', () => {
  it('escapes ":" and "\\", and a lone "*" (which libpq would read as a wildcard)', () => {
    expect(escapeField('a:b')).toBe('a\\:b');
    expect(escapeField('back\\slash\\')).toBe('back\\\\slash\\\\');
    expect(escapeField('*')).toBe('\\*');
    expect(escapeField('**')).toBe('**');
    expect(escapeField('*x')).toBe('*x');
  });

  it('an IPv6 literal host is written so libpq compares it literally', () => {
    expect(escapeField('::1')).toBe('\\:\\:1');
  });

  it('non-ASCII is written as UTF-8 bytes (the module works on latin1 byte strings)', () => {
    expect(Buffer.from(escapeField('zoë'), 'latin1').toString('utf8')).toBe('zoë');
  });

  it('a null database is libpq’s wildcard, so \\c otherdb finds the token too', () => {
    const line = formatEntry({ ...target, database: null, password: 'tok' });
    expect(line).toBe('db.example.com:5432:*:alice:tok');
    expect(matchLine(line, { ...target, database: 'other' })).toBe('tok');
  });

  it('a database literally named "*" is not a wildcard', () => {
    const line = formatEntry({ ...target, database: '*', password: 'tok' });
    expect(matchLine(line, { ...target, database: 'app' })).toBeNull();
    expect(matchLine(line, { ...target, database: '*' })).toBe('tok');
  });

  it.each([
    ['user', 'alice\n*:*:*:*:'],
    ['user', 'a\rb'],
    ['database', 'x\0y'],
    ['password', 'tok\n'],
    ['password', 'tok\r'],
  ] as const)(
    'refuses a %s holding a line break or NUL (it would split the line or inject one)',
    (field, value) => {
      const entry = { ...target, database: null, password: 'tok', [field]: value };
      expect(() => formatEntry(entry)).toThrow(new RegExp(`${field}.*line break or NUL`));
      // Never echo a secret in an error.
      if (field === 'password') expect(() => formatEntry(entry)).not.toThrow(/tok/);
    },
  );
});

describe('matchLine (one line, as pwdfMatchesString + the password de-escaping)', () => {
  it('matches exact fields and returns the password', () => {
    expect(matchLine('db.example.com:5432:app:alice:s3cret', target)).toBe('s3cret');
  });

  it('is case-sensitive and literal (no DNS, no case folding)', () => {
    expect(matchLine('DB.example.com:5432:app:alice:x', target)).toBeNull();
    expect(matchLine('db.example.com:5432:app:Alice:x', target)).toBeNull();
  });

  it('a field that is exactly "*" is a wildcard; "*.example.com" is not a glob', () => {
    expect(matchLine('*:*:*:*:any', target)).toBe('any');
    expect(matchLine('*.example.com:5432:app:alice:x', target)).toBeNull();
    expect(matchLine('db.example.com:*:app:alice:p', target)).toBe('p');
  });

  it('an escaped "\\*" is a literal star', () => {
    expect(matchLine('db.example.com:5432:app:\\*:x', target)).toBeNull();
    expect(matchLine('db.example.com:5432:app:\\*:x', { ...target, user: '*' })).toBe('x');
  });

  it('de-escapes the password and stops at the first unescaped ":" (extra fields ignored)', () => {
    expect(matchLine('db.example.com:5432:app:alice:a\\:b\\\\c:extra', target)).toBe('a:b\\c');
  });

  it('an empty password field gives an empty password', () => {
    expect(matchLine('db.example.com:5432:app:alice:', target)).toBe('');
  });

  it('a line with fewer than five fields never matches', () => {
    expect(matchLine('db.example.com:5432:app', target)).toBeNull();
    expect(matchLine('db.example.com:5432:app:alice', target)).toBeNull();
    expect(matchLine('db.example.com', target)).toBeNull();
  });

  it('"#" is a comment only in the first column; an indented "#" line is an entry', () => {
    expect(matchLine('#db.example.com:5432:app:alice:x', { ...target })).toBeNull();
    expect(matchLine(' #:5432:app:alice:x', { ...target, host: ' #' })).toBe('x');
  });

  it('a trailing backslash does not escape past the end of the line', () => {
    expect(matchLine('db.example.com:5432:app:alice:pw\\', target)).toBe('pw\\');
    expect(matchLine('db.example.com:5432:app:alice\\', target)).toBeNull();
  });

  it('escaped ":" inside host and user', () => {
    expect(matchLine('\\:\\:1:5432:app:ops\\:team:x', { ...target, host: '::1', user: 'ops:team' })).toBe(
      'x',
    );
    expect(matchLine('::1:5432:app:alice:x', { ...target, host: '::1' })).toBeNull();
  });
});

describe('lookupPassword (the whole file, libpq’s defaults)', () => {
  it('the first matching line wins', () => {
    expect(lookupPassword(lines('*:*:*:alice:wild\ndb.example.com:5432:app:alice:exact\n'), target)).toBe(
      'wild',
    );
    expect(lookupPassword(lines('db.example.com:5432:app:alice:exact\n*:*:*:alice:wild\n'), target)).toBe(
      'exact',
    );
  });

  it('skips comments, blank lines and malformed lines', () => {
    const file = '# comment\n\n   \ngarbage\na:b\n::::\ndb.example.com:5432:app:alice:found\n';
    expect(lookupPassword(lines(file), target)).toBe('found');
  });

  it('strips CRLF and stray trailing CRs (pg_strip_crlf), but not a CR inside the line', () => {
    expect(lookupPassword(lines('db.example.com:5432:app:alice:pw\r\n'), target)).toBe('pw');
    expect(lookupPassword(lines('db.example.com:5432:app:alice:pw\r\r\n'), target)).toBe('pw');
    expect(lookupPassword(lines('db.example.com:5432:app:alice:pw\r'), target)).toBe('pw');
    expect(lookupPassword(lines('db.example.com:5432:app:alice:p\rw\n'), target)).toBe('p\rw');
  });

  it('a missing final newline still counts', () => {
    expect(lookupPassword(lines('x:1:2:3:4\ndb.example.com:5432:app:alice:last'), target)).toBe('last');
  });

  it('a BOM at the start makes the first line’s host not match (libpq knows no BOM)', () => {
    expect(lookupPassword(lines('\uFEFFdb.example.com:5432:app:alice:pw\n'), target)).toBeNull();
    expect(lookupPassword(lines('\uFEFF*:*:*:alice:pw\n'), target)).toBeNull();
  });

  it('an empty host or the default socket directory is looked up as "localhost"; an empty port as 5432', () => {
    const file = lines('localhost:5432:app:alice:local\n');
    expect(lookupPassword(file, { ...target, host: '', port: '' })).toBe('local');
    expect(lookupPassword(file, { ...target, host: '/var/run/postgresql', port: '5432' })).toBe('local');
    expect(lookupPassword(file, { ...target, host: '/tmp', port: '5432' })).toBeNull();
    expect(lookupPassword(file, { ...target, host: '127.0.0.1', port: '5432' })).toBeNull();
  });

  it('non-ASCII users and passwords are compared and returned as UTF-8', () => {
    expect(lookupPassword(lines('db.example.com:5432:app:zoë:pässwörd\n'), { ...target, user: 'zoë' })).toBe(
      'pässwörd',
    );
  });

  it('finds nothing in an empty file', () => {
    expect(lookupPassword([], target)).toBeNull();
  });
});
