import { createHash } from 'node:crypto';

/**
 * Temporal's default limit on a workflow id (`limit.maxIDLength`, counted in UTF-8 bytes). Every id that fits
 * keeps the exact form it always had, so the workflows of existing customers keep their ids.
 */
export const MAX_WORKFLOW_ID_BYTES = 1_000;

/** How much of a too-long email stays readable in the id before its hash. */
const READABLE_EMAIL_BYTES = 200;

/**
 * Readable in the Temporal UI: `retention/<store>/<rule>/<email>`. An email that would push the id past Temporal's
 * limit keeps a readable prefix and ends in `…#<sha256 of the whole email>`, so the id stays unique, stable and
 * accepted by the server.
 */
export function retentionWorkflowId(storeId: string, ruleId: string, email: string): string {
  const id = `retention/${storeId}/${ruleId}/${email}`;
  if (Buffer.byteLength(id, 'utf8') <= MAX_WORKFLOW_ID_BYTES) return id;
  const hash = createHash('sha256').update(email, 'utf8').digest('hex');
  return `retention/${storeId}/${ruleId}/${utf8Prefix(email, READABLE_EMAIL_BYTES)}…#${hash}`;
}

/** The longest prefix of whole code points that fits in `maxBytes` (never splits a character or a surrogate pair). */
function utf8Prefix(text: string, maxBytes: number): string {
  let bytes = 0;
  let end = 0;
  for (const char of text) {
    bytes += Buffer.byteLength(char, 'utf8');
    if (bytes > maxBytes) break;
    end += char.length;
  }
  return text.slice(0, end);
}
