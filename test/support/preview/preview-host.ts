// The preview host: the real renderer (dist/renderer) in any browser, served over HTTP on
// 127.0.0.1, with `window.pgentra` provided by preview-bridge.ts over a loopback WebSocket that
// dispatches into the same IPC handlers the Electron main process registers (services.ts), backed
// by the real core, the background agent and whatever pgentra home it is pointed at (the testbed
// in Playwright and `npm run demo`). Only the OS edges differ: the clipboard is in memory, and
// notifications, browser opens and psql/pgAdmin launches are recorded for tests to read.
//
// The tray: /tray.html shows the real tray model of the same snapshots the window gets, with the
// drawn icons, as a macOS-like or Windows-like menu; its clicks run the tray's own actions
// (preview-tray.ts, tray-page.ts). /tray-icons.html shows every icon state (icon-sheet.ts).
//
// Two ways to run it:
// - startPreviewHost(): in this process. The Secret Service the MSAL cache uses is this
//   process's session bus (libsecret connects once per process), so set DBUS_SESSION_BUS_ADDRESS
//   in process.env before the first sign-in; `npm run demo` does.
// - startPreviewHostProcess(): in a child process with its own environment (and so its own
//   keyring connection), driven over Node IPC. Playwright uses it: each test has its own testbed.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { existsSync, promises as fs, readdirSync, statSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import path from 'node:path';
import { build } from 'esbuild';
import { WebSocketServer, type WebSocket } from 'ws';
import { nodeFileSystem, systemClock } from '../../../electron/core/node-ports.js';
import type { Notifier } from '../../../electron/core/ports.js';
import { dispatch } from '../../../electron/main/ipc/handlers.js';
import { startServices, type Services } from '../../../electron/main/services.js';
import { ScriptedFileDialog } from '../fakes/file-dialog.js';
import {
  EVENT_SHOW_VIEW,
  EVENT_SIGN_IN,
  EVENT_SNAPSHOT,
  type WindowView,
} from '../../../electron/shared/ipc-contract.js';
import { findTlsRootsDir } from '../../../electron/core/tls-roots.js';
import { MemoryClipboard } from '../fakes/clipboard.js';
import { createTrayActions } from '../../../electron/main/tray/tray-actions.js';
import { iconSheetHtml } from './icon-sheet.js';
import { PreviewTray, TRAY_CLICK_CHANNEL, TRAY_EVENT } from './preview-tray.js';

const root = path.resolve(import.meta.dirname, '..', '..', '..');
const rendererDist = path.join(root, 'dist', 'renderer');
const BRIDGE_PATH = '/preview-bridge.js';
const TRAY_PAGE = '/tray.html';
const CHILD_FLAG = 'PGENTRA_PREVIEW_HOST_CHILD';

export interface PreviewHostOptions {
  /** The pgentra home (config.json, MSAL cache file, pgadmin/ work dir). */
  configDir: string;
  /** The environment the core sees (PGPASSFILE, XDG_RUNTIME_DIR, the keyring's bus …). */
  env: Record<string, string | undefined>;
  /** Default: any free port. */
  port?: number;
  /** Serve `pgentra token` on the local agent socket (default off: tests run no agent). */
  serveAgent?: boolean;
  /** Where the services' log lines go (they are kept for logs() too). */
  log?: (line: string) => void;
}

export interface RecordedNotice {
  title: string;
  body: string;
  action?: { label: string; id: string };
}

export interface RecordedLaunch {
  tool: 'psql' | 'pgadmin';
  cluster: string;
}

