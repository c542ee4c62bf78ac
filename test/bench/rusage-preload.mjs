// Loaded into every process the bench starts (NODE_OPTIONS=--import=<this file>; the daemon's job
// processes inherit it): at exit, writes the process's own CPU time and peak RSS as
// <TOUCHBASE_BENCH_RUSAGE_DIR>/<pid>.json. Plain JavaScript: it loads before any transform.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { isMainThread } from 'node:worker_threads';

const dir = process.env.TOUCHBASE_BENCH_RUSAGE_DIR;
// A worker thread shares the process (and its pid): only the main thread reports, for all of them.
if (dir && isMainThread) {
  process.on('exit', (code) => {
    const u = process.resourceUsage();
    try {
      writeFileSync(join(dir, `${process.pid}.json`), JSON.stringify({
        pid: process.pid, ppid: process.ppid, argv: process.argv.slice(1), code,
        maxRssKb: u.maxRSS, userUs: u.userCPUTime, systemUs: u.systemCPUTime, wallMs: performance.now(),
      }));
    } catch {
      // the bench removed its folder already (it is being torn down): nothing to report to
    }
  });
}
