-- standing_chart_entries(platform, country, track_id, start_date, end_date)
-- Grain: one row per chart entry of the platform (top or viral chart, daily or weekly)
-- dated inside the period that stands once overlapping weekly entries are resolved, for
-- one country (null: every country) and one track (null: every track). Every definition
-- that reads chart entries reads them here (docs/metrics.md, "Overlapping weekly entries"):
--   A weekly entry covers the seven days ending on its date. Of two weekly entries of one
--   track on one chart × country whose weeks share a day (their dates are at most six days
--   apart), only the one that ranks first stands:
--     1. by source: 'spotify_charts' (the chart files), then 'soundcharts', then any
--        other source in alphabetical order;
--     2. within one source, the later date.
--   An entry is dropped when any overlapping entry ranks before it, whether or not that
--   one stands itself, so no two weeks that stand share a day. Entries dated up to six
--   days either side of the period take part, so whether an entry stands never depends
--   on the period asked. Daily entries all stand: the table's key holds one per track ×
--   day × chart × country.
create or replace macro standing_chart_entries(p_platform, p_country, p_track_id, start_date, end_date) as table
with
-- the weekly entries near the period (the daily ones all stand: read for the period alone,
-- below, so the weekly ones, few beside them, are the only rows held for the self-join)
nearby as (
    select
        c.date,
        c.country,
        c.frequency,
        c.chart,
        c.position,
        c.track_id,
        c.streams,
        c.source,
        case c.source when 'spotify_charts' then 1 when 'soundcharts' then 2 else 3 end as source_rank
    from chart_entries as c
    where c.platform = lower(p_platform)
      and (p_country is null or c.country = upper(p_country))
      and (p_track_id is null or c.track_id = p_track_id)
      and c.month between strftime(cast(start_date as date) - interval 6 day, '%Y-%m')
                      and strftime(cast(end_date as date) + interval 6 day, '%Y-%m')
      and c.frequency = 'weekly'
      and c.date between cast(cast(start_date as date) - interval 6 day as date)
                     and cast(cast(end_date as date) + interval 6 day as date)
),
weeks as (
    select date, country, chart, position, track_id, streams, source,
        -- sources in order: the rank (one digit), then the name
        cast(source_rank as varchar) || source as source_order
    from nearby
    where frequency = 'weekly'
),
standing_weeks as (
    select e.date, e.country, e.chart, e.position, e.track_id, e.streams, e.source
    from weeks as e
    where e.date between cast(start_date as date) and cast(end_date as date)
      and not exists (
          select 1
          from weeks as w
          where w.track_id = e.track_id
            and w.country = e.country
            and w.chart = e.chart
            and w.date between cast(e.date - interval 6 day as date) and cast(e.date + interval 6 day as date)
            and (w.source_order < e.source_order or (w.source_order = e.source_order and w.date > e.date))
      )
),
final as (
    select c.date, c.country, c.frequency, c.chart, c.position, c.track_id, c.streams, c.source
    from chart_entries as c
    where c.platform = lower(p_platform)
      and c.frequency = 'daily'
      and (p_country is null or c.country = upper(p_country))
      and (p_track_id is null or c.track_id = p_track_id)
      and c.month between strftime(cast(start_date as date), '%Y-%m') and strftime(cast(end_date as date), '%Y-%m')
      and c.date between cast(start_date as date) and cast(end_date as date)
    union all
    select date, country, 'weekly' as frequency, chart, position, track_id, streams, source
    from standing_weeks
)
select * from final
