// One look for every message OpsPath sends: a heading, a few short
// paragraphs, an optional list, the action as a button and as a plain link,
// and a footer saying why it came and how to stop it. Real text throughout
// (no images), so it reads the same in a screen reader, a text-only client
// and the admin outbox. Pure: composing a message needs no server.

export type EmailContent = {
  /** The first line, also the HTML heading, e.g. "Your first aid certificate expires on 2 Jan 2027". */
  heading: string;
  paragraphs: string[];
  /** Optional items (due tasks, expiring certifications), one line each. */
  items?: string[];
  /** The one thing to do; the URL must be absolute (built from PUBLIC_URL). */
  action?: { label: string; url: string };
  /** Why the recipient gets this ("You manage Warehouse East."), shown small at the end. */
  footer?: string[];
  /** Where one click stops this kind of message; shown as a link in the footer. */
  unsubscribeUrl?: string;
};

export type ComposedEmail = { text: string; html: string };

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
export const escapeHtml = (value: string) => value.replace(/[&<>"']/g, (c) => ESCAPES[c]!);

/** The plain text and HTML versions of one message, with the same words in both. */
export function composeEmail(content: EmailContent, productName = 'OpsPath'): ComposedEmail {
  const { heading, paragraphs, items = [], action, footer = [], unsubscribeUrl } = content;
  const stop = unsubscribeUrl ? [`To stop these messages: ${unsubscribeUrl}`] : [];
  const text = [
    heading,
    '',
    ...paragraphs.flatMap((p) => [p, '']),
    ...(items.length > 0 ? [...items.map((i) => `- ${i}`), ''] : []),
    ...(action ? [`${action.label}: ${action.url}`, ''] : []),
    '--',
    productName,
    ...footer,
    ...stop,
  ].join('\n');

  const p = (s: string) => `<p style="margin:0 0 16px">${escapeHtml(s)}</p>`;
  const small = (s: string) => `<p style="margin:0 0 8px;font-size:13px;color:#4a5563">${s}</p>`;
  const html = [
    '<!doctype html>',
    '<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width">',
    `<title>${escapeHtml(heading)}</title></head>`,
    '<body style="margin:0;padding:24px;background:#f4f6f8;font-family:system-ui,-apple-system,Segoe UI,Roboto,sans-serif;font-size:16px;line-height:1.5;color:#1f2933">',
    '<div style="max-width:560px;margin:0 auto;background:#ffffff;padding:24px;border-radius:8px">',
    `<h1 style="margin:0 0 16px;font-size:20px;line-height:1.3">${escapeHtml(heading)}</h1>`,
    ...paragraphs.map(p),
    ...(items.length > 0
      ? [`<ul style="margin:0 0 16px;padding-left:20px">${items.map((i) => `<li>${escapeHtml(i)}</li>`).join('')}</ul>`]
      : []),
    ...(action
      ? [
          `<p style="margin:24px 0"><a href="${escapeHtml(action.url)}" style="display:inline-block;padding:12px 20px;background:#1d4ed8;color:#ffffff;text-decoration:none;border-radius:6px;font-weight:600">${escapeHtml(action.label)}</a></p>`,
          small(`Or open this link: <a href="${escapeHtml(action.url)}" style="color:#1d4ed8">${escapeHtml(action.url)}</a>`),
        ]
      : []),
    '<hr style="border:none;border-top:1px solid #d9dee3;margin:24px 0 16px">',
    small(escapeHtml(productName)),
    ...footer.map((f) => small(escapeHtml(f))),
    ...(unsubscribeUrl ? [small(`<a href="${escapeHtml(unsubscribeUrl)}" style="color:#1d4ed8">Stop these messages</a>`)] : []),
    '</div></body></html>',
  ].join('\n');
  return { text, html };
}
