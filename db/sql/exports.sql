-- Summary counters and ledger indexes for the console's overview, statistics table and exports (issue 4).
-- Idempotent: safe to run again. The breakpoint comments let drizzle run it as a custom migration. Apply after the migration that creates hazard_counts and hazard_count_deltas.

create index if not exists hazards_created_idx on hazards (created_at, id);
--> statement-breakpoint
create index if not exists hazards_township_created_idx on hazards (township_id, created_at);
--> statement-breakpoint
create index if not exists hazards_industry_created_idx on hazards (industry, created_at);
--> statement-breakpoint
create index if not exists hazards_overdue_idx on hazards (deadline) where status in ('reported', 'rectifying');
--> statement-breakpoint
create index if not exists hazards_closed_idx on hazards (closed_at) where closed_at is not null;
--> statement-breakpoint
create index if not exists hazards_campaign_idx on hazards (campaign, created_at) where campaign is not null;
--> statement-breakpoint
create index if not exists hazards_ledger_filter_idx on hazards (township_id, status, grade, category, created_at, id);
--> statement-breakpoint

-- What one hazard row adds to the counters (see db/schema/stats.ts for the kinds).
create or replace function hazard_contributions(
  township_id int, industry text, category text, grade text, status text,
  created_at timestamptz, closed_at timestamptz, transfer_department text, listed_supervision text
) returns table (kind text, township_id int, industry text, category text, grade text, status text, month date, n bigint, days float8)
language sql immutable as $$
  with k as (
    select coalesce($1, 0) as t, coalesce($2, '') as i,
      date_trunc('month', $6 at time zone 'Asia/Shanghai')::date as found_month,
      date_trunc('month', $7 at time zone 'Asia/Shanghai')::date as closed_month
  )
  select 'status', t, i, $3, $4, $5, date '1970-01-01', 1::bigint, 0::float8 from k
  union all select 'found', t, i, '', $4, '', found_month, 1, 0 from k
  union all select 'found_closed', t, i, '', $4, '', found_month, 1, 0 from k where $5 = 'closed'
  union all select 'found_transferred', t, i, '', $4, '', found_month, 1, 0 from k where $8 is not null
  union all select 'found_listed', t, i, '', $4, '', found_month, 1, 0 from k where $9 is not null
  union all select 'closed', t, i, '', $4, '', closed_month, 1, extract(epoch from $7 - $6) / 86400.0 from k
    where $5 = 'closed' and $7 is not null
$$;
--> statement-breakpoint

-- Statement-level triggers with transition tables: one insert into the deltas per statement, whatever its size.
create or replace function hazards_counts_insert() returns trigger language plpgsql as $$
begin
  insert into hazard_count_deltas (kind, township_id, industry, category, grade, status, month, n, days)
  select c.kind, c.township_id, c.industry, c.category, c.grade, c.status, c.month, sum(c.n), sum(c.days)
  from new_rows h cross join lateral hazard_contributions(h.township_id, h.industry, h.category, h.grade, h.status,
    h.created_at, h.closed_at, h.transfer_department, h.listed_supervision) c
  group by 1, 2, 3, 4, 5, 6, 7;
  return null;
end $$;
--> statement-breakpoint

create or replace function hazards_counts_update() returns trigger language plpgsql as $$
begin
  insert into hazard_count_deltas (kind, township_id, industry, category, grade, status, month, n, days)
  select c.kind, c.township_id, c.industry, c.category, c.grade, c.status, c.month, sum(c.n), sum(c.days)
  from (
    select x.* from new_rows h cross join lateral hazard_contributions(h.township_id, h.industry, h.category, h.grade,
      h.status, h.created_at, h.closed_at, h.transfer_department, h.listed_supervision) x
    union all
    select x.kind, x.township_id, x.industry, x.category, x.grade, x.status, x.month, -x.n, -x.days
    from old_rows h cross join lateral hazard_contributions(h.township_id, h.industry, h.category, h.grade,
      h.status, h.created_at, h.closed_at, h.transfer_department, h.listed_supervision) x
  ) c
  group by 1, 2, 3, 4, 5, 6, 7
  having sum(c.n) <> 0 or sum(c.days) <> 0;
  return null;
end $$;
--> statement-breakpoint

create or replace function hazards_counts_delete() returns trigger language plpgsql as $$
begin
  insert into hazard_count_deltas (kind, township_id, industry, category, grade, status, month, n, days)
  select c.kind, c.township_id, c.industry, c.category, c.grade, c.status, c.month, -sum(c.n), -sum(c.days)
  from old_rows h cross join lateral hazard_contributions(h.township_id, h.industry, h.category, h.grade, h.status,
    h.created_at, h.closed_at, h.transfer_department, h.listed_supervision) c
  group by 1, 2, 3, 4, 5, 6, 7;
  return null;
end $$;
--> statement-breakpoint

-- Folds the deltas into the counters; one folder at a time (others return at once, readers sum both tables).
create or replace function hazard_counts_fold() returns bigint language plpgsql as $$
declare moved bigint;
begin
  if not pg_try_advisory_xact_lock(724002) then return 0; end if;
  with d as (delete from hazard_count_deltas returning *), s as (
    insert into hazard_counts as t (kind, township_id, industry, category, grade, status, month, n, days)
    select kind, township_id, industry, category, grade, status, month, sum(n), sum(days) from d group by 1, 2, 3, 4, 5, 6, 7
    on conflict (kind, township_id, industry, category, grade, status, month)
      do update set n = t.n + excluded.n, days = t.days + excluded.days
    returning 1
  )
  select count(*) into moved from s;
  return moved;
end $$;
--> statement-breakpoint

-- First install on a database that already has hazards: count them once.
insert into hazard_count_deltas (kind, township_id, industry, category, grade, status, month, n, days)
select c.kind, c.township_id, c.industry, c.category, c.grade, c.status, c.month, sum(c.n), sum(c.days)
from hazards h cross join lateral hazard_contributions(h.township_id, h.industry, h.category, h.grade, h.status,
  h.created_at, h.closed_at, h.transfer_department, h.listed_supervision) c
where not exists (select 1 from hazard_counts) and not exists (select 1 from hazard_count_deltas)
  and not exists (select 1 from pg_trigger where tgname = 'hazards_counts_insert')
group by 1, 2, 3, 4, 5, 6, 7;
--> statement-breakpoint

drop trigger if exists hazards_counts_insert on hazards;
--> statement-breakpoint
create trigger hazards_counts_insert after insert on hazards
  referencing new table as new_rows for each statement execute function hazards_counts_insert();
--> statement-breakpoint
drop trigger if exists hazards_counts_update on hazards;
--> statement-breakpoint
create trigger hazards_counts_update after update on hazards
  referencing old table as old_rows new table as new_rows for each statement execute function hazards_counts_update();
--> statement-breakpoint
drop trigger if exists hazards_counts_delete on hazards;
--> statement-breakpoint
create trigger hazards_counts_delete after delete on hazards
  referencing old table as old_rows for each statement execute function hazards_counts_delete();
--> statement-breakpoint

select hazard_counts_fold();
--> statement-breakpoint
