-- data_span
-- Grain: one row per platform × country that has any dated row (audience, chart entry or
-- track streams): the first and the last date with data there. The Explorer builds its
-- pickers from it and counts its relative periods ("last month") back from last_date.
-- What a query's artists have in its country and period is platforms_with_data
-- (docs/metrics.md, "Platforms with data").
create or replace view data_span as
with
dated as (
    select platform, country, date from artist_audience
    union all
    select platform, country, date from chart_entries
    union all
    select platform, country, date from track_streams
),
final as (
    select platform, country, min(date) as first_date, max(date) as last_date
    from dated
    group by platform, country
)
select * from final
