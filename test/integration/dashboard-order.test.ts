import { describe, expect, it } from 'vitest';
import { DateTime } from 'luxon';
import { refreshDashboard } from '../../src/dashboard/refresh.ts';
import { clientPage } from '../../src/storage/dashboard-queries.ts';
import { client, configOf } from '../helpers/config-folder.ts';
import { workflowCompany } from '../helpers/workflow-company.ts';
import { tempDatabase } from '../helpers/temp-database.ts';
import { NOW } from '../helpers/dashboard-company.ts';

const now = DateTime.fromISO(NOW, { setZone: true });

// On SQLite and PostgreSQL alike: neither sorts text as people read it by itself.
describe('the dashboard\'s clients table', () => {
  it('sorts the clients\' names and industries as the company\'s language reads them, not by code point', async () => {
    const named = (id: string, name: string, industry?: string) => ({ ...client(id, { team: { account_manager: 'anna' }, ...(industry ? { industry } : {}) }), name });
    const clients = [
      named('z', 'Zorile SRL', 'Textile'), named('s2', 'Ștefan cel Mare SA', 'Țesături'), named('s1', 'Stejar SRL', 'Agricultură'),
      named('t', 'Tractor SA'), named('c10', 'Client 10', 'Îmbrăcăminte'), named('c2', 'Client 2', 'Ambalaje'), named('i', 'Întreprinderea Nord', 'Textile'),
    ];
    const byName = async (language: string, sort: 'name' | 'industry', descending = false) => {
      const company = workflowCompany({ clients });
      const db = await tempDatabase();
      await refreshDashboard(db, configOf({ ...company, settings: { ...company.settings, language } }), now);
      return (await clientPage(db, { all: true }, { sort, descending, offset: 0, limit: 50 })).rows.map((r) => r.id);
    };
    // By code point, Ș (U+0218) and Î (U+00CE) came after Z, and "Client 10" before "Client 2".
    expect(await byName('ro', 'name')).toEqual(['c2', 'c10', 'i', 's1', 's2', 't', 'z']);
    expect(await byName('ro', 'name', true)).toEqual(['z', 't', 's2', 's1', 'i', 'c10', 'c2']);
    // Equal industries keep the file's order; a client without one comes last either way.
    expect(await byName('ro', 'industry')).toEqual(['s1', 'c2', 'c10', 'z', 'i', 's2', 't']);
    expect(await byName('ro', 'industry', true)).toEqual(['s2', 'z', 'i', 'c10', 'c2', 's1', 't']);
  });
});
