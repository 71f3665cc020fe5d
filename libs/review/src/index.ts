export * from './dto/review.dto.js';
export * from './inquiries.service.js';
export * from './meetings.service.js';
export * from './proposal-guards.js';
export * from './proposal-visibility.js';
export * from './proposals.service.js';
export * from './review.errors.js';
export * from './review.module.js';
