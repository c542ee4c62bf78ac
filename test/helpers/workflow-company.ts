import { SETTINGS, client, employee } from './config-folder.ts';

/**
 * A small company for the workflow tests: Anna (account manager) and Pavel (sales director)
 * in Moscow; clients with a CEO, a director and buyers; triggers, silence, overdue, digest.
 */
export function workflowCompany(extra: { clients?: unknown[]; rules?: unknown[] } = {}) {
  return {
    settings: { ...SETTINGS.settings, horizon: '60 days' },
    employees: [
      employee('anna', 'account_manager', { email: 'anna@corp.example' }),
      employee('oleg', 'account_manager', { email: 'oleg@corp.example' }),
      employee('pavel', 'sales_director', { email: 'pavel@corp.example' }),
    ],
    clients: extra.clients ?? [
      client('alpha', { roles: ['ceo', 'director', 'buyer'], team: { account_manager: 'anna' }, since: '2020-01-10' }),
      client('beta', { roles: ['ceo', 'buyer', 'buyer'], team: { account_manager: 'oleg' }, since: '2020-01-10' }),
    ],
    rules: extra.rules ?? [
      { id: 'ceo-meeting', ours: 'sales_director', theirs: 'ceo', kind: 'meeting', every: '3 months' },
      { id: 'buyer-calls', ours: 'account_manager', theirs: 'buyer', kind: 'call', every: '1 month', per: 'contact' },
    ],
    triggers: [
      { id: 'order-shipped', event: 'order.shipped', ours: 'account_manager', theirs: 'buyer', kind: 'letter', within: '4 hours', title: 'Tell {client.name} that order {event.ref} has shipped' },
    ],
    silence: { after: '60 days', for: { stage: 'active' }, escalate_to: 'sales_director' },
    overdue: { after: '2 days', escalate_to: 'sales_director', escalate_for: ['ceo', 'director'], escalate_kinds: ['meeting'] },
    digest: { to: ['sales_director'] },
  };
}
