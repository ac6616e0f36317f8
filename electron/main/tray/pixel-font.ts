// The tray badge's digits: two hand-drawn bitmap fonts (4×7 and 5×9) placed whole-pixel at an
// integer scale chosen per icon size, so every stroke lands on the pixel grid at 16, 20, 24 and
// 32 px (a scaled-down outline font turns to grey mush at these sizes). Pure.

export interface PixelFont {
  width: number;
  height: number;
  /** '#' is ink, one string per row. */
  glyphs: Readonly<Record<string, readonly string[]>>;
}

// Only what the badge ever shows: minutes, "h" for hours, "!" for sign-in, "x" for an error, "-".
export const FONT_4X7: PixelFont = {
  width: 4,
  height: 7,
  glyphs: {
    '0': ['.##.', '#..#', '#..#', '#..#', '#..#', '#..#', '.##.'],
    '1': ['..#.', '.##.', '..#.', '..#.', '..#.', '..#.', '.###'],
    '2': ['.##.', '#..#', '...#', '..#.', '.#..', '#...', '####'],
    '3': ['###.', '...#', '...#', '.##.', '...#', '...#', '###.'],
    '4': ['#..#', '#..#', '#..#', '####', '...#', '...#', '...#'],
    '5': ['####', '#...', '###.', '...#', '...#', '#..#', '.##.'],
    '6': ['.##.', '#...', '#...', '###.', '#..#', '#..#', '.##.'],
    '7': ['####', '...#', '...#', '..#.', '..#.', '.#..', '.#..'],
    '8': ['.##.', '#..#', '#..#', '.##.', '#..#', '#..#', '.##.'],
    '9': ['.##.', '#..#', '#..#', '.###', '...#', '...#', '.##.'],
    h: ['#...', '#...', '#...', '###.', '#..#', '#..#', '#..#'],
    '!': ['.##.', '.##.', '.##.', '.##.', '....', '.##.', '.##.'],
    x: ['....', '#..#', '.##.', '.##.', '#..#', '....', '....'],
    '-': ['....', '....', '....', '####', '....', '....', '....'],
  },
};

export const FONT_5X9: PixelFont = {
  width: 5,
  height: 9,
  glyphs: {
    '0': ['.###.', '#...#', '#...#', '#...#', '#...#', '#...#', '#...#', '#...#', '.###.'],
    '1': ['..#..', '.##..', '#.#..', '..#..', '..#..', '..#..', '..#..', '..#..', '#####'],
    '2': ['.###.', '#...#', '....#', '....#', '...#.', '..#..', '.#...', '#....', '#####'],
    '3': ['.###.', '#...#', '....#', '....#', '..##.', '....#', '....#', '#...#', '.###.'],
    '4': ['...#.', '..##.', '.#.#.', '#..#.', '#..#.', '#####', '...#.', '...#.', '...#.'],
    '5': ['#####', '#....', '#....', '####.', '....#', '....#', '....#', '#...#', '.###.'],
    '6': ['.###.', '#....', '#....', '####.', '#...#', '#...#', '#...#', '#...#', '.###.'],
    '7': ['#####', '....#', '....#', '...#.', '...#.', '..#..', '..#..', '..#..', '..#..'],
    '8': ['.###.', '#...#', '#...#', '#...#', '.###.', '#...#', '#...#', '#...#', '.###.'],
    '9': ['.###.', '#...#', '#...#', '#...#', '.####', '....#', '....#', '....#', '.###.'],
    h: ['#....', '#....', '#....', '####.', '#...#', '#...#', '#...#', '#...#', '#...#'],
    '!': ['.##..', '.##..', '.##..', '.##..', '.##..', '.##..', '.....', '.##..', '.##..'],
    x: ['.....', '.....', '#...#', '.#.#.', '..#..', '.#.#.', '#...#', '.....', '.....'],
    '-': ['.....', '.....', '.....', '.....', '#####', '.....', '.....', '.....', '.....'],
  },
};

export interface TextLayout {
  font: PixelFont;
  /** Device pixels per font pixel. */
  scale: number;
  /** Top-left of the first glyph. */
  left: number;
  top: number;
}

/** Every (font, scale) the badge may use, tallest first: the tallest that fits wins. */
const CANDIDATES: readonly { font: PixelFont; scale: number }[] = [FONT_4X7, FONT_5X9]
  .flatMap((font) => [4, 3, 2, 1].map((scale) => ({ font, scale })))
  .sort((a, b) => b.font.height * b.scale - a.font.height * a.scale || b.font.width - a.font.width);

/**
 * Where `text` goes on a `side`-pixel square badge: the tallest whole-pixel rendering that keeps
 * clear of the rounded edge (1 px at the sides below 24 px, 2 px from 24 up; an eighth of the
 * side at the top and bottom), centred on whole pixels.
 */
export function layoutText(text: string, side: number): TextLayout {
  const across = side >= 24 ? 2 : 1;
  const down = Math.floor(side / 8);
  const widthOf = (font: PixelFont, scale: number) => (text.length * font.width + (text.length - 1)) * scale;
  const fits = ({ font, scale }: { font: PixelFont; scale: number }) =>
    widthOf(font, scale) <= side - 2 * across && font.height * scale <= side - 2 * down;
  const chosen = CANDIDATES.find(fits) ?? { font: FONT_4X7, scale: 1 };
  return {
    ...chosen,
    left: Math.floor((side - widthOf(chosen.font, chosen.scale)) / 2),
    top: Math.floor((side - chosen.font.height * chosen.scale) / 2),
  };
}

/** Calls `ink(x, y)` for every device pixel of `text` laid out by layoutText. */
export function forEachInkPixel(text: string, layout: TextLayout, ink: (x: number, y: number) => void): void {
  const { font, scale, left, top } = layout;
  [...text].forEach((char, index) => {
    const glyph = font.glyphs[char] ?? font.glyphs['-'] ?? [];
    glyph.forEach((row, gy) => {
      [...row].forEach((cell, gx) => {
        if (cell !== '#') return;
        const x0 = left + (index * (font.width + 1) + gx) * scale;
        const y0 = top + gy * scale;
        for (let y = y0; y < y0 + scale; y += 1) for (let x = x0; x < x0 + scale; x += 1) ink(x, y);
      });
    });
  });
}
