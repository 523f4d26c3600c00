/**
 * Domain functions never throw for a business "no": they return a Rejection, so that the
 * workflow can refuse an update with a readable reason and the HTTP edge can map the code to a
 * status once (invalid_input → 400, forbidden / out_of_scope → 403, illegal_transition → 409,
 * not_found → 404).
 */
export type RejectionCode = 'illegal_transition' | 'forbidden' | 'out_of_scope' | 'invalid_input' | 'not_found';

/** The one rejection → HTTP status mapping (services/dispatch and services/feedback use it). */
export const REJECTION_HTTP_STATUS: Readonly<Record<RejectionCode, number>> = {
  illegal_transition: 409,
  forbidden: 403,
  out_of_scope: 403,
  invalid_input: 400,
  not_found: 404,
};

/**
 * What a program needs to know about a rejection, instead of parsing the English reason: the
 * command refused and the order's status when it was (an illegal transition, e.g. rating an order
 * that is not resolved yet: `{ command: 'rate', status: 'in_progress' }`).
 */
export interface RejectionDetail {
  readonly command?: string;
  readonly status?: string;
}

export interface Rejection {
  readonly code: RejectionCode;
  /** English sentence for people (staff, residents, logs); may carry a Chinese phrase. */
  readonly reason: string;
  readonly detail?: RejectionDetail;
}

export type Result<T, E = Rejection> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: E };

export const ok = <T>(value: T): Result<T, never> => ({ ok: true, value });

export const reject = (code: RejectionCode, reason: string, detail?: RejectionDetail): Result<never> => ({
  ok: false,
  error: detail === undefined ? { code, reason } : { code, reason, detail },
});
