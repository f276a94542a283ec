-- audience_edge_parts(artist_ids, platforms, country, part_start, part_end)
-- Grain: one row per artist × platform × metric with a point in the days [part_start,
-- part_end] of a period that are not in its whole months (kit.period.serving_parts):
-- audience_part over them, with the columns audience_summary_served puts together.
-- (docs/metrics.md, "The serving layer")
create or replace macro audience_edge_parts(p_artist_ids, p_platforms, p_country, part_start, part_end) as table
select e.platform, e.artist_id, e.metric, e.first_date, e.first_value, e.last_date, e.last_value,
    e.value_sum, e.points, e.peak_value, e.peak_date
from audience_part(p_artist_ids, p_platforms, p_country, part_start, part_end) as e
