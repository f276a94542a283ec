-- artist_track_day_rows(platform, months_start, months_end): the serving layer's day facts
-- of one platform over the consecutive months from months_start (a month's first day) to
-- months_end (a month's last day), filed under each artist credited on the track.
-- Grain: one row per month × country × artist × track × day dated in those months with a
-- fact, once per artist credited on its track (track_credits), the day's facts side by
-- side: its counted value of track_day (streams, days, kind, source; null when it has
-- none), its daily chart entries of chart_entries (all stand: `position` on the top chart,
-- `viral_position` on the viral chart) and its standing weekly entries of chart_week
-- (`week_position`, `week_viral_position`), each null when the day has none. The same
-- facts as those tables, put in the order one artist's rows are read in: a period's days
-- before and after its whole months read only the artist's rows of a country, in one or
-- two row groups, and need no credits (track_edge_pieces). Stored as the table
-- artist_track_day by the write path (kit/warehouse/serving.py) from the month's track_day
-- and chart_week rows, its daily chart entries and the tracks' credits.
-- (docs/metrics.md, "The serving layer")
create or replace macro artist_track_day_rows(p_platform, months_start, months_end) as table
with
-- each table's rows of the platform's months, one branch per table and chart (DuckDB
-- pushes each filter into its scan, where it prunes the partitions; the daily charts'
-- entries already side by side in daily_chart_days); a full join of the four on the day's
-- key puts its facts in one row (each has at most one row per key)
value_rows as (
    select v.month, v.country, v.track_id, v.date, v.streams, v.days, v.kind, v.source
    from track_day as v
    where v.platform = lower(p_platform)
      and v.month between strftime(cast(months_start as date), '%Y-%m') and strftime(cast(months_end as date), '%Y-%m')
),
daily_rows as (
    select d.month, d.country, d.track_id, d.date, d.position, d.viral_position
    from daily_chart_days(p_platform, months_start, months_end) as d
),
top_weekly as (
    select w.month, w.country, w.track_id, w.date, w.position as week_position
    from chart_week as w
    where w.platform = lower(p_platform) and w.chart = 'top'
      and w.month between strftime(cast(months_start as date), '%Y-%m') and strftime(cast(months_end as date), '%Y-%m')
),
viral_weekly as (
    select w.month, w.country, w.track_id, w.date, w.position as week_viral_position
    from chart_week as w
    where w.platform = lower(p_platform) and w.chart = 'viral'
      and w.month between strftime(cast(months_start as date), '%Y-%m') and strftime(cast(months_end as date), '%Y-%m')
),
days as (
    select *
    from value_rows
    full join daily_rows using (month, country, track_id, date)
    full join top_weekly using (month, country, track_id, date)
    full join viral_weekly using (month, country, track_id, date)
)
select
    d.month, lower(p_platform) as platform, d.country, cr.artist_id, d.track_id, d.date,
    d.streams, d.days, d.kind, d.source, d.position, d.viral_position, d.week_position, d.week_viral_position
from days as d
join track_credits as cr on cr.track_id = d.track_id
order by d.month, d.country, cr.artist_id, d.track_id, d.date
