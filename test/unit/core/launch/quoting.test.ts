// The one quoting module, read back by what reads it: a real /bin/sh, the C runtime's documented
// argv splitting, cmd.exe's rules (there is no Windows here, so as documented) and PowerShell's
// tokenizer for single-quoted strings.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatEnvironment, type ConnectionTarget } from '../../../../electron/core/launch/connection.js';
import { LaunchError } from '../../../../electron/core/launch/errors.js';
import {
  assertEnvName,
  batchQuote,
  cmdEscape,
  cmdQuotedPath,
  cmdSetLine,
  msvcrtQuote,
  powershellQuote,
  shQuote,
  shWord,
} from '../../../../electron/core/launch/quoting.js';
import { AWKWARD, msvcrtSplit, sh } from '../../../support/fakes/quoting.js';

/** What `printf '%s\0' ARGS…` printed, split back into the arguments. */
const printedArgs = (script: string) => sh(script).split('\0').slice(0, -1);

describe('POSIX shell quoting', () => {
  it('round-trips every awkward string through a real /bin/sh', () => {
    expect(printedArgs(`printf '%s\\0' ${AWKWARD.map(shQuote).join(' ')}`)).toEqual(AWKWARD);
    expect(printedArgs(`printf '%s\\0' ${AWKWARD.map(shWord).join(' ')}`)).toEqual(AWKWARD);
  });

  it('round-trips arbitrary strings through a real /bin/sh (property)', () => {
    const text = fc.oneof(
      fc.string({ unit: 'grapheme', maxLength: 40 }),
      fc.string({
        unit: fc.constantFrom(...Array.from(`'"\\$\`!*?[]{}()<>|&;#~% \t\n=@:,.-_aé😀`)),
        maxLength: 40,
      }),
    );
    fc.assert(
      fc.property(
        fc.array(
          text.filter((s) => !s.includes('\0')),
          { minLength: 1, maxLength: 8 },
        ),
        (values) => {
          expect(printedArgs(`printf '%s\\0' ${values.map(shQuote).join(' ')}`)).toEqual(values);
          expect(printedArgs(`printf '%s\\0' ${values.map(shWord).join(' ')}`)).toEqual(values);
        },
      ),
      { numRuns: 150 },
    );
  });

  it.each([
    ['/usr/bin/psql', '/usr/bin/psql'],
    ['--min-valid', '--min-valid'],
    ['with space', `'with space'`],
    ['', `''`],
  ])('shWord leaves plain words readable and quotes the rest: %j → %s', (value, word) => {
    expect(shWord(value)).toBe(word);
  });

  it('closes, escapes and reopens a single quote, and refuses NUL (no sh can pass it)', () => {
    expect(shQuote("o'brien")).toBe(`'o'\\''brien'`);
    expect(() => shQuote('nul\0')).toThrow(LaunchError);
  });
});

describe('environment variable names', () => {
  it.each(['PGPASSFILE', '_x', 'a1'])('accepts %j', (name) => {
    expect(() => assertEnvName(name)).not.toThrow();
  });

  it.each(['BAD NAME', '1X', 'A=B', '', 'X;rm', 'PÄTH'])('refuses %j', (name) => {
    expect(() => assertEnvName(name)).toThrow(/not a valid environment variable name/);
  });
});

describe('C runtime (msvcrt) argv quoting', () => {
  it.each([
    ['plain', 'plain'],
    ['', '""'],
    ['a b', '"a b"'],
    ['a"b', '"a\\"b"'],
    ['a\\\\b', 'a\\\\b'],
    ['C:\\dir with space\\', '"C:\\dir with space\\\\"'],
    ['a\\"b c', '"a\\\\\\"b c"'],
  ])('quotes %j as Microsoft documents: %s', (value, quoted) => {
    expect(msvcrtQuote(value)).toBe(quoted);
  });

  it('round-trips arbitrary strings through the C runtime splitting rules (property)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.string({ unit: fc.constantFrom(...'ab \\"\t\'%&é'.split('')), maxLength: 30 }), {
          minLength: 1,
          maxLength: 6,
        }),
        (values) => {
          expect(msvcrtSplit(values.map(msvcrtQuote).join(' '))).toEqual(values);
        },
      ),
      { numRuns: 500 },
    );
    const oneLine = AWKWARD.filter((s) => !s.includes('\n'));
    expect(msvcrtSplit(oneLine.map(msvcrtQuote).join(' '))).toEqual(oneLine);
  });
});

