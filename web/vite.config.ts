/**
 * The web app's build: a single-page React app from `web/` into `dist/web/`, which `gonogo
 * serve` hands out as static files. `node scripts/build.ts` builds it through Vite's JS API
 * (scripts/build-web.ts); `npx vite web` serves it for development with `/api` sent to a
 * `gonogo serve` on port 8080.
 */
import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

const root = fileURLToPath(new URL('.', import.meta.url));

export default defineConfig({
  root,
  base: '/',
  plugins: [react()],
  // The page must not need inline script (the server's CSP forbids it) nor a public folder.
  publicDir: false,
  build: {
    outDir: fileURLToPath(new URL('../dist/web', import.meta.url)),
    emptyOutDir: true,
    assetsDir: 'assets',
    target: 'es2022',
    modulePreload: { polyfill: false },
    sourcemap: false,
    reportCompressedSize: false,
  },
  server: { proxy: { '/api': 'http://127.0.0.1:8080' } },
});
