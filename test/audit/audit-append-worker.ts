// A separate process for the durability test: appends records, says how many returned, then waits to be killed.
import { createFileAuditTrail } from '../../src/audit/file-audit-trail.ts';

const [path, countText] = process.argv.slice(2) as [string, string];
const trail = createFileAuditTrail(path);
const count = Number(countText);
for (let index = 0; index < count; index += 1) {
  trail.append({ sessionId: `worker-${index % 7}`, action: 'get_available_slots', outcome: 'ok', detail: { index } });
}
process.stdout.write(`appended ${count}\n`);
setInterval(() => {}, 1000);