describe('cmd.exe', () => {
  it('escapes every cmd.exe metacharacter, the quote included, with a caret', () => {
    expect(cmdEscape('^ & | < > ( ) % ! "')).toBe('^^ ^& ^| ^< ^> ^( ^) ^% ^! ^"');
    expect(cmdEscape('zoë@contoso.com $x')).toBe('zoë@contoso.com $x');
    expect(() => cmdEscape('two\nlines')).toThrow(/line break/);
  });

  it('puts a path in real quotes, which protect & ( ) ^ and spaces', () => {
    expect(cmdQuotedPath('C:\\Program Files (x86)\\A&B^\\psql.exe', 'psql')).toBe(
      '"C:\\Program Files (x86)\\A&B^\\psql.exe"',
    );
  });

  it.each([
    ['C:\\100%\\psql.exe', /contains ", % or !/],
    ['C:\\wow!\\psql.exe', /contains ", % or !/],
    ['C:\\say "hi"\\psql.exe', /contains ", % or !/],
    ['C:\\two\nlines', /line break/],
    ['C:\\carriage\rreturn', /line break/],
    ['C:\\nul\0', /line break/],
  ])('refuses a path quotes cannot protect: %j', (value, message) => {
    expect(() => cmdQuotedPath(value, 'the psql path')).toThrow(message);
  });

  it('writes `set "NAME=value"` for pasting, and refuses what an interactive cmd would expand or split', () => {
    expect(cmdSetLine('PGUSER', "zoë o'brien & (co) ^ !x")).toBe(`set "PGUSER=zoë o'brien & (co) ^ !x"`);
    for (const value of ['100%', 'say "hi"', 'two\nlines', 'cr\rlf'])
      expect(() => cmdSetLine('PGUSER', value)).toThrow(/cmd cannot represent safely/);
    expect(() => cmdSetLine('BAD NAME', 'x')).toThrow(/not a valid environment variable name/);
  });

  it.each([
    ['C:\\Program Files\\pgentra\\pgentra.exe', '"C:\\Program Files\\pgentra\\pgentra.exe"'],
    ['C:\\100%\\%PATH%\\node.exe', '"C:\\100%%\\%%PATH%%\\node.exe"'],
  ])('quotes %j for a batch file, where only %% is a literal %', (value, quoted) => {
    expect(batchQuote(value)).toBe(quoted);
  });
});

// PowerShell's tokenizer (ScanStringLiteral): inside '…', any single-quote character (U+0027 and
// the typographic U+2018–U+201B, SpecialChars.IsSingleQuote) ends the string unless the next one is
// also a single quote, in which case that next character is taken literally.
const isPowershellSingleQuote = (char: string | undefined) =>
  char !== undefined && /^['\u2018\u2019\u201A\u201B]$/.test(char);

/** Reads one single-quoted literal at the start of `text`: its value and what follows it. */
function readPowershellLiteral(text: string): { value: string; rest: string } {
  if (!isPowershellSingleQuote(text[0])) throw new Error(`not a single-quoted string: ${text}`);
  let value = '';
  for (let i = 1; i < text.length; i++) {
    if (!isPowershellSingleQuote(text[i])) {
      value += text[i] ?? '';
    } else if (isPowershellSingleQuote(text[i + 1])) {
      value += text[i + 1] ?? '';
      i += 1;
    } else {
      return { value, rest: text.slice(i + 1) };
    }
  }
  throw new Error(`unbalanced quote: ${text}`);
}

describe('PowerShell quoting', () => {
  it.each([
    ['plain', `'plain'`],
    ['', `''`],
    ["o'brien", `'o''brien'`],
    ['it\u2019s', `'it\u2019\u2019s'`],
    ['\u2018a\u201A b\u201B', `'\u2018\u2018a\u201A\u201A b\u201B\u201B'`],
    ['$env:HOME `n "x" \u201Cy\u201D', `'$env:HOME \`n "x" \u201Cy\u201D'`],
  ])('quotes %j as %s', (value, quoted) => {
    expect(powershellQuote(value)).toBe(quoted);
    expect(readPowershellLiteral(quoted)).toEqual({ value, rest: '' });
  });

  it('never leaves an unbalanced quote: the literal ends exactly where it should (property)', () => {
    const text = fc.string({
      unit: fc.constantFrom(...Array.from(`'\u2018\u2019\u201A\u201B\u201C\u201D"\`$(){};# a\n😀`)),
      maxLength: 40,
    });
    fc.assert(
      fc.property(text, text, (value, after) => {
        const line = `${powershellQuote(value)}; ${after}`;
        expect(readPowershellLiteral(line)).toEqual({ value, rest: `; ${after}` });
      }),
      { numRuns: 500 },
    );
  });
});

describe('pgentra env output', () => {
  const target: ConnectionTarget = {
    host: 'myserver.postgres.database.azure.com',
    port: 5432,
    database: 'app db & $HOME',
    user: "zoë o'brien@contoso.com",
    passfile: '/home/zoë/it\u2019s `dir`/pgpass',
    sslmode: 'verify-full',
    sslrootcert: '/etc/ssl/azure root.pem',
  };
  const expected = [
    target.host,
    '5432',
    target.database,
    target.user,
    'verify-full',
    target.sslrootcert,
    target.passfile,
  ];
  const names = ['PGHOST', 'PGPORT', 'PGDATABASE', 'PGUSER', 'PGSSLMODE', 'PGSSLROOTCERT', 'PGPASSFILE'];

  it('sets exactly the values in a real /bin/sh that evaluates it', () => {
    const script = `${formatEnvironment(target, 'sh')}\nprintf '%s\\0' ${names.map((name) => `"$${name}"`).join(' ')}`;
    expect(printedArgs(script)).toEqual(expected);
  });

  it('gives PowerShell one assignment a line, each value one balanced literal', () => {
    const lines = formatEnvironment(target, 'powershell').split('\n');
    expect(lines.map((line) => /^\$env:(\w+) = /.exec(line)?.[1])).toEqual(names);
    expect(lines.map((line) => readPowershellLiteral(line.replace(/^\$env:\w+ = /, '')))).toEqual(
      expected.map((value) => ({ value, rest: '' })),
    );
  });

  it('gives cmd `set "NAME=value"` lines, and refuses a value cmd would expand', () => {
    const plain = { ...target, database: 'app db', passfile: 'C:\\Users\\zoë\\pgpass' };
    expect(formatEnvironment(plain, 'cmd').split('\n')[2]).toBe('set "PGDATABASE=app db"');
    expect(() => formatEnvironment({ ...plain, database: '100%' }, 'cmd')).toThrow(LaunchError);
  });
});
