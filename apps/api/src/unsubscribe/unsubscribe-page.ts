/** The small pages a customer sees after clicking the unsubscribe link; no scripts, no cookies. */
export function unsubscribedPage(email: string, resubscribeAction: string): string {
  return page(
    'Unsubscribed',
    `<h1>You are unsubscribed</h1>
<p><strong>${escape(email)}</strong> will no longer receive marketing email from this store. Order confirmations and other transactional email still arrive.</p>
<form method="post" action="${escape(resubscribeAction)}">
<p>Clicked by mistake?</p>
<button type="submit">Resubscribe</button>
</form>`,
  );
}

export function resubscribedPage(email: string): string {
  return page('Subscribed again', `<h1>Welcome back</h1><p><strong>${escape(email)}</strong> will receive this store's email again.</p>`);
}

export function linkErrorPage(message: string): string {
  return page('Link not valid', `<h1>This link does not work</h1><p>${escape(message)}.</p><p>Use the unsubscribe link in the latest email from the store.</p>`);
}

function page(title: string, body: string): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex"><title>${escape(title)}</title>
<style>body{font-family:Arial,Helvetica,sans-serif;max-width:480px;margin:48px auto;padding:0 16px;color:#27272a}button{padding:10px 20px;font-size:16px}</style>
</head><body>
${body}
</body></html>`;
}

function escape(value: string): string {
  return value.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}
