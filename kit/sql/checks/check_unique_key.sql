-- check_unique_key(p_table, p_key)
-- Grain: one row per natural key (p_key, the columns of kit/schema.py's key) that more
-- than one row of p_table holds. dbt's `unique`; n = 1, so a finding counts keys.
create or replace macro check_unique_key(p_table, p_key) as table
with
repeated as (
    select columns(lambda c: list_contains(p_key, c)), count(*) as copies
    from query_table(p_table)
    group by all
    having count(*) > 1
),
final as (
    select
        p_table as tbl,
        array_to_string(p_key, ', ') as subject,
        check_describe(to_json(key_row), p_key) || ' (' || key_row.copies || ' rows)' as example,
        1 as n,
        to_json(key_row) as scope
    from repeated as key_row
)
select * from final