/** What tests read back. All async so the in-process and child-process hosts look the same. */
export interface PreviewHost {
  /**
   * http://127.0.0.1:<port>/?key=<secret>: the only way in. The key is random per run; opening
   * this URL sets it as a cookie for the page's own requests and its WebSocket.
   */
  url: string;
  /** The same, on the tray page: the tray icon and its menu (`?look=mac|windows`). */
  trayUrl: string;
  port: number;
  /** What the in-memory clipboard holds now ('' once cleared). */
  clipboardText(): Promise<string>;
  /** Whether the last write asked the OS to keep the text out of clipboard history. */
  clipboardSecret(): Promise<boolean>;
  notices(): Promise<RecordedNotice[]>;
  /** URLs the core asked the system browser to open (interactive sign-in); drive them yourself. */
  browserUrls(): Promise<string[]>;
  launches(): Promise<RecordedLaunch[]>;
  logs(): Promise<string[]>;
  /** Times "Quit pgentra" was chosen in the previewed tray (the host keeps running). */
  quitRequests(): Promise<number>;
  /** What the tray's "Settings…" / "Open pgentra…" do to the window. */
  showView(view: WindowView): Promise<void>;
  /** The path the person picks the next time the OS file picker opens (null: Cancel). */
  willChoose(path: string | null): Promise<void>;
  stop(): Promise<void>;
}

// ---- assets ---------------------------------------------------------------------------------

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
};

function newestMtime(dir: string): number {
  if (!existsSync(dir)) return 0;
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(full) : statSync(full).mtimeMs);
  }
  return newest;
}

/** True when dist/renderer is missing or older than the renderer sources it is built from. */
function rendererIsStale(): boolean {
  const index = path.join(rendererDist, 'index.html');
  if (!existsSync(index)) return true;
  const built = statSync(index).mtimeMs;
  const sources = Math.max(
    newestMtime(path.join(root, 'renderer', 'src')),
    statSync(path.join(root, 'renderer', 'index.html')).mtimeMs,
    newestMtime(path.join(root, 'electron', 'shared')),
  );
  return sources > built;
}

