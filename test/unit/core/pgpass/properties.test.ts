// Properties of the pgpass writer over generated files and names (security.md §4.6):
// byte-exact round trips, foreign bytes never touched by inserting/replacing/removing our block,
// our entries found exactly for their own target, never for anyone else, and never shadowed.
// The matcher is also checked against a line-for-line transliteration of libpq's C code.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  BLOCK_END,
  BLOCK_START,
  formatEntry,
  joinLines,
  lookupPassword,
  managedEntries,
  matchLine,
  parse,
  PgpassEntryError,
  scanManagedBlocks,
  serialize,
  splitLines,
  withManagedBlock,
  withoutManagedBlock,
  type PgpassManagedEntry,
  type PgpassTarget,
} from '../../../../electron/core/pgpass/index.js';

const RUNS = { numRuns: 1_000 };

// ---- generators -------------------------------------------------------------------------------

/** Bytes that matter to pgpass parsing, a BOM, NUL, and everything else. */
const trickyByte = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom(0x0a, 0x0d, 0x5c, 0x3a, 0x23, 0x2a, 0x20, 0x00) },
  { weight: 1, arbitrary: fc.constant(-1) }, // stands for a whole BOM
  { weight: 5, arbitrary: fc.integer({ min: 0, max: 255 }) },
);
const anyBytes = fc
  .array(trickyByte, { maxLength: 300 })
  .map((codes) => Buffer.from(codes.flatMap((c) => (c === -1 ? [0xef, 0xbb, 0xbf] : [c]))));

/** Text made of what pgpass cares about plus arbitrary Unicode (never a lone surrogate). */
const trickyText = (maxLength: number) =>
  fc
    .array(
      fc.oneof(
        {
          weight: 3,
          arbitrary: fc.constantFrom(':', '\\', '*', ' ', '#', '@', "'", '"', '\uFEFF', 'é', '字', '😀'),
        },
        { weight: 5, arbitrary: fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }) },
        { weight: 5, arbitrary: fc.constantFrom('a', 'b', 'localhost', '5432', 'db', 'alice') },
      ),
      { maxLength },
    )
    .map((parts) => parts.join(''));

/** A value pgentra can write: non-empty, no line break or NUL. */
const fieldText = trickyText(12).filter((s) => s !== '' && !/[\r\n\0]/.test(s));

/** A user's own line (no newline inside), possibly a wildcard or a near-miss of our entries. */
const foreignLineText = fc.oneof(
  trickyText(40).map((s) => s.replace(/[\n]/g, '')),
  fc.constantFrom('*:*:*:*:stolen', '# a comment', '', ' # indented', '*:*:*:*:', 'localhost:5432:*:alice:x'),
  fc.tuple(fieldText, fieldText, fieldText).map(([h, d, u]) => `${h}:*:${d}:${u}:foreign-pw`),
);

/** A user's file: lines with mixed endings, maybe no final newline. Never one of our markers. */
const foreignFile = fc
  .tuple(
    fc.array(fc.tuple(foreignLineText, fc.constantFrom('\n', '\r\n')), { maxLength: 12 }),
    fc.option(foreignLineText.filter((s) => s !== '')),
  )
  .map(([lines, last]) => Buffer.from(lines.map(([t, e]) => t + e).join('') + (last ?? ''), 'utf8'))
  .filter((bytes) => !bytes.toString('latin1').includes('pgentra managed block'));

const entryArb = (password: string) =>
  fc.record({
    host: fieldText.filter((h) => h !== '/var/run/postgresql'),
    port: fc.option(fc.integer({ min: 1, max: 65535 })),
    database: fc.option(fieldText),
    user: fieldText,
    password: fc.constant(password),
  });

/** 1–4 entries with distinct users and distinct, recognisable passwords. */
const entriesArb = fc
  .uniqueArray(fieldText, { minLength: 1, maxLength: 4 })
  .chain((users) =>
    fc.tuple(
      ...users.map((user, i) =>
        entryArb(`pw-${i}-${'x'.repeat(i)}`).map((e): PgpassManagedEntry => ({ ...e, user })),
      ),
    ),
  );

/** The target libpq would look up for an entry (wildcards filled with something concrete). */
const targetFor = (e: PgpassManagedEntry, anyPort: number, anyDb: string): PgpassTarget => ({
  host: e.host,
  port: e.port ?? anyPort,
  database: e.database ?? anyDb,
  user: e.user,
});

const render = (file: Buffer, entries: readonly PgpassManagedEntry[]) =>
  serialize(withManagedBlock(parse(file), entries).document);

// ---- libpq, transliterated from fe-connect.c (PostgreSQL 15), pointer for pointer ----------------

