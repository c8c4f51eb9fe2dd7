import { defineConfig } from 'vitest/config'

export default defineConfig({
  resolve: { conditions: ['@polyhost/source'] },
  // tests run in vite's SSR environment, which ignores `resolve.conditions`: without this,
  // workspace packages resolved to their (possibly stale) dist/ builds
  ssr: { resolve: { conditions: ['module', 'node', 'development|production', '@polyhost/source'] } },
  test: {
    include: ['packages/*/src/**/*.test.ts', 'packages/*/test/**/*.test.ts', 'examples/test/**/*.test.ts', 'bench/test/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    pool: 'forks',
    // a throw-away redis-server on a free loopback port for @polyhost/queue's tests
    globalSetup: ['packages/queue/test/redis-global-setup.ts'],
    // CI asks for a machine-readable report beside the usual one (see .ci/run)
    ...(process.env.POLYHOST_TEST_JSON ? { reporters: ['default', 'json'], outputFile: { json: process.env.POLYHOST_TEST_JSON } } : {}),
  },
})
