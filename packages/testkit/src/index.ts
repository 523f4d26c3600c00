// @diandan/testkit: what every test of this repository shares. The core (this module): the
// environment jest's global setup gives, unique names, eventually-style polling, Kafka and
// PostgreSQL clients, and the worker rig (the real serviceOrder workflow on the real servers).
// Each service's rig is a subpath: @diandan/testkit/intake, /dispatch, /feedback.
export * from './env';
export * from './eventually';
export * from './hostile';
export * from './infra';
export * from './postgres';
export * from './runtime';
export * from './worker';
