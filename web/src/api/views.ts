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
  urges?: number;
  rating?: string | null;
  /** Remaining office minutes, when the API computes it (console-api). */
  remainingWorkingMinutes?: number | null;
}

export interface Page<T> {
  total: number;
  limit: number;
  offset: number;
  orders: T[];
  counts?: Record<string, number>;
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
