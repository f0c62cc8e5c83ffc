/** Readable in the Temporal UI: `retention/<store>/<rule>/<email>`. */
export function retentionWorkflowId(storeId: string, ruleId: string, email: string): string {
  return `retention/${storeId}/${ruleId}/${email}`;
}
