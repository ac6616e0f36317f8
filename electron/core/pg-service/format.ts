// libpq's connection service file exactly as parseServiceFile (postgres src/interfaces/libpq/
// fe-connect.c) reads it, on the byte strings of pgpass/format.ts (one char per byte, so foreign
// bytes survive). What matters for writing our sections next to a user's:
// - leading whitespace is skipped, trailing whitespace stripped; then an empty line or one whose
//   first byte is `#` is skipped;
// - `[name]` starts a group, matched by prefix: `[prod]anything` is the group "prod";
// - the FIRST group with the name wins and ends at the next `[`: a second `[prod]` is never read;
// - inside the group, `key=value`: no spaces around `=`, the value runs to the end of the line
//   with no quoting; an unknown key or a line without `=` fails the whole connection;
// - lines before any group belong to no service and are ignored.
import { PgentraError } from '../errors.js';
import { splitLines, toByteString, type RawLine } from '../pgpass/format.js';

/** The connection settings pgentra writes into a service, in the order written. */
export const SERVICE_KEYS = [
  'host',
  'hostaddr',
  'port',
  'dbname',
  'user',
  'sslmode',
  'sslrootcert',
  'passfile',
] as const;
export type ServiceKey = (typeof SERVICE_KEYS)[number];

export interface ServiceDefinition {
  /** The service name, `service=NAME` (a cluster name: letters, digits, ".", "_", "-"). */
  name: string;
  settings: Partial<Record<ServiceKey, string>>;
}

export class ServiceEntryError extends PgentraError {
  override readonly name = 'ServiceEntryError';
  constructor(message: string) {
    super('service-entry', message);
  }
}

// C isspace() in the "C" locale, which is what libpq's trimming uses.
const isSpace = (code: number) => code === 0x20 || (code >= 0x09 && code <= 0x0d);

/** A line's content as libpq sees it: no leading or trailing whitespace (C isspace). */
export function trimmed(text: string): string {
  let start = 0;
  let end = text.length;
  while (start < end && isSpace(text.charCodeAt(start))) start += 1;
  while (end > start && isSpace(text.charCodeAt(end - 1))) end -= 1;
  return text.slice(start, end);
}

const NAME = /^[A-Za-z0-9._-]{1,64}$/;

/** The lines of one service (byte strings); throws ServiceEntryError naming what cannot be written. */
export function sectionLines(service: ServiceDefinition): string[] {
  if (!NAME.test(service.name))
    throw new ServiceEntryError(
      `"${service.name}" cannot be a service name: use letters, digits, ".", "_" and "-" (at most 64)`,
    );
  const lines = [`[${service.name}]`];
  for (const key of SERVICE_KEYS) {
    const value = service.settings[key];
    if (value === undefined || value === '') continue;
    // A line break or NUL would end the value early; trailing whitespace libpq strips, so the
    // value read back would differ from the one meant.
    if (/[\r\n\0]/.test(value))
      throw new ServiceEntryError(`the ${key} of service "${service.name}" contains a line break or NUL`);
    if (isSpace(value.charCodeAt(value.length - 1)))
      throw new ServiceEntryError(
        `the ${key} of service "${service.name}" ends with whitespace, which libpq would drop`,
      );
    lines.push(toByteString(`${key}=${value}`));
  }
  return lines;
}

/** Which group a `[...]` line starts (libpq's prefix rule makes `[a]b` the group "a"), or null. */
export function groupOf(line: RawLine): string | null {
  const text = trimmed(line.text);
  if (!text.startsWith('[')) return null;
  const close = text.indexOf(']');
  return close < 0 ? text.slice(1) : text.slice(1, close);
}

/** Whether libpq's lookup of `service` stops at this `[` line (strncmp + `]`). */
export function startsGroup(line: RawLine, service: string): boolean {
  const text = trimmed(line.text);
  const name = toByteString(service);
  return text.startsWith(`[${name}]`);
}

/** Whether libpq takes the line as content (not blank, not a comment). */
export function isContent(line: RawLine): boolean {
  const text = trimmed(line.text);
  return text !== '' && !text.startsWith('#');
}

/**
 * The settings libpq takes for `service` from this file (the first group with the name; later
 * ones are never read), or null when the file has no such group. Throws where libpq fails the
 * connection: a line without `=` inside the group.
 */
export function lookupService(bytes: Buffer, service: string): Record<string, string> | null {
  let found: Record<string, string> | null = null;
  for (const [index, line] of splitLines(bytes).entries()) {
    if (!isContent(line)) continue;
    const text = trimmed(line.text);
    if (text.startsWith('[')) {
      if (found) return found;
      if (startsGroup(line, service)) found = {};
      continue;
    }
    if (!found) continue;
    const equals = text.indexOf('=');
    if (equals < 0) throw new ServiceEntryError(`syntax error in service file, line ${index + 1}`);
    const key = text.slice(0, equals);
    if (!(key in found)) found[key] = text.slice(equals + 1);
  }
  return found;
}