let rendererBuild: Promise<void> | undefined;
/** Builds the renderer with the project's own build script when it is missing or stale. */
export function ensureRendererBuilt(): Promise<void> {
  if (!rendererIsStale()) return Promise.resolve();
  rendererBuild ??= new Promise<void>((resolve, reject) => {
    const child = spawn(process.execPath, [path.join(root, 'scripts', 'build.mjs'), 'renderer'], {
      cwd: root,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.on('error', reject);
    child.on('exit', (code) =>
      code === 0
        ? resolve()
        : reject(new Error(`building the renderer failed (exit ${code}):\n${output.trim()}`)),
    );
  }).finally(() => (rendererBuild = undefined));
  return rendererBuild;
}

const bundles = new Map<string, Promise<string>>();
/** A browser script of ours (the bridge, the tray page) bundled as one classic script, no imports. */
function bundle(file: string): Promise<string> {
  let bundled = bundles.get(file);
  if (!bundled) {
    bundled = build({
      entryPoints: [path.join(import.meta.dirname, file)],
      bundle: true,
      format: 'iife',
      platform: 'browser',
      target: 'chrome120',
      write: false,
      logLevel: 'silent',
    }).then((result) => {
      const text = result.outputFiles[0]?.text;
      if (!text) throw new Error(`esbuild produced nothing for ${file}`);
      return `// pgentra preview (test/support/preview/${file})\n${text}`;
    });
    bundles.set(file, bundled);
  }
  return bundled;
}

const TRAY_HTML = `<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8" />
    <title>pgentra tray (preview)</title>
    <link rel="stylesheet" href="./tray.css" />
  </head>
  <body>
    <div class="controls">
      <label>Look <select id="look"><option value="mac">macOS</option><option value="windows">Windows</option></select></label>
    </div>
    <main id="stage" data-testid="tray-stage"></main>
    <script src="./tray.js"></script>
  </body>
</html>
`;

/**
 * Every file of the built renderer, read once into memory: a concurrent `npm run build` that
 * empties dist/ cannot pull files from under a running test.
 */
async function loadAssets(): Promise<Map<string, Buffer>> {
  await ensureRendererBuilt();
  const assets = new Map<string, Buffer>();
  const walk = async (dir: string) => {
    for (const entry of await fs.readdir(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) await walk(full);
      else
        assets.set(
          '/' + path.relative(rendererDist, full).split(path.sep).join('/'),
          await fs.readFile(full),
        );
    }
  };
  await walk(rendererDist);
  const index = assets.get('/index.html')?.toString('utf8');
  if (!index) throw new Error(`${rendererDist}/index.html is missing after the build`);
  const moduleScript = index.indexOf('<script type="module"');
  if (moduleScript < 0)
    throw new Error('dist/renderer/index.html has no module script to load the bridge before');
  // A classic script runs before the (deferred) module script: window.pgentra exists when the app starts.
  const injected = `${index.slice(0, moduleScript)}<script src=".${BRIDGE_PATH}"></script>\n    ${index.slice(moduleScript)}`;
  assets.set('/index.html', Buffer.from(injected));
  assets.set(BRIDGE_PATH, Buffer.from(await bundle('preview-bridge.ts')));
  assets.set(TRAY_PAGE, Buffer.from(TRAY_HTML));
  assets.set('/tray.js', Buffer.from(await bundle('tray-page.ts')));
  assets.set('/tray.css', await fs.readFile(path.join(import.meta.dirname, 'tray-page.css')));
  assets.set('/tray-icons.html', Buffer.from(iconSheetHtml()));
  return assets;
}

// ---- the host, in this process --------------------------------------------------------------

export async function startPreviewHost(options: PreviewHostOptions): Promise<PreviewHost> {
  const assets = await loadAssets();
  const logs: string[] = [];
  const log = (line: string) => {
    logs.push(line);
    if (logs.length > 2000) logs.shift();
    options.log?.(line);
  };
  // Never the user's ~/.pgpass or ~/.pg_service.conf: the sinks write where these point.
  const env: NodeJS.ProcessEnv = {
    ...options.env,
    PGPASSFILE: options.env.PGPASSFILE ?? path.join(options.configDir, 'pgpass'),
    PGSERVICEFILE: options.env.PGSERVICEFILE ?? path.join(options.configDir, 'pg_service.conf'),
  };

  const clipboard = new MemoryClipboard();
  const notices: RecordedNotice[] = [];
  const browserUrls: string[] = [];
  const launches: RecordedLaunch[] = [];
  const dialog = new ScriptedFileDialog();
  const sockets = new Set<WebSocket>();
  const broadcast = (event: string, payload: unknown) => {
    const message = JSON.stringify({ event, payload });
    for (const socket of sockets) if (socket.readyState === socket.OPEN) socket.send(message);
  };
  const notifier: Notifier = {
    notify: (notice) => {
      notices.push(notice);
      log(`notification: ${notice.title}: ${notice.body}`);
    },
  };

  let quitRequests = 0;
  const tray = new PreviewTray({
    clock: systemClock,
    actions: createTrayActions({
      services: () => services.actions,
      notify: (notice) => notifier.notify(notice),
      openWindow: (view) => broadcast(EVENT_SHOW_VIEW, view),
      quit: () => {
        quitRequests += 1;
        log('tray: Quit pgentra chosen (the preview host keeps running)');
      },
    }),
    publish: (view) => broadcast(TRAY_EVENT, view),
    log,
  });

  const services: Services = await startServices({
    configDir: options.configDir,
    env,
    fs: nodeFileSystem,
    clock: systemClock,
    clipboard,
    notifier,
    browser: {
      open: async (url) => {
        browserUrls.push(url);
        log(`browser: asked to open ${url}`);
      },
    },
    dialog,
    pgentraCommand: [process.execPath, path.join(root, 'bin', 'pgentra.cjs')],
    tlsRootsDir: findTlsRootsDir(import.meta.dirname),
    homedir: options.env.HOME,
    serveAgent: options.serveAgent ?? false,
    log,
    // One snapshot for both faces, as compose.ts does with the real window and tray.
    onSnapshot: (snapshot) => {
      broadcast(EVENT_SNAPSHOT, snapshot);
      tray.update(snapshot);
    },
    onSignInFinished: (event) => {
      broadcast(EVENT_SIGN_IN, event);
      notifier.notify({ title: 'pgentra', body: event.message });
    },
    openPsql: async (cluster) => {
      launches.push({ tool: 'psql', cluster: cluster.name });
      log(`psql: would open a terminal for ${cluster.name}`);
    },
    openPgadmin: async (cluster) => {
      launches.push({ tool: 'pgadmin', cluster: cluster.name });
      return `pgAdmin would open ${cluster.name} (the preview host launches nothing).`;
    },
  });

  tray.update(await services.snapshot());

  let port = 0;
  const origin = () => `http://127.0.0.1:${port}`;
  // DNS rebinding: a page on another name that resolves to 127.0.0.1 must not get in.
  const hostIsOurs = (host: string | undefined) => host === `127.0.0.1:${port}`;
  // Origin only stops browsers: any local process can send the right Origin header and would
  // then drive every channel (set the terminal to a shell command, point pgpass at ~/.bashrc).
  // So every request must also carry this run's key: in the URL the host prints, or in the
  // cookie that URL sets (HttpOnly, SameSite=Strict, named per port).
  const key = randomBytes(32).toString('base64url');
  const cookieName = () => `pgentra-preview-${port}`;
  const presented = (request: http.IncomingMessage): { key?: string; fromUrl: boolean } => {
    const fromUrl = new URL(request.url ?? '/', origin()).searchParams.get('key') ?? undefined;
    if (fromUrl !== undefined) return { key: fromUrl, fromUrl: true };
    const cookie = (request.headers.cookie ?? '')
      .split(';')
      .map((part) => part.trim().split('='))
      .find(([name]) => name === cookieName());
    return { key: cookie?.[1], fromUrl: false };
  };
  const keyMatches = (candidate: string | undefined) => {
    if (candidate === undefined) return false;
    const given = Buffer.from(candidate);
    const expected = Buffer.from(key);
    return given.length === expected.length && timingSafeEqual(given, expected);
  };

  const server = http.createServer((request, response) => {
    if (!hostIsOurs(request.headers.host)) {
      response.writeHead(421, { 'content-type': 'text/plain' }).end('misdirected request\n');
      return;
    }
    const credential = presented(request);
    if (!keyMatches(credential.key)) {
      log(
        `refused an HTTP request without this run's key: ${request.method ?? '?'} ${new URL(request.url ?? '/', origin()).pathname}`,
      );
      response
        .writeHead(401, { 'content-type': 'text/plain' })
        .end("open the URL the preview host printed: it carries this run's key\n");
      return;
    }
    if (credential.fromUrl)
      response.setHeader('set-cookie', `${cookieName()}=${key}; HttpOnly; SameSite=Strict; Path=/`);
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      response.writeHead(405, { allow: 'GET, HEAD' }).end();
      return;
    }
    const pathname = new URL(request.url ?? '/', origin()).pathname;
    const file = pathname === '/' ? '/index.html' : decodeURIComponent(pathname);
    const body = assets.get(file);
    if (!body && file === '/favicon.ico') {
      // The app has no favicon; answer without a console error.
      response.writeHead(204).end();
      return;
    }
    if (!body) {
      response.writeHead(404, { 'content-type': 'text/plain' }).end(`not found: ${pathname}\n`);
      return;
    }
    if (file === TRAY_PAGE)
      response.setHeader(
        'content-security-policy',
        `default-src 'none'; script-src 'self'; style-src 'self'; img-src data:; connect-src ws://127.0.0.1:${port}; base-uri 'none'; form-action 'none'`,
      );
    else if (file === '/tray-icons.html')
      response.setHeader(
        'content-security-policy',
        "default-src 'none'; style-src 'unsafe-inline'; img-src data:",
      );
    response.writeHead(200, {
      'content-type': CONTENT_TYPES[path.extname(file)] ?? 'application/octet-stream',
      'content-length': body.length,
      'cache-control': 'no-store',
      'x-content-type-options': 'nosniff',
    });
    response.end(request.method === 'HEAD' ? undefined : body);
  });

  const wss = new WebSocketServer({ noServer: true, maxPayload: 1024 * 1024 });
  server.on('upgrade', (request, socket: Socket, head) => {
    const pathname = new URL(request.url ?? '/', origin()).pathname;
    // Loopback safety: only our own page may talk to the core (any other site's script could
    // otherwise open ws://127.0.0.1:<port> and copy tokens).
    if (pathname !== '/ipc' || !hostIsOurs(request.headers.host) || request.headers.origin !== origin()) {
      log(`refused a WebSocket from origin ${request.headers.origin ?? '(none)'} to ${pathname}`);
      socket.end('HTTP/1.1 403 Forbidden\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
      return;
    }
    if (!keyMatches(presented(request).key)) {
      log(`refused a WebSocket without this run's key`);
      socket.end('HTTP/1.1 401 Unauthorized\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
      return;
    }
    wss.handleUpgrade(request, socket, head, (ws) => wss.emit('connection', ws, request));
  });
  wss.on('connection', (ws: WebSocket) => {
    sockets.add(ws);
    ws.on('close', () => sockets.delete(ws));
    if (tray.view) ws.send(JSON.stringify({ event: TRAY_EVENT, payload: tray.view }));
    ws.on('message', (data, isBinary) => {
      let message: { id?: unknown; channel?: unknown; args?: unknown };
      try {
        message = isBinary ? {} : (JSON.parse(data.toString()) as typeof message);
      } catch {
        ws.close(1003, 'not JSON');
        return;
      }
      const { id, channel, args } = message ?? {};
      if (typeof id !== 'number' || typeof channel !== 'string') {
        ws.close(1003, 'expected {id, channel, args}');
        return;
      }
      if (channel === TRAY_CLICK_CHANNEL) {
        const itemId = Array.isArray(args) ? args[0] : undefined;
        const ran = typeof itemId === 'string' && tray.click(itemId);
        const result = ran
          ? { ok: true, value: null }
          : { ok: false, code: 'invalid-argument', message: `no enabled tray item ${String(itemId)}` };
        ws.send(JSON.stringify({ id, result }));
        return;
      }
      void dispatch(services.handlers, channel, args).then((result) => {
        if (ws.readyState === ws.OPEN) ws.send(JSON.stringify({ id, result }));
      });
    });
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  port = (server.address() as AddressInfo).port;
  log(`preview host at ${origin()}/?key=${key} (config ${options.configDir})`);

  let stopping: Promise<void> | undefined;
  return {
    url: `${origin()}/?key=${key}`,
    trayUrl: `${origin()}${TRAY_PAGE}?key=${key}`,
    port,
    quitRequests: async () => quitRequests,
    clipboardText: async () => clipboard.text,
    clipboardSecret: async () => clipboard.secret,
    notices: async () => notices.map((notice) => ({ ...notice })),
    browserUrls: async () => [...browserUrls],
    launches: async () => launches.map((launch) => ({ ...launch })),
    logs: async () => [...logs],
    showView: async (view) => broadcast(EVENT_SHOW_VIEW, view),
    willChoose: async (chosen) => dialog.willChoose(chosen),
    stop: () =>
      (stopping ??= (async () => {
        tray.dispose();
        for (const socket of sockets) socket.terminate();
        wss.close();
        server.closeAllConnections();
        await new Promise<void>((resolve) => server.close(() => resolve()));
        await services.stop();
      })()),
  };
}

// ---- the host, in a child process -----------------------------------------------------------

type Query =
  'clipboardText' | 'clipboardSecret' | 'notices' | 'browserUrls' | 'launches' | 'logs' | 'quitRequests';
type ParentMessage =
  | { op: 'start'; options: Omit<PreviewHostOptions, 'log'> }
  | { op: 'query'; id: number; what: Query }
  | { op: 'show-view'; id: number; view: WindowView }
  | { op: 'will-choose'; id: number; path: string | null }
  | { op: 'stop' };
type ChildMessage =
  | { op: 'ready'; url: string; trayUrl: string; port: number }
  | { op: 'failed'; message: string }
  | { op: 'answer'; id: number; value: unknown }
  | { op: 'stopped' };

/**
 * The same host in a child Node process (tsx) whose environment is `process.env` + `options.env`:
 * its own session bus, so one Playwright worker can run a fresh testbed per test.
 */
export async function startPreviewHostProcess(options: PreviewHostOptions): Promise<PreviewHost> {
  // Build in the parent first: a build failure reads better here than from the child.
  await ensureRendererBuilt();
  const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', import.meta.filename], {
    cwd: root,
    env: { ...process.env, ...options.env, [CHILD_FLAG]: '1' },
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
  });
  const output: string[] = [];
  const collect = (chunk: Buffer) => {
    for (const line of chunk.toString().split('\n')) {
      if (!line) continue;
      output.push(line);
      options.log?.(line);
    }
  };
  child.stdout?.on('data', collect);
  child.stderr?.on('data', collect);
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));

  let nextId = 1;
  const pending = new Map<number, (value: unknown) => void>();
  const ready = new Promise<{ url: string; trayUrl: string; port: number }>((resolve, reject) => {
    child.on('message', (message: ChildMessage) => {
      if (message.op === 'ready') resolve(message);
      else if (message.op === 'failed') reject(new Error(`preview host failed to start: ${message.message}`));
      else if (message.op === 'answer') {
        pending.get(message.id)?.(message.value);
        pending.delete(message.id);
      }
    });
    void exited.then((code) =>
      reject(
        new Error(
          `preview host process exited (code ${code}) before it was ready:\n${output.slice(-30).join('\n')}`,
        ),
      ),
    );
  });
  const send = (message: ParentMessage) => child.send(message);
  const { serveAgent, env, configDir, port } = options;
  send({ op: 'start', options: { configDir, env, port, serveAgent } });
  let started: { url: string; trayUrl: string; port: number };
  try {
    started = await ready;
  } catch (error) {
    child.kill('SIGKILL');
    throw error;
  }

  const query = <T>(what: Query) =>
    new Promise<T>((resolve, reject) => {
      if (!child.connected) {
        reject(new Error('the preview host process is gone'));
        return;
      }
      const id = nextId++;
      pending.set(id, resolve as (value: unknown) => void);
      send({ op: 'query', id, what });
    });

  let stopping: Promise<void> | undefined;
  return {
    ...started,
    clipboardText: () => query('clipboardText'),
    clipboardSecret: () => query('clipboardSecret'),
    notices: () => query('notices'),
    browserUrls: () => query('browserUrls'),
    launches: () => query('launches'),
    quitRequests: () => query('quitRequests'),
    logs: async () => (child.connected ? query<string[]>('logs') : [...output]),
    showView: (view) =>
      new Promise<void>((resolve) => {
        const id = nextId++;
        pending.set(id, () => resolve());
        send({ op: 'show-view', id, view });
      }),
    willChoose: (chosen) =>
      new Promise<void>((resolve) => {
        const id = nextId++;
        pending.set(id, () => resolve());
        send({ op: 'will-choose', id, path: chosen });
      }),
    stop: () =>
      (stopping ??= (async () => {
        if (child.exitCode === null && child.connected) send({ op: 'stop' });
        const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
        await exited;
        clearTimeout(timer);
      })()),
  };
}

/** The child side: start on request, answer queries, stop and exit on request or parent loss. */
async function runAsChild(): Promise<void> {
  let host: PreviewHost | undefined;
  const reply = (message: ChildMessage) => process.send?.(message);
  const shutdown = async () => {
    await host?.stop().catch((error: unknown) => console.error(`stop: ${String(error)}`));
    reply({ op: 'stopped' });
    process.disconnect?.();
    process.exit(0);
  };
  process.on('disconnect', () => void shutdown());
  process.on('message', (message: ParentMessage) => {
    if (message.op === 'start') {
      startPreviewHost({ ...message.options, log: (line) => console.error(`[preview-host] ${line}`) }).then(
        (started) => {
          host = started;
          reply({ op: 'ready', url: started.url, trayUrl: started.trayUrl, port: started.port });
        },
        (error: unknown) =>
          reply({
            op: 'failed',
            message: error instanceof Error ? (error.stack ?? error.message) : String(error),
          }),
      );
    } else if (message.op === 'query') {
      const current = host;
      if (!current) return reply({ op: 'answer', id: message.id, value: null });
      void current[message.what]().then((value: unknown) => reply({ op: 'answer', id: message.id, value }));
    } else if (message.op === 'show-view') {
      void host?.showView(message.view).then(() => reply({ op: 'answer', id: message.id, value: null }));
    } else if (message.op === 'will-choose') {
      void host?.willChoose(message.path).then(() => reply({ op: 'answer', id: message.id, value: null }));
    } else if (message.op === 'stop') {
      void shutdown();
    }
  });
}

if (
  process.env[CHILD_FLAG] === '1' &&
  process.send &&
  path.resolve(process.argv[1] ?? '') === import.meta.filename
)
  void runAsChild();
