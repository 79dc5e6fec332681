-- The code counter starts after the highest code already given (codes were 'Y' || id until now). A database
-- without hazards gets no row (an empty database stays empty: restore checks that); the first code makes it.
insert into counters (name, value)
select 'hazard_code', max(substring(code from 2)::bigint) from hazards having count(*) > 0
on conflict (name) do update set value = greatest(counters.value, excluded.value);
--> statement-breakpoint

-- A voided hazard (作废) counts in no statistic: it keeps only its 'status' row, so ledger totals by status
-- still match the rows. Same function as in 0004, with the voided rows left out of every other kind.
create or replace function hazard_contributions(
  township_id int, industry text, category text, grade text, status text,
  created_at timestamptz, closed_at timestamptz, transfer_department text, listed_supervision text
) returns table (kind text, township_id int, industry text, category text, grade text, status text, month date, n bigint, days float8)
language sql immutable as $$
  with k as (
    select coalesce($1, 0) as t, coalesce($2, '') as i,
      date_trunc('month', $6 at time zone 'Asia/Shanghai')::date as found_month,
      date_trunc('month', $7 at time zone 'Asia/Shanghai')::date as closed_month,
      $5 <> 'voided' as counted
  )
  select 'status', t, i, $3, $4, $5, date '1970-01-01', 1::bigint, 0::float8 from k
  union all select 'found', t, i, '', $4, '', found_month, 1, 0 from k where counted
  union all select 'found_closed', t, i, '', $4, '', found_month, 1, 0 from k where $5 = 'closed'
  union all select 'found_transferred', t, i, '', $4, '', found_month, 1, 0 from k where $8 is not null and counted
  union all select 'found_listed', t, i, '', $4, '', found_month, 1, 0 from k where $9 is not null and counted
  union all select 'closed', t, i, '', $4, '', closed_month, 1, extract(epoch from $7 - $6) / 86400.0 from k
    where $5 = 'closed' and $7 is not null
$$;
