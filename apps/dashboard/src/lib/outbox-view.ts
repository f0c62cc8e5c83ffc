/**
 * The merchant looking at the outbox copy of a message is not the customer opening it: the open pixel the worker
 * adds (libs/email addOpenPixel) is taken out before the copy is shown, so viewing it never counts as an open.
 * Links keep their click tracking: following one from here is a deliberate test of the link.
 */
const OPEN_PIXEL = /<img src="[^"<>]*\/api\/v1\/t\/o\/[^"<>]*" width="1" height="1" alt="" style="[^"<>]*">/g;

export function withoutOpenPixel(html: string): string {
  return html.replace(OPEN_PIXEL, '');
}
