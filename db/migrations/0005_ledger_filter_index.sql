-- The console's ledger page filtered by township, status, grade and category, newest first, without a sort.
create index if not exists hazards_ledger_filter_idx on hazards (township_id, status, grade, category, created_at, id);
