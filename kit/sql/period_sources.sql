-- period_sources(artist_ids, platforms, country, start_date, end_date)
-- Grain: one row per table × platform × source that holds rows of period_rows (these
-- artists' audience, and the chart entries and own series of the tracks credited to them,
-- in the country and period) on one of the platforms: how many rows, and the first and
-- last date. The report's About sheet lists it, so a reader sees where each figure came
-- from and how far it reaches; a query with none of these rows has no answer
-- (docs/metrics.md, "Platforms with data").
create or replace macro period_sources(p_artist_ids, p_platforms, p_country, start_date, end_date) as table
with
final as (
    select data, platform, source, count(*) as row_count, min(date) as first_date, max(date) as last_date
    from period_rows(p_artist_ids, p_country, start_date, end_date)
    where list_contains(p_platforms, platform)
    group by data, platform, source
)
select * from final
order by data, platform, source
