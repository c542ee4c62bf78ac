import { describe, expect, it } from 'vitest';
import { employeeOption } from '../../src/cli/employee-option.ts';
import { client, configOf, employee, SETTINGS } from '../helpers/config-folder.ts';

describe('--employee and --by name an employee', () => {
  const config = configOf({
    ...SETTINGS,
    employees: [
      { ...employee('turcanu', 'account_manager', { email: 'stefan@agro.md' }), name: 'Ștefan Țurcanu' },
      { ...employee('elkin', 'account_manager'), name: 'Пётр Ёлкин' },
      { ...employee('ion1', 'account_manager'), name: 'Ion Rusu' },
      { ...employee('ion2', 'account_manager'), name: 'Ion Rușu' },
    ],
    clients: [client('alpha', { team: { account_manager: 'turcanu' } })],
  });

  it('by id, e-mail or name; a name typed without its letters\' marks where it names one employee alone (QA: refused with no suggestion)', () => {
    expect(employeeOption(config, 'TURCANU', '--employee')).toBe('turcanu');
    expect(employeeOption(config, 'stefan@agro.md', '--employee')).toBe('turcanu');
    expect(employeeOption(config, 'Țurcanu Ștefan', '--employee')).toBe('turcanu');
    expect(employeeOption(config, 'Stefan Turcanu', '--employee')).toBe('turcanu');
    expect(employeeOption(config, 'Петр Елкин', '--by')).toBe('elkin');
    // Without the marks, two employees' names are one: neither is taken, both are named.
    expect(() => employeeOption(config, 'Ion Rusu', '--by')).not.toThrow();
    expect(employeeOption(config, 'Ion Rusu', '--by')).toBe('ion1');
    expect(() => employeeOption(config, 'ion rusu ', '--by')).not.toThrow();
    expect(() => employeeOption(config, 'Ion Rûsu', '--by')).toThrow('--by: no employee has the id, e-mail or name "Ion Rûsu" (2 employees have that name: give the id, one of ion1, ion2)');
  });

  it('a misspelt id or name is refused with the employee it most likely meant', () => {
    expect(() => employeeOption(config, 'turcanuu', '--employee')).toThrow('--employee: no employee has the id, e-mail or name "turcanuu"; did you mean "turcanu"?');
    expect(() => employeeOption(config, 'Stefan Turcan', '--employee')).toThrow('--employee: no employee has the id, e-mail or name "Stefan Turcan"; did you mean "turcanu" (Ștefan Țurcanu)?');
    expect(() => employeeOption(config, 'nobody at all', '--employee')).toThrow(/^--employee: no employee has the id, e-mail or name "nobody at all"$/);
  });
});
