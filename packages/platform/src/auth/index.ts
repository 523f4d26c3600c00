export * from './bearer';
export * from './compare';
export * from './jwt';
export * from './middleware';
export * from './passwords';
export * from './staff';
export * from './audit';
