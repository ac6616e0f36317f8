// The WSL relay's two ends over plain streams (there is no Windows or WSL here): the Windows end
// answers request lines in order, the Linux end matches answers to requests and notices the end.
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { lineRelay, RelayLink } from '../../../../electron/core/agent/relay.js';
import { MAX_REQUEST_BYTES } from '../../../../electron/core/agent/wire.js';

const readLines = (stream: PassThrough) => {
  let text = '';
  stream.setEncoding('utf8');
  stream.on('data', (chunk: string) => (text += chunk));
  return () =>
    text
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line) as Record<string, unknown>);
};

describe('lineRelay (the Windows end)', () => {
  it('answers each request line in order and refuses what is not a JSON object or too long', async () => {
    const input = new PassThrough();
    const output = new PassThrough();
    const answers = readLines(output);
    const done = lineRelay(input, output, async (request) => {
      // Slow first answer: order must still hold.
      if (request.cluster === 'a') await new Promise((resolve) => setTimeout(resolve, 20));
      return { ok: true, token: `token-${String(request.cluster)}`, expiresAt: 1 };
    });
    input.write('{"v":1,"op":"token","cluster":"a"}\n{"v":1,"op":"token",');
    input.write('"cluster":"b"}\r\nnot json\n[1]\n');
    input.write(`${'x'.repeat(MAX_REQUEST_BYTES + 10)}\n{"op":"token","cluster":"c"}\n`);
    input.end();
    await done;
    expect(answers()).toEqual([
      { ok: true, token: 'token-a', expiresAt: 1 },
      { ok: true, token: 'token-b', expiresAt: 1 },
      { ok: false, code: 'usage', message: 'request is not JSON' },
      { ok: false, code: 'usage', message: 'request is not JSON' },
      { ok: false, code: 'usage', message: 'request too large' },
      { ok: true, token: 'token-c', expiresAt: 1 },
    ]);
  });

  it('a failing forward becomes an answer, not the end of the relay', async () => {
    const input = new PassThrough();
    const output = new PassThrough();
    const answers = readLines(output);
    const done = lineRelay(input, output, () => Promise.reject(new Error('pipe broke')));
    input.end('{"op":"ping"}\n');
    await done;
    expect(answers()).toEqual([{ ok: false, code: 'internal', message: 'pipe broke' }]);
  });
});

describe('RelayLink (the Linux end)', () => {
  it('pairs answers with requests sent at once, in order', async () => {
    const toRelay = new PassThrough();
    const fromRelay = new PassThrough();
    const link = new RelayLink(toRelay, fromRelay);
    const sent: string[] = [];
    toRelay.setEncoding('utf8');
    toRelay.on('data', (chunk: string) => {
      for (const line of chunk.split('\n').filter(Boolean)) {
        sent.push(line);
        fromRelay.write(`answer to ${line}\n`);
      }
    });
    const answers = await Promise.all(['one', 'two', 'three'].map((request) => link.send(request)));
    expect(answers).toEqual(['answer to one', 'answer to two', 'answer to three']);
    expect(sent).toEqual(['one', 'two', 'three']);
  });

  it('when the relay ends, waiting and later requests hear that the forward ended', async () => {
    const toRelay = new PassThrough();
    const fromRelay = new PassThrough();
    const link = new RelayLink(toRelay, fromRelay);
    const waiting = link.send('{"op":"ping"}');
    fromRelay.end();
    await link.ended;
    const gone = { ok: false, code: 'unreachable', message: 'the relay to the desktop pgentra has ended' };
    expect(JSON.parse(await waiting)).toEqual(gone);
    expect(JSON.parse(await link.send('{"op":"ping"}'))).toEqual(gone);
  });
});
