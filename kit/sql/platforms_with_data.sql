-- platforms_with_data(artist_ids, country, start_date, end_date)
-- Grain: one row per platform that holds rows of period_rows for these artists in the
-- country and period (audience, chart entries or own series; a platform with data only in
-- another country or period has none): how many rows, and the first and last date. A
-- query's default platforms, and the Explorer's and the report's platform choices
-- (docs/metrics.md, "Platforms with data").
create or replace macro platforms_with_data(p_artist_ids, p_country, start_date, end_date) as table
with
final as (
    select platform, count(*) as row_count, min(date) as first_date, max(date) as last_date
    from period_rows(p_artist_ids, p_country, start_date, end_date)
    group by platform
)
select * from final
order by platform
