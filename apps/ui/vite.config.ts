// Vite config of the web UI. `npx vite` serves it with /api proxied to an Osprey server
// (OSPREY_API_URL, default http://localhost:8080); `npx vite build` writes dist/, which the webserver serves.
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

const api = process.env.OSPREY_API_URL ?? 'http://localhost:8080';

// monaco-yaml's worker imports `monaco-editor/esm/vs/...`, a path that monaco-editor 0.5x's export map no
// longer resolves (it maps `monaco-editor/*` to `esm/vs/*`): point it at the files themselves.
const monacoEsm = fileURLToPath(new URL('../../node_modules/monaco-editor/esm/vs/', import.meta.url));

export default defineConfig({
  plugins: [react()],
  resolve: {
    alias: [{ find: /^monaco-editor\/esm\/vs\/(.*)$/, replacement: `${monacoEsm}$1` }],
  },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    // Monaco alone is ~3 MB; it is a lazy chunk of the flow editor, never part of the first load.
    chunkSizeWarningLimit: 4000,
    reportCompressedSize: false,
    // Rolldown's plugin timing report is noise in npm start/test output.
    rolldownOptions: { checks: { pluginTimings: false } },
  },
  worker: { format: 'es' },
  server: {
    proxy: { '/api': { target: api, changeOrigin: true }, '/health': api },
  },
});
