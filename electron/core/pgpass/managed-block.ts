// pgentra's block in the pgpass file: delimited by marker comments, always placed at the very
// start of the file (libpq takes the first matching line, so no line of the user's, wildcard or
// stale, can shadow ours), rewritten whole on every sync. Every byte outside it is the user's and
// is kept, in order, byte for byte.
//
// Choices where the user has edited the markers:
// - a block found below other lines is moved to the top; duplicated blocks are all removed and
//   one fresh block is written (the report counts them);
// - a start marker without an end marker, an end marker without a start, or a start inside a
//   block means we cannot tell our lines from the user's: we refuse to write and name the line;
// - a UTF-8 BOM an editor put in front of our start marker stays at byte 0 while the block exists
//   and leaves with it. A BOM on a user's line stays on that line: libpq reads it as part of the
//   line, and moving it would change what that line means to libpq.
import { PgentraError } from '../errors.js';
import {
  formatEntry,
  fromByteString,
  parseEntryLine,
  PgpassEntryError,
  type LineEnding,
  type PgpassDocument,
  type PgpassEntry,
  type RawLine,
} from './format.js';

/** The start marker; it names the command that takes the block out of this kind of file. */
export const blockStart = (cleanCommand: string): string =>
  `# >>> pgentra managed block - do not edit (${cleanCommand} removes it) >>>`;
export const BLOCK_START = blockStart('pgentra pgpass clean');
export const BLOCK_END = '# <<< pgentra managed block <<<';
// Recognised by prefix, so a later wording of the markers still finds blocks older versions wrote.
// Neither marker contains `:`: behind a BOM the start marker is not a comment to libpq, and with
// fewer than four colons a line can never match anything.
const START_PREFIX = '# >>> pgentra managed block';
const END_PREFIX = '# <<< pgentra managed block';
const BOM = '\xef\xbb\xbf';

export interface PgpassManagedEntry extends PgpassEntry {
  /** Written as a `#` comment line above the entry (say which cluster it is for); no secrets. */
  comment?: string;
}

export class PgpassBlockError extends PgentraError {
  override readonly name = 'PgpassBlockError';
  constructor(
    message: string,
    /** 1-based line the problem is on. */
    readonly lineNumber: number,
  ) {
    super('pgpass-block', message);
  }
}

export interface ManagedBlockScan {
  /** Lines outside every pgentra block, in their order. */
  foreign: RawLine[];
  /** Each complete block as 0-based [start, end] line indexes, markers included. */
  blocks: Array<{ start: number; end: number }>;
  /** The file starts with a UTF-8 BOM directly followed by our start marker. */
  bomOnMarker: boolean;
  /** The line ending our last block used, to keep it when the file has no other line ending. */
  blockEol: LineEnding | null;
}

const isStart = (text: string, index: number) =>
  text.startsWith(START_PREFIX) || (index === 0 && text.startsWith(BOM + START_PREFIX));
const isEnd = (text: string) => text.startsWith(END_PREFIX);

/** Finds pgentra's block(s); throws PgpassBlockError when the markers do not pair up. */
export function scanManagedBlocks(document: PgpassDocument): ManagedBlockScan {
  const { lines } = document;
  const foreign: RawLine[] = [];
  const blocks: Array<{ start: number; end: number }> = [];
  let open: number | null = null;
  for (const [index, line] of lines.entries()) {
    if (isStart(line.text, index)) {
      if (open !== null)
        throw new PgpassBlockError(
          `line ${index + 1} starts a pgentra block inside the one starting at line ${open + 1}: ` +
            'a marker was copied or an end marker deleted. Remove the pgentra lines you do not want, ' +
            'keeping each start marker paired with an end marker, then retry',
          index + 1,
        );
      open = index;
    } else if (isEnd(line.text)) {
      if (open === null)
        throw new PgpassBlockError(
          `line ${index + 1} ends a pgentra block that never started (its start marker was removed). ` +
            'Delete that line and any pgentra entries above it, then retry',
          index + 1,
        );
      blocks.push({ start: open, end: index });
      open = null;
    } else if (open === null) foreign.push(line);
  }
  if (open !== null)
    throw new PgpassBlockError(
      `line ${open + 1} starts a pgentra block that never ends (its end marker was removed), ` +
        'so pgentra cannot tell its lines from yours. Delete the block (or restore the line ' +
        `"${BLOCK_END}" after its entries), then retry`,
      open + 1,
    );
  const first = lines[0];
  const last = blocks.at(-1);
  return {
    foreign,
    blocks,
    bomOnMarker: first !== undefined && first.text.startsWith(BOM + START_PREFIX),
    blockEol: last ? (lines[last.start] as RawLine).eol || null : null,
  };
}

