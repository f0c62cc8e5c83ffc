/** The email that carries a customer's profile link: plain words, one link, what it does and for how long. */
export interface ProfileLinkEmail {
  subject: string;
  html: string;
  text: string;
  tag: string;
}

/** The outbox and Postmark file these emails under this tag; erasure finds the customer's copies by it. */
export const PROFILE_LINK_TAG = 'privacy-profile-link';

const escape = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

export function profileLinkEmail(storeName: string, firstName: string | null, url: string, ttlMinutes: number): ProfileLinkEmail {
  const greeting = firstName ? `Hi ${firstName},` : 'Hello,';
  const paragraphs = [
    `${storeName} sent you this link so you can see the personal data it holds about you, change your email preferences and download a copy of your data.`,
    `For your privacy the link works once and for ${ttlMinutes} minutes. If it has expired, ask ${storeName} for a new one.`,
    'If you did not ask for this, you can ignore this email.',
  ];
  const html = [
    `<p>${escape(greeting)}</p>`,
    ...paragraphs.map((p) => `<p>${escape(p)}</p>`),
    `<p><a href="${escape(url)}">See my data</a></p>`,
    `<p>Or paste this address into your browser: ${escape(url)}</p>`,
  ].join('\n');
  const text = [greeting, '', ...paragraphs.flatMap((p) => [p, '']), `See my data: ${url}`].join('\n');
  return { subject: `Your data at ${storeName}`, html, text, tag: PROFILE_LINK_TAG };
}