/** pwdfMatchesString over byte strings; returns the index after the field's ':' or -1 (NULL). */
function cPwdfMatchesString(buf: string, at: number, token: string): number {
  const ch = (i: number) => (i < buf.length ? buf[i] : '\0');
  const tk = (i: number) => (i < token.length ? token[i] : '\0');
  let tbuf = at;
  let ttok = 0;
  let bslash = false;
  if (ch(tbuf) === '*' && ch(tbuf + 1) === ':') return tbuf + 2;
  while (ch(tbuf) !== '\0') {
    if (ch(tbuf) === '\\' && !bslash) {
      tbuf++;
      bslash = true;
    }
    if (ch(tbuf) === ':' && tk(ttok) === '\0' && !bslash) return tbuf + 1;
    bslash = false;
    if (tk(ttok) === '\0') return -1;
    if (ch(tbuf) === tk(ttok)) {
      tbuf++;
      ttok++;
    } else return -1;
  }
  return -1;
}

/** The body of passwordFromFile's loop for one line already in the buffer (with its '\n'). */
function cPasswordFromLine(line: string, key: [string, string, string, string]): string | null {
  let buf = line.includes('\0') ? line.slice(0, line.indexOf('\0')) : line;
  if (buf[0] === '#') return null;
  buf = buf.replace(/[\r\n]+$/, ''); // pg_strip_crlf
  if (buf.length === 0) return null;
  let t = 0;
  for (const token of key) {
    t = cPwdfMatchesString(buf, t, token);
    if (t < 0) return null;
  }
  let out = '';
  for (let p1 = t; p1 < buf.length && buf[p1] !== ':'; p1++) {
    if (buf[p1] === '\\' && p1 + 1 < buf.length) p1++;
    out += buf[p1];
  }
  return out;
}

const bytesOf = (s: string) => Buffer.from(s, 'utf8').toString('latin1');

// ---- properties ---------------------------------------------------------------------------------

describe('byte-exact round trips', () => {
  it('joinLines(splitLines(b)) is b for any bytes (CR, LF, \\, :, #, BOM, NUL, non-ASCII, no final newline)', () => {
    fc.assert(
      fc.property(anyBytes, (bytes) => {
        expect(joinLines(splitLines(bytes))).toEqual(bytes);
        expect(serialize(parse(bytes))).toEqual(bytes);
      }),
      RUNS,
    );
  });

  it('no line text contains a newline, and only the last line may lack a line ending', () => {
    fc.assert(
      fc.property(anyBytes, (bytes) => {
        const lines = splitLines(bytes);
        lines.forEach((line, i) => {
          expect(line.text.includes('\n')).toBe(false);
          if (i < lines.length - 1) expect(line.eol).not.toBe('');
        });
      }),
      RUNS,
    );
  });
});

describe('reading our block back', () => {
  it('gives exactly the entries written, whatever the names and the user’s lines around it', () => {
    fc.assert(
      fc.property(foreignFile, entriesArb, (file, entries) => {
        const document = parse(render(file, entries));
        expect(managedEntries(document, scanManagedBlocks(document))).toEqual(
          entries.map((e) => ({ ...e, port: e.port === null ? null : String(e.port) })),
        );
      }),
      RUNS,
    );
  });
});

describe('our block never touches a foreign byte', () => {
  it('inserting the block: foreign bytes unchanged and contiguous right after it; parse gives them back', () => {
    fc.assert(
      fc.property(foreignFile, entriesArb, (file, entries) => {
        const out = render(file, entries);
        const blockLength = out.length - file.length;
        expect(out.subarray(blockLength)).toEqual(file);
        expect(out.subarray(0, BLOCK_START.length).toString('latin1')).toBe(BLOCK_START);
        const scan = scanManagedBlocks(parse(out));
        expect(scan.blocks).toEqual([{ start: 0, end: entries.length + 1 }]);
        expect(scan.foreign).toEqual(splitLines(file));
      }),
      RUNS,
    );
  });

  it('replacing a block wherever it was (and any duplicates): the same foreign lines, in order, after one block', () => {
    fc.assert(
      fc.property(
        foreignFile,
        entriesArb,
        entriesArb,
        fc.array(fc.nat(), { minLength: 1, maxLength: 3 }),
        (file, oldEntries, newEntries, positions) => {
          // Put the old block (possibly several copies) at line boundaries of the user's file.
          const lines = splitLines(file);
          const eol = lines.find((l) => l.eol !== '')?.eol ?? '\n';
          const oldBlock = [BLOCK_START, ...oldEntries.map(formatEntry), BLOCK_END].map((text) => ({
            text,
            eol,
          }));
          const boundaries = lines.length > 0 && lines.at(-1)?.eol === '' ? lines.length - 1 : lines.length;
          const withOld = [...lines];
          const at = positions.map((p) => p % (boundaries + 1)).sort((a, b) => b - a);
          for (const p of at) withOld.splice(p, 0, ...oldBlock);
          const before = joinLines(withOld);

          const out = render(before, newEntries);
          expect(out.subarray(out.length - file.length)).toEqual(file);
          expect(scanManagedBlocks(parse(out)).foreign).toEqual(lines);
          // Idempotent, and clean gives back exactly the user's file.
          expect(render(out, newEntries)).toEqual(out);
          expect(serialize(withoutManagedBlock(parse(out)).document)).toEqual(file);
          expect(serialize(withoutManagedBlock(parse(before)).document)).toEqual(file);
          // No old password survives unless a new entry has it too.
          for (const e of oldEntries)
            if (!newEntries.some((n) => n.password === e.password))
              expect(out.toString('latin1').includes(`:${e.password}\n`)).toBe(false);
        },
      ),
      RUNS,
    );
  });
});

