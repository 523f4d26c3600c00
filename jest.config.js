// One jest run for every workspace. TypeScript is transpiled by SWC (fast, no type-check here:
// `tsc -b` type-checks the whole tree before the tests run).
const transform = {
  '^.+\\.tsx?$': ['@swc/jest', { jsc: { target: 'es2022', parser: { syntax: 'typescript' } } }],
};
// Tests import workspace packages from source, so a change needs no build before `jest`.
const moduleNameMapper = {
  '^@diandan/domain/rules$': '<rootDir>/../../packages/domain/src/rules',
  '^@diandan/(domain|platform)$': '<rootDir>/../../packages/$1/src',
  '^@diandan/workflows$': '<rootDir>/../../workflows/src',
  '^@diandan/testkit$': '<rootDir>/../../packages/testkit/src',
  '^@diandan/testkit/(intake|dispatch|feedback)$': '<rootDir>/../../packages/testkit/src/$1',
};
const project = (dir, extra = {}) => ({
  displayName: dir,
  rootDir: `<rootDir>/${dir}`,
  testMatch: ['<rootDir>/**/*.test.ts'],
  testPathIgnorePatterns: ['/node_modules/', '/dist/'],
  transform,
  moduleNameMapper: Object.fromEntries(
    Object.entries(moduleNameMapper).map(([k, v]) => [k, v.replace('<rootDir>/../../', `<rootDir>/${'../'.repeat(dir.split('/').length)}`)]),
  ),
  ...extra,
});

module.exports = {
  globalSetup: '<rootDir>/test/global-setup.ts',
  globalTeardown: '<rootDir>/test/global-teardown.ts',
  testTimeout: 60_000,
  // Most suites wait on servers, not on the CPU: more workers than the 2 cores overlap the waiting.
  maxWorkers: 4,
  projects: [
    project('packages/domain'),
    project('packages/platform'),
    project('packages/testkit'),
    project('workflows'),
    project('services/intake'),
    project('services/dispatch'),
    project('services/feedback'),
    project('infra'),
    // The console and resident pages: browser logic, the API-type drift check, Chromium suite.
    project('web'),
    // Tests across the services (end to end) and the global setup's own folder.
    project('test'),
  ],
};
