-- track_values(platform, country, start_date, end_date): the streams that count, per track,
-- in one country (GLOBAL = worldwide), or in every country when country is null (the
-- serving layer, kit/sql/track_part.sql, builds all countries of a month at once).
-- Grain: one row per country × track × day with a streams value (days = 1), or per
-- country × track × week (days = 7, dated on the week's last day), for one platform.
-- Each track × day counts one value, whatever the sources (README, "What the numbers
-- mean"; docs/metrics.md, "Track values"):
--   1. the track's own daily series (track_streams) on a day where it has a value;
--   2. else the platform's daily chart for that country (chart 'top', streams not null);
--   3. a weekly chart entry (chart 'top', streams not null) covers the seven days ending
--      on its date. It counts when that date lies inside the period, when it stands in
--      standing_chart_entries (of overlapping weekly entries, the first in source order),
--      and only when the track has no daily value (1 or 2) on any of those seven days.
create or replace macro track_values(p_platform, p_country, start_date, end_date) as table
with
bounds as (
    select
        cast(start_date as date) as lo,
        cast(end_date as date) as hi,
        -- daily values from six days before the period decide whether a weekly row counts
        cast(cast(start_date as date) - interval 6 day as date) as lo_week
),
own as (
    select s.country, s.track_id, s.date, s.streams, s.source
    from track_streams as s, bounds as b
    where s.platform = lower(p_platform)
      and (p_country is null or s.country = upper(p_country))
      and s.month between strftime(b.lo_week, '%Y-%m') and strftime(b.hi, '%Y-%m')
      and s.date between b.lo_week and b.hi
),
chart_rows as (
    -- from six days before the period: daily chart values there decide whether a weekly
    -- value counts (whether a weekly entry stands does not depend on the period asked)
    select c.country, c.track_id, c.date, c.frequency, c.streams, c.source
    from standing_chart_entries(p_platform, p_country, null, cast(cast(start_date as date) - interval 6 day as date), end_date) as c
    where c.chart = 'top'
      and c.streams is not null
),
-- A weekly value counts when no daily value (own series, or a daily chart value) lies
-- in its seven days: tested against each source as it is read, so neither the daily
-- values nor their union is held as an intermediate result (DuckDB materializes a CTE
-- read twice; the serving layer's track_day_rows over a month of the benchmark's big
-- file cost a fifth more CPU so).
weekly as (
    select w.country, w.track_id, w.date, w.streams, w.source, 'weekly chart' as kind
    from chart_rows as w, bounds as b
    where w.frequency = 'weekly'
      and w.date between b.lo and b.hi
      and not exists (
          select 1
          from chart_rows as d
          where d.frequency = 'daily'
            and d.track_id = w.track_id
            and d.country = w.country
            and d.date between cast(w.date - interval 6 day as date) and w.date
      )
      and not exists (
          select 1
          from own as d
          where d.track_id = w.track_id
            and d.country = w.country
            and d.date between cast(w.date - interval 6 day as date) and w.date
      )
),
final as (
    select o.country, o.track_id, o.date, cast(o.streams as bigint) as streams, cast(1 as bigint) as days, 'own series' as kind, o.source
    from own as o, bounds as b
    where o.date between b.lo and b.hi
    union all
    select d.country, d.track_id, d.date, cast(d.streams as bigint) as streams, cast(1 as bigint) as days, 'daily chart' as kind, d.source
    from chart_rows as d, bounds as b
    where d.frequency = 'daily'
      and d.date between b.lo and b.hi
      and not exists (
          select 1 from own as o where o.track_id = d.track_id and o.date = d.date and o.country = d.country
      )
    union all
    select country, track_id, date, cast(streams as bigint) as streams, cast(7 as bigint) as days, kind, source
    from weekly
)
select * from final