/** The entries now in pgentra's block(s), each with the comment line written above it. */
export function managedEntries(document: PgpassDocument, scan: ManagedBlockScan): PgpassManagedEntry[] {
  const entries: PgpassManagedEntry[] = [];
  for (const { start, end } of scan.blocks) {
    let comment: string | undefined;
    for (const line of document.lines.slice(start + 1, end)) {
      if (line.text.startsWith('# ')) {
        comment = fromByteString(line.text.slice(2));
        continue;
      }
      const entry = parseEntryLine(line.text);
      if (entry) entries.push(comment === undefined ? entry : { ...entry, comment });
      comment = undefined;
    }
  }
  return entries;
}

function pgpassBody(entries: readonly PgpassManagedEntry[]): string[] {
  const out: string[] = [];
  for (const entry of entries) {
    if (entry.comment !== undefined) out.push(commentLine(entry.comment));
    out.push(formatEntry(entry));
  }
  return out;
}

/** A `#` comment line (a byte string) for inside a block; control characters become spaces. */
export function commentLine(text: string): string {
  const comment = `# ${text.replace(/\p{Cc}/gu, ' ')}`;
  if (comment.startsWith(START_PREFIX) || comment.startsWith(END_PREFIX))
    throw new PgpassEntryError("a comment in pgentra's block must not look like a pgentra block marker");
  return Buffer.from(comment, 'utf8').toString('latin1');
}

/**
 * The document with pgentra's block holding exactly `body` (byte strings, one per line) between
 * the markers, first in the file, and the foreign lines after it unchanged. An empty body: no
 * block at all (what `clean` does). Every file pgentra keeps a block in goes through here.
 */
export function withManagedLines(
  document: PgpassDocument,
  body: readonly string[],
  /** Made by blockStart(), so older and newer wordings are all recognised as ours. */
  start: string = BLOCK_START,
): { document: PgpassDocument; scan: ManagedBlockScan } {
  const scan = scanManagedBlocks(document);
  if (body.length === 0) return { document: { lines: scan.foreign }, scan };
  // Follow the file's own convention so Windows editors do not show a mixed file.
  const eol = scan.foreign.find((line) => line.eol !== '')?.eol ?? scan.blockEol ?? '\n';
  const block = [start, ...body, BLOCK_END].map((text, i): RawLine => ({
    text: i === 0 && scan.bomOnMarker ? BOM + text : text,
    eol,
  }));
  return { document: { lines: [...block, ...scan.foreign] }, scan };
}

/** The pgpass document with pgentra's block holding exactly `entries` (none: no block). */
export function withManagedBlock(
  document: PgpassDocument,
  entries: readonly PgpassManagedEntry[],
): { document: PgpassDocument; scan: ManagedBlockScan } {
  return withManagedLines(document, pgpassBody(entries));
}

/** The document without pgentra's block(s); foreign lines unchanged. */
export function withoutManagedBlock(document: PgpassDocument): {
  document: PgpassDocument;
  scan: ManagedBlockScan;
} {
  return withManagedBlock(document, []);
}
