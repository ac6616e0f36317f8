// The standalone `pgentra` executable (a Node single executable application, built by
// scripts/build-binary.mjs): the whole CLI in one CommonJS bundle. It dispatches exactly as
// bin/pgentra.cjs does, so `pgentra token` never evaluates the rest of the CLI: esbuild keeps every
// lazily imported module behind a function that runs only when first needed.
import { run as runCli } from './main.js';
import { run as runToken } from './token-entry.js';

const argv = process.argv.slice(2);
(argv[0] === 'token' ? runToken(argv.slice(1)) : runCli(argv)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`pgentra: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  },
);
