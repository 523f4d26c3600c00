// The project and monthly-bundling workflows' public face: names, inputs, the `projectAct` update
// every change of a project goes through, and the `projectState` query. Clients (the staff API)
// import only this file.
import { defineQuery, defineUpdate } from '@temporalio/workflow';
import type { Actor, MilestonePlan, ProjectCommand, ProjectEvent, ProjectOrigin, ProjectSnapshot } from '@diandan/domain/rules';

export const PROJECT_WORKFLOW = 'project';
export const BUNDLING_WORKFLOW = 'monthlyBundling';
/** The Schedule of the monthly bundling (visible in the Temporal Web UI under Schedules). */
export const BUNDLING_SCHEDULE_ID = 'monthly-bundling';

export interface ProjectInput {
  projectId: string;
  title: string;
  description?: string;
  origin: ProjectOrigin;
  bundleId?: string;
  cycleId?: string;
  proposalId?: string;
  budget?: number;
  ownerUnitId: string;
  milestones: MilestonePlan[];
  orderIds: string[];
  /** Who turned the bundle (or proposal) into the project. */
  createdBy: Actor;
}

export interface ProjectView {
  project: ProjectSnapshot;
  title: string;
  /** Every event so far, oldest first. */
  timeline: ProjectEvent[];
  /** Filled once the completed project has resolved its orders. */
  resolution: { resolved: string[]; skipped: { orderId: string; reason: string }[] } | null;
}

export interface ProjectActRequest {
  command: ProjectCommand;
  actor: Actor;
}

export const projectActUpdate = defineUpdate<ProjectView, [ProjectActRequest]>('projectAct');
export const projectStateQuery = defineQuery<ProjectView>('projectState');

export interface BundlingInput {
  /** `YYYY-MM` to bundle; absent (the Schedule): the previous month, on the first working day only. */
  month?: string;
  trigger: 'schedule' | 'on_demand';
}

export interface BundlingSummary {
  runId: string;
  month: string | null;
  /** Set when the run did nothing (not the first working day of the month). */
  skipped?: string;
  orders: number;
  bundles: number;
}
