/**
 * Domain functions never throw for a business "no": they return a Rejection, so that the
 * workflow can refuse an update with a readable reason and the HTTP edge can map the code to a
 * status once (invalid_input → 400, forbidden / out_of_scope → 403, illegal_transition → 409,
 * not_found → 404).
 */
export type RejectionCode = 'illegal_transition' | 'forbidden' | 'out_of_scope' | 'invalid_input' | 'not_found';

export interface Rejection {
  readonly code: RejectionCode;
  /** English sentence for people (staff, residents, logs); may carry a Chinese phrase. */
  readonly reason: string;
}

export type Result<T, E = Rejection> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: E };

export const ok = <T>(value: T): Result<T, never> => ({ ok: true, value });

export const reject = (code: RejectionCode, reason: string): Result<never> => ({ ok: false, error: { code, reason } });
