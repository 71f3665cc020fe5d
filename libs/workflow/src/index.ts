export * from './definition.js';
export * from './definitions/index.js';
export * from './engine.js';
export * from './validate-definition.js';
