import type { Dashboard } from './dashboard.ts';

/**
 * The dashboard's lines in the daemon's start banner: its address and, without an identity
 * provider, a one-time sign-in link for the first director (as Jupyter prints its token). The
 * link is a secret: printed to a person at a terminal only, never to a log.
 */
export async function dashboardBanner(dashboard: Dashboard | undefined, tty: boolean): Promise<string> {
  if (!dashboard) return '';
  const lines = [`  dashboard: ${dashboard.url}${dashboard.usesIdentityProvider ? '   (sign in with your company account)' : ''}\n`];
  if (!dashboard.usesIdentityProvider) {
    if (tty) {
      const link = await dashboard.signInLink();
      lines.push(`  sign in as the first director (this link works once, for an hour):\n    ${link.url}\n`);
    } else {
      lines.push('  "npx touchbase dashboard-link" prints a one-time sign-in link.\n');
    }
  }
  return lines.join('');
}
