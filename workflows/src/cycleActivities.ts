// Activities of the annualCycle workflow. Both are safe to retry: default dates are pure, and
// published events carry stable ids that the projector upserts by.
import { createWorkingCalendar, defaultCycleDates, type CycleDates, type CycleEvent, type WorkingCalendar } from '@diandan/domain';
import { publish } from '@diandan/platform';
import type { Producer } from 'kafkajs';

export interface CycleActivityDeps {
  producer: Producer;
  cyclesTopic: string;
  calendar?: WorkingCalendar;
}

export interface CycleActivities {
  cycleDefaultDates(request: { year: number }): Promise<CycleDates>;
  publishCycleEvents(events: CycleEvent[]): Promise<void>;
}

export function createCycleActivities(deps: CycleActivityDeps): CycleActivities {
  const calendar = deps.calendar ?? createWorkingCalendar();
  return {
    async cycleDefaultDates({ year }) {
      return defaultCycleDates(year, calendar);
    },
    async publishCycleEvents(events) {
      await publish(
        deps.producer,
        deps.cyclesTopic,
        events.map((event) => ({ key: event.cycleId, value: event, headers: { 'event-id': event.eventId, 'event-type': event.type } })),
      );
    },
  };
}
