// pgentra's block in the pgpass file: delimited by marker comments, always placed first (libpq
// uses the first matching line, so ours win over a user's older or wildcard lines), rewritten
// whole on every sync. Everything outside it is the user's and is kept byte for byte.
import { formatEntry, joinLines, splitLines, type PgpassEntry, type RawLine } from './format.js';

export const BLOCK_START =
  '# >>> pgentra managed block - do not edit, pgentra rewrites it (pgentra pgpass clean removes it) >>>';
export const BLOCK_END = '# <<< pgentra managed block <<<';

export interface ParsedPgpass {
  /** Lines outside every complete pgentra block, in order. */
  foreign: RawLine[];
  /** How many complete blocks were found (0, 1, or more if a user duplicated one). */
  blocks: number;
}

/**
 * Separates pgentra's block(s) from the user's lines. A start marker without an end marker is
 * not a block (we never delete lines we cannot prove are ours): it stays as a foreign line.
 */
export function parsePgpass(bytes: Buffer): ParsedPgpass {
  const lines = splitLines(bytes);
  const foreign: RawLine[] = [];
  let blocks = 0;
  for (let i = 0; i < lines.length; i += 1) {
    const line = lines[i] as RawLine;
    if (line.text === BLOCK_START) {
      const end = lines.findIndex(
        (candidate, j) => j > i && (candidate.text === BLOCK_END || candidate.text === BLOCK_START),
      );
      if (end > i && lines[end]?.text === BLOCK_END) {
        blocks += 1;
        i = end;
        continue;
      }
    }
    foreign.push(line);
  }
  return { foreign, blocks };
}

/** The file with pgentra's block (if any entries) first and the foreign lines after it, unchanged. */
export function renderPgpass(foreign: readonly RawLine[], entries: readonly PgpassEntry[]): Buffer {
  if (entries.length === 0) return joinLines(foreign);
  // Follow the file's own convention so Windows editors do not show a mixed file.
  const eol = foreign.find((line) => line.eol !== '')?.eol ?? '\n';
  const block: RawLine[] = [BLOCK_START, ...entries.map(formatEntry), BLOCK_END].map((text) => ({
    text,
    eol,
  }));
  return joinLines([...block, ...foreign]);
}
