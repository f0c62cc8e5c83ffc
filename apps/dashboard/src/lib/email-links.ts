/** The http(s) links of an email's text part, so a developer can follow them (the sandboxed HTML cannot). */
export function linksOf(text: string): string[] {
  const found = text.match(/https?:\/\/[^\s<>"'()[\]]+/g) ?? [];
  return [...new Set(found.map((url) => url.replace(/[.,;:!?]+$/, '')))];
}
