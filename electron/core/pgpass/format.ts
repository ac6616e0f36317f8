import { PgentraError } from '../errors.js';
// The libpq password file, exactly as libpq reads it (postgres src/interfaces/libpq/fe-connect.c:
// passwordFromFile, pwdfMatchesString). libpq compares raw bytes, so this module does too: lines
// are held as latin1 "byte strings" (one char per byte). That keeps every byte we do not own —
// invalid UTF-8, NUL, a lone CR, a BOM — unchanged through parse and serialize.

export type LineEnding = '\n' | '\r\n' | '';

/** One physical line. `text` excludes the terminator; a `\r` before `\n` belongs to the terminator. */
export interface RawLine {
  /** The line's bytes as a byte string (latin1: one char per byte), not decoded text. */
  readonly text: string;
  readonly eol: LineEnding;
}

export interface PgpassDocument {
  readonly lines: readonly RawLine[];
}

/** What a client connects with; lookups apply libpq's defaults to it (see normalizeTarget). */
export interface PgpassTarget {
  host: string;
  port: string | number;
  database: string;
  user: string;
}

export interface LookupOptions {
  /**
   * The Unix socket directory libpq was built with (DEFAULT_PGSOCKET_DIR): a connection to it
   * looks up `localhost`. Debian and Ubuntu use /var/run/postgresql (the default here); upstream
   * builds, Homebrew and Postgres.app use /tmp.
   */
  defaultSocketDir?: string;
  /** libpq's compiled-in DEF_PGPORT_STR. */
  defaultPort?: string;
}

/** UTF-8 text as the byte string this module works in. */
export const toByteString = (value: string): string => Buffer.from(value, 'utf8').toString('latin1');
/** A byte string back to text (invalid UTF-8 becomes U+FFFD, as it would in any UI). */
export const fromByteString = (bytes: string): string => Buffer.from(bytes, 'latin1').toString('utf8');

/**
 * Splits bytes into lines where fgets does (at `\n` only), keeping each line's terminator, so
 * joinLines(splitLines(x)) is x for every input.
 */
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
    const crlf = newline > start && text.charCodeAt(newline - 1) === 0x0d;
    lines.push({ text: text.slice(start, crlf ? newline - 1 : newline), eol: crlf ? '\r\n' : '\n' });
    start = newline + 1;
  }
  return lines;
}

export function joinLines(lines: readonly RawLine[]): Buffer {
  return Buffer.from(lines.map((line) => line.text + line.eol).join(''), 'latin1');
}

/** The file as a document; a string is taken as text and encoded as UTF-8. serialize(parse(x)) is x. */
export function parse(input: Buffer | string): PgpassDocument {
  return { lines: splitLines(typeof input === 'string' ? Buffer.from(input, 'utf8') : input) };
}

export function serialize(document: PgpassDocument): Buffer {
  return joinLines(document.lines);
}

// ---- one line as libpq sees it -------------------------------------------------------------

export type LineKind = 'comment' | 'blank' | 'entry';

/**
 * libpq skips a line whose FIRST byte is `#` (an indented `#` is data) and a line that is empty
 * once every trailing CR/LF is stripped (pg_strip_crlf); everything else is tried as an entry,
 * however malformed.
 */
export function lineKind(line: RawLine): LineKind {
  const text = cString(line.text);
  if (text.startsWith('#')) return 'comment';
  return stripCrlf(text) === '' ? 'blank' : 'entry';
}

/** libpq holds a line in a C string: nothing after a NUL byte exists for it. */
function cString(bytes: string): string {
  const nul = bytes.indexOf('\0');
  return nul < 0 ? bytes : bytes.slice(0, nul);
}

function stripCrlf(bytes: string): string {
  let end = bytes.length;
  while (end > 0 && (bytes.charCodeAt(end - 1) === 0x0a || bytes.charCodeAt(end - 1) === 0x0d)) end -= 1;
  return bytes.slice(0, end);
}

/** A line's fields, split at unescaped `:` but still escaped, as pwdfMatchesString walks them. */
export function splitRawFields(text: string): string[] {
  const fields: string[] = [];
  let field = '';
  for (let i = 0; i < text.length; i += 1) {
    const c = text[i] as string;
    if (c === '\\' && i + 1 < text.length) {
      field += c + (text[i + 1] as string);
      i += 1;
    } else if (c === ':') {
      fields.push(field);
      field = '';
    } else field += c;
  }
  fields.push(field);
  return fields;
}

