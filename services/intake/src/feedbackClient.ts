// services/feedback as intake sees it: WeChat "评价" messages become `POST /v1/wechat/rating` with
// the sender's openid, under the service token. Intake has no store and no Temporal client; feedback
// proves the openid against the order's contact and asks the order's workflow.
import type { Rating } from '@diandan/domain';
import type { Logger } from '@diandan/platform';

export interface FeedbackSettings {
  /** Base URL of services/feedback (FEEDBACK_URL). */
  url: string;
  /** Bearer token (FEEDBACK_SERVICE_TOKEN). */
  serviceToken: string;
  /** Longest wait for feedback's answer; WeChat wants the passive reply within 5 s (default 3 s). */
  timeoutMs?: number;
}

export interface WechatRatingRequest {
  openId: string;
  code: string;
  rating: Rating;
  comment?: string;
}

export type WechatRatingResult =
  | { kind: 'rated'; trackingCode: string; reopened: boolean }
  | { kind: 'not_resolved' }
  | { kind: 'closed' }
  | { kind: 'not_found' }
  /** Feedback unreachable, too slow, or answering something we cannot use. */
  | { kind: 'unavailable' };

export interface WechatRater {
  rate(request: WechatRatingRequest): Promise<WechatRatingResult>;
}

export const DEFAULT_FEEDBACK_TIMEOUT_MS = 3000;

export class FeedbackClient implements WechatRater {
  private readonly endpoint: string;
  private readonly timeoutMs: number;

  constructor(
    private readonly settings: FeedbackSettings,
    private readonly logger: Logger,
  ) {
    this.endpoint = new URL('/v1/wechat/rating', settings.url).toString();
    this.timeoutMs = settings.timeoutMs ?? DEFAULT_FEEDBACK_TIMEOUT_MS;
  }

  async rate(request: WechatRatingRequest): Promise<WechatRatingResult> {
    let response: Response;
    let body: unknown;
    try {
      const signal = AbortSignal.timeout(this.timeoutMs);
      response = await fetch(this.endpoint, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${this.settings.serviceToken}` },
        body: JSON.stringify(request),
        signal,
      });
      // The body is read under the same deadline.
      body = await response.json().catch(() => undefined);
    } catch (error) {
      this.logger.warn({ err: error instanceof Error ? error.message : String(error) }, 'feedback did not answer a wechat rating');
      return { kind: 'unavailable' };
    }
    if (response.status === 200) {
      const outcome = body as { trackingCode?: unknown; reopened?: unknown } | undefined;
      return { kind: 'rated', trackingCode: typeof outcome?.trackingCode === 'string' ? outcome.trackingCode : request.code, reopened: outcome?.reopened === true };
    }
    if (response.status === 404) return { kind: 'not_found' };
    if (response.status === 409) {
      const reason = (body as { error?: { details?: { reason?: unknown } } } | undefined)?.error?.details?.reason;
      return reason === 'not_resolved' ? { kind: 'not_resolved' } : { kind: 'closed' };
    }
    // 401 is a misconfigured token; 400 a contract mismatch; 5xx feedback's own trouble.
    this.logger.error({ status: response.status }, 'feedback refused a wechat rating');
    return { kind: 'unavailable' };
  }
}
