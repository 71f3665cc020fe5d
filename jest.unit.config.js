import base from './jest.config.js';

/**
 * `npm run test:unit`: the unit specs beside the code only, in seconds, with no service
 * started (no global setup: they touch neither PostgreSQL nor Redis).
 */
export default {
  ...base,
  testMatch: ['<rootDir>/apps/**/*.spec.ts', '<rootDir>/libs/**/*.spec.ts'],
  globalSetup: undefined,
};
