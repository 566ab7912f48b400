// filterComplianceRows: the rule the compliance page (through buildComplianceMatrix) and its island share.
import { describe, expect, it } from 'vitest';
import { filterComplianceRows, NO_FILTER, type CertState } from '#domain/certifications.ts';

const today = '2026-12-03';
const cell = (certificationId: string, state: CertState, expiresOn: string | null = null) => ({ certificationId, state, expiresOn });
const rows = [
  { person: { name: 'Ana Pop', teamId: 1 }, cells: [cell('a', 'expiring', '2027-01-10'), cell('b', 'missing')] },
  { person: { name: 'Bo Li', teamId: 2 }, cells: [cell('a', 'valid', '2027-09-01'), cell('b', 'none')] },
  { person: { name: 'Cy Ode', teamId: 1 }, cells: [cell('a', 'expired', '2026-11-01'), cell('b', 'valid', '2028-01-01')] },
];
const names = (r: { rows: (typeof rows)[number][] }) => r.rows.map((x) => x.person.name);

describe('filterComplianceRows', () => {
  it('with no filter keeps everyone and counts every cell', () => {
    const r = filterComplianceRows(rows, NO_FILTER, today);
    expect(names(r)).toEqual(['Ana Pop', 'Bo Li', 'Cy Ode']);
    expect(r.counts).toMatchObject({ expiring: 1, missing: 1, valid: 2, expired: 1, none: 1 });
    // Only expiries from today and within 12 months: January and September 2027.
    expect(r.timeline.filter((m) => m.count > 0).map((m) => m.month)).toEqual(['2027-01', '2027-09']);
  });

  it('a state filter keeps people with a cell in that state and counts only those cells', () => {
    const r = filterComplianceRows(rows, { ...NO_FILTER, states: ['valid'] }, today);
    expect(names(r)).toEqual(['Bo Li', 'Cy Ode']);
    expect(r.counts).toMatchObject({ valid: 2, expired: 0, expiring: 0 });
  });

  it('certification, team and name (any case, any part) narrow together', () => {
    expect(names(filterComplianceRows(rows, { ...NO_FILTER, certificationId: 'b', states: ['valid'] }, today))).toEqual(['Cy Ode']);
    expect(names(filterComplianceRows(rows, { ...NO_FILTER, teamId: 1 }, today))).toEqual(['Ana Pop', 'Cy Ode']);
    expect(names(filterComplianceRows(rows, { ...NO_FILTER, text: ' li' }, today))).toEqual(['Bo Li']);
  });

  it('a month keeps the people with an expiry in it; the timeline still shows every month', () => {
    const r = filterComplianceRows(rows, { ...NO_FILTER, month: '2027-09' }, today);
    expect(names(r)).toEqual(['Bo Li']);
    expect(r.counts.valid).toBe(1);
    expect(r.timeline.filter((m) => m.count > 0).map((m) => m.month)).toEqual(['2027-01', '2027-09']);
  });
});
