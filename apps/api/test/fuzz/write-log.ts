import pg from 'pg';

/** The PostgreSQL role the api connects as in these suites, so a write can be told apart from the worker's. */
export const API_ROLE = 'boomerang_fuzz_api';

/**
 * Columns the api's own background work updates on its own schedule (the dispatch sweep and the post-commit
 * delivery of an earlier accepted order): a change to only these is not a write by the request in flight.
 */
const BACKGROUND_COLUMNS: Record<string, string[]> = {
  retention_dispatch: ['attempts', 'last_error', 'dispatched_at'],
  // The receivers' last-event times, written once a second for every store that received a webhook.
  store_connection: ['last_event_at'],
};

export interface LoggedWrite {
  id: string;
  tbl: string;
  op: string;
  /** The new row (an update: the changed columns and the row's id). */
  row: string;
  /** When the writing transaction began (epoch ms): a write that began before a request was sent is not that request's. */
  xactAt: number;
}

/**
 * A row-level trigger on every table of the database records each committed row change made by the api's role
 * (rolled-back changes vanish with their transaction, so only what was really written counts). A rejected
 * request must leave no new entry. One indexed query per request, whatever the size of the tables, and it sees
 * updates that row counts and timestamps would miss (a store has no updated_at).
 */
export class WriteLog {
  private constructor(private readonly client: pg.Client) {}

  /** Creates the role, grants it the tables, installs the triggers; returns the log and the api's DATABASE_URL. */
  static async install(databaseUrl: string): Promise<{ log: WriteLog; apiDatabaseUrl: string }> {
    const client = new pg.Client({ connectionString: databaseUrl });
    await client.connect();
    // Roles are cluster-wide and suites may run side by side: create it once, never drop it.
    await client.query(`do $$ begin create role ${API_ROLE} login; exception when duplicate_object or unique_violation then null; end $$`);
    const url = new URL(databaseUrl);
    // A server that asks for passwords gets the test server's own, so the role logs in wherever postgres does.
    if (url.password) await client.query(`alter role ${API_ROLE} password ${client.escapeLiteral(decodeURIComponent(url.password))}`);
    await client.query(`
      create table fuzz_write_log (id bigserial primary key, tbl text not null, op text not null, row text, xact_at timestamptz not null default now());
      create function fuzz_log_write() returns trigger language plpgsql as $f$
      declare
        ignored text[] := tg_argv;
        before jsonb := case when tg_op = 'INSERT' then null else to_jsonb(old) end;
        after jsonb := case when tg_op = 'DELETE' then null else to_jsonb(new) end;
      begin
        if session_user <> '${API_ROLE}' then return null; end if;
        if tg_op = 'UPDATE' and (before - ignored) = (after - ignored) then return null; end if;
        insert into fuzz_write_log (tbl, op, row) values (tg_table_name, tg_op, left(case when tg_op = 'UPDATE'
          then (select jsonb_object_agg(key, value) from jsonb_each(after) where before -> key is distinct from value)::text || ' of ' || (after ->> 'id')
          else coalesce(after, before)::text end, 300));
        return null;
      end $f$;`);
    const { rows } = await client.query<{ tablename: string }>(
      // rate_limit holds rate-limiter-flexible's counters: a refused sign-in must count there, that is their purpose.
      `select tablename from pg_tables where schemaname = 'public' and tablename not in ('fuzz_write_log', 'mikro_orm_migrations', 'rate_limit')`,
    );
    for (const { tablename } of rows) {
      const args = (BACKGROUND_COLUMNS[tablename] ?? []).map((c) => `'${c}'`).join(', ');
      await client.query(`create trigger fuzz_log_write after insert or update or delete on "${tablename}" for each row execute function fuzz_log_write(${args})`);
    }
    await client.query(`grant usage on schema public to ${API_ROLE}`);
    await client.query(`grant all on all tables in schema public to ${API_ROLE}`);
    await client.query(`grant all on all sequences in schema public to ${API_ROLE}`);
    url.username = API_ROLE;
    return { log: new WriteLog(client), apiDatabaseUrl: url.toString() };
  }

  /** The position after the newest committed entry. */
  async mark(): Promise<string> {
    const { rows } = await this.client.query<{ id: string | null }>('select max(id)::text as id from fuzz_write_log');
    return rows[0]?.id ?? '0';
  }

  /** Entries committed after `mark`, and the new mark. */
  async since(mark: string): Promise<{ writes: LoggedWrite[]; mark: string }> {
    const { rows } = await this.client.query<LoggedWrite>('select id::text as id, tbl, op, row, (extract(epoch from xact_at) * 1000)::float8 as "xactAt" from fuzz_write_log where id > $1 order by id', [mark]);
    return { writes: rows, mark: rows.length ? rows[rows.length - 1]!.id : mark };
  }

  async close(): Promise<void> {
    await this.client.end();
  }
}
