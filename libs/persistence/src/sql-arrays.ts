/**
 * A PostgreSQL array literal (`{"a","b"}`) for `= any(cast(? as text[]))`. A constant array lets the planner see how
 * many values there are and look each up by index, where `in (select jsonb_array_elements_text(…))` is guessed at
 * 100 rows and hash-joined against every row of the store.
 */
export function textArrayLiteral(values: readonly string[]): string {
  return `{${values.map((v) => `"${v.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`).join(',')}}`;
}
