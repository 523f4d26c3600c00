// Staff identities live in packages/platform (one auth module for every service); dispatch's
// code keeps importing them from here.
export { actorOf, isStaffRole, STAFF_ROLES, UNIT_ROLES, type Staff, type StaffRole } from '@diandan/platform';
