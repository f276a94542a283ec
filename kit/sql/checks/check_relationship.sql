-- check_relationship(p_table, p_column, p_parent, p_parent_column, p_key)
-- Grain: one row per row of p_table whose p_column names no row of p_parent (by
-- p_parent_column): a credit or a fact row whose track or artist is unknown, which no
-- query can attribute. dbt's `relationships`.
create or replace macro check_relationship(p_table, p_column, p_parent, p_parent_column, p_key) as table
with
child as (
    select t as full_row, columns(lambda c: c = p_column) as ref
    from query_table(p_table) as t
),
parent as (
    select columns(lambda c: c = p_parent_column) as ref from query_table(p_parent)
),
orphans as (
    select full_row, ref from child anti join parent using (ref) where ref is not null
),
final as (
    select
        p_table as tbl,
        p_column || ' → ' || p_parent || '.' || p_parent_column as subject,
        '''' || ref || ''' at ' || check_describe(to_json(full_row), p_key) as example,
        1 as n,
        to_json(full_row) as scope
    from orphans
)
select * from final
