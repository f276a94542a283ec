-- check_load_volume()
-- Grain: one row per successful load (ingest_log, outcome ok) whose row count is under
-- half or over twice the median of the loads of the same source before it (the last 10;
-- at least 3 are needed to know what is usual).
create or replace macro check_load_volume() as table
with
loads as (
    select load_id, loaded_at, source, file, rows
    from ingest_log
    where outcome = 'ok' and rows is not null
),
compared as (
    select
        *,
        median(rows) over recent as usual_rows,
        count(*) over recent as earlier_loads
    from loads
    window recent as (
        partition by source order by loaded_at, load_id
        rows between 10 preceding and 1 preceding
    )
),
final as (
    select
        'ingest_log' as tbl,
        source as subject,
        coalesce(file, load_id) || ' at ' || strftime(loaded_at, '%Y-%m-%d %H:%M:%S') || ': '
            || rows || ' rows, recent loads ' || cast(usual_rows as bigint) as example,
        1 as n,
        json_object() as scope
    from compared
    where earlier_loads >= 3 and (rows < usual_rows / 2 or rows > usual_rows * 2)
)
select * from final
