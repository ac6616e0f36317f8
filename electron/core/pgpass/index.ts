export {
  escapeField,
  formatEntry,
  lookupPassword,
  matchLine,
  splitLines,
  joinLines,
  type PgpassEntry,
  type PgpassTarget,
  type RawLine,
} from './format.js';
export { BLOCK_END, BLOCK_START, parsePgpass, renderPgpass } from './managed-block.js';
export { cleanPgpass, resolvePgpassPath, syncPgpass, type PgpassWriteResult } from './sync.js';
