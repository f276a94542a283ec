-- track_comparison(track_id, platform, country, start_date, end_date)
-- Grain: one row per day (days = 1) or week (days = 7, dated on its last day) with a
-- counted streams value of one track in [start_date, end_date], for one platform ×
-- country, with the precedence of track_daily, and its distance in days from the track's
-- milestones (track_milestones): days_since_release and days_since_chart_entry are
-- date − that day (0 on the day itself; null when the day is unknown) (README "Track
-- detail"; docs/metrics.md, "Comparison").
create or replace macro track_comparison(p_track_id, p_platform, p_country, start_date, end_date) as table
with
milestones as (
    select *
    from track_milestones(p_track_id, p_platform, p_country)
),
series as (
    select v.track_id, v.date, v.streams, v.days, v.kind, v.source
    from track_daily(p_platform, p_country, start_date, end_date) as v
    where v.track_id = p_track_id
),
final as (
    select
        s.track_id,
        m.title,
        s.date,
        s.streams,
        s.days,
        s.kind,
        s.source,
        m.release_date,
        m.chart_entry_date,
        date_diff('day', m.release_date, s.date) as days_since_release,
        date_diff('day', m.chart_entry_date, s.date) as days_since_chart_entry
    from series as s
    cross join milestones as m
)
select * from final
