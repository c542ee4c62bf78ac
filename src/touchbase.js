#!/usr/bin/env node
// The `touchbase` command. Runs the compiled build in dist/ (made at install by "npm ci", and
// again here whenever the sources are newer); where no build can be made, the TypeScript
// sources through tsx.

// What touchbase creates (database, lock, feeds) is its user's alone; the job processes inherit
// this. TOUCHBASE_FEEDS_MODE=group leaves new files readable by their folder's group (see
// README, Storage).
const ours = process.env.TOUCHBASE_FEEDS_MODE === 'group' ? 0o027 : 0o077;
const inherited = process.umask(ours);

const { build, isStale, DIST } = await import('./build.js');
let compiled = true;
if (isStale()) {
  try {
    // The build is code, not data: made with the umask it was given (0755 folders), so that the
    // service's user can run what an administrator's `npx touchbase` rebuilt after a `git pull`.
    process.umask(inherited);
    await build();
  } catch (error) {
    // A read-only installation folder, for instance: the sources still run.
    compiled = false;
    if (process.env.TOUCHBASE_DEBUG) process.stderr.write(`touchbase: could not build dist/ (${error.message}); running the sources\n`);
  } finally {
    process.umask(ours);
  }
}
if (compiled) {
  await import(new URL(`file://${DIST}/touchbase.js`).href);
} else {
  const { register } = await import('tsx/esm/api');
  register();
  await import('./main.ts');
}
