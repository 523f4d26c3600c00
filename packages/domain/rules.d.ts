export * from './dist/src/rules';
