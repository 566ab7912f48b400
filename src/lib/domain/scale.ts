// The one proficiency scale used by targets, ratings, gaps and the self-check.
export const LEVELS = [
  { value: 0, label: 'None', definition: 'Has not used the skill yet.' },
  { value: 1, label: 'Aware', definition: 'Knows what the skill is for and can follow along with guidance.' },
  { value: 2, label: 'Working', definition: 'Does routine work with the skill independently and asks for help on unusual cases.' },
  {
    value: 3,
    label: 'Proficient',
    definition: 'Handles unusual cases alone, improves how the team uses the skill and can teach the basics.',
  },
  { value: 4, label: 'Expert', definition: 'Sets the standard for the skill, solves the hardest cases and coaches others to proficiency.' },
] as const;
export type Level = 0 | 1 | 2 | 3 | 4;
export const PROFICIENT: Level = 3;
