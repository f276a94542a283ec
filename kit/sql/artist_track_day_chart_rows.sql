-- artist_track_day_chart_rows(platform, months_start, months_end): artist_track_day_rows over
-- months whose values are the daily chart's alone, the write path's shortcut
-- (kit/warehouse/serving.py). When no own series (track_streams) lies in the months or the
-- six days before them and no weekly entry (chart_entries) is dated in them, the months'
-- track_day rows are their top-chart daily entries with streams, each a row of kind
-- 'daily chart' and one day (track_day_chart_rows), and chart_week holds no row dated in
-- them. So a day's facts come from its daily chart entries alone, read once: the value
-- and `position` of its top-chart entry (the value null when the entry has no streams),
-- `viral_position` of its viral-chart entry, the weekly positions null. The same rows as
-- artist_track_day_rows, not sorted (DuckDB's sort of them took most of the statement's
-- CPU): the write path sorts them by whole numbers, by the two columns added for it,
-- `month_day` (the month's first day) and `credit` (the credit's rank in the order of
-- artist and track), then country and day, which is artist_track_day_rows' order (month,
-- country, artist, track, day).
-- (docs/metrics.md, "The serving layer")
create or replace macro artist_track_day_chart_rows(p_platform, months_start, months_end) as table
with
-- each credit's rank in the order of artist and track (one rank for a credit listed twice,
-- whose rows the full macro also repeats)
credits as (
    select cr.track_id, cr.artist_id, dense_rank() over (order by cr.artist_id, cr.track_id) as credit
    from track_credits as cr
),
credited as (
    select
        d.month, d.country, cr.artist_id, d.track_id, d.date, d.streams, d.source, d.position, d.viral_position,
        -- a month by its first day, as its 'YYYY-MM' orders it
        d.date - cast(day(d.date) - 1 as integer) as month_day, cr.credit
    from daily_chart_days(p_platform, months_start, months_end) as d
    join credits as cr on cr.track_id = d.track_id
)
select
    o.month, lower(p_platform) as platform, o.country, o.artist_id, o.track_id, o.date,
    case when o.streams is not null then cast(o.streams as bigint) end as streams,
    case when o.streams is not null then cast(1 as bigint) end as days,
    case when o.streams is not null then 'daily chart' end as kind,
    case when o.streams is not null then o.source end as source,
    o.position, o.viral_position,
    cast(null as integer) as week_position, cast(null as integer) as week_viral_position,
    o.month_day, cast(o.credit as bigint) as credit
from credited as o
