// A connection string pasted into the form's Host field fills the other fields, read by the same
// parser as `pgentra cluster add --host` (electron/shared/connection-text.ts). What the person
// typed themselves wins: a field is filled only when it is empty, untyped, or already the same.
import {
  describePaste,
  parseConnectionText,
  type ConnectionField,
} from '../../../../electron/shared/connection-text';

interface PasteTarget {
  host: string;
  port: string;
  database: string;
  user: string;
}

/**
 * The form after pasting `text` into Host, and the sentence saying what was taken and kept; null
 * when the text is a plain host name (the browser's own paste is right) or not read at all (the
 * Host field's usual problem then says what a host is).
 */
export function applyPastedHost<D extends PasteTarget>(
  draft: D,
  typed: ReadonlySet<string>,
  text: string,
): { draft: D; filled: ConnectionField[]; note: string } | null {
  const pasted = parseConnectionText(text);
  if (!pasted.ok || pasted.format === 'host') return null;
  const next: D = { ...draft, host: pasted.fields.host };
  const taken: ConnectionField[] = ['host'];
  const kept: ConnectionField[] = [];
  for (const field of ['port', 'database', 'user'] as const) {
    const value = pasted.fields[field];
    if (value === undefined) continue;
    const mine = draft[field].trim();
    if (mine && typed.has(field) && mine !== String(value)) kept.push(field);
    else {
      next[field] = String(value);
      taken.push(field);
    }
  }
  return { draft: next, filled: taken, note: describePaste(pasted, taken, kept) };
}
