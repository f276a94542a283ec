-- track_positions(track_id, platform, start_date, end_date)
-- Grain: one row per chart entry of one track on one platform's top chart, in every
-- country whose chart it was on (GLOBAL included), daily or weekly, dated inside the
-- period (README "Track detail"; docs/metrics.md, "Chart positions"). A weekly entry is
-- dated on the last day of its week and stands for that week; of two weekly entries of
-- the track in one country whose weeks share a day, only the one that stands in
-- chart_weeks is listed. A day without an entry is a day off the chart (no row, never a zero).
create or replace macro track_positions(p_track_id, p_platform, start_date, end_date) as table
with
entries as (
    select c.date, c.country, c.frequency, c.position, c.chart, c.track_id, c.streams
    from chart_entries as c
    where c.track_id = p_track_id
      and c.platform = lower(p_platform)
      and c.chart = 'top'
      and c.frequency = 'daily'
      and c.month between strftime(cast(start_date as date), '%Y-%m') and strftime(cast(end_date as date), '%Y-%m')
      and c.date between cast(start_date as date) and cast(end_date as date)
    union all
    select w.date, w.country, w.frequency, w.position, w.chart, w.track_id, w.streams
    from chart_weeks(p_platform, null, p_track_id, start_date, end_date) as w
    where w.chart = 'top'
),
final as (
    select
        e.date,
        e.country,
        e.frequency,
        cast(e.position as bigint) as position,
        e.chart,
        e.track_id,
        coalesce(t.title, e.track_id) as title,
        cast(e.streams as bigint) as streams
    from entries as e
    left join tracks as t on t.track_id = e.track_id
)
select * from final
