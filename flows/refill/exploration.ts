// How `frontdesk paths` walks the refill flow: sample caller turns and imagined clinics (two medications and a pharmacy on file; a controlled one and none on file; nothing and failures).
import type { EventObject } from 'xstate';
import type { Medication, MedicationId, MedicationList, Pharmacy, PharmacyId } from '../../src/ehr/types.ts';
import type { FlowExploration, FlowWorld } from '../../src/flow/types.ts';
import type { Understanding } from '../../src/understanding/types.ts';
import { schedulingExploration } from '../scheduling/exploration.ts';

const spoke = (understanding: Understanding, confidence?: number): EventObject =>
  ({ type: 'caller.spoke', understanding, ...(confidence === undefined ? {} : { confidence }) }) as EventObject;

const medication = (name: string, controlled = false): Medication =>
  ({ medicationId: `m-${name}` as MedicationId, name, strength: '10 mg', purpose: `${name} purpose`, controlled });
const pharmacy = (name: string): Pharmacy => ({ pharmacyId: `rx-${name}` as PharmacyId, name });
const pharmacies = [pharmacy('First Pharmacy'), pharmacy('Second Pharmacy')];
const list = (medications: Medication[], onFile?: Pharmacy): MedicationList => ({ medications, ...(onFile ? { pharmacyOnFile: onFile } : {}), pharmacies });

/** The refill part's EHR answers in each imagined clinic (the line's verification is added by the flow that walks them). */
export const refillAnswers: Array<FlowWorld['answers']> = [
  {
    getMedications: () => ({ output: list([medication('alpha'), medication('beta')], pharmacies[0]) }),
    requestRefill: () => ({ output: { refillRequestId: 'r1', confirmationCode: 'ABC234', medicationId: 'm-alpha', pharmacyId: 'rx-First Pharmacy', status: 'requested' } }),
    messageCareTeam: () => ({ output: { messageId: 'msg1', medicationId: 'm-alpha', topic: 'controlled-refill' } }),
  },
  {
    getMedications: () => ({ output: list([medication('gamma', true)]) }),
    requestRefill: () => ({ error: new Error('down') }),
    messageCareTeam: () => ({ output: { messageId: 'msg1', medicationId: 'm-gamma', topic: 'controlled-refill' } }),
  },
  {
    getMedications: () => ({ output: list([]) }),
    requestRefill: () => ({ error: new Error('down') }),
    messageCareTeam: () => ({ error: new Error('down') }),
  },
];

/** Caller turns the refill part reacts to. */
export const refillCallerEvents: EventObject[] = [
  spoke({ intent: 'refill' }),
  spoke({ medication: 'alpha' }),
  spoke({ pharmacy: 'Second Pharmacy' }),
];

const line = schedulingExploration;
/** The line's turns, without appointment details the refill part never asks for (one appointment intent stays: "something else"). */
const lineEvents = line.callerEvents.filter((event) => {
  const understanding = (event as { understanding?: Understanding }).understanding;
  if (!understanding) return true;
  const { intent, specialty, date, time, reason, symptom } = understanding;
  if (specialty !== undefined || date !== undefined || time !== undefined || (reason !== undefined && !symptom)) return false;
  return intent === undefined || intent === 'book' || intent === 'other';
});

export const refillExploration: FlowExploration = {
  callerEvents: [...refillCallerEvents, ...lineEvents],
  worlds: line.worlds.map((world, index) => ({
    name: ['two medications, a pharmacy on file', 'one controlled medication, no pharmacy on file', 'no medications, failures'][index] ?? world.name,
    answers: { verifyPatient: world.answers.verifyPatient!, ...refillAnswers[index] },
  })),
  today: line.today,
  vertex: line.vertex,
};
