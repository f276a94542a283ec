-- track_edge_parts(artist_id, platform, country, part_start, part_end, start_date, end_date)
-- Grain: one row per track credited to the artist with figures in the days [part_start,
-- part_end] of the period [start_date, end_date] that are not in its whole months
-- (kit.period.serving_parts): track_part over them, with the columns track_breakdown_served
-- puts together.
-- (docs/metrics.md, "The serving layer")
create or replace macro track_edge_parts(p_artist_id, p_platform, p_country, part_start, part_end, start_date, end_date) as table
select
    e.track_id, e.total_streams, e.days_with_value, e.covered_days, e.sources, e.peak_days, e.peak_streams,
    e.peak_date, e.best_position, e.best_viral_position, e.chart_days, e.first_chart_date, e.last_chart_date
from track_part(p_artist_id, p_platform, p_country, part_start, part_end, start_date, end_date) as e
