#!/usr/bin/env node
// `npm run dev`: the demo (testbed + app, or the browser preview where there is no Electron
// binary) with every bundle rebuilt on change. Renderer changes show on reload (Ctrl+R);
// main-process, core and CLI changes are rebuilt too, but the running app keeps the code it
// started with: stop with Ctrl+C and run again.
import { spawn } from 'node:child_process';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '..');
const children = [];
let exiting = false;

function stopAll(code) {
  if (exiting) return;
  exiting = true;
  for (const child of children) if (child.exitCode === null) child.kill('SIGTERM');
  process.exitCode = code;
}

function start(command, args, onLine) {
  const child = spawn(command, args, {
    cwd: root,
    stdio: ['inherit', onLine ? 'pipe' : 'inherit', 'inherit'],
  });
  children.push(child);
  if (onLine)
    child.stdout.on('data', (chunk) => {
      process.stdout.write(chunk);
      onLine(chunk.toString());
    });
  child.on('exit', (code, signal) => {
    if (!exiting)
      console.error(
        `${path.basename(args[0] ?? command)} stopped (${signal ?? `exit ${code}`}); stopping dev.`,
      );
    stopAll(code ?? 1);
  });
  return child;
}

for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => stopAll(0));

let demoStarted = false;
start(process.execPath, [path.join(root, 'scripts', 'build.mjs'), '--watch'], (text) => {
  if (demoStarted || !text.includes('watching for changes')) return;
  demoStarted = true;
  start(process.execPath, [
    path.join(root, 'node_modules', 'tsx', 'dist', 'cli.mjs'),
    'test/support/preview/demo.ts',
  ]);
});
