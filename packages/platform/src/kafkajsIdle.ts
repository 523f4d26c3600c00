// kafkajs 2.2.4 (its last release) spins while idle: every broker connection's RequestQueue
// re-arms `setTimeout(check, negative)` after each check even when nothing is pending, so each
// connection wakes the event loop about once a millisecond for as long as it is open
// (tulios/kafkajs#1556, #1604, #1704; the fix of #1667 was never released). Measured here on
// 2026-11-30: the idle dispatch and feedback services each kept 5–7 % of a core busy, ≈ 700 event
// loop wake-ups a second (strace: epoll_pwait with timeouts 0 and 1), and every benchmark process
// paid it per connection. The fix is #1667's: with nothing pending there is nothing to check —
// `push()` schedules a check as soon as a request has to wait, and a response or a timeout runs
// one — so the queue arms no timer. Applied once, when this module is loaded; a kafkajs whose
// queue no longer has the method (a future release) is left as it is.
import { createRequire } from 'node:module';

interface RequestQueueLike {
  pending: unknown[];
  scheduleCheckPendingRequests(): void;
}

let applied = false;

/** Patches kafkajs's RequestQueue once; returns whether the patch is in place. */
export function applyKafkajsIdleFix(): boolean {
  if (applied) return true;
  const load = createRequire(__filename);
  let RequestQueue: { prototype: RequestQueueLike } | undefined;
  try {
    RequestQueue = load('kafkajs/src/network/requestQueue') as { prototype: RequestQueueLike };
  } catch {
    return false;
  }
  const original = RequestQueue.prototype.scheduleCheckPendingRequests;
  if (typeof original !== 'function') return false;
  RequestQueue.prototype.scheduleCheckPendingRequests = function scheduleCheckPendingRequests(this: RequestQueueLike) {
    if (this.pending.length === 0) return;
    original.call(this);
  };
  applied = true;
  return true;
}
