import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

/**
 * The admin console: a single-page app served by `jifen serve` at /console/ (src/http/routes/
 * console-routes.ts). `npm run build` (and so `npm install`) builds it into console/dist. The SDK
 * is compiled from its sources, the only way the console talks to the API. `npx vite console`
 * serves it for development, passing /v1 to a `jifen serve` on port 8080.
 */
export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  base: '/console/',
  plugins: [react()],
  resolve: {
    alias: { '@jifen/sdk': fileURLToPath(new URL('../packages/sdk/src/index.ts', import.meta.url)) },
  },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    // The screens are separate chunks (React.lazy); antd's shared parts land in common chunks.
    chunkSizeWarningLimit: 1200,
    reportCompressedSize: false,
  },
  server: { proxy: { '/v1': 'http://127.0.0.1:8080' } },
});
