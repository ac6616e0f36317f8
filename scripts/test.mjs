#!/usr/bin/env node
// `npm test`: everything CI runs, in order — typecheck, lint + format, architecture (import cycles,
// long files), build, vitest (unit, property, integration against the real testbed), Playwright (web
// preview in Chromium; _electron tests skip with a printed reason where no Electron binary exists).
// Ends with one plain line `N passed, N failed, N skipped` counted over every suite, also written to
// test-results/summary.json.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '..');
const results = path.join(root, 'test-results');
mkdirSync(results, { recursive: true });

const totals = { passed: 0, failed: 0, skipped: 0 };
const skipReasons = [];

function step(name, command, args, env = {}) {
  console.log(`\n▶ ${name}: ${[command, ...args].join(' ')}`);
  const started = Date.now();
  const result = spawnSync(command, args, { cwd: root, stdio: 'inherit', env: { ...process.env, ...env } });
  console.log(
    `◀ ${name}: ${result.status === 0 ? 'ok' : `exit ${result.status ?? result.signal}`} in ${((Date.now() - started) / 1000).toFixed(1)} s`,
  );
  return result.status === 0;
}

function check(name, command, args) {
  if (step(name, command, args)) totals.passed += 1;
  else totals.failed += 1;
}

function readJson(file) {
  try {
    return JSON.parse(readFileSync(file, 'utf8'));
  } catch {
    return null;
  }
}

const only = process.argv.slice(2);
const wants = (part) => only.length === 0 || only.includes(part);

if (wants('check')) {
  check('typecheck', 'npm', ['run', '-s', 'typecheck']);
  check('lint', 'npx', ['eslint', '--max-warnings', '0', '.']);
  check('format', 'npx', ['prettier', '--check', '.']);
  check('architecture', 'node', ['scripts/check-architecture.mjs']);
  check('build', 'node', ['scripts/build.mjs']);
  check('build binary', 'node', ['scripts/build-binary.mjs']);
}

if (wants('vitest')) {
  const report = path.join(results, 'vitest.json');
  const ok = step('vitest', 'npx', [
    'vitest',
    'run',
    '--reporter=default',
    '--reporter=json',
    `--outputFile.json=${report}`,
  ]);
  const json = readJson(report);
  if (json) {
    totals.passed += json.numPassedTests ?? 0;
    totals.failed += json.numFailedTests ?? 0;
    totals.skipped += (json.numPendingTests ?? 0) + (json.numTodoTests ?? 0);
    // A suite that fails to load reports no tests; count it so it cannot pass silently.
    const brokenFiles = (json.testResults ?? []).filter(
      (file) => file.status === 'failed' && file.assertionResults.length === 0,
    );
    totals.failed += brokenFiles.length;
    if (!ok && json.numFailedTests === 0 && brokenFiles.length === 0) totals.failed += 1;
  } else if (!ok) {
    totals.failed += 1;
  }
}

if (wants('playwright') && existsSync(path.join(root, 'playwright.config.ts'))) {
  const report = path.join(results, 'playwright.json');
  const ok = step('playwright', 'npx', ['playwright', 'test'], { PLAYWRIGHT_JSON_OUTPUT_NAME: report });
  const json = readJson(report);
  if (json?.stats) {
    totals.passed += (json.stats.expected ?? 0) + (json.stats.flaky ?? 0);
    totals.failed += json.stats.unexpected ?? 0;
    totals.skipped += json.stats.skipped ?? 0;
    const visit = (suite) => {
      for (const spec of suite.specs ?? []) {
        for (const test of spec.tests ?? []) {
          for (const note of test.annotations ?? []) {
            if (note.type === 'skip')
              skipReasons.push(`${spec.title}: ${note.description ?? 'no reason given'}`);
          }
        }
      }
      for (const child of suite.suites ?? []) visit(child);
    };
    for (const suite of json.suites ?? []) visit(suite);
    if (!ok && (json.stats.unexpected ?? 0) === 0) totals.failed += 1;
  } else if (!ok) {
    totals.failed += 1;
  }
}

if (skipReasons.length > 0) {
  console.log('\nSkipped (not counted as passed):');
  for (const reason of skipReasons) console.log(`  - ${reason}`);
}
writeFileSync(path.join(results, 'summary.json'), JSON.stringify(totals) + '\n');
console.log(`\n${totals.passed} passed, ${totals.failed} failed, ${totals.skipped} skipped`);
process.exit(totals.failed === 0 ? 0 : 1);
