import { statSync } from 'node:fs';

const warned = new Set<string>();

/**
 * Says, once per file and process, when a file holding a secret (named by a *_FILE variable) can
 * be read by other users of the machine: its secret is then theirs too. A warning, not a refusal:
 * Docker and Kubernetes mount secrets readable by all (0444, 0644) unless told otherwise, and a
 * daemon that would not start over it helps nobody at three in the morning.
 */
export function warnIfReadableByOthers(path: string, variable: string, write: (line: string) => void = (line) => process.stderr.write(line)): void {
  let mode: number;
  try {
    mode = statSync(path).mode;
  } catch {
    return; // Its reader says why it cannot be read.
  }
  if ((mode & 0o077) === 0 || warned.has(path)) return;
  warned.add(path);
  write(`touchbase: warning: ${variable} names ${path}, which other users of this machine can read (mode ${(mode & 0o777).toString(8)}): "chmod 600 ${path}" keeps the secret its owner's\n`);
}
