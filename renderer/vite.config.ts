import path from 'node:path';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

// `base: './'` so the built files load from file:// (asar) in Electron as well as over HTTP in the preview host.
export default defineConfig({
  root: path.resolve(import.meta.dirname),
  base: './',
  plugins: [react()],
  build: {
    outDir: path.resolve(import.meta.dirname, '..', 'dist', 'renderer'),
    emptyOutDir: true,
    sourcemap: true,
    // One chunk, loaded from the app package on disk (never a network): Vite's 500 kB warning,
    // meant for web pages, does not apply. The size is recorded in docs/design-window.md.
    chunkSizeWarningLimit: 1024,
  },
});
