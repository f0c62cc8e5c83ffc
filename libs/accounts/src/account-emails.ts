/** The three account emails, in plain words; each link points at the dashboard, which calls the api. */
export interface AccountEmailContent {
  subject: string;
  html: string;
  text: string;
  tag: string;
}

const escape = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

function email(tag: string, subject: string, greeting: string, paragraphs: string[], link?: { url: string; label: string }): AccountEmailContent {
  const html = [
    `<p>${escape(greeting)}</p>`,
    ...paragraphs.map((p) => `<p>${escape(p)}</p>`),
    ...(link ? [`<p><a href="${escape(link.url)}">${escape(link.label)}</a></p>`, `<p>Or paste this address into your browser: ${escape(link.url)}</p>`] : []),
    '<p>— Boomerang</p>',
  ].join('\n');
  const text = [greeting, '', ...paragraphs.flatMap((p) => [p, '']), ...(link ? [`${link.label}: ${link.url}`, ''] : []), '— Boomerang'].join('\n');
  return { subject, html, text, tag };
}

export function verificationEmail(name: string, url: string): AccountEmailContent {
  return email('account-verify', 'Confirm your email address for Boomerang', `Hi ${name},`, [
    'Thanks for signing up. Confirm your email address to start using your account. The link works once, for 24 hours.',
    'If you did not sign up, ignore this email: nothing happens without the link.',
  ], { url, label: 'Confirm my email address' });
}

export function alreadyRegisteredEmail(name: string, signInUrl: string, resetUrl: string): AccountEmailContent {
  return email('account-exists', 'You already have a Boomerang account', `Hi ${name},`, [
    'Someone (probably you) tried to sign up with this email address, but it already has an account.',
    `Sign in at ${signInUrl}. Forgot your password? Reset it at ${resetUrl}.`,
    'If this was not you, you can ignore this email.',
  ]);
}

export function passwordResetEmail(name: string, url: string): AccountEmailContent {
  return email('account-reset', 'Reset your Boomerang password', `Hi ${name},`, [
    'Choose a new password with the link below. It works once, for one hour, and signs you out everywhere else.',
    'If you did not ask for this, ignore this email: your password stays as it is.',
  ], { url, label: 'Choose a new password' });
}
