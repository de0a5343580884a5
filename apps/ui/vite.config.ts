// Vite config of the web UI. `npx vite` serves it with /api proxied to an Osprey server
// (OSPREY_API_URL, default http://localhost:8080); `npx vite build` writes dist/, which the webserver serves.
import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

const api = process.env.OSPREY_API_URL ?? 'http://localhost:8080';

export default defineConfig({
  plugins: [react()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    // Monaco alone is ~3 MB; it is a lazy chunk of the flow editor, never part of the first load.
    chunkSizeWarningLimit: 4000,
    reportCompressedSize: false,
  },
  worker: { format: 'es' },
  server: {
    proxy: { '/api': { target: api, changeOrigin: true }, '/health': api },
  },
});
