import { defineConfig } from 'vitest/config';

// The table tests that pin the policy and safety code, and only those: StrykerJS runs them once
// per mutant (npm run test:mutation), so nothing slow or service-bound belongs here.
export default defineConfig({
  test: {
    include: [
      'tests/connectors/github/github-policy.test.ts',
      'tests/connectors/github/github-graphql-policy.test.ts',
      'tests/telemetry/redaction.test.ts',
      'tests/telemetry/redaction-body.test.ts',
      'tests/config/secret-patterns.test.ts',
      'tests/scheduling/*.test.ts',
      'tests/engine/run-state.test.ts',
      'tests/reports/status-marks.test.ts',
    ],
    testTimeout: 10_000,
  },
});
