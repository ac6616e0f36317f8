// The standalone `pgentra` executable (a Node single executable application, built by
// scripts/build-binary.mjs). Its main script is only what `pgentra token` needs with an agent
// running, the call pgAdmin makes for every connection; the rest of the CLI is an asset of the
// executable (binary-cli.ts), compiled from its V8 code cache the first time a command needs it.
// V8 reads the whole main script at start, so keeping it small is most of the binary's speed.
import { run as runToken } from './token-entry.js';
import { loadFullCli } from './binary-cli-loader.js';

const argv = process.argv.slice(2);
(argv[0] === 'token' ? runToken(argv.slice(1)) : loadFullCli().run(argv)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`pgentra: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  },
);
