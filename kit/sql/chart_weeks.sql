-- chart_weeks(platform, country, track_id, start_date, end_date)
-- Grain: one row per weekly chart entry of the platform (top or viral chart) dated inside
-- the period that stands once overlapping weekly entries are resolved, for one country
-- (null: every country) and one track (null: every track). Every definition that reads
-- weekly chart entries reads them here (docs/metrics.md, "Overlapping weekly entries"):
--   A weekly entry covers the seven days ending on its date. Of two weekly entries of one
--   track on one chart × country whose weeks share a day (their dates are at most six days
--   apart), only the one that ranks first stands:
--     1. by source: 'spotify_charts' (the chart files), then 'soundcharts', then any
--        other source in alphabetical order;
--     2. within one source, the later date.
--   An entry is dropped when any overlapping entry ranks before it, whether or not that
--   one stands itself, so no two weeks that stand share a day. Entries dated up to six
--   days either side of the period take part, so whether an entry stands never depends
--   on the period asked. (Daily entries need no such rule: the table's key holds one per
--   track × day × chart × country.)
create or replace macro chart_weeks(p_platform, p_country, p_track_id, start_date, end_date) as table
with
nearby as (
    select
        c.date,
        c.country,
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
      and c.frequency = 'weekly'
      and c.month between strftime(cast(start_date as date) - interval 6 day, '%Y-%m')
                      and strftime(cast(end_date as date) + interval 6 day, '%Y-%m')
      and c.date between cast(cast(start_date as date) - interval 6 day as date)
                     and cast(cast(end_date as date) + interval 6 day as date)
),
final as (
    select e.date, e.country, 'weekly' as frequency, e.chart, e.position, e.track_id, e.streams, e.source
    from nearby as e
    where e.date between cast(start_date as date) and cast(end_date as date)
      and not exists (
          select 1
          from nearby as w
          where w.track_id = e.track_id
            and w.country = e.country
            and w.chart = e.chart
            and w.date between cast(e.date - interval 6 day as date) and cast(e.date + interval 6 day as date)
            and w.date <> e.date
            and (
                w.source_rank < e.source_rank
                or (w.source_rank = e.source_rank and w.source < e.source)
                or (w.source_rank = e.source_rank and w.source = e.source and w.date > e.date)
            )
      )
)
select * from final
