// The coverage worker's first module: plain JavaScript, so it loads without a TypeScript loader, then registers tsx in
// this thread (a loader registered on the main thread does not reach workers on Node 20) and runs the walk.
import { register } from 'tsx/esm/api';

register();
await import('./coverage-worker.ts');
