// What the roll-up triggers (migration MessageStatRollup) add to the send path: message inserts and status updates,
// one row per statement and transaction as the send activity writes them, from 8 connections at once, with the
// triggers enabled and disabled in turn on the same database. Prints rows/s of each and the ratio.
//   node scripts/bench-message-trigger.mjs   (env: TRIGGER_BENCH_ROWS=50000, TRIGGER_BENCH_ROUNDS=2, PG_URL)
import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import pg from 'pg';
import { migrate } from '../libs/persistence/dist/index.js';

const ROWS = Number(process.env.TRIGGER_BENCH_ROWS ?? 50_000);
const ROUNDS = Number(process.env.TRIGGER_BENCH_ROUNDS ?? 2);
const CONNECTIONS = 8;
const RULES = 5;
const PG_URL = process.env.PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

const dbName = `boomerang_trigger_bench_${Date.now()}`;
const admin = new pg.Client({ connectionString: PG_URL });
await admin.connect();
await admin.query(`create database "${dbName}"`);
const dbUrl = Object.assign(new URL(PG_URL), { pathname: `/${dbName}` }).toString();
try {
  await migrate(dbUrl);
  const clients = await Promise.all(Array.from({ length: CONNECTIONS }, async () => {
    const c = new pg.Client({ connectionString: dbUrl });
    await c.connect();
    return c;
  }));
  const [db] = clients;
  const storeId = randomUUID();
  const rules = Array.from({ length: RULES }, () => randomUUID());

  /** Runs `write(client, i)` for i in [0, ROWS) over the connections, each taking the next i; rows per second. */
  const drive = async (write) => {
    let next = 0;
    const t0 = performance.now();
    await Promise.all(clients.map(async (c) => {
      for (let i = next++; i < ROWS; i = next++) await write(c, i);
    }));
    return ROWS / ((performance.now() - t0) / 1000);
  };

  const results = { on: { insert: [], update: [] }, off: { insert: [], update: [] } };
  for (let round = 0; round < ROUNDS; round++) {
    for (const mode of round % 2 ? ['off', 'on'] : ['on', 'off']) {
      await db.query(`truncate message, message_stat`);
      await db.query(`alter table message ${mode === 'on' ? 'enable' : 'disable'} trigger user`);
      await db.query(`vacuum analyze message`);
      const ids = Array.from({ length: ROWS }, () => randomUUID());
      const insert = await drive((c, i) => c.query(
        `insert into message (id, store_id, rule_id, customer_id, cycle, status, to_email, subject, due_at, created_at)
         values ($1, $2, $3, $4, 1, 'sending', 'c@example.com', 'We miss you', now(), now())`,
        [ids[i], storeId, rules[i % RULES], randomUUID()],
      ));
      // The send's outcome: 90 % sent (sent_at now), 10 % skipped.
      const update = await drive((c, i) => c.query(
        `update message set status = $2::varchar, sent_at = case when $2::varchar = 'sent' then now() end, transport = 'postmark', provider_message_id = $3 where id = $1`,
        [ids[i], i % 10 ? 'sent' : 'skipped', randomUUID()],
      ));
      results[mode].insert.push(insert);
      results[mode].update.push(update);
      console.log(`round ${round + 1}, triggers ${mode.padEnd(3)}: ${insert.toFixed(0).padStart(6)} inserts/s  ${update.toFixed(0).padStart(6)} updates/s`);
    }
  }
  const { rows: [check] } = await db.query(`select coalesce(sum(sent), 0) as sent from message_stat`);
  console.log(`(last 'on' round: message_stat counts ${check.sent} sent of ${ROWS} messages)`);
  // The server's own time per statement, without network, commit or client: ROWS single-row updates in one
  // PL/pgSQL loop, each its own statement and transaction (so each fires the statement triggers and commits; commits
  // asynchronous, leaving the disk out), on and off in turn.
  const serverSide = { on: [], off: [] };
  for (let round = 0; round < ROUNDS; round++) {
    for (const mode of round % 2 ? ['off', 'on'] : ['on', 'off']) {
      await db.query(`alter table message ${mode === 'on' ? 'enable' : 'disable'} trigger user`);
      await db.query(`update message set status = 'sending', sent_at = null`);
      await db.query(`set synchronous_commit = off`);
      await db.query(`create or replace procedure pg_temp.timed_updates(inout ms float8) language plpgsql as $$
        declare t0 timestamptz := clock_timestamp(); m record;
        begin
          for m in select id, row_number() over () as n from message loop
            update message set status = case when m.n % 10 = 0 then 'skipped' else 'sent' end,
                               sent_at = case when m.n % 10 = 0 then null else now() end where id = m.id;
            commit;
          end loop;
          ms := extract(epoch from clock_timestamp() - t0) * 1000;
        end $$`);
      const { rows: [t] } = await db.query(`call pg_temp.timed_updates(null)`);
      serverSide[mode].push((t.ms * 1000) / ROWS);
      console.log(`round ${round + 1}, triggers ${mode.padEnd(3)}: ${((t.ms * 1000) / ROWS).toFixed(1)} µs of server time per update statement`);
    }
  }
  await db.query(`alter table message enable trigger user`);
  const mean = (xs) => xs.reduce((a, b) => a + b, 0) / xs.length;
  for (const kind of ['insert', 'update']) {
    console.log(`${kind}: ${mean(results.on[kind]).toFixed(0)}/s with triggers, ${mean(results.off[kind]).toFixed(0)}/s without: ratio ${(mean(results.on[kind]) / mean(results.off[kind])).toFixed(2)}`);
  }
  console.log(`server time per update statement: ${mean(serverSide.on).toFixed(1)} µs with triggers, ${mean(serverSide.off).toFixed(1)} µs without (+${(mean(serverSide.on) - mean(serverSide.off)).toFixed(1)} µs)`);
  await Promise.all(clients.map((c) => c.end()));
} catch (err) {
  console.error(err);
  process.exitCode = 1;
} finally {
  await admin.query(`drop database if exists "${dbName}" with (force)`);
  await admin.end();
}
