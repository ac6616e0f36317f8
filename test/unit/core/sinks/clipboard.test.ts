import { describe, expect, it } from 'vitest';
import { ClipboardGuard } from '../../../../electron/core/sinks/clipboard.js';
import { MemoryClipboard } from '../../../support/fakes/clipboard.js';
import { FakeClock } from '../../../support/fakes/fake-clock.js';

/** A ClipboardGuard over an in-memory clipboard, on a clock the test drives. */
function guarded() {
  const clock = new FakeClock();
  const clipboard = new MemoryClipboard();
  return { clock, clipboard, guard: new ClipboardGuard(clipboard, clock) };
}

describe('ClipboardGuard', () => {
  it('clears a copied token after the configured seconds, marked secret', async () => {
    const { clock, clipboard, guard } = guarded();
    await guard.copySecret('tok', 30);
    expect(clipboard.text).toBe('tok');
    expect(clipboard.secretWrites).toBe(1);
    await clock.advance(29_000);
    expect(clipboard.text).toBe('tok');
    await clock.advance(1_000);
    expect(clipboard.text).toBe('');
  });

  it('leaves the clipboard alone when the user copied something else meanwhile', async () => {
    const { clock, clipboard, guard } = guarded();
    await guard.copySecret('tok', 30);
    await clipboard.writeText('my own notes');
    await clock.advance(31_000);
    expect(clipboard.text).toBe('my own notes');
  });

  it('clears on quit if the token is still there, and a second copy restarts the delay', async () => {
    const { clock, clipboard, guard } = guarded();
    await guard.copySecret('tok1', 30);
    await clock.advance(20_000);
    await guard.copySecret('tok2', 30);
    await clock.advance(20_000);
    expect(clipboard.text).toBe('tok2');
    await guard.clearIfStillOurs();
    expect(clipboard.text).toBe('');
    expect(clock.pendingTimers).toBe(0);
  });

  it('copying a connection string cancels the pending clear', async () => {
    const { clock, clipboard, guard } = guarded();
    await guard.copySecret('tok', 30);
    await guard.copyPlain('host=x user=y');
    await clock.advance(60_000);
    expect(clipboard.text).toBe('host=x user=y');
  });

  it('waits for the asynchronous read before deciding, and keeps a copy made meanwhile', async () => {
    const { clock, clipboard, guard } = guarded();
    await guard.copySecret('tok', 30);
    let release: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const realRead = clipboard.readText.bind(clipboard);
    clipboard.readText = async () => {
      await gate;
      return realRead();
    };
    const clearing = guard.clearIfStillOurs();
    expect(clipboard.text).toBe('tok');
    release();
    await clearing;
    expect(clipboard.text).toBe('');
    expect(clock.pendingTimers).toBe(0);
  });

  // Electron docs/api/app.md, before-quit/will-quit: "not emitted if the app is closed due to a
  // shutdown/restart of the system or a user logout" on Windows; the window's session-end is the
  // last word, and the process ends when it returns: no time to await an asynchronous read.
  it('clearNow clears at once, without waiting for a read, and only after a token copy', async () => {
    const { clock, clipboard, guard } = guarded();
    clipboard.readText = () => new Promise<string>(() => undefined);
    await guard.clearNow();
    await clipboard.writeText('my own notes');
    void guard.clearNow();
    expect(clipboard.text).toBe('my own notes');

    await guard.copySecret('tok', 30);
    void guard.clearNow();
    expect(clipboard.text).toBe('');
    expect(clock.pendingTimers).toBe(0);
  });
});
