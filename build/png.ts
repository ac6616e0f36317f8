// A minimal PNG encoder (8-bit RGBA, no interlace) over node:zlib, for generate-icons.ts and
// tests: enough to write icons and screenshots without an image library.
import { crc32, deflateSync } from 'node:zlib';
import type { RgbaImage } from '../electron/main/tray/icon-renderer.js';

const SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

function chunk(type: string, body: Buffer): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(body.length, 0);
  head.write(type, 4, 'ascii');
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(Buffer.concat([head.subarray(4), body])) >>> 0, 0);
  return Buffer.concat([head, body, crc]);
}

export function encodePng(image: RgbaImage): Buffer {
  const { width, height, data } = image;
  if (data.length !== width * height * 4) throw new Error(`expected ${width * height * 4} bytes of RGBA`);
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header[8] = 8; // bit depth
  header[9] = 6; // colour type: RGBA
  // compression, filter and interlace methods stay 0
  const stride = width * 4;
  const raw = Buffer.alloc((stride + 1) * height);
  for (let y = 0; y < height; y += 1) {
    // Filter type 0 (none) per scanline: icons are tiny, deflate does the work.
    data.copy(raw, y * (stride + 1) + 1, y * stride, (y + 1) * stride);
  }
  return Buffer.concat([
    SIGNATURE,
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(raw, { level: 9 })),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

/** Nearest-neighbour enlargement, for screenshots where a 16-pixel icon must stay legible. */
export function enlarge(image: RgbaImage, factor: number): RgbaImage {
  const width = image.width * factor;
  const height = image.height * factor;
  const data = Buffer.alloc(width * height * 4);
  for (let y = 0; y < height; y += 1) {
    for (let x = 0; x < width; x += 1) {
      const from = (Math.floor(y / factor) * image.width + Math.floor(x / factor)) * 4;
      image.data.copy(data, (y * width + x) * 4, from, from + 4);
    }
  }
  return { width, height, data };
}

/** Places images side by side on a solid background, `gap` pixels apart. */
export function strip(images: RgbaImage[], gap: number, background: readonly number[]): RgbaImage {
  const height = Math.max(...images.map((i) => i.height)) + gap * 2;
  const width = images.reduce((sum, i) => sum + i.width + gap, gap);
  const data = Buffer.alloc(width * height * 4);
  for (let at = 0; at < data.length; at += 4) data.set(background.slice(0, 4), at);
  let left = gap;
  for (const image of images) {
    const top = gap + Math.floor((height - gap * 2 - image.height) / 2);
    for (let y = 0; y < image.height; y += 1) {
      for (let x = 0; x < image.width; x += 1) {
        const from = (y * image.width + x) * 4;
        const to = ((top + y) * width + left + x) * 4;
        const alpha = (image.data[from + 3] ?? 0) / 255;
        for (let c = 0; c < 3; c += 1) {
          const bg = data[to + c] ?? 0;
          data[to + c] = Math.round((image.data[from + c] ?? 0) * alpha + bg * (1 - alpha));
        }
        data[to + 3] = 255;
      }
    }
    left += image.width + gap;
  }
  return { width, height, data };
}
