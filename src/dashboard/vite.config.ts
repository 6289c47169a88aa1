// Builds the dashboard SPA into dist/dashboard at `npm run build`; the emulator serves it at `/`.
// Relative base so the files work under any mount point, and no external URLs (offline, no CDN).
import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';
import { fileURLToPath } from 'node:url';

export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  base: './',
  plugins: [react()],
  logLevel: 'warn',
  build: {
    outDir: fileURLToPath(new URL('../../dist/dashboard', import.meta.url)),
    emptyOutDir: true,
    sourcemap: false,
    // One small bundle is fine for a local tool; keeps the build fast.
    modulePreload: { polyfill: false },
    reportCompressedSize: false,
  },
});
