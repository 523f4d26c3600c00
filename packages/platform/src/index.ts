export * from './config';
export * from './logger';
export * from './kafka';
export * from './prisma';
export * from './temporal';
export * from './http';
export * from './shutdown';
export * from './readiness';
