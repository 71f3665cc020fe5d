export * from './council-report.js';
export * from './council-report.csv.js';
export * from './council-report.xlsx.js';
export * from './excel-sheet-name.js';
