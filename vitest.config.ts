import { defineConfig } from 'vitest/config';

// CI asks for a JSON report too (GONOGO_TEST_REPORT=path) so .ci/run can print one closing line.
const report = process.env.GONOGO_TEST_REPORT;

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
    reporters: report ? ['default', 'json'] : ['default'],
    ...(report ? { outputFile: { json: report } } : {}),
  },
});
