// Two entries, two worlds: the staff console (index.html: Ant Design, ECharts) and the resident H5
// (h5.html: plain React and a little CSS, so a phone never downloads the console's table and chart
// code). `npm run dev` proxies /api/* to the services like the one-origin server does.
import path from 'node:path';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

const port = (name: string, fallback: number) => Number(process.env[name] ?? fallback);

export default defineConfig({
  root: import.meta.dirname,
  plugins: [react()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    chunkSizeWarningLimit: 1500,
    rollupOptions: { input: { console: path.join(import.meta.dirname, 'index.html'), h5: path.join(import.meta.dirname, 'h5.html') } },
  },
  server: {
    proxy: {
      '/api/intake': { target: `http://127.0.0.1:${port('INTAKE_PORT', 3001)}`, rewrite: (p) => p.replace(/^\/api\/intake/, '') },
      '/api/dispatch': { target: `http://127.0.0.1:${port('DISPATCH_PORT', 3002)}`, rewrite: (p) => p.replace(/^\/api\/dispatch/, '') },
      '/api/feedback': { target: `http://127.0.0.1:${port('FEEDBACK_PORT', 3003)}`, rewrite: (p) => p.replace(/^\/api\/feedback/, '') },
    },
  },
});
