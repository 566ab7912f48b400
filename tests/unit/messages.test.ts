import { describe, expect, it } from 'vitest';
import { composeEmail, escapeHtml } from '#domain/email.ts';
import { MAX_DELIVERY_ATTEMPTS, nextAttemptDelayMs, receives } from '#domain/messages.ts';

describe('receives', () => {
  it('sends notifications unless the person turned the kind off', () => {
    expect(receives({}, 'ramp-digest')).toBe(true);
    expect(receives({ 'ramp-digest': false }, 'ramp-digest')).toBe(false);
    expect(receives({ 'ramp-digest': false }, 'certification-reminder')).toBe(true);
  });
  it('always sends account messages, whatever the settings say', () => {
    const settings = { 'password-reset': false, invitation: false } as unknown as Parameters<typeof receives>[0];
    expect(receives(settings, 'password-reset')).toBe(true);
    expect(receives(settings, 'invitation')).toBe(true);
  });
});

describe('nextAttemptDelayMs', () => {
  it('doubles from 30 s and stops after the last attempt', () => {
    expect(nextAttemptDelayMs(1)).toBe(30_000);
    expect(nextAttemptDelayMs(2)).toBe(60_000);
    expect(nextAttemptDelayMs(3)).toBe(120_000);
    expect(nextAttemptDelayMs(MAX_DELIVERY_ATTEMPTS)).toBeNull();
  });
  it('adds at most a fifth as jitter', () => {
    expect(nextAttemptDelayMs(2, 1)).toBe(72_000);
    expect(nextAttemptDelayMs(2, 5)).toBe(72_000);
  });
});

describe('composeEmail', () => {
  const email = composeEmail({
    heading: 'Reset your <password>',
    paragraphs: ['Someone asked to reset the password of a & b.'],
    items: ['First aid: expires 2027-01-02'],
    action: { label: 'Choose a new password', url: 'https://opspath.example.com/reset/abc?x=1&y=2' },
    footer: ['You get this because you have an OpsPath account.'],
    unsubscribeUrl: 'https://opspath.example.com/unsubscribe/t',
  });
  it('writes the same words in text and HTML, escaped in HTML only', () => {
    expect(email.text).toContain('Reset your <password>');
    expect(email.html).toContain('Reset your &lt;password&gt;');
    expect(email.html).not.toContain('<password>');
    expect(email.text).toContain('Choose a new password: https://opspath.example.com/reset/abc?x=1&y=2');
    expect(email.html).toContain('href="https://opspath.example.com/reset/abc?x=1&amp;y=2"');
    expect(email.text).toContain('- First aid: expires 2027-01-02');
    expect(email.text).toContain('To stop these messages: https://opspath.example.com/unsubscribe/t');
  });
  it('escapes every HTML metacharacter', () => {
    expect(escapeHtml(`<a href="x">'&'</a>`)).toBe('&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;');
  });
});
