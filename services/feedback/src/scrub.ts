// The one personal-data scrubber lives in packages/domain (every public and evaluator surface of
// every service uses it); feedback's code keeps importing it from here.
export { ADDRESS_MASK, findPersonalNumber, MASK, NAME_MASK, scrub, scrubOptional } from '@diandan/domain';
