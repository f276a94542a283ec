-- track_day_rows(platform, month_start): the serving layer's counted values of one
-- platform × month. Grain: one row per country × track × day (days = 1) or week (days = 7,
-- dated on its last day) dated in the month: the rows of track_values over the month, in
-- every country (whether a value counts never depends on the period asked, so a period's
-- values are the stored rows dated inside it). Stored as the table track_day by the write
-- path (kit/warehouse/serving.py), read by track_part.
-- (docs/metrics.md, "The serving layer")
create or replace macro track_day_rows(p_platform, month_start) as table
select v.country, v.track_id, v.date, v.streams, v.days, v.kind, v.source
from track_values(p_platform, null, month_start, last_day(cast(month_start as date))) as v
order by v.country, v.track_id, v.date