/** libpq's de-escaping: `\x` is `x`; a lone trailing `\` stays (only the last field can have one). */
function unescapeField(field: string): string {
  let out = '';
  for (let i = 0; i < field.length; i += 1) {
    if (field[i] === '\\' && i + 1 < field.length) i += 1;
    out += field[i] as string;
  }
  return out;
}

/** A matched field: exactly `*` (unescaped) is a wildcard, `\*` is a literal star. */
const fieldMatches = (field: string, token: string) => field === '*' || unescapeField(field) === token;

type LookupKey = { host: string; port: string; database: string; user: string };

/**
 * libpq's defaults for the lookup key (passwordFromFile, connectOptions2): an empty host or the
 * default socket directory looks up `localhost`, an empty port the default port, an empty
 * database the user name. Returns null where libpq does not read the file at all (no user: libpq
 * would use the OS user name, which only the caller knows). Pass the `host` libpq connects with,
 * or `hostaddr` when there is no `host`; a host list is looked up one host at a time.
 */
export function normalizeTarget(target: PgpassTarget, options: LookupOptions = {}): LookupKey | null {
  const { user } = target;
  if (user === '') return null;
  const socketDir = options.defaultSocketDir ?? '/var/run/postgresql';
  const host = target.host === '' || target.host === socketDir ? 'localhost' : target.host;
  const port = String(target.port) === '' ? (options.defaultPort ?? '5432') : String(target.port);
  const database = target.database === '' ? user : target.database;
  return { host, port, database, user };
}

/** The byte-string password one line (as libpq holds it) yields for this key, or null. */
function passwordFromLine(content: string, key: LookupKey): string | null {
  const text = stripCrlf(content);
  if (content.startsWith('#') || text === '') return null;
  const fields = splitRawFields(text);
  if (fields.length < 5) return null;
  const tokens = [key.host, key.port, key.database, key.user].map(toByteString);
  for (let i = 0; i < 4; i += 1) if (!fieldMatches(fields[i] as string, tokens[i] as string)) return null;
  return unescapeField(fields[4] as string);
}

/**
 * The password libpq would take from this one line (a byte string, terminator excluded), or null
 * if it does not match. An empty password still matches: libpq stops there and then reports "no
 * password supplied". The first matching line of a file wins: use lookupPassword for a file.
 */
export function matchLine(text: string, target: PgpassTarget, options: LookupOptions = {}): string | null {
  const key = normalizeTarget(target, options);
  const password = key && passwordFromLine(cString(text), key);
  return password == null ? null : fromByteString(password);
}

/** Whether libpq would take this line for this connection (were no earlier line to match). */
export function matches(line: RawLine, target: PgpassTarget, options: LookupOptions = {}): boolean {
  return matchLine(line.text, target, options) !== null;
}

// ---- a whole file as libpq reads it ----------------------------------------------------------

/** PQExpBuffer's first allocation (INITIAL_EXPBUFFER_SIZE): where fgets first splits a long line. */
const INITIAL_BUFFER = 256;

/**
 * The logical lines passwordFromFile processes, replaying its read loop: fgets into a PQExpBuffer
 * that grows by doubling, `strlen` after each read. That loop has two byte-exact quirks a plain
 * line split misses. A NUL byte ends the line's C string, so the rest of that fgets chunk is
 * dropped and, having lost its `\n`, the line continues with the next physical line. And a last
 * line without `\n` that exactly fills the buffer is dropped: fgets stops on the count without
 * seeing end of file, and the next fgets returns nothing.
 */
export function* libpqLines(bytes: Buffer): Generator<{ content: string; lineNumber: number }> {
  const text = bytes.toString('latin1');
  let pos = 0;
  let maxlen = INITIAL_BUFFER;
  let content = '';
  let physical = 1;
  let startLine = 1;
  let eof = false;
  while (!eof) {
    // enlargePQExpBuffer(&buf, 128)
    const needed = 128 + content.length + 1;
    while (needed > maxlen) maxlen *= 2;
    // fgets(buf.data + buf.len, maxlen - buf.len, fp): at most limit bytes, through the first \n
    const limit = maxlen - content.length - 1;
    if (pos >= text.length) break;
    const newline = text.indexOf('\n', pos);
    let take: number;
    if (newline >= 0 && newline + 1 - pos <= limit) take = newline + 1 - pos;
    else if (text.length - pos >= limit) take = limit;
    else {
      take = text.length - pos;
      eof = true;
    }
    const chunk = text.slice(pos, pos + take);
    pos += take;
    for (let i = chunk.indexOf('\n'); i >= 0; i = chunk.indexOf('\n', i + 1)) physical += 1;
    content += cString(chunk);
    if (!content.endsWith('\n') && !eof) continue;
    yield { content, lineNumber: startLine };
    content = '';
    startLine = physical;
  }
}

