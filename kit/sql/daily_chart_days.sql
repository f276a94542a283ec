-- daily_chart_days(platform, months_start, months_end): a platform's daily chart entries of
-- the consecutive months from months_start (a month's first day) to months_end (a month's
-- last day), one row per month × country × track × day with an entry on either chart: the
-- top chart's `position`, `streams` and `source`, and the viral chart's `viral_position`,
-- each null when the day has no entry on that chart (chart_entries holds at most one entry
-- per chart, country, track and day). One branch per chart, so DuckDB pushes each filter
-- into its scan, where it prunes the partitions. Read by artist_track_day_rows and its
-- shortcut artist_track_day_chart_rows. (docs/metrics.md, "The serving layer")
create or replace macro daily_chart_days(p_platform, months_start, months_end) as table
with
top_daily as (
    select c.month, c.country, c.track_id, c.date, c.position, c.streams, c.source
    from chart_entries as c
    where c.platform = lower(p_platform) and c.frequency = 'daily' and c.chart = 'top'
      and c.month between strftime(cast(months_start as date), '%Y-%m') and strftime(cast(months_end as date), '%Y-%m')
),
viral_daily as (
    select c.month, c.country, c.track_id, c.date, c.position as viral_position
    from chart_entries as c
    where c.platform = lower(p_platform) and c.frequency = 'daily' and c.chart = 'viral'
      and c.month between strftime(cast(months_start as date), '%Y-%m') and strftime(cast(months_end as date), '%Y-%m')
)
select * from top_daily full join viral_daily using (month, country, track_id, date)
