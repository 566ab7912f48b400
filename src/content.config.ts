import { defineCollection } from 'astro:content';
import { glob, file } from 'astro/loaders';
import yaml from 'js-yaml';
import {
  roleSchema,
  skillSchema,
  certificationSchema,
  kpiSchema,
  templateSchema,
  rampTemplateSchema,
  salaryFigureSchema,
  fxSchema,
  ladderSchema,
} from './lib/content/schema';

// Content lives in the top-level `content/` folder (the customer's layout).
const roles = defineCollection({ loader: glob({ base: './content/roles', pattern: '*.md' }), schema: roleSchema });
const ramp = defineCollection({ loader: glob({ base: './content/ramp', pattern: '*.yaml' }), schema: rampTemplateSchema });
const skills = defineCollection({ loader: file('./content/skills.yaml'), schema: skillSchema });
const certifications = defineCollection({ loader: file('./content/certifications.yaml'), schema: certificationSchema });
const kpis = defineCollection({ loader: file('./content/playbook/kpis.yaml'), schema: kpiSchema });
const templates = defineCollection({ loader: file('./content/playbook/templates.yaml'), schema: templateSchema });
const salaries = defineCollection({ loader: file('./content/salaries.yaml'), schema: salaryFigureSchema });
const fx = defineCollection({
  loader: file('./content/fx.yaml', { parser: (text) => [{ id: 'bnr', ...(yaml.load(text) as object) }] }),
  schema: fxSchema,
});

const ladder = defineCollection({
  loader: file('./content/ladder.yaml', { parser: (text) => [{ id: 'ladder', ...(yaml.load(text) as object) }] }),
  schema: ladderSchema,
});

export const collections = { roles, ramp, skills, certifications, kpis, templates, salaries, fx, ladder };
