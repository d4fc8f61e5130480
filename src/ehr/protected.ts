// The EHR as a call session should hold it: every call audited, every PHI call checked against the session's verification.
import type { AuditTrail } from '../audit/types.ts';
import { auditEhr } from './audited.ts';
import { guardEhr, type GuardedEhr } from './guard.ts';
import type { Ehr } from './types.ts';

/** guardEhr(auditEhr(ehr)): refusals are audited by the guard and never reach the EHR; everything that does is audited once. */
export function protectEhr(ehr: Ehr, options: { auditTrail: AuditTrail }): GuardedEhr {
  return guardEhr(auditEhr(ehr, options), options);
}
