import type { EntityManager } from '@boomerang/persistence';

export interface PersonalDataHit {
  table: string;
  column: string;
  needle: string;
  rows: number;
}

/**
 * Searches every text, varchar, json/jsonb and bytea column of every table in the database's `public` schema (read
 * from information_schema, so tables added later are searched too) for each needle, case-insensitively. What an
 * erasure spec asserts is empty. bytea is searched through its `escape` encoding (printable ASCII stays as is).
 */
export async function findPersonalData(em: EntityManager, needles: readonly string[]): Promise<PersonalDataHit[]> {
  const columns = await em.execute<{ table_name: string; column_name: string; data_type: string }[]>(
    `select c.table_name, c.column_name, c.data_type
     from information_schema.columns c join information_schema.tables t on t.table_schema = c.table_schema and t.table_name = c.table_name
     where c.table_schema = 'public' and t.table_type = 'BASE TABLE'
       and c.data_type in ('text', 'character varying', 'character', 'json', 'jsonb', 'bytea', 'ARRAY', 'USER-DEFINED')
     order by c.table_name, c.column_name`,
  );
  const hits: PersonalDataHit[] = [];
  for (const { table_name: table, column_name: column, data_type: type } of columns) {
    const asText = type === 'bytea' ? `encode("${column}", 'escape')` : `"${column}"::text`;
    for (const needle of needles) {
      const [row] = await em.execute<{ n: string }[]>(`select count(*) as n from "${table}" where position(lower(?) in lower(${asText})) > 0`, [needle]);
      const rows = Number(row!.n);
      if (rows > 0) hits.push({ table, column, needle, rows });
    }
  }
  return hits;
}
