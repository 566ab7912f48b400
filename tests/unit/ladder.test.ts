import { describe, it, expect } from 'vitest';
import { existsSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ladderSchema, type LadderContent } from '#content/schema.ts';
import { loadCatalogsFromDisk } from '#catalog/load-fs.ts';
import { ALLOWED_URLS_FILE, parseAllowedUrls, unlistedUrls, urlsIn } from '#catalog/validate.ts';
import {
  claimsSentence,
  differencesFor,
  ladderTier,
  rungOf,
  titleParts,
  unrecordedDisagreements,
  yearRangesByTitle,
} from '#domain/ladder.ts';

const contentDir = join(import.meta.dirname, '..', '..', 'content');
const sharedDir = join(import.meta.dirname, '..', '..', '..', 'shared');
const { ladder, roles } = loadCatalogsFromDisk();

describe('the one ladder', () => {
  it('splits a tier that carries two titles', () => {
    expect(titleParts('Senior Operations Officer / Operations Manager')).toEqual(['Senior Operations Officer', 'Operations Manager']);
  });

  it('records every title the guides place at two different year ranges', () => {
    expect(unrecordedDisagreements(ladder)).toEqual([]);
    const manager = yearRangesByTitle(ladder).get('Operations Manager')!;
    expect([...manager.keys()].sort()).toEqual(['5–10 years', '8+ years']);
  });

  it('fails a title with two year ranges and no "sources differ" record', () => {
    const silent: LadderContent = { ...ladder, sourcesDiffer: ladder.sourcesDiffer.filter((d) => d.title !== 'Operations Manager') };
    expect(unrecordedDisagreements(silent)).toEqual(['"Operations Manager" has 8+ years and 5–10 years with no sourcesDiffer record']);
  });

  it('fails a record that leaves out one of the ranges', () => {
    const partial: LadderContent = {
      ...ladder,
      sourcesDiffer: ladder.sourcesDiffer.map((d) =>
        d.title === 'Operations Coordinator' ? { ...d, claims: d.claims.map((c) => ({ ...c, years: [2, 5] as [number, number] })) } : d,
      ),
    };
    expect(unrecordedDisagreements(partial)).toEqual(['"Operations Coordinator": the sourcesDiffer record has no claim for 0–2 years']);
  });

  it('names each source with what it says', () => {
    const [record] = differencesFor(ladder, 'Senior Operations Officer / Operations Manager');
    expect(claimsSentence(ladder, record!)).toBe(
      'Operations Coordinator career guide (OpsPath source material) says 8+ years (a promotion from senior coordinator, at 8+ years); ' +
        'Operations Officer career guide (OpsPath source material) says 5–10 years (part of its 5-10 year tier "Senior Operations Officer / Operations Manager")',
    );
  });

  it('puts coordinator and support specialist on one rung, below the officer', () => {
    expect(rungOf(ladder, 'operations-coordinator')).toEqual({ rung: 2, of: 4, beside: ['operations-support-specialist'] });
    expect(rungOf(ladder, 'operations-officer').rung).toBe(3);
  });

  it('places Team Lead after the senior support specialist tier, as OpsPath guidance', () => {
    const lead = ladderTier(ladder, 'operations-manager', 'team-lead')!;
    const senior = ladderTier(ladder, 'operations-support-specialist', 'senior')!;
    expect(lead.years[0]).toBeGreaterThanOrEqual(senior.years[1]!);
    expect(ladder.sources.find((s) => s.id === lead.source)?.guidance).toBe(true);
  });

  it('gives every guide tier the title and years the ladder holds', () => {
    for (const role of roles) {
      expect(
        role.data.tiers.map((t) => [t.id, t.title, t.yearsMin, t.yearsMax]),
        role.id,
      ).toEqual(ladder.tiers[role.id].map((t) => [t.tier, t.title, ...t.years]));
    }
  });

  it("pairs no tier title with another role's pay unless it says whose figure it is", () => {
    for (const role of roles) {
      for (const t of role.data.tiers) {
        const others = titleParts(t.title).filter((title) => roles.some((r) => r.id !== role.id && r.data.title === title));
        if (t.payLevel && others.length) expect(ladderTier(ladder, role.id, t.id)?.payNote, `${role.id}/${t.id}`).toBeTruthy();
      }
    }
    expect(ladderTier(ladder, 'operations-officer', 'senior')?.payNote).toContain('No source publishes pay for operations managers');
  });

  it('refuses a rung list that leaves a role out', () => {
    const r = ladderSchema.safeParse({ ...ladder, rungs: ladder.rungs.slice(0, 3) });
    expect(r.success).toBe(false);
    expect(r.error!.issues.map((i) => i.message)).toContain('operations-manager must sit on exactly one rung');
  });
});

describe('source URLs', () => {
  it('finds URLs in text without trailing punctuation', () => {
    expect(urlsIn('See https://www.bls.gov/a.zip, and "https://x.test/b".')).toEqual(['https://www.bls.gov/a.zip', 'https://x.test/b']);
  });

  it('lets content use only the allowed list', () => {
    expect(unlistedUrls(contentDir)).toEqual([]);
  });

  it('fails a content file with a URL not in the list', () => {
    const root = mkdtempSync(join(tmpdir(), 'opspath-urls-'));
    writeFileSync(join(root, ALLOWED_URLS_FILE), '# list\nhttps://www.bls.gov/emp/ind-occ-matrix/occupation.xlsx\n');
    writeFileSync(
      join(root, 'salaries.yaml'),
      'sourceUrl: "https://jobicy.com/careers/operations-officer"\nurl: https://www.bls.gov/emp/ind-occ-matrix/occupation.xlsx\n',
    );
    expect(unlistedUrls(root)).toEqual([
      `salaries.yaml: https://jobicy.com/careers/operations-officer is not in content/${ALLOWED_URLS_FILE} (a source document or facts.md must give it)`,
    ]);
  });

  it.skipIf(!existsSync(sharedDir))('lists only URLs the source documents or facts.md give', () => {
    const sources = [join(sharedDir, 'facts.md'), ...readdirSync(join(sharedDir, 'seeds')).map((f) => join(sharedDir, 'seeds', f))]
      .map((f) => readFileSync(f, 'utf8'))
      .join('\n');
    for (const url of parseAllowedUrls(readFileSync(join(contentDir, ALLOWED_URLS_FILE), 'utf8'))) {
      expect(sources, url).toContain(url.replace(/^https:\/\//, ''));
    }
  });

  it('names no invented source', () => {
    const all = readdirSync(contentDir, { recursive: true, encoding: 'utf8' })
      .filter((f) => /\.(md|ya?ml)$/.test(f))
      .map((f) => readFileSync(join(contentDir, f), 'utf8'))
      .join('\n');
    expect(all).not.toMatch(/jobicy|elec\.work|\bELEC\b/i);
  });
});
