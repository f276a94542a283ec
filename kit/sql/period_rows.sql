-- period_rows(artist_ids, country, start_date, end_date)
-- Grain: one row per stored row behind a query of these artists in the country and period,
-- on any platform: their audience points (artist_audience), and the chart entries
-- (chart_entries, top and viral) and own-series values (track_streams) of the tracks
-- credited to them, main or featured, dated start ≤ date ≤ end. The one definition of
-- "the data there is" (docs/metrics.md, "Platforms with data"): period_sources lists it
-- per table × source, platforms_with_data per platform.
create or replace macro period_rows(p_artist_ids, p_country, start_date, end_date) as table
with
credited as (
    select distinct track_id
    from track_credits
    where list_contains(p_artist_ids, artist_id)
),
audience as (
    select 'artist_audience' as data, a.platform, a.source, a.date
    from artist_audience as a
    where list_contains(p_artist_ids, a.artist_id)
      and a.country = upper(p_country)
      and a.month between strftime(cast(start_date as date), '%Y-%m') and strftime(cast(end_date as date), '%Y-%m')
      and a.date between cast(start_date as date) and cast(end_date as date)
),
charts as (
    select 'chart_entries' as data, c.platform, c.source, c.date
    from chart_entries as c
    join credited as k on k.track_id = c.track_id
    where c.country = upper(p_country)
      and c.month between strftime(cast(start_date as date), '%Y-%m') and strftime(cast(end_date as date), '%Y-%m')
      and c.date between cast(start_date as date) and cast(end_date as date)
),
own_series as (
    select 'track_streams' as data, s.platform, s.source, s.date
    from track_streams as s
    join credited as k on k.track_id = s.track_id
    where s.country = upper(p_country)
      and s.month between strftime(cast(start_date as date), '%Y-%m') and strftime(cast(end_date as date), '%Y-%m')
      and s.date between cast(start_date as date) and cast(end_date as date)
),
final as (
    select * from audience
    union all
    select * from charts
    union all
    select * from own_series
)
select * from final
