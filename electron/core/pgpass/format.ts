// The libpq password file, exactly as libpq reads it (postgres src/interfaces/libpq/fe-connect.c:
// passwordFromFile, pwdfMatchesString). Files are handled as bytes (latin1 strings: one char per
// byte) so every byte we do not own is written back unchanged, whatever its encoding.

/** One physical line: its bytes without the line ending, and the ending itself. */
export interface RawLine {
  text: string;
  eol: '\n' | '\r\n' | '';
}

export interface PgpassTarget {
  host: string;
  port: string;
  database: string;
  user: string;
}

export interface PgpassEntry extends PgpassTarget {
  password: string;
}

/** Splits bytes into lines, keeping each line's ending; never loses or adds a byte. */
export function splitLines(bytes: Buffer): RawLine[] {
  const text = bytes.toString('latin1');
  const lines: RawLine[] = [];
  let start = 0;
  while (start < text.length) {
    const newline = text.indexOf('\n', start);
    if (newline < 0) {
      lines.push({ text: text.slice(start), eol: '' });
      break;
    }
    const crlf = newline > start && text[newline - 1] === '\r';
    lines.push({ text: text.slice(start, crlf ? newline - 1 : newline), eol: crlf ? '\r\n' : '\n' });
    start = newline + 1;
  }
  return lines;
}

export function joinLines(lines: readonly RawLine[]): Buffer {
  return Buffer.from(lines.map((line) => line.text + line.eol).join(''), 'latin1');
}

/** UTF-8 text as the latin1 byte-string this module works in. */
export const toBytes = (value: string): string => Buffer.from(value, 'utf8').toString('latin1');

/** Escapes a field so libpq reads back exactly `value`; a lone `*` would be a wildcard. */
export function escapeField(value: string): string {
  const escaped = toBytes(value).replace(/[\\:]/g, (c) => `\\${c}`);
  return escaped === '*' ? '\\*' : escaped;
}

export function formatEntry(entry: PgpassEntry): string {
  return [entry.host, entry.port, entry.database, entry.user, entry.password].map(escapeField).join(':');
}

/** libpq's pwdfMatchesString: returns the rest of the line after a matching field, or null. */
function matchField(line: string, at: number, token: string): number | null {
  if (line[at] === '*' && line[at + 1] === ':') return at + 2;
  let i = at;
  let t = 0;
  let escaped = false;
  while (i < line.length) {
    if (line[i] === '\\' && !escaped) {
      i += 1;
      escaped = true;
    }
    if (line[i] === ':' && t === token.length && !escaped) return i + 1;
    escaped = false;
    if (t === token.length) return null;
    if (i < line.length && line[i] === token[t]) {
      i += 1;
      t += 1;
    } else return null;
  }
  return null;
}

/** libpq's de-escaping of the password field: it ends at the first unescaped ':'. */
function readPassword(line: string, at: number): string {
  let out = '';
  for (let i = at; i < line.length && line[i] !== ':'; i += 1) {
    if (line[i] === '\\' && i + 1 < line.length) i += 1;
    out += line[i];
  }
  return out;
}

/** What libpq would do with one (CR/LF-stripped) line for this target: the password if it matches, else null. */
export function matchLine(text: string, target: PgpassTarget): string | null {
  if (text.length === 0 || text[0] === '#') return null;
  let at: number | null = 0;
  for (const token of [target.host, target.port, target.database, target.user]) {
    at = matchField(text, at, toBytes(token));
    if (at === null) return null;
  }
  return readPassword(text, at);
}

/**
 * The password libpq picks for a connection (first matching line wins), with libpq's defaults:
 * an empty host or the default socket directory means `localhost`, an empty port `5432`.
 */
export function lookupPassword(
  lines: readonly RawLine[],
  target: PgpassTarget,
  defaultSocketDir = '/var/run/postgresql',
): string | null {
  const host = target.host === '' || target.host === defaultSocketDir ? 'localhost' : target.host;
  const port = target.port === '' ? '5432' : target.port;
  for (const line of lines) {
    // libpq (pg_strip_crlf) strips every trailing CR and LF, so "x\r\r\n" reads as "x".
    const text = line.text.replace(/\r+$/, '');
    const password = matchLine(text, { ...target, host, port });
    if (password !== null) return Buffer.from(password, 'latin1').toString('utf8');
  }
  return null;
}
