import { describe, expect, it } from 'vitest';
import { clientById, employeeById } from '../../src/domain/config-index.ts';
import type { Client, Employee } from '../../src/domain/types.ts';
import { countedList } from '../helpers/counted-list.ts';

const employee = (id: string) => ({ id, name: id.toUpperCase() }) as unknown as Employee;
const client = (id: string) => ({ id, name: id.toUpperCase() }) as unknown as Client;

/** Employees and clients by id, indexed once per list (domain/config-index.ts). */
describe('config index', () => {
  it('finds each employee and client by id, and nothing for an unknown id or none', () => {
    const config = { employees: [employee('e1'), employee('e2')], clients: [client('c1'), client('c2')] };
    expect(employeeById(config, 'e2')).toBe(config.employees[1]);
    expect(clientById(config, 'c1')).toBe(config.clients[0]);
    expect(employeeById(config, 'nobody')).toBeUndefined();
    expect(employeeById(config, undefined)).toBeUndefined();
    expect(clientById(config, 'c9')).toBeUndefined();
  });

  it('reads a list once for any number of lookups (a daily check looks up each of 46,000 overdue touches)', () => {
    const { list, reads } = countedList(Array.from({ length: 10_000 }, (_, i) => client(`c${i}`)));
    const config = { clients: list };
    for (let i = 0; i < 50_000; i++) expect(clientById(config, `c${i % 10_000}`)?.id).toBe(`c${i % 10_000}`);
    expect(reads()).toBe(1);
  });

  it('indexes a list again once it grew, and a copy of the configuration with other lists by its own', () => {
    const config = { employees: [employee('e1')] };
    expect(employeeById(config, 'e2')).toBeUndefined();
    config.employees.push(employee('e2'));
    expect(employeeById(config, 'e2')?.id).toBe('e2');
    const copy = { ...config, employees: [employee('e3')] };
    expect(employeeById(copy, 'e3')?.id).toBe('e3');
    expect(employeeById(copy, 'e1')).toBeUndefined();
    expect(employeeById(config, 'e1')?.id).toBe('e1');
  });
});
