-- chart_week_rows(platform, month_start): the serving layer's weekly chart entries of one
-- platform × month. Grain: one row per weekly entry (top or viral chart, every country)
-- dated in the month that stands in standing_chart_entries (whether it stands never depends
-- on the period asked). Daily entries all stand, so track_part reads them from
-- chart_entries. Stored as the table chart_week by the write path
-- (kit/warehouse/serving.py).
-- (docs/metrics.md, "The serving layer")
create or replace macro chart_week_rows(p_platform, month_start) as table
select c.country, c.chart, c.track_id, c.date, c.position
from standing_chart_entries(p_platform, null, null, month_start, last_day(cast(month_start as date))) as c
where c.frequency = 'weekly'
order by c.country, c.track_id, c.date
