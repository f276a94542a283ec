-- track_milestones(track_id, platform, country)
-- Grain: one row for one track: the days a comparison of tracks can be aligned on, for
-- one platform × country (GLOBAL = worldwide), over the whole warehouse:
--   release_date       tracks.release_date (null when the warehouse does not know it);
--   chart_entry_date   the first day the track was on the platform's top chart for the
--                      country anywhere in the warehouse, not just inside a period: its
--                      earliest daily entry, or the first day (date − 6) of its earliest
--                      weekly entry that stands in standing_chart_entries, whichever is
--                      earlier; null when never on that chart.
-- (README "Track detail"; docs/metrics.md, "Comparison".)
create or replace macro track_milestones(p_track_id, p_platform, p_country) as table
with
entry as (
    select min(case when c.frequency = 'weekly' then cast(c.date - interval 6 day as date) else c.date end) as chart_entry_date
    -- the whole warehouse: every date a chart entry can carry lies in these bounds
    from standing_chart_entries(p_platform, p_country, p_track_id, date '1900-01-01', date '2999-12-31') as c
    where c.chart = 'top'
),
track as (
    select track_id, title, release_date
    from tracks
    where track_id = p_track_id
),
final as (
    select
        p_track_id as track_id,
        coalesce(t.title, p_track_id) as title,
        t.release_date,
        e.chart_entry_date
    from entry as e
    left join track as t on true
)
select * from final
