import { readFileSync, statSync } from 'node:fs';

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

/**
 * A secret from the file a *_FILE variable names: its first line, trimmed (a token, a password,
 * a URL: what `echo … > file` and Docker/Kubernetes secrets leave), or its whole text (a JSON key).
 * Warns first if others can read it. A file that cannot be read is `fail`'s error, the variable,
 * the path and the system's reason in it: each caller's own kind of bad-setup error.
 */
export function readSecretFile(path: string, variable: string, fail: (message: string) => Error, part: 'first line' | 'whole' = 'first line'): string {
  warnIfReadableByOthers(path, variable);
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw fail(`${variable}: cannot read ${path} (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
  }
  return part === 'whole' ? text : text.split(/\r?\n/)[0]!.trim();
}
