export * from './day.js';
export * from './fiscal-year.js';
export * from './municipal-calendar.js';
export * from './national-holidays.js';
export * from './wareki.js';
