export * from './city-calendar.js';
export * from './deadlines.service.js';
export * from './reminder-planner.js';
export * from './scheduling.module.js';
export * from './dto/deadline.response.js';
