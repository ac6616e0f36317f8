#!/usr/bin/env node
// The `pgentra` command. Kept tiny and CommonJS so the hot path (`pgentra token`, answered by the
// agent, run by pgAdmin for every connection) pays only for Node's start-up and one small CJS file.
'use strict';
const path = require('node:path');
const { existsSync } = require('node:fs');

const cli = path.join(__dirname, '..', 'dist', 'cli');
const argv = process.argv.slice(2);

function notBuilt() {
  process.stderr.write(
    'pgentra: the CLI is not built yet. Run `npm run build` in the pgentra checkout first.\n',
  );
  process.exit(5);
}

function load() {
  if (argv[0] === 'token') {
    const fastPath = path.join(cli, 'token.cjs');
    if (!existsSync(fastPath)) notBuilt();
    return Promise.resolve(require(fastPath).run(argv.slice(1)));
  }
  const entry = path.join(cli, 'pgentra.mjs');
  if (!existsSync(entry)) notBuilt();
  const { pathToFileURL } = require('node:url');
  return import(pathToFileURL(entry).href).then((module) => module.run(argv));
}

load()
  .then((code) => {
    process.exitCode = code;
  })
  .catch((error) => {
    process.stderr.write(`pgentra: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  });
