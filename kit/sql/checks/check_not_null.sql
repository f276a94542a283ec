-- check_not_null(p_table, p_column, p_key)
-- Grain: one row per row of p_table whose p_column (a key or required column of
-- kit/schema.py) is empty: null, or text of blanks only. dbt's `not_null`; the example
-- names the row by its key.
create or replace macro check_not_null(p_table, p_column, p_key) as table
with
valued as (
    select t as full_row, columns(lambda c: c = p_column) as checked
    from query_table(p_table) as t
),
empty as (
    select full_row from valued where coalesce(trim(cast(checked as varchar)), '') = ''
),
final as (
    select
        p_table as tbl,
        p_column as subject,
        check_describe(to_json(full_row), p_key) as example,
        1 as n,
        to_json(full_row) as scope
    from empty
)
select * from final
