import { defineConfig } from 'tsup';

/** One entry per public subpath; `splitting` keeps one copy of each class shared between them. */
export const entry = {
  index: 'src/index.ts',
  node: 'src/node/index.ts',
  express: 'src/adapters/express.ts',
  koa: 'src/adapters/koa.ts',
  fetch: 'src/adapters/fetch.ts',
  redis: 'src/redis/index.ts',
  prometheus: 'src/prometheus/index.ts',
  testing: 'src/testing/index.ts',
};

export default defineConfig({
  entry,
  format: ['esm', 'cjs'],
  dts: true,
  splitting: true,
  clean: true,
  target: 'node20',
  platform: 'node',
  treeshake: true,
  outDir: 'dist',
});