export interface PasswordMatch {
  password: string;
  /** 1-based physical line where the matching (logical) line starts. */
  lineNumber: number;
}

type FileInput = Buffer | string | PgpassDocument | readonly RawLine[];

function bytesOf(file: FileInput): Buffer {
  if (Buffer.isBuffer(file)) return file;
  if (typeof file === 'string') return Buffer.from(file, 'utf8');
  return joinLines(Array.isArray(file) ? (file as readonly RawLine[]) : (file as PgpassDocument).lines);
}

/** Where libpq finds the password for this connection in this file (first match wins), or null. */
export function findPassword(
  file: FileInput,
  target: PgpassTarget,
  options: LookupOptions = {},
): PasswordMatch | null {
  const key = normalizeTarget(target, options);
  if (key === null) return null;
  for (const { content, lineNumber } of libpqLines(bytesOf(file))) {
    const password = passwordFromLine(content, key);
    if (password !== null) return { password: fromByteString(password), lineNumber };
  }
  return null;
}

/** The password libpq would send for this connection with this file, or null. */
export function lookupPassword(
  file: FileInput,
  target: PgpassTarget,
  options: LookupOptions = {},
): string | null {
  return findPassword(file, target, options)?.password ?? null;
}

// ---- writing entries ---------------------------------------------------------------------------

/**
 * One line pgentra writes. A null port or database is written as libpq's `*` wildcard (one token
 * serves every database on the server). Host and user are always literal: a wildcard there would
 * hand the token to other servers or other roles.
 */
export interface PgpassEntry {
  host: string;
  port: string | number | null;
  database: string | null;
  user: string;
  password: string;
}

export class PgpassEntryError extends PgentraError {
  override readonly name = 'PgpassEntryError';
  constructor(message: string) {
    super('pgpass-entry', message);
  }
}

/**
 * Escapes one field so libpq reads back exactly `value`: `\` and `:` get a backslash, and so does
 * a lone `*` (it would be a wildcard). Works on text; the result is a byte string.
 */
export function escapeField(value: string): string {
  const escaped = toByteString(value).replace(/[\\:]/g, (c) => `\\${c}`);
  return escaped === '*' ? '\\*' : escaped;
}

const FIELD_NAMES = ['host', 'port', 'database', 'user', 'password'] as const;

/**
 * An entry line read back the way formatEntry wrote it (a byte string in, text out); `*` port or
 * database is null. Null for anything else: a comment, a short line, a foreign shape.
 */
export function parseEntryLine(text: string): PgpassEntry | null {
  const fields = splitRawFields(text);
  if (fields.length !== 5) return null;
  const [host, port, database, user, password] = fields.map((field) =>
    field === '*' ? null : fromByteString(unescapeField(field)),
  );
  if (!host || !user || !password) return null;
  return { host, port: port ?? null, database: database ?? null, user, password };
}

/**
 * The entry as one pgpass line (a byte string, no terminator). Throws on values no pgpass line
 * can carry; messages name the field and never quote a password.
 */
export function formatEntry(entry: PgpassEntry): string {
  const values = [entry.host, entry.port, entry.database, entry.user, entry.password];
  const where = `the pgpass entry for user ${JSON.stringify(entry.user)} at ${JSON.stringify(entry.host)}`;
  const fields = values.map((value, i) => {
    const name = FIELD_NAMES[i] as string;
    if (value === null && (name === 'port' || name === 'database')) return '*';
    const text = String(value);
    // fgets splits at \n and libpq strips trailing \r whatever the escaping; C strings end at NUL.
    if (/[\r\n\0]/.test(text))
      throw new PgpassEntryError(`${where}: the ${name} contains a line break or NUL byte`);
    // libpq never looks up an empty host, port, database or user (it substitutes defaults first),
    // and an empty password would stop libpq's search at our line with nothing to send.
    if (text === '') throw new PgpassEntryError(`${where}: the ${name} is empty`);
    return escapeField(text);
  });
  const line = fields.join(':');
  // A host starting with `#` would turn the whole line into a comment.
  return line.startsWith('#') ? `\\${line}` : line;
}
