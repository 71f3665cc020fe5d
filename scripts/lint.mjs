#!/usr/bin/env node
// `npm run lint`: ESLint, and Prettier's check once it is switched on (scripts/lib/lint.mjs).
import { exitOnSetupFailure } from './lib/setup.mjs';
import { lint } from './lib/lint.mjs';

exitOnSetupFailure();
lint();
