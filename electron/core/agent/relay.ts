// A forward carried over a pipe of lines instead of a socket: WSL's Linux side cannot reach a
// Windows named pipe, but it can run `pgentra.exe wsl-relay` through WSL interop and talk to its
// stdin/stdout (what npiperelay does for ssh-agent). One request line in, one answer line out, in
// order. The Windows end (`lineRelay`) answers each line from the forward it opened; the Linux end
// (`RelayLink`) queues its socket's requests onto the child's stdin.
import type { Readable, Writable } from 'node:stream';
import { MAX_REQUEST_BYTES, type AgentResponse } from './wire.js';

/** Splits a stream into lines; a line longer than `maxBytes` is reported once and skipped. */
export async function* lines(input: Readable, maxBytes: number): AsyncGenerator<string | { tooLong: true }> {
  let buffer = '';
  let skipping = false;
  input.setEncoding('utf8');
  for await (const chunk of input as AsyncIterable<string>) {
    buffer += chunk;
    for (let newline = buffer.indexOf('\n'); newline >= 0; newline = buffer.indexOf('\n')) {
      const line = buffer.slice(0, newline);
      buffer = buffer.slice(newline + 1);
      if (skipping) skipping = false;
      else if (Buffer.byteLength(line) > maxBytes) yield { tooLong: true };
      else yield line.replace(/\r$/, '');
    }
    if (!skipping && Buffer.byteLength(buffer) > maxBytes) {
      yield { tooLong: true };
      skipping = true;
      buffer = '';
    }
    if (skipping) buffer = '';
  }
}

const refusal = (message: string): AgentResponse => ({ ok: false, code: 'usage', message });

/**
 * The Windows end: each request line from `input` is answered on `output` by `ask` (which asks
 * the forward), in order, until `input` ends. Lines that are not JSON objects are refused here.
 */
export async function lineRelay(
  input: Readable,
  output: Writable,
  ask: (request: Record<string, unknown>) => Promise<AgentResponse>,
): Promise<void> {
  for await (const line of lines(input, MAX_REQUEST_BYTES)) {
    let answer: AgentResponse;
    if (typeof line !== 'string') answer = refusal('request too large');
    else {
      let request: unknown;
      try {
        request = JSON.parse(line);
      } catch {
        request = undefined;
      }
      answer =
        typeof request === 'object' && request !== null && !Array.isArray(request)
          ? await ask(request as Record<string, unknown>).catch((error: unknown): AgentResponse => ({
              ok: false,
              code: 'internal',
              message: error instanceof Error ? error.message : String(error),
            }))
          : refusal('request is not JSON');
    }
    if (!output.write(JSON.stringify(answer) + '\n'))
      await new Promise<void>((resolve) => output.once('drain', () => resolve()));
  }
}

/**
 * The Linux end: requests go to the relay one at a time (answers come back in order) and each
 * gets the next answer line. When the relay's output ends, every waiting request is told the
 * forward ended, and `ended` resolves.
 */
export class RelayLink {
  private queue: Promise<unknown> = Promise.resolve();
  private readonly answers: AsyncGenerator<string | { tooLong: true }>;
  private closed = false;
  readonly ended: Promise<void>;

  constructor(
    private readonly toRelay: Writable,
    fromRelay: Readable,
  ) {
    this.answers = lines(fromRelay, 2 * 1024 * 1024);
    this.ended = new Promise((resolve) => {
      fromRelay.once('close', () => resolve());
      fromRelay.once('end', () => resolve());
    });
    void this.ended.then(() => (this.closed = true));
  }

  /** The relay's answer to one request line (without its newline). */
  send(request: string): Promise<string> {
    const turn = this.queue.then(async () => {
      if (this.closed) return null;
      this.toRelay.write(request + '\n');
      const next = await this.answers.next();
      return next.done || typeof next.value !== 'string' ? null : next.value;
    });
    this.queue = turn.catch(() => undefined);
    return turn.then(
      (line) =>
        line ??
        JSON.stringify({
          ok: false,
          code: 'unreachable',
          message: 'the relay to the desktop pgentra has ended',
        }),
    );
  }
}
