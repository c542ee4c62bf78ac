import type { ProviderName } from './port.ts';

/** Where a missing connection is explained: the variables and the README section. */
export function setupHint(provider: ProviderName): string {
  return provider === 'google' ? 'set the GOOGLE_* variables (README, Connecting Google Calendar)'
    : provider === 'microsoft' ? 'set the MS_* variables (README, Connecting Microsoft 365)' : 'nothing to set up';
}
