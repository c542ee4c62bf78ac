import { describe, expect, it } from 'vitest';
import { desiredEvent } from '../../src/sync/desired-events.ts';
import type { SyncedTouch } from '../../src/storage/sync-queries.ts';
import { configOf } from '../helpers/config-folder.ts';
import { workflowCompany } from '../helpers/workflow-company.ts';

const config = configOf(workflowCompany());

function touch(contactIds: string[]): SyncedTouch {
  return {
    id: '6c2f51e8-af44-5f67-8551-1e03399715ba', source: 'rule:buyer-calls', kind: 'call', client_id: 'alpha', contact_ids: JSON.stringify(contactIds),
    employee_id: 'anna', date: '2027-03-23', start_at: '2027-03-23T12:00:00.000+03:00', end_at: '2027-03-23T12:15:00.000+03:00', all_day: 0,
    title: 'alpha Ltd: call', window_from: '2027-03-23', window_to: '2027-03-25', remind: '[15]', status: 'planned',
    resolved_date: null, resolved_by: null, note: null, overdue_from: null, body: null,
  } as SyncedTouch;
}

describe('an event\'s contacts', () => {
  it('lists the touch\'s contacts in its order, with their roles, and leaves out one no longer in the client\'s list', () => {
    const ids = config.clients.find((c) => c.id === 'alpha')!.contacts.map((c) => c.id);
    const buyer = ids.find((id) => id.includes('buyer'))!;
    const ceo = ids.find((id) => id.includes('ceo'))!;
    const description = desiredEvent(touch([buyer, 'alpha-gone', ceo]), config).description;
    expect(description).toContain('Contacts:\n- buyer of alpha, buyer\n- ceo of alpha, ceo\n');
    expect(description).not.toContain('alpha-gone');
  });

  it('has no contacts section for a touch without contacts', () => {
    expect(desiredEvent(touch([]), config).description).not.toContain('Contacts:');
  });
});
