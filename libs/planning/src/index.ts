export * from './demo/kaikaku-plan-2027.js';
export * from './dto/plan.dto.js';
export * from './planning.module.js';
export * from './plans.service.js';
export * from './status-scale.js';
export * from './demo/kaikaku-stage3.js';
export * from './dto/plan.response.js';
export * from './plan.queries.js';
