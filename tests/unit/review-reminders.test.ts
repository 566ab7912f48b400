import { describe, expect, it } from 'vitest';
import {
  dueWindow,
  pendingTasks,
  planReviewReminders,
  reminderDayIn,
  reviewReminderSubject,
  type OpenReview,
} from '#domain/review-reminders.ts';
import { openReview, type ReviewState } from '#domain/reviews.ts';

const base = openReview([]);
const with_ = (patch: Partial<ReviewState>): ReviewState => ({ ...base, ...patch });
const agreed = { levels: {}, summary: 'ok', nextSteps: '' };

describe('pendingTasks', () => {
  it('names the steps each side still owes, and nothing once complete or cancelled', () => {
    expect(pendingTasks(base)).toEqual({ person: ['self-assessment'], manager: ['manager-assessment'] });
    expect(pendingTasks(with_({ selfSubmitted: true }))).toEqual({ person: [], manager: ['manager-assessment'] });
    expect(pendingTasks(with_({ selfSubmitted: true, managerSubmitted: true }))).toEqual({ person: [], manager: ['agreement'] });
    const signing = with_({ selfSubmitted: true, managerSubmitted: true, agreement: agreed });
    expect(pendingTasks(signing)).toEqual({ person: ['sign-off'], manager: ['sign-off'] });
    expect(pendingTasks({ ...signing, managerSignedOff: true })).toEqual({ person: ['sign-off'], manager: [] });
    expect(pendingTasks({ ...signing, managerSignedOff: true, personSignedOff: true })).toEqual({ person: [], manager: [] });
    expect(pendingTasks(with_({ cancelled: true }))).toEqual({ person: [], manager: [] });
  });
});

describe('reminder days', () => {
  it('falls 7 and 1 days before the due date; a catch-up over both sends the nearer one', () => {
    expect(reminderDayIn('2026-12-10', ['2026-12-03'])).toBe('2026-12-03');
    expect(reminderDayIn('2026-12-10', ['2026-12-09'])).toBe('2026-12-09');
    expect(reminderDayIn('2026-12-10', ['2026-12-05'])).toBeNull();
    expect(
      reminderDayIn('2026-12-10', ['2026-12-03', '2026-12-04', '2026-12-05', '2026-12-06', '2026-12-07', '2026-12-08', '2026-12-09']),
    ).toBe('2026-12-09');
    expect(dueWindow(['2026-12-03', '2026-12-04'])).toEqual({ from: '2026-12-04', to: '2026-12-11' });
    expect(dueWindow([])).toBeNull();
  });
});

const review = (over: Partial<OpenReview>): OpenReview => ({
  reviewId: 1,
  cycleId: 9,
  cycleName: 'Winter',
  dueOn: '2026-12-10',
  openedOn: '2026-11-20',
  subjectId: 100,
  subjectName: 'Ana',
  managerIds: [50],
  state: base,
  ...over,
});

describe('planReviewReminders', () => {
  it('groups a manager’s reviews of a cycle in one message, tells each person only of their own', () => {
    const plan = planReviewReminders(
      [
        review({}),
        review({ reviewId: 2, subjectId: 101, subjectName: 'Ben', state: with_({ selfSubmitted: true }) }),
        review({ reviewId: 3, cycleId: 10, cycleName: 'Other', subjectId: 102, subjectName: 'Cy', dueOn: '2026-12-20' }),
      ],
      ['2026-12-03'],
    );
    expect(plan.map((m) => [m.recipientId, m.cycleId, m.reminderOn, m.items.map((i) => `${i.subjectName}:${i.own}:${i.tasks}`)])).toEqual([
      [50, 9, '2026-12-03', ['Ana:false:manager-assessment', 'Ben:false:manager-assessment']],
      [100, 9, '2026-12-03', ['Ana:true:self-assessment']],
    ]);
    expect(reviewReminderSubject(plan[0]!)).toBe('2 skills reviews in “Winter” need you by 10 December 2026');
    expect(reviewReminderSubject(plan[1]!)).toBe('Your skills review “Winter” is due on 10 December 2026');
  });

  it('sends nothing on the day the cycle opened, nor to a person who reviews themselves as their own manager', () => {
    expect(planReviewReminders([review({ openedOn: '2026-12-03' })], ['2026-12-03'])).toEqual([]);
    const self = planReviewReminders([review({ managerIds: [100] })], ['2026-12-03']);
    expect(self.map((m) => [m.recipientId, m.items.map((i) => i.tasks.join())])).toEqual([[100, ['self-assessment']]]);
  });
});
