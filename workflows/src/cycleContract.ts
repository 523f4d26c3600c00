// The annualCycle workflow's public face: name, input, the updates an administrator and the joint
// meeting send it, and the `cycleState` query. Clients (the staff API) import only this file.
import { defineQuery, defineUpdate } from '@temporalio/workflow';
import type { Actor, CycleBoundary, CycleDates, CycleEvent, CycleState } from '@diandan/domain/rules';

export const CYCLE_WORKFLOW = 'annualCycle';

export interface CycleInput {
  organisationId: string;
  year: number;
  /** Absent: the defaults of the year on the working calendar (defaultCycleDates). */
  dates?: CycleDates;
  /** Who started it: the system at start-up, or an administrator through the API. */
  startedBy: Actor;
}

export interface CycleDecision {
  proposalId: string;
  decision: 'accepted' | 'declined';
  reason: string;
  projectId?: string;
  at: string;
}

export interface CycleView {
  cycleId: string;
  organisationId: string;
  year: number;
  state: CycleState;
  dates: CycleDates;
  /** The next phase change the workflow waits for; null once closed. */
  next: { boundary: CycleBoundary; at: string } | null;
  /** Every event so far, oldest first. */
  timeline: CycleEvent[];
  decisions: CycleDecision[];
}

export interface MoveDateRequest {
  boundary: CycleBoundary;
  /** ISO instant. */
  to: string;
  reason: string;
  actor: Actor;
}

export interface DecideProposalRequest {
  proposalId: string;
  decision: 'accepted' | 'declined';
  reason: string;
  /** The project an accepted proposal becomes (its id; the staff API starts its workflow). */
  projectId?: string;
  actor: Actor;
}

export const moveCycleDateUpdate = defineUpdate<CycleView, [MoveDateRequest]>('cycleMoveDate');
export const decideProposalUpdate = defineUpdate<CycleView, [DecideProposalRequest]>('cycleDecideProposal');
export const cycleStateQuery = defineQuery<CycleView>('cycleState');
