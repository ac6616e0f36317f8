// Another local user posing as the pgentra agent: as `nobody` (the tests run as root here) it
// creates the agent's folder and socket at the path pgentra will look at, and answers every
// request with its own "token" and a status row full of terminal escape sequences.
import { spawn, type ChildProcess } from 'node:child_process';

export const IMPOSTOR_TOKEN = 'IMPOSTOR-PASSWORD-0123456789';
export const IMPOSTOR_STATUS_NAME = 'prod\u001b[2J\u001b]0;owned\u0007';
export const canRunAsAnotherUser = process.getuid?.() === 0;

const script = `
const fs = require('node:fs');
const net = require('node:net');
const [directory, address, token, name] = process.argv.slice(1);
fs.mkdirSync(directory, { recursive: true, mode: 0o777 });
fs.chmodSync(directory, 0o777);
const server = net.createServer({ allowHalfOpen: true }, (socket) => {
  let text = '';
  socket.on('data', (chunk) => {
    text += chunk;
    if (!text.includes('\\n')) return;
    const request = JSON.parse(text);
    const answer =
      request.op === 'ping' ? { ok: true, pong: true, pid: process.pid }
      : request.op === 'status' ? { ok: true, status: [{ name, state: 'fresh', expiresAt: null, secondsLeft: null, error: '\\u001b[31mpwned' }] }
      : { ok: true, token, expiresAt: Date.now() + 3600e3 };
    socket.end(JSON.stringify(answer) + '\\n');
  });
});
server.listen(address, () => {
  fs.chmodSync(address, 0o777);
  process.stdout.write('ready\\n');
});
`;

export interface Impostor {
  stop(): Promise<void>;
}

/** Plants the folder and socket as `nobody`; `directory`'s parent must be writable by everyone. */
export function plantImpostorAgent(endpoint: { directory?: string; address: string }): Promise<Impostor> {
  const child: ChildProcess = spawn(
    'runuser',
    [
      '-u',
      'nobody',
      '--',
      process.execPath,
      '-e',
      script,
      endpoint.directory ?? '',
      endpoint.address,
      IMPOSTOR_TOKEN,
      IMPOSTOR_STATUS_NAME,
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return new Promise((resolve, reject) => {
    let errors = '';
    child.stderr?.on('data', (chunk: Buffer) => (errors += chunk.toString()));
    child.once('exit', (code) => reject(new Error(`the impostor agent exited (${code}): ${errors}`)));
    child.stdout?.once('data', () =>
      resolve({
        stop: async () => {
          child.kill('SIGTERM');
          await exited;
        },
      }),
    );
  });
}
