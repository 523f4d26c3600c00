// Authentication and role checks of the staff API come from packages/platform (one auth module
// for every service): no token → 401, a role that may not use an endpoint → 403.
export { allowRoles as allow, staffOf } from '@diandan/platform';
