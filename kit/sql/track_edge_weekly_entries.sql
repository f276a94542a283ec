-- track_edge_weekly_entries(rows, artist_id, country, end_date, head_start, head_end, tail_start, tail_end)
-- Grain: one row per standing weekly chart entry (chart_week) of a track credited to the
-- artist × day of the seven it covers (the days ending on its date), for the entries dated
-- in the head [head_start, head_end] or the tail [tail_start, tail_end] of a period ending
-- on end_date, or up to six days after the head and never after end_date
-- (kit.period.serving_parts; either edge null when the period has none), from `rows`, the
-- rows of one platform's chart_week files of those months (a table the calling query
-- names, as track_month_pieces); the rows with a position or a top-chart day of an
-- edge, in the columns track_breakdown_pieces puts together: the position where the entry
-- is dated in an edge, the day where it is a top-chart day in one. (docs/metrics.md, "The
-- serving layer")
create or replace macro track_edge_weekly_entries(p_rows, p_artist_id, p_country, end_date, head_start, head_end, tail_start, tail_end) as table
with
covered as (
    select
        w.track_id,
        w.chart,
        w.position,
        w.date between cast(head_start as date) and cast(head_end as date)
            or w.date between cast(tail_start as date) and cast(tail_end as date) as dated_in_edge,
        cast(unnest(generate_series(cast(w.date - interval 6 day as date), w.date, interval 1 day)) as date) as day
    from query_table(p_rows) as w
    where w.country = upper(p_country)
      and (w.date between cast(head_start as date)
                      and least(cast(end_date as date), cast(cast(head_end as date) + interval 6 day as date))
           or w.date between cast(tail_start as date) and cast(tail_end as date))
      and w.track_id in (select track_id from track_credits where artist_id = p_artist_id)
),
final as (
    select
        track_id,
        cast(null as bigint) as streams,
        cast(null as bigint) as days,
        cast(null as bigint) as covered_days,
        cast(null as varchar[]) as sources,
        cast(null as struct(days bigint, minus_streams bigint, date date)) as peak,
        case when chart = 'top' and dated_in_edge then position end as position,
        case when chart = 'viral' and dated_in_edge then position end as viral_position,
        cast(null as bigint) as chart_days,
        case when chart = 'top' and (day between cast(head_start as date) and cast(head_end as date)
                                     or day between cast(tail_start as date) and cast(tail_end as date)) then day end as edge_day
    from covered
)
select
    track_id, streams, days, covered_days, sources, peak, position, viral_position, chart_days,
    edge_day as first_day, edge_day as last_day, edge_day
from final
where position is not null or viral_position is not null or edge_day is not null
