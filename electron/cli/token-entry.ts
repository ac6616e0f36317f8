// `pgentra token` on its own, bundled as one CommonJS file (dist/cli/token.cjs) that bin/pgentra.cjs
// requires directly. pgAdmin runs this for every connection: skipping the ESM loader and the
// dispatcher's chunks is most of what separates it from a bare `node -e 0` (docs/benchmarks.md).
// Without an agent it falls back to dist/cli/direct-token.mjs, the same ESM chunk graph as the CLI.
import { run as runToken } from './commands/token.js';
import { reportError } from './exit-codes.js';
import { processIo, stopQuietlyOnClosedPipe } from './io.js';

export async function run(rawArgv: string[]): Promise<number> {
  stopQuietlyOnClosedPipe();
  const io = { ...processIo, verbose: rawArgv.includes('--verbose') };
  try {
    return await runToken(
      rawArgv.filter((arg) => arg !== '--verbose'),
      io,
    );
  } catch (error) {
    return reportError(error, io);
  }
}
