// The tray app's log file and its failed-start report. Electron docs/api/dialog.md,
// dialog.showErrorBox: "can be called safely before the ready event"; a packaged app started from
// a menu or at login has no terminal, so a start that failed only in console.log was invisible.
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { APP_LOG_FILE, createAppLog, reportFailedStart } from '../../../electron/main/app-log.js';
import { PgentraError } from '../../../electron/core/errors.js';

const TOKEN = 'eyJhbGciOiJSUzI1NiJ9.eyJ1cG4iOiJhZGFAY29udG9zby5jb20ifQ.c2lnbmF0dXJl';
const now = () => new Date('2026-12-07T00:00:00Z');

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'pgentra-app-log-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('app log', () => {
  it('writes each line to app.log in the config dir, 0600, tokens redacted', async () => {
    const configDir = path.join(dir, 'pgentra');
    const echoed: string[] = [];
    const log = createAppLog({ configDir, now, echo: (line) => void echoed.push(line) });
    log.log('started');
    log.log(`refresh answered ${TOKEN}`);
    expect(log.file).toBe(path.join(configDir, APP_LOG_FILE));
    const text = await readFile(log.file, 'utf8');
    expect(text).toBe(
      '2026-12-07T00:00:00.000Z started\n2026-12-07T00:00:00.000Z refresh answered [token redacted]\n',
    );
    expect(echoed.join('\n')).not.toContain(TOKEN);
    if (process.platform !== 'win32') expect((await stat(log.file)).mode & 0o777).toBe(0o600);
  });

  it('tightens a file others could read, and keeps one older file past the size limit', async () => {
    const file = path.join(dir, APP_LOG_FILE);
    await writeFile(file, 'x'.repeat(200), { mode: 0o644 });
    const log = createAppLog({ configDir: dir, now, maxBytes: 100 });
    log.log('after the limit');
    expect(await readFile(file, 'utf8')).toBe('2026-12-07T00:00:00.000Z after the limit\n');
    expect((await readFile(`${file}.1`, 'utf8')).length).toBe(200);
    if (process.platform !== 'win32') expect((await stat(file)).mode & 0o777).toBe(0o600);
  });

  it('never throws when the file cannot be written, and says so once', async () => {
    const blocker = path.join(dir, 'not-a-dir');
    await writeFile(blocker, '');
    const echoed: string[] = [];
    const log = createAppLog({ configDir: blocker, now, echo: (line) => void echoed.push(line) });
    log.log('one');
    log.log('two');
    expect(echoed.filter((line) => line.startsWith('log file'))).toHaveLength(1);
  });
});

describe('reportFailedStart', () => {
  it('shows the reason, its fix and where the log is, and logs the stack; never a token', async () => {
    const boxes: { title: string; content: string }[] = [];
    const log = createAppLog({ configDir: dir, now });
    const error = new PgentraError('config-invalid', `config.json is not valid JSON near ${TOKEN}`);
    reportFailedStart(error, { log, showErrorBox: (title, content) => void boxes.push({ title, content }) });
    expect(boxes).toHaveLength(1);
    expect(boxes[0]?.title).toBe('pgentra could not start');
    expect(boxes[0]?.content).toContain('config.json is not valid JSON');
    expect(boxes[0]?.content).toContain(`Details are in ${path.join(dir, APP_LOG_FILE)}.`);
    expect(boxes[0]?.content).not.toContain(TOKEN);
    const text = await readFile(log.file, 'utf8');
    expect(text).toContain('could not start:');
    expect(text).toContain('app-log.test.ts'); // the stack
    expect(text).not.toContain(TOKEN);
  });
});
