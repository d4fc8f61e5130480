// The refill part's actor names bound to EHR calls (verify_patient is the line's, shared with scheduling).
import type { CareTeamMessage, Ehr, MedicationId, PharmacyId, VerifiedSession } from '../../src/ehr/types.ts';
import type { ToolBinding } from '../../src/flow/types.ts';
import { FrontdeskError } from '../../src/errors.ts';
import { schedulingTools } from '../scheduling/tools.ts';

function bind<I>(binding: Omit<ToolBinding, 'call'> & { call(ehr: Ehr, input: I): Promise<unknown> }): ToolBinding {
  return binding as ToolBinding;
}

/** The EHR's optional refill call, or a clear error when the configured backend has none. */
function required<K extends 'getMedications' | 'requestRefill' | 'messageCareTeam'>(ehr: Ehr, name: K): NonNullable<Ehr[K]> {
  const method = ehr[name];
  if (!method) throw new FrontdeskError('EHR_UNAVAILABLE', `this EHR backend does not implement ${name} (prescription refills)`, { retryable: false });
  return method.bind(ehr) as NonNullable<Ehr[K]>;
}

export const refillTools: Record<string, ToolBinding> = {
  getMedications: bind<{ session: VerifiedSession }>({
    name: 'get_medications',
    phi: true,
    call: (ehr, input) => required(ehr, 'getMedications')(input.session),
  }),
  requestRefill: bind<{ session: VerifiedSession; medicationId: MedicationId; pharmacyId: PharmacyId }>({
    name: 'request_refill',
    phi: true,
    call: (ehr, input) => required(ehr, 'requestRefill')(input.session, { medicationId: input.medicationId, pharmacyId: input.pharmacyId }),
  }),
  messageCareTeam: bind<{ session: VerifiedSession; medicationId: MedicationId; topic: CareTeamMessage['topic'] }>({
    name: 'message_care_team',
    phi: true,
    call: (ehr, input) => required(ehr, 'messageCareTeam')(input.session, { medicationId: input.medicationId, topic: input.topic }),
  }),
};

/** Everything the refill flow alone invokes: the line's verification and the refill calls. */
export const refillFlowTools: Record<string, ToolBinding> = { verifyPatient: schedulingTools.verifyPatient!, ...refillTools };
