import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { printable } from '../../../electron/core/printable.js';

// eslint-disable-next-line no-control-regex
const TERMINAL_CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/;
const hostile = fc.string({
  unit: fc.oneof(
    fc.constantFrom(
      '\u001b',
      '\u009b',
      '\u0007',
      '\r',
      '\n',
      '\t',
      '\u0000',
      '\u202e',
      '[',
      ']',
      ';',
      '2J',
      'H',
    ),
    fc.string({ maxLength: 3 }),
    fc.integer({ min: 0, max: 0x2100 }).map((code) => String.fromCharCode(code)),
  ),
});

describe('printable', () => {
  it('leaves no terminal control character, keeping newlines only when asked', () => {
    fc.assert(
      fc.property(hostile, fc.boolean(), (text, multiline) => {
        const shown = printable(text, { multiline });
        expect(shown).not.toMatch(TERMINAL_CONTROL);
        if (!multiline) expect(shown).not.toContain('\n');
      }),
    );
  });

  it('is idempotent and leaves ordinary text (any language, tabs, newlines) untouched', () => {
    fc.assert(
      fc.property(hostile, (text) => {
        expect(printable(printable(text))).toBe(printable(text));
      }),
    );
    fc.assert(
      fc.property(
        fc.string().filter((t) => !TERMINAL_CONTROL.test(t)),
        (text) => {
          expect(printable(text, { multiline: true })).toBe(text);
        },
      ),
    );
    expect(printable('Zoë — AADSTS50173: 期限切れ\n\tsee https://x/y?a=1;b=[2]', { multiline: true })).toBe(
      'Zoë — AADSTS50173: 期限切れ\n\tsee https://x/y?a=1;b=[2]',
    );
  });

  it('removes whole escape sequences, not just the ESC byte', () => {
    expect(printable('ok\u001b[2J\u001b[1;1Hfake\u001b]0;title\u0007 \u001b[31mred\u001b[0m')).toBe(
      'okfake red',
    );
    expect(printable('a\r\nb')).toBe('a  b');
    expect(printable('a\r\nb', { multiline: true })).toBe('a\nb');
  });
});
