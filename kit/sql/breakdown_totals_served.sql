-- breakdown_totals_served(breakdown, listener_parts)
-- Grain: one row, exactly as breakdown_totals (the definition; its header gives every
-- column), over the served breakdown named `breakdown` in the calling query (the rows of
-- track_breakdown_month or track_breakdown_pieces), with the artist's monthly listeners
-- put together from the table named `listener_parts` (rows of audience_month_parts and
-- audience_edge_parts; kit.query.breakdown_totals makes both).
-- Two one-row aggregates and nothing else: the top track is the first row in the
-- breakdown's order (most streams, best position, title, track id; missing values last),
-- taken by one ordered aggregate rather than a sorted CTE and a join, because DuckDB plans
-- every statement anew and each layer costs more to plan than these few rows to read
-- (docs/metrics.md, "The serving layer").
create or replace macro breakdown_totals_served(p_breakdown, p_listener_parts) as table
select
    t.total_streams,
    t.track_count,
    t.partial_tracks,
    t.tracks_without_streams,
    t.top.track_id as top_track_id,
    t.top.title as top_track,
    cast(t.top.total_streams as bigint) as top_track_streams,
    t.top.share as top_track_share,
    l.average_listeners,
    l.listener_points,
    t.total_streams / nullif(l.average_listeners, 0) as streams_per_listener
from (
    select
        cast(sum(b.total_streams) as bigint) as total_streams,
        cast(count(*) as bigint) as track_count,
        cast(count(*) filter (where b.coverage < 1) as bigint) as partial_tracks,
        cast(count(*) filter (where b.total_streams is null) as bigint) as tracks_without_streams,
        first(
            {'track_id': b.track_id, 'title': b.title, 'total_streams': b.total_streams, 'share': b.share}
            order by b.total_streams desc nulls last, b.best_position asc nulls last, b.title asc, b.track_id asc
        ) as top
    from query_table(p_breakdown) as b
) as t,
(
    -- as avg(): the exact sum of the points over their number, in double precision
    select
        sum(p.value_sum) / cast(nullif(sum(p.points), 0) as double) as average_listeners,
        cast(coalesce(sum(p.points), 0) as bigint) as listener_points
    from query_table(p_listener_parts) as p
    where p.metric = 'monthly_listeners'
) as l
