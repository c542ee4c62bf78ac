// Compiles touchbase for running: the TypeScript sources bundled by esbuild into dist/, one
// entry for the command line and one for the daemon's job processes, the commands split into
// chunks loaded when used. Run at install (npm's "prepare") and by src/touchbase.js whenever
// the sources are newer than the build (a checkout, an edit). Libraries stay in node_modules
// (but one, see BUNDLED).
import { cpSync, existsSync, mkdirSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
export const DIST = join(root, 'dist');
const SOURCES = [join(root, 'src'), join(root, 'db', 'migrations')];

/** The newest modification time of the sources (ms), to tell whether dist/ is behind them. */
export function newestSource() {
  let newest = 0;
  const walk = (dir) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (/\.(ts|js|css)$/.test(entry.name)) newest = Math.max(newest, statSync(path).mtimeMs);
    }
  };
  for (const dir of SOURCES) if (existsSync(dir)) walk(dir);
  return newest;
}

/** Is dist/ missing or older than a source file? */
export function isStale() {
  const stamp = join(DIST, 'touchbase.js');
  return !existsSync(stamp) || statSync(stamp).mtimeMs < newestSource();
}

/**
 * Libraries stay in node_modules, loaded from there at run time — except kysely, whose ES module
 * build is some 260 small files: resolved and loaded one by one, they were half the start of a
 * command like `status` (~0.15 s). Bundled, it is one chunk. And fastest-levenshtein, a CommonJS
 * module imported by name: as an external, the chunk that imports it found its namespace empty on
 * some commands' paths ("distance is not a function": `once` and `sync` failed on every
 * configuration, QA) — bundled, esbuild wraps its exports itself.
 */
const BUNDLED = new Set(['kysely', 'fastest-levenshtein']);
const librariesOutside = {
  name: 'libraries-outside',
  setup(build) {
    build.onResolve({ filter: /^[^./]/ }, (args) => {
      const name = args.path.startsWith('@') ? args.path.split('/').slice(0, 2).join('/') : args.path.split('/')[0];
      return BUNDLED.has(name) ? undefined : { path: args.path, external: true };
    });
  },
};

/** Builds dist/ beside it and swaps it in, so a running touchbase never sees half a build. */
export async function build() {
  const { build: esbuild } = await import('esbuild');
  const out = `${DIST}.${process.pid}.tmp`;
  rmSync(out, { recursive: true, force: true });
  mkdirSync(out, { recursive: true });
  await esbuild({
    absWorkingDir: root,
    entryPoints: {
      touchbase: 'src/main.ts',
      'job-process': 'src/daemon/job-process-main.ts',
      'render-worker': 'src/dashboard/render-worker-main.ts',
      'first-plan-load-worker': 'src/storage/first-plan-load-worker-main.ts',
    },
    outdir: out,
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    plugins: [librariesOutside],
    sourcemap: 'linked',
    // Flat: code that finds a sibling entry or file by import.meta.url (the job process, the
    // dashboard's renderer thread and its assets) finds it.
    chunkNames: 'chunk-[hash]',
    logLevel: 'warning',
    banner: { js: '// Built from src/ by src/build.js: edit the sources, not this file.' },
  });
  cpSync(join(root, 'src', 'dashboard', 'assets'), join(out, 'assets'), { recursive: true });
  writeFileSync(join(out, 'package.json'), '{ "type": "module" }\n');
  const old = `${DIST}.${process.pid}.old`;
  if (existsSync(DIST)) renameSync(DIST, old);
  renameSync(out, DIST);
  rmSync(old, { recursive: true, force: true });
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const started = performance.now();
  await build();
  process.stdout.write(`touchbase built into dist/ in ${Math.round(performance.now() - started)} ms\n`);
}
