#!/usr/bin/env node
// The `pgentra` command. Kept tiny and CommonJS so the hot path (`pgentra token` answered by the
// agent) pays only for Node's start-up and one small ESM chunk.
'use strict';
const path = require('node:path');
const { existsSync } = require('node:fs');
const { pathToFileURL } = require('node:url');

const entry = path.join(__dirname, '..', 'dist', 'cli', 'pgentra.mjs');
if (!existsSync(entry)) {
  process.stderr.write(
    'pgentra: the CLI is not built yet. Run `npm run build` in the pgentra checkout first.\n',
  );
  process.exit(5);
}
import(pathToFileURL(entry).href)
  .then((cli) => cli.run(process.argv.slice(2)))
  .then((code) => {
    process.exitCode = code;
  })
  .catch((error) => {
    process.stderr.write(`pgentra: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  });
