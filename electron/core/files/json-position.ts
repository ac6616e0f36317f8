// Where a JSON text first goes wrong, as a person's editor counts it (line and column). V8 names
// the offset for some mistakes and only a snippet for others, so a small scanner finds it; it runs
// only after JSON.parse has already failed.

/** The offset of the first character that makes `text` not JSON (text.length if it just ends). */
export function jsonErrorOffset(text: string): number {
  let at = 0;
  const fail = (): never => {
    throw at;
  };
  const space = () => {
    while (at < text.length && ' \t\n\r'.includes(text[at] ?? '')) at += 1;
  };
  const literal = (word: string) => {
    for (const char of word)
      if (text[at] === char) at += 1;
      else fail();
  };
  const string = () => {
    at += 1;
    for (;;) {
      const char = text[at];
      if (char === undefined || char < ' ') fail();
      if (char === '"') return void (at += 1);
      if (char === '\\') {
        at += 1;
        if (text[at] === 'u') {
          at += 1;
          for (let i = 0; i < 4; i += 1)
            if (/[0-9a-fA-F]/.test(text[at] ?? '')) at += 1;
            else fail();
        } else if ('"\\/bfnrt'.includes(text[at] ?? '!')) at += 1;
        else fail();
      } else at += 1;
    }
  };
  const number = () => {
    const match = /^-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?/.exec(text.slice(at));
    if (!match) fail();
    at += match?.[0].length ?? 0;
  };
  const value = (): void => {
    space();
    const char = text[at];
    if (char === '{')
      return members('}', () => {
        space();
        if (text[at] !== '"') fail();
        string();
        space();
        if (text[at] !== ':') fail();
        at += 1;
        value();
      });
    if (char === '[') return members(']', value);
    if (char === '"') return string();
    if (char === 't') return literal('true');
    if (char === 'f') return literal('false');
    if (char === 'n') return literal('null');
    number();
  };
  const members = (close: string, member: () => void) => {
    at += 1;
    space();
    if (text[at] === close) return void (at += 1);
    for (;;) {
      member();
      space();
      if (text[at] === ',') at += 1;
      else if (text[at] === close) return void (at += 1);
      else fail();
    }
  };
  try {
    value();
    space();
    if (at < text.length) fail();
  } catch (offset) {
    if (typeof offset === 'number') return Math.min(offset, text.length);
    throw offset;
  }
  return text.length;
}

/** `line 3, column 14` for the first mistake in a text JSON.parse refused. */
export function jsonErrorPosition(text: string): string {
  const lines = text.slice(0, jsonErrorOffset(text)).split('\n');
  return `line ${lines.length}, column ${(lines.at(-1)?.length ?? 0) + 1}`;
}
