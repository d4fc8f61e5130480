#!/usr/bin/env node
// The `frontdesk` command: runs the TypeScript sources directly through tsx, so `npx frontdesk` works right after install.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../src/cli.ts');
process.exitCode = await main(process.argv.slice(2));
