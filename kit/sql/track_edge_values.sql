-- track_edge_values(rows, artist_id, country, start_date, head_start, head_end, tail_start, tail_end)
-- Grain: one row per counted value (track_values: a day, or a week dated on its last day)
-- of a track credited to the artist dated in the head [head_start, head_end] or the tail
-- [tail_start, tail_end] of a period starting on start_date (kit.period.serving_parts;
-- either edge null when the period has none), from `rows`, the rows of one platform's
-- track_day files of the edges' months (a table the calling query names, as
-- track_month_pieces); in the columns track_breakdown_pieces puts together. Covered
-- days: the value's days inside the period (a weekly value's days before start_date do not
-- count). (docs/metrics.md, "The serving layer")
create or replace macro track_edge_values(p_rows, p_artist_id, p_country, start_date, head_start, head_end, tail_start, tail_end) as table
select
    v.track_id,
    v.streams,
    v.days,
    case when v.days = 1 then 1 else date_diff('day', greatest(cast(start_date as date), cast(v.date - interval 6 day as date)), v.date) + 1 end as covered_days,
    [v.kind || ' (' || v.source || ')'] as sources,
    {'days': v.days, 'minus_streams': -v.streams, 'date': v.date} as peak,
    cast(null as bigint) as position,
    cast(null as bigint) as viral_position,
    cast(null as bigint) as chart_days,
    cast(null as date) as first_day,
    cast(null as date) as last_day,
    cast(null as date) as edge_day
from query_table(p_rows) as v
where v.country = upper(p_country)
  and (v.date between cast(head_start as date) and cast(head_end as date)
       or v.date between cast(tail_start as date) and cast(tail_end as date))
  and v.track_id in (select track_id from track_credits where artist_id = p_artist_id)
