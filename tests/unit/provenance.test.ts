// Where a timetable, a case study or a due day comes from: every one carries a
// source document or is marked as OpsPath's own (issue 14).
import { describe, it, expect } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import yaml from 'js-yaml';
import { roleSchema, scheduleSchema, templateSchema, ROLE_SLUGS, type Role } from '#content/schema.ts';
import { SOURCE_DOCUMENTS } from '#content/source-documents.ts';
import { DUE_DAY_GUIDANCE, DUE_DAY_GUIDANCE_LABEL } from '#domain/ramp.ts';

const contentDir = join(import.meta.dirname, '..', '..', 'content');
function role(slug: string): Role {
  const src = readFileSync(join(contentDir, 'roles', `${slug}.md`), 'utf8');
  return roleSchema.parse(yaml.load(/^---\n([\s\S]*?)\n---/.exec(src)![1]!));
}
const block = (time: string) => ({ time, focus: 'Planning', tasks: ['Read the queue.', 'Plan the day.'] });
const blocks = [block('09:00-12:00'), block('12:00-15:00'), block('15:00-18:00')];

describe('day-in-the-life schedules', () => {
  it('refuses a schedule with neither a source nor the illustration flag, and one with both', () => {
    const neither = scheduleSchema.safeParse({ title: 'A day', blocks });
    expect(neither.success).toBe(false);
    expect(neither.error?.issues.map((i) => i.path.join('.'))).toEqual(['source']);
    expect(neither.error?.issues[0]?.message).toContain('illustration: true');
    expect(scheduleSchema.safeParse({ title: 'A day', source: 'officer-guide', illustration: true, blocks }).success).toBe(false);
    expect(scheduleSchema.safeParse({ title: 'A day', source: 'a-blog-we-made-up', blocks }).success).toBe(false);
    expect(scheduleSchema.safeParse({ title: 'A day', source: 'officer-guide', blocks }).success).toBe(true);
    expect(scheduleSchema.safeParse({ title: 'A day', illustration: true, blocks }).success).toBe(true);
  });

  it('a guide whose schedule lost its label fails validation', () => {
    const src = readFileSync(join(contentDir, 'roles', 'operations-manager.md'), 'utf8');
    const data = yaml.load(/^---\n([\s\S]*?)\n---/.exec(src)![1]!) as { dayInTheLife: Record<string, unknown>[] };
    delete data.dayInTheLife[0]!.illustration;
    const parsed = roleSchema.safeParse(data);
    expect(parsed.success).toBe(false);
    expect(parsed.error?.issues.map((i) => i.path.join('.'))).toContain('dayInTheLife.0.source');
  });

  it('marks the assistant and manager days as illustrations, and sources the others', () => {
    const kinds = Object.fromEntries(
      ROLE_SLUGS.map((slug) => [slug, role(slug).dayInTheLife.map((s) => (s.illustration ? 'illustration' : s.source))]),
    );
    expect(kinds).toEqual({
      'operations-assistant': ['illustration'],
      'operations-manager': ['illustration'],
      'operations-coordinator': ['coordinator-guide'],
      'operations-officer': ['officer-guide'],
      'operations-support-specialist': ['support-specialist-guide', 'day-in-the-life-article'],
    });
  });

  it("keeps the support specialist guide's own 09:00-18:00 day beside the article's 07:45-17:30 one", () => {
    const [guide, article] = role('operations-support-specialist').dayInTheLife;
    const span = (s: typeof guide) => [s!.blocks[0]!.time.slice(0, 5), s!.blocks.at(-1)!.time.slice(6)];
    expect(span(guide)).toEqual(['09:00', '18:00']);
    expect(span(article)).toEqual(['07:45', '17:30']);
  });
});

describe('case studies and due days', () => {
  it('every case study names a source document', () => {
    for (const slug of ROLE_SLUGS) {
      for (const c of role(slug).caseStudies) expect(Object.keys(SOURCE_DOCUMENTS), `${slug}: ${c.title}`).toContain(c.source);
    }
  });

  it("carries the officer guide's fourth case study (30% fewer delivery delays)", () => {
    const cases = role('operations-officer').caseStudies;
    expect(cases).toHaveLength(4);
    expect(cases[3]!.result).toContain('Delivery delays dropped by 30%');
    expect(cases[3]!.source).toBe('officer-guide');
  });

  it('says due days are OpsPath guidance and names the article by its title', () => {
    expect(DUE_DAY_GUIDANCE_LABEL).toBe('OpsPath guidance');
    expect(DUE_DAY_GUIDANCE).toContain(`“${SOURCE_DOCUMENTS['day-in-the-life-article']}”`);
    expect(DUE_DAY_GUIDANCE).toContain('not a figure from a source');
  });
});

describe('playbook routines from the article', () => {
  const entries = (yaml.load(readFileSync(join(contentDir, 'playbook', 'templates.yaml'), 'utf8')) as unknown[]).map((e) =>
    templateSchema.parse(e),
  );
  const card = (id: string) => {
    const t = entries.find((e) => e.id === id);
    expect(t, id).toBeDefined();
    return [t!.name, t!.purpose, ...t!.items.flatMap((i) => [i.label, i.detail ?? ''])].join(' ');
  };

  it('keeps templates and routines apart', () => {
    expect(entries.filter((e) => e.kind === 'template').map((e) => e.id)).toEqual([
      'daily-huddle',
      'intake-checklist',
      'sop',
      'incident-communication',
      'rag-guide',
    ]);
    expect(entries.filter((e) => e.kind === 'practice')).toHaveLength(6);
  });

  it("carries the article's figures", () => {
    expect(card('control-cycle')).toMatch(/30-minute.*three 10-minute parts/);
    expect(card('control-cycle')).toContain('3 bullets');
    const incident = card('incident-playbook');
    for (const f of ['P1, P2 or P3', '4 roles', 'every 30 minutes', 'within 48 hours', '4 post-mortem questions'])
      expect(incident).toContain(f);
    expect(entries.find((e) => e.id === 'dashboards')!.items).toHaveLength(3);
    const cv = card('cv-examples');
    for (const f of ['32%', '45%', '89% to 96%', '25 brief how-to pages', '35%']) expect(cv).toContain(f);
    const habits = card('working-habits');
    for (const f of ['3 windows', '90-minute', 'top 10', 'older than 5 days', 'five errors']) expect(habits).toContain(f);
    const compliance = card('compliance');
    for (const f of ['GDPR', 'ISO 9001', 'multi-factor authentication', 'change advisory board (CAB)', 'sandbox'])
      expect(compliance).toContain(f);
  });
});
