// The data directory holds patient data (the embedded EHR is plain SQLite), the audit trail, keys and recordings: 0700, every file 0600, whatever the umask.
import { chmodSync, mkdirSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

/** Files and directories this process creates from now on are private to its user (umask 077), whatever it inherited. */
export function privateFileCreation(): void {
  process.umask(0o077);
}

/**
 * Creates the data directory 0700 if needed, and tightens what is already in it (from an older version or a looser
 * umask): directories 0700, files 0600. Symbolic links are left alone.
 */
export function secureDataDirectory(dataDir: string): void {
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const tighten = (directory: string, depth: number) => {
    chmodSync(directory, 0o700);
    for (const entry of readdirSync(directory, { withFileTypes: true })) {
      const path = join(directory, entry.name);
      if (entry.isDirectory() && depth < 4) tighten(path, depth + 1);
      else if (entry.isFile()) chmodSync(path, 0o600);
    }
  };
  tighten(dataDir, 0);
}
