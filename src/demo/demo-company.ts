/**
 * A large synthetic company for tests and benchmarks: employees in several countries and
 * zones, clients with industries, tiers and stages, about five contacts each. Deterministic
 * for a seed. Rules, campaigns and workflows are taken from a template folder (the example).
 */

export interface DemoOptions {
  readonly clients: number;
  readonly seed: number;
}

export interface DemoFiles {
  /** Relative path → file content. */
  readonly [path: string]: string;
}

interface Region {
  country: string;
  zones: string[];
  share: number;
  first: string[];
  last: string[];
}

const REGIONS: Region[] = [
  { country: 'RU', zones: ['Europe/Moscow', 'Europe/Moscow', 'Europe/Samara', 'Asia/Yekaterinburg'], share: 0.45,
    first: ['Sergey', 'Anna', 'Mikhail', 'Elena', 'Oleg', 'Natalia', 'Pavel', 'Olga'], last: ['Ivanov', 'Smirnov', 'Volkov', 'Sokolov', 'Lebedev', 'Kozlov', 'Novikov', 'Morozov'] },
  { country: 'RO', zones: ['Europe/Bucharest'], share: 0.2,
    first: ['Ion', 'Maria', 'Andrei', 'Elena', 'Mihai', 'Ioana', 'Radu', 'Cristina'], last: ['Popescu', 'Ionescu', 'Popa', 'Stan', 'Dumitru', 'Munteanu', 'Tudor', 'Marin'] },
  { country: 'MD', zones: ['Europe/Chisinau'], share: 0.1,
    first: ['Victor', 'Ana', 'Vasile', 'Diana', 'Ion', 'Mihaela'], last: ['Rusu', 'Ceban', 'Lungu', 'Rotaru', 'Ursu', 'Cojocaru'] },
  { country: 'DE', zones: ['Europe/Berlin'], share: 0.15,
    first: ['Jonas', 'Anna', 'Lukas', 'Marie', 'Felix', 'Laura'], last: ['Müller', 'Schmidt', 'Schneider', 'Fischer', 'Weber', 'Wagner'] },
  { country: 'US', zones: ['America/New_York'], share: 0.1,
    first: ['James', 'Mary', 'John', 'Linda', 'Robert', 'Susan'], last: ['Smith', 'Johnson', 'Brown', 'Davis', 'Miller', 'Wilson'] },
];
const INDUSTRIES = ['construction', 'manufacturing', 'retail', 'logistics', 'agriculture', 'energy'];
const CONTACT_ROLES: { role: string; p: number }[] = [
  { role: 'ceo', p: 1 }, { role: 'director', p: 0.6 }, { role: 'commercial_director', p: 0.4 }, { role: 'buyer', p: 1 },
  { role: 'buyer', p: 0.5 }, { role: 'chief_accountant', p: 0.9 }, { role: 'engineer', p: 0.6 },
];

/** Small deterministic PRNG (mulberry32): the same seed gives the same company. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function demoCompany(o: DemoOptions, template: DemoFiles): DemoFiles {
  const rnd = prng(o.seed);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(rnd() * list.length)]!;
  const regionOf = () => {
    let x = rnd();
    for (const r of REGIONS) if ((x -= r.share) < 0) return r;
    return REGIONS[0]!;
  };
  const managers = Math.max(5, Math.round(o.clients / 27));
  const directors = Math.max(2, Math.round(o.clients / 150));
  const emp: string[] = ['employees:'];
  const staff = new Map<string, { am: string[]; sd: string[] }>();
  const person = (r: Region) => `${pick(r.first)} ${pick(r.last)}`;
  const addEmployee = (id: string, r: Region, role: string, zone: string, cap?: number) => {
    emp.push(`  - { id: ${id}, name: ${person(r)}, email: ${id}@demo.example, role: ${role}, timezone: ${zone}, country: ${r.country}${cap ? `, meetings_per_day: ${cap}` : ''} }`);
  };
  const hq = REGIONS[0]!;
  addEmployee('ceo', hq, 'ceo', 'Europe/Moscow', 3);
  addEmployee('chief-accountant', hq, 'chief_accountant', 'Europe/Moscow');
  addEmployee('marketing', hq, 'marketing', 'Europe/Moscow');
  for (const r of REGIONS) {
    const s = { am: [] as string[], sd: [] as string[] };
    staff.set(r.country, s);
    const n = Math.max(1, Math.round(managers * r.share));
    const d = Math.max(1, Math.round(directors * r.share));
    for (let i = 1; i <= d; i++) {
      const id = `sd-${r.country.toLowerCase()}-${i}`;
      s.sd.push(id);
      addEmployee(id, r, 'sales_director', r.zones[0]!, 4);
    }
    for (let i = 1; i <= n; i++) {
      const id = `am-${r.country.toLowerCase()}-${i}`;
      s.am.push(id);
      addEmployee(id, r, 'account_manager', r.zones[i % r.zones.length]!, 6);
    }
  }
  const clients = ['id,name,tier,industry,country,timezone,stage,since,team.account_manager,team.sales_director'];
  const contacts = ['client,id,name,role,email,phone'];
  for (let i = 1; i <= o.clients; i++) {
    const r = regionOf();
    const s = staff.get(r.country)!;
    const id = `client-${i}`;
    const tierRoll = rnd();
    // Few key accounts: the CEO meets each of them twice a year.
    const tier = tierRoll < 0.02 ? 'A' : tierRoll < 0.3 ? 'B' : 'C';
    const stageRoll = rnd();
    const stage = stageRoll < 0.85 ? 'active' : stageRoll < 0.93 ? 'lapsed' : 'onboarding';
    const year = 2015 + Math.floor(rnd() * 11);
    const since = `${year}-${String(1 + Math.floor(rnd() * 12)).padStart(2, '0')}-${String(1 + Math.floor(rnd() * 28)).padStart(2, '0')}`;
    clients.push([id, `${pick(r.last)} ${pick(['Group', 'Trade', 'Industries', 'Holding', 'Works', 'Partners'])} ${i}`, tier, pick(INDUSTRIES), r.country, pick(r.zones), stage, since, pick(s.am), pick(s.sd)].join(','));
    const used = new Map<string, number>();
    for (const { role, p } of CONTACT_ROLES) {
      if (rnd() >= p) continue;
      const n = (used.get(role) ?? 0) + 1;
      used.set(role, n);
      const cid = `${id}-${role.replace(/_/g, '-')}${n > 1 ? n : ''}`;
      contacts.push([id, cid, person(r), role, `${cid}@clients.example`, `+${1 + Math.floor(rnd() * 98)} ${Math.floor(rnd() * 9e8 + 1e8)}`].join(','));
    }
  }
  const firstAm = staff.get('RU')!.am;
  const handover = firstAm.length > 1 ? `handovers:\n  - { from: ${firstAm[0]}, to: ${firstAm[1]}, on: 2027-03-15, notice_from: management }\n` : '';
  return {
    'settings.yaml': `settings:\n  company: Demo Industrial ${o.clients}\n  timezone: Europe/Moscow\n  country: RU\n  hours: "09:00-18:00"\n  horizon: 90 days\n  calendar: ics\n`,
    'team.yaml': `${emp.join('\n')}\n`,
    'handovers.yaml': handover,
    'crm/clients.csv': `${clients.join('\n')}\n`,
    'crm/contacts.csv': `${contacts.join('\n')}\n`,
    ...template,
  };
}
