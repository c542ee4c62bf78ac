#!/usr/bin/env node
// The `touchbase` command: runs the TypeScript sources through tsx, so no build step is needed.
import { register } from 'tsx/esm/api';

// What touchbase creates (database, lock, feeds) is its user's alone; the job processes inherit
// this. TOUCHBASE_FEEDS_MODE=group leaves new files readable by their folder's group (see
// README, Storage).
process.umask(process.env.TOUCHBASE_FEEDS_MODE === 'group' ? 0o027 : 0o077);
register();
await import('./main.ts');
