-- track_positions(track_id, platform, start_date, end_date)
-- Grain: one row per chart entry of one track on one platform's top chart, in every
-- country whose chart it was on (GLOBAL included), daily or weekly, dated inside the
-- period (README "Track detail"; docs/metrics.md, "Chart positions"). A weekly entry is
-- dated on the last day of its week and stands for that week; of two weekly entries of
-- the track in one country whose weeks share a day, only the one that stands in
-- standing_chart_entries is listed. A day without an entry is a day off the chart (no row, never a zero).
create or replace macro track_positions(p_track_id, p_platform, start_date, end_date) as table
with
entries as (
    select c.date, c.country, c.frequency, c.position, c.chart, c.track_id, c.streams
    from standing_chart_entries(p_platform, null, p_track_id, start_date, end_date) as c
    where c.chart = 'top'
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
