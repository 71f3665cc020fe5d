export * from './fiscal-year.js';
