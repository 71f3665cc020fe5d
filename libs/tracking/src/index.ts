export * from './initiatives.service.js';
export * from './tracking.module.js';
