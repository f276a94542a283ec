-- check_accepted_values(p_table, p_column, p_values, p_key)
-- Grain: one row per row of p_table whose p_column holds a value outside p_values (the
-- accepted set kit.checks gives for that column). dbt's `accepted_values`; empty values
-- are check_not_null's.
create or replace macro check_accepted_values(p_table, p_column, p_values, p_key) as table
with
valued as (
    select t as full_row, cast(columns(lambda c: c = p_column) as varchar) as checked
    from query_table(p_table) as t
),
outside as (
    select full_row, checked
    from valued
    where checked is not null and not list_contains(p_values, checked)
),
final as (
    select
        p_table as tbl,
        p_column as subject,
        '''' || checked || ''' at ' || check_describe(to_json(full_row), p_key) as example,
        1 as n,
        to_json(full_row) as scope
    from outside
)
select * from final
