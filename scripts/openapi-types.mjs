#!/usr/bin/env node
// `npm run openapi:types`: builds the API, takes its OpenAPI document from the real
// application (Nest's preview mode: no database or Redis needed) and writes the web
// app's generated client types (apps/web/src/api/schema.d.ts). Commit the result.
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build } from './lib/setup.mjs';
import { SCHEMA_TYPES_PATH, schemaTypesOf } from './lib/openapi-types.mjs';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');

if (!process.argv.includes('--no-build')) build();
await import('reflect-metadata');
const dist = (path) => pathToFileURL(join(ROOT, 'dist', path)).href;
const { loadConfig } = await import(dist('libs/platform/src/index.js'));
const { openApiDocumentOf } = await import(dist('apps/api/src/api-app.js'));

// The document does not depend on the environment; defaults keep a developer's .env out of it.
const document = await openApiDocumentOf(loadConfig({ NODE_ENV: 'development', LOG_LEVEL: 'silent' }));
const target = join(ROOT, SCHEMA_TYPES_PATH);
mkdirSync(dirname(target), { recursive: true });
writeFileSync(target, await schemaTypesOf(document));
process.stdout.write(`wrote ${SCHEMA_TYPES_PATH} (${Object.keys(document.paths).length} paths)\n`);
process.exit(0);
