// The refill part of a call line, under `verified` only: which medication, which pharmacy, a read-back and a yes, then the request; controlled substances go to the care team instead.
import { assign, fromPromise } from 'xstate';
import type { CareTeamMessage, Medication, MedicationId, MedicationList, PharmacyId, RefillRequest, VerifiedSession } from '../../src/ehr/types.ts';
import type { OfferedOption } from '../../src/understanding/types.ts';
import { heard, meta, onSpoke, otherRequest, unsureYes, verifiedSession, type CallLinePart } from '../scheduling/machine.ts';
import type { CallEvent } from '../scheduling/types.ts';
import { refillQuestionKeys, type RefillContext, type RefillPromptKey, type RefillSlots } from './types.ts';

/** Actors of this part that read or write patient data. */
export const refillPhiActorNames = ['getMedications', 'requestRefill', 'messageCareTeam'] as const;

function notProvided(name: string): never {
  throw new Error(`actor ${name} is not provided: bind it with machine.provide()`);
}

const say = (key: RefillPromptKey) => ({ type: 'say' as const, params: { key } });
const slots = (context: unknown): RefillSlots => (context as RefillContext).refill;
const medications = (context: unknown): Medication[] => slots(context).list?.medications ?? [];

/** Medications offered by name only (what each is for lets "the cholesterol one" pick it). */
export function offeredMedications(list: readonly Medication[]): OfferedOption[] {
  return list.map((medication) => ({ label: medication.name, name: medication.name, ...(medication.purpose ? { keywords: [medication.purpose] } : {}) }));
}

/** The pharmacies a caller may name, the one on file first. */
function offeredPharmacies(list: MedicationList | undefined): OfferedOption[] {
  const onFile = list?.pharmacyOnFile;
  const pharmacies = [...(onFile ? [onFile] : []), ...(list?.pharmacies ?? []).filter((pharmacy) => pharmacy.pharmacyId !== onFile?.pharmacyId)];
  return pharmacies.map((pharmacy) => ({ label: pharmacy.name, name: pharmacy.name }));
}

function pharmacyNamed(context: unknown, name: string | undefined) {
  const list = slots(context).list;
  const all = [...(list?.pharmacyOnFile ? [list.pharmacyOnFile] : []), ...(list?.pharmacies ?? [])];
  return name === undefined ? undefined : all.find((pharmacy) => pharmacy.name === name);
}

type Args = { context: unknown; event: CallEvent };
const output = <T>(event: unknown): T => (event as { output: T }).output;

const guards = {
  noActiveMedications: ({ event }: Args) => output<MedicationList>(event).medications.length === 0,
  exactlyOneMedication: ({ event }: Args) => output<MedicationList>(event).medications.length === 1,
  heardOfferedMedication: ({ context, event }: Args) => medications(context).some((medication) => medication.name === heard(event).medication),
  heardOfferedPharmacy: ({ context, event }: Args) => pharmacyNamed(context, heard(event).pharmacy) !== undefined,
  medicationIsControlled: ({ context }: Args) => slots(context).medication?.controlled === true,
  hasPharmacyOnFile: ({ context }: Args) => slots(context).list?.pharmacyOnFile !== undefined,
};

const actions = {
  startRefill: assign(({ context }: Args) => ({ refill: { done: slots(context).done } })),
  storeMedications: assign(({ context, event }: Args) => {
    const list = output<MedicationList>(event);
    return { refill: { ...slots(context), list }, offered: offeredMedications(list.medications) };
  }),
  chooseOnlyMedication: assign(({ context }: Args) => ({ refill: { ...slots(context), medication: medications(context)[0] } })),
  chooseMedication: assign(({ context, event }: Args) => {
    const understanding = heard(event);
    const byName = medications(context).find((medication) => medication.name === understanding.medication);
    const medication = byName ?? medications(context)[understanding.choice ?? -1];
    return { refill: { ...slots(context), medication } };
  }),
  offerPharmacies: assign(({ context }: Args) => ({ offered: offeredPharmacies(slots(context).list) })),
  choosePharmacyOnFile: assign(({ context }: Args) => ({ refill: { ...slots(context), pharmacy: slots(context).list?.pharmacyOnFile } })),
  choosePharmacy: assign(({ context, event }: Args) => {
    const understanding = heard(event);
    const offered = (context as RefillContext).offered;
    const name = understanding.pharmacy ?? offered[understanding.choice ?? -1]?.name;
    return { refill: { ...slots(context), pharmacy: pharmacyNamed(context, name) } };
  }),
  recordRefill: assign(({ context, event }: Args) => {
    const refill = slots(context);
    const request = output<RefillRequest>(event);
    return {
      refill: {
        ...refill,
        done: [...refill.done, { kind: 'refillRequested' as const, medication: refill.medication!, pharmacy: refill.pharmacy!, confirmationCode: request.confirmationCode }],
      },
    };
  }),
  recordCareTeamMessage: assign(({ context }: Args) => {
    const refill = slots(context);
    return { refill: { ...refill, done: [...refill.done, { kind: 'careTeamMessaged' as const, medication: refill.medication! }] } };
  }),
};

