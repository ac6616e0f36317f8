// Finding 3 of issue 11: a local process that sends the right Origin header but not this run's
// key gets nowhere, on any IPC channel or HTTP path; the printed URL (what a person opens, and
// what Playwright opens) gets in. The host is the real one, on a real loopback port.
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { channels, type Channel } from '../../electron/shared/ipc-contract.js';
import { startPreviewHost, type PreviewHost } from '../support/preview/preview-host.js';

describe('preview host key', () => {
  let base: string;
  let host: PreviewHost;
  let origin: string;
  let key: string;

  beforeAll(async () => {
    base = await fs.mkdtemp(path.join(os.tmpdir(), 'pgentra-preview-'));
    host = await startPreviewHost({
      configDir: path.join(base, 'config'),
      env: { HOME: base, PGPASSFILE: path.join(base, 'pgpass'), XDG_RUNTIME_DIR: base },
    });
    origin = `http://127.0.0.1:${host.port}`;
    key = new URL(host.url).searchParams.get('key') ?? '';
  }, 120_000);
  afterAll(async () => {
    await host?.stop();
    await fs.rm(base, { recursive: true, force: true });
  });

  /** What a local client gets when it asks `channel` with the page's Origin and these headers. */
  const ask = (channel: Channel, headers: Record<string, string> = {}, query = '') =>
    new Promise<string>((resolve) => {
      const socket = new WebSocket(`ws://127.0.0.1:${host.port}/ipc${query}`, { origin, headers });
      socket.on('open', () => socket.send(JSON.stringify({ id: 1, channel, args: [] })));
      socket.on('message', () => {
        socket.close();
        resolve('answered');
      });
      socket.on('unexpected-response', (_request, response) => resolve(`refused ${response.statusCode}`));
      socket.on('error', (error) => resolve(`error ${error.message}`));
    });

  it('refuses every channel to a client with the right Origin but no key or a wrong one', async () => {
    const wrong = `${key.slice(0, -2)}xx`;
    for (const channel of Object.keys(channels) as Channel[]) {
      expect(await ask(channel), channel).toBe('refused 401');
      expect(await ask(channel, { cookie: `pgentra-preview-${host.port}=${wrong}` }), channel).toBe(
        'refused 401',
      );
      expect(await ask(channel, {}, `?key=${wrong}`), channel).toBe('refused 401');
    }
  });

  it('refuses every HTTP request without the key', async () => {
    for (const pathname of ['/', '/index.html', '/favicon.ico', '/nope', `/?key=${key.slice(1)}`]) {
      const response = await fetch(`${origin}${pathname}`);
      expect(response.status, pathname).toBe(401);
      expect(await response.text()).not.toContain('<script');
    }
  });

  it('lets in the URL it prints, and the cookie that URL sets', async () => {
    const page = await fetch(host.url);
    expect(page.status).toBe(200);
    const cookie = page.headers.get('set-cookie') ?? '';
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Strict/);
    const pair = cookie.split(';')[0] ?? '';
    expect((await fetch(`${origin}/`, { headers: { cookie: pair } })).status).toBe(200);
    expect(await ask('app:snapshot', { cookie: pair })).toBe('answered');
  });
});