describe('libpq finds our entries exactly, for exactly their targets', () => {
  it('each entry’s own target gets its password, even with a wildcard and arbitrary lines after the block', () => {
    fc.assert(
      fc.property(
        foreignFile,
        entriesArb,
        fc.integer({ min: 1, max: 65535 }),
        fieldText,
        (file, entries, anyPort, anyDb) => {
          const withWildcard = Buffer.concat([Buffer.from('*:*:*:*:stolen\n'), file]);
          const out = render(withWildcard, entries);
          for (const e of entries) expect(lookupPassword(out, targetFor(e, anyPort, anyDb))).toBe(e.password);
        },
      ),
      RUNS,
    );
  });

  it('any other user gets exactly what the user’s own lines give them: our block adds nothing for them', () => {
    fc.assert(
      fc.property(
        foreignFile,
        entriesArb,
        fieldText,
        fc.integer({ min: 1, max: 65535 }),
        fieldText,
        (file, entries, otherUser, anyPort, anyDb) => {
          fc.pre(!entries.some((e) => e.user === otherUser));
          const out = render(file, entries);
          for (const e of entries) {
            const target = { ...targetFor(e, anyPort, anyDb), user: otherUser };
            const got = lookupPassword(out, target);
            expect(got).toBe(lookupPassword(file, target));
            if (!file.toString('utf8').includes(e.password)) expect(got).not.toBe(e.password);
          }
        },
      ),
      RUNS,
    );
  });

  it('a different host, port or database (where the entry is specific) never gets the token', () => {
    fc.assert(
      fc.property(entriesArb, fieldText, fc.integer({ min: 1, max: 65535 }), (entries, other, otherPort) => {
        const out = render(Buffer.alloc(0), entries);
        for (const e of entries) {
          const base = targetFor(e, 5432, 'postgres');
          const others = entries.filter((x) => x !== e);
          const mine = (t: PgpassTarget) =>
            lookupPassword(out, t) === e.password && !others.some((x) => x.password === e.password);
          if (other !== e.host && other !== 'localhost') expect(mine({ ...base, host: other })).toBe(false);
          if (e.port !== null && otherPort !== e.port) expect(mine({ ...base, port: otherPort })).toBe(false);
          if (e.database !== null && other !== e.database)
            expect(mine({ ...base, database: other })).toBe(false);
        }
      }),
      RUNS,
    );
  });

  it('formatEntry writes any value libpq can read back, and refuses exactly the rest', () => {
    fc.assert(
      fc.property(trickyText(10), trickyText(10), (user, password) => {
        const entry = { host: 'h', port: 5432, database: null, user, password };
        const writable = (v: string) => v !== '' && !/[\r\n\0]/.test(v);
        if (!writable(user) || !writable(password)) {
          expect(() => formatEntry(entry)).toThrow(PgpassEntryError);
          return;
        }
        const line = formatEntry(entry);
        expect(matchLine(line, { host: 'h', port: 5432, database: 'any', user })).toBe(password);
        // A line of ours is never a comment and never a wildcard line.
        expect(line.startsWith('#')).toBe(false);
        expect(matchLine(line, { host: 'h', port: 5432, database: 'any', user: `${user}x` })).toBeNull();
      }),
      { numRuns: 3_000 },
    );
  });
});

describe('matchLine agrees with libpq’s C code', () => {
  const lineArb = fc
    .array(
      fc.oneof(
        { weight: 6, arbitrary: fc.constantFrom(':', '\\', '*', '#', '\r', 'h', 'p', 'd', 'u', '\0', 'é') },
        { weight: 2, arbitrary: fc.constantFrom('h:', '*:', '\\:', '\\\\', 'p:d:u:', '\\*:') },
      ),
      { maxLength: 24 },
    )
    .map((parts) => parts.join(''));
  const tokenArb = fc.constantFrom('h', 'p', 'd', 'u', '*', ':', '\\', 'h:', 'é', 'hh', 'u\\');

  it('for random lines and keys, the password (or no match) is the same', () => {
    fc.assert(
      fc.property(lineArb, tokenArb, tokenArb, tokenArb, tokenArb, (text, host, port, database, user) => {
        const expected = cPasswordFromLine(
          bytesOf(text),
          [host, port, database, user].map(bytesOf) as [string, string, string, string],
        );
        const got = matchLine(bytesOf(text), { host, port, database, user });
        expect(got).toBe(expected === null ? null : Buffer.from(expected, 'latin1').toString('utf8'));
      }),
      { numRuns: 20_000 },
    );
  });
});
