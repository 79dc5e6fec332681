-- Hazard codes without holes (issue 14): the number is taken from the `hazard_code` row of `counters` in the
-- transaction that writes the hazard, so a rollback or a crash gives it back; concurrent writers wait on the row.
-- plpgsql, so the functions may be created before the `counters` table (created by the next migration).
create or replace function take_hazard_codes(n int) returns bigint language plpgsql as $$
declare top bigint;
begin
  insert into counters as c (name, value) values ('hazard_code', n)
    on conflict (name) do update set value = c.value + excluded.value
    returning value into top;
  return top;
end $$;
--> statement-breakpoint
create or replace function next_hazard_code() returns text language plpgsql as $$
begin
  return 'Y' || take_hazard_codes(1);
end $$;
