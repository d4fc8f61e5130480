// A separate process for the cross-process booking test: opens the shared EHR file and tries to book every slot it is given.
import { createManualClock } from '../../src/clock.ts';
import { isFrontdeskError } from '../../src/errors.ts';
import { createSqliteEhr } from '../../src/ehr/sqlite-ehr.ts';
import type { PatientId, SlotId } from '../../src/ehr/types.ts';

const [path, startIso, timeZone, patientId, slotIdsJson] = process.argv.slice(2) as [string, string, string, string, string];
const ehr = createSqliteEhr({ path, clock: createManualClock(new Date(startIso), timeZone) });
const session = { sessionId: `worker-${process.pid}`, patientId: patientId as PatientId };
const outcomes: Record<string, string> = {};
for (const slotId of JSON.parse(slotIdsJson) as SlotId[]) {
  try {
    await ehr.bookAppointment(session, { slotId, reason: 'cross-process test' });
    outcomes[slotId] = 'booked';
  } catch (error) {
    outcomes[slotId] = isFrontdeskError(error) ? error.code : String(error);
  }
}
await ehr.close();
process.stdout.write(JSON.stringify(outcomes));