const session = (context: unknown): VerifiedSession => verifiedSession(context as RefillContext);

/** The states under `verified`: entered by the route for the intent "refill". */
const states = {
  refilling: {
    initial: 'loading',
    entry: ['startRefill'],
    states: {
      loading: {
        invoke: {
          id: 'getMedications',
          src: 'getMedications',
          input: ({ context }: { context: unknown }) => ({ session: session(context) }),
          onDone: [
            // Nothing to refill: said plainly, then staff is offered (no: anything else).
            { guard: 'noActiveMedications', target: '#call.offerHuman', actions: ['storeMedications', say('noActiveMedications')] },
            { guard: 'exactlyOneMedication', target: 'checkingMedication', actions: ['storeMedications', 'chooseOnlyMedication'] },
            { target: 'choosingMedication', actions: ['storeMedications'] },
          ],
          onError: { target: '#call.systemTrouble' },
        },
      },
      choosingMedication: {
        meta: meta(['medication', 'choice', 'intent']),
        entry: [say('chooseMedication')],
        on: {
          'caller.spoke': onSpoke([
            { guard: 'heardOfferedMedication', target: 'checkingMedication', actions: ['chooseMedication'] },
            { guard: 'heardValidChoice', target: 'checkingMedication', actions: ['chooseMedication'] },
            otherRequest,
          ]),
        },
      },
      checkingMedication: {
        always: [
          // Never requested by phone: the care team gets a message and handles it.
          { guard: 'medicationIsControlled', target: 'messagingCareTeam' },
          { guard: 'hasPharmacyOnFile', target: 'confirmingPharmacy', actions: ['offerPharmacies'] },
          { target: 'askPharmacy', actions: ['offerPharmacies'] },
        ],
      },
      messagingCareTeam: {
        invoke: {
          id: 'messageCareTeam',
          src: 'messageCareTeam',
          input: ({ context }: { context: unknown }) => ({
            session: session(context),
            medicationId: slots(context).medication!.medicationId,
            topic: 'controlled-refill' as CareTeamMessage['topic'],
          }),
          onDone: { target: '#call.verified.anythingElse', actions: ['recordCareTeamMessage', say('controlledSubstance')] },
          onError: { target: '#call.systemTrouble' },
        },
      },
      confirmingPharmacy: {
        meta: meta(['yesNo', 'pharmacy']),
        entry: [say('confirmPharmacy')],
        on: {
          'caller.spoke': onSpoke([
            // "No, send it to Harbor Drugs": the named pharmacy wins over the yes or no.
            { guard: 'heardOfferedPharmacy', target: 'confirming', actions: ['choosePharmacy'] },
            unsureYes,
            { guard: 'heardYes', target: 'confirming', actions: ['choosePharmacyOnFile'] },
            { guard: 'heardNo', target: 'askPharmacy' },
          ]),
        },
      },
      askPharmacy: {
        meta: meta(['pharmacy', 'choice']),
        entry: [say('askPharmacy')],
        on: {
          'caller.spoke': onSpoke([
            { guard: 'heardOfferedPharmacy', target: 'confirming', actions: ['choosePharmacy'] },
            { guard: 'heardValidChoice', target: 'confirming', actions: ['choosePharmacy'] },
          ]),
        },
      },
      confirming: {
        meta: meta(['yesNo']),
        entry: [say('confirmRefill')],
        on: {
          'caller.spoke': onSpoke([
            unsureYes,
            { guard: 'heardYes', target: 'submitting' },
            { guard: 'heardNo', target: '#call.verified.anythingElse', actions: [say('refillNotRequested')] },
          ]),
        },
      },
      submitting: {
        invoke: {
          id: 'requestRefill',
          src: 'requestRefill',
          input: ({ context }: { context: unknown }) => ({
            session: session(context),
            medicationId: slots(context).medication!.medicationId as MedicationId,
            pharmacyId: slots(context).pharmacy!.pharmacyId as PharmacyId,
          }),
          onDone: { target: '#call.verified.anythingElse', actions: ['recordRefill', say('refillRequested')] },
          onError: { target: '#call.systemTrouble' },
        },
      },
    },
  },
};

/** The refill part of a call line: the intent "refill" leads here after verification. */
export const refillPart: CallLinePart = {
  routes: [{ intent: 'refill', target: 'refilling' }],
  actors: {
    getMedications: fromPromise<MedicationList, { session: VerifiedSession }>(async () => notProvided('getMedications')),
    requestRefill: fromPromise<RefillRequest, { session: VerifiedSession; medicationId: MedicationId; pharmacyId: PharmacyId }>(async () =>
      notProvided('requestRefill'),
    ),
    messageCareTeam: fromPromise<CareTeamMessage, { session: VerifiedSession; medicationId: MedicationId; topic: CareTeamMessage['topic'] }>(
      async () => notProvided('messageCareTeam'),
    ),
  },
  guards,
  actions,
  states,
  questions: refillQuestionKeys,
  context: () => ({ refill: { done: [] } satisfies RefillSlots }),
};
