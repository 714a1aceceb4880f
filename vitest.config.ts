import { defineConfig } from 'vitest/config';

// CI asks for a JSON report too (GONOGO_TEST_REPORT=path) so .ci/run can print one closing line,
// and for coverage (GONOGO_COVERAGE=1), which gonogo's own `coverage` check then reads.
const report = process.env.GONOGO_TEST_REPORT;
const coverage = Boolean(process.env.GONOGO_COVERAGE);

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts', 'scripts/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
    reporters: report ? ['default', 'json'] : ['default'],
    ...(report ? { outputFile: { json: report } } : {}),
    coverage: {
      enabled: coverage,
      provider: 'v8',
      include: ['src/**/*.ts'],
      exclude: ['src/**/*.test.ts', 'src/**/*.fixture.ts'],
      reporter: ['json-summary', 'text-summary'],
      reportOnFailure: true,
    },
  },
});
