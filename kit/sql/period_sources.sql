-- period_sources(artist_ids, platforms, country, start_date, end_date)
-- Grain: one row per table × platform × source that holds rows for these artists (their
-- audience, and the chart entries and own series of the tracks credited to them) in the
-- country and period: how many rows, and the first and last date. The report's About
-- sheet lists it, so a reader sees where each figure came from and how far it reaches.
create or replace macro period_sources(p_artist_ids, p_platforms, p_country, start_date, end_date) as table
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
      and list_contains(p_platforms, a.platform)
      and a.country = upper(p_country)
      and a.month between strftime(cast(start_date as date), '%Y-%m') and strftime(cast(end_date as date), '%Y-%m')
      and a.date between cast(start_date as date) and cast(end_date as date)
),
charts as (
    select 'chart_entries' as data, c.platform, c.source, c.date
    from chart_entries as c
    join credited as k on k.track_id = c.track_id
    where list_contains(p_platforms, c.platform)
      and c.country = upper(p_country)
      and c.month between strftime(cast(start_date as date), '%Y-%m') and strftime(cast(end_date as date), '%Y-%m')
      and c.date between cast(start_date as date) and cast(end_date as date)
),
own_series as (
    select 'track_streams' as data, s.platform, s.source, s.date
    from track_streams as s
    join credited as k on k.track_id = s.track_id
    where list_contains(p_platforms, s.platform)
      and s.country = upper(p_country)
      and s.month between strftime(cast(start_date as date), '%Y-%m') and strftime(cast(end_date as date), '%Y-%m')
      and s.date between cast(start_date as date) and cast(end_date as date)
),
final as (
    select data, platform, source, count(*) as row_count, min(date) as first_date, max(date) as last_date
    from (
        select * from audience
        union all
        select * from charts
        union all
        select * from own_series
    )
    group by data, platform, source
)
select * from final
order by data, platform, source
