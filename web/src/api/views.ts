// Shapes of the read-model answers the staff API documents only as "object" today (its OpenAPI
// document types requests fully, responses loosely). These name the fields the screens read;
// when the document types them, these become aliases of the generated schemas.
export interface OrderRow {
  id: string;
  trackingCode: string;
  status: string;
  channel: string;
  content: string;
  categoryCode: string | null;
  category?: { name: string } | null;
  priority: string;
  level: string | null;
  unitId: string | null;
  unit?: { name: string } | null;
  address?: string | null;
  lat?: number | null;
  lng?: number | null;
  placedAt: string;
  updatedAt?: string;
  dispatchedAt?: string | null;
  acceptedAt?: string | null;
  deadlineAt: string | null;
  stageStartedAt?: string | null;
  overdue?: boolean;
  escalations?: number;
  bounces?: number;
  buckPassing?: boolean;
  rating?: string | null;
  /** The resident's files and the unit's result photos (order detail; ids `<orderId>-r…` are results). */
  attachments?: { id: string; fileName: string; contentType: string; size: number }[];
  /** The current stage's clock, computed by the staff API with the domain's calendar (queues). */
  clock?: { stage: string; dueAt: string; remainingMinutes: number; calendar: boolean; overdue: boolean } | null;
  /** Urges (催办) of the current stage (queues). */
  urges?: { count: number; byResident: boolean; automatic: boolean; lastAt: string | null };
  /** Why it climbed to this level (level queue). */
  climb?: { trigger: string; at: string; reason: string | null; stage: string | null; fromUnitName: string | null } | null;
  /** The unit the routing suggests (joint-meeting day view). */
  suggestion?: UnitSuggestion | null;
}

export interface SuggestedUnit {
  unitId: string;
  unitName: string;
  level: string;
  reason: string;
}

export interface UnitSuggestion {
  suggested: SuggestedUnit | null;
  alternatives: SuggestedUnit[];
}

export interface QueueCounts {
  total: number;
  byCategory: { code: string | null; name: string | null; count: number }[];
  byPriority: Record<string, number>;
  byStatus: Record<string, number>;
  overdue: number;
}

export interface Page<T> {
  total: number;
  limit: number;
  offset: number;
  orders: T[];
  counts?: QueueCounts;
}

export interface TimelineEvent {
  eventId?: string;
  seq: number;
  type: string;
  at: string;
  actor?: { role?: string; id?: string } | null;
  unitId?: string | null;
  level?: string | null;
  data: Record<string, unknown>;
}

export interface Unit {
  id: string;
  name: string;
  level: string;
  parentId: string | null;
  active?: boolean;
  streetId?: string | null;
}

export interface Category {
  code: string;
  name: string;
  description?: string | null;
  active?: boolean;
  open311Code?: string | null;
  keywords?: string[];
  responsible?: Record<string, string>;
  deadlines?: unknown;
}

export interface StaffAccount {
  id: string;
  username: string;
  role: string;
  unitId: string | null;
  displayName?: string | null;
  active?: boolean;
}
