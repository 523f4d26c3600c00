/** @diandan/domain — the rules of 点单, as pure functions: no I/O, no clock, no randomness. */
export * from './result';
export * from './ladder';
export * from './calendar';
export * from './deadlines';
export * from './buckPassing';
export * from './order';
export * from './decide';
export * from './events';
export * from './trackingCode';
export * from './text';
export * from './scrub';
export * from './story';
export * from './suggest';
export * from './clock';
export * from './holidays';
export * from './notices';
