#!/usr/bin/env node
// Run by `npm test` first (npm's "pretest"): the browser tests drive Debian's chromium through
// playwright-core, which downloads no browser of its own. When it is missing, it is installed
// from the system's packages (apt-get, as root or through sudo without a password); when that
// is impossible, the message says what to run. TOUCHBASE_CHROMIUM names another binary.
import { accessSync, constants } from 'node:fs';
import { spawnSync } from 'node:child_process';

const wanted = process.env.TOUCHBASE_CHROMIUM || '/usr/bin/chromium';

function present() {
  try {
    accessSync(wanted, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

if (present()) process.exit(0);
if (process.env.TOUCHBASE_CHROMIUM) {
  console.error(`TOUCHBASE_CHROMIUM=${wanted}: no executable there`);
  process.exit(1);
}

console.log('chromium is missing (the browser tests need it): installing Debian\'s package');
const root = typeof process.getuid === 'function' && process.getuid() === 0;
const run = (args) => {
  const [command, ...rest] = root ? args : ['sudo', '-n', ...args];
  const result = spawnSync(command, rest, { stdio: 'inherit', env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
  return result.status === 0;
};
const installed = run(['apt-get', 'update', '-qq']) && run(['apt-get', 'install', '-y', '-qq', '--no-install-recommends', 'chromium']);
if (!installed || !present()) {
  console.error('could not install chromium: run "sudo apt-get install -y chromium" (Debian, Ubuntu), or set TOUCHBASE_CHROMIUM to a chromium binary, then "npm test" again');
  process.exit(1);
}
