-- breakdown_totals_served(breakdown, listener_parts)
-- Grain: one row, exactly as breakdown_totals (the definition; its header gives every
-- column), over the served breakdown named `breakdown` in the calling query (the rows of
-- track_breakdown_month or track_breakdown_served), with the artist's monthly listeners
-- put together from the table named `listener_parts` (rows of audience_month_parts and
-- audience_edge_parts; kit.query.breakdown_totals makes both).
-- (docs/metrics.md, "The serving layer")
create or replace macro breakdown_totals_served(p_breakdown, p_listener_parts) as table
with
b as (
    select *
    from query_table(p_breakdown)
),
top_track as (
    select track_id, title, total_streams, share
    from b
    order by total_streams desc nulls last, best_position asc nulls last, title asc, track_id asc
    limit 1
),
listeners as (
    -- as avg(): the exact sum of the points over their number, in double precision
    select sum(value_sum) / cast(nullif(sum(points), 0) as double) as average_listeners, coalesce(sum(points), 0) as listener_points
    from query_table(p_listener_parts)
    where metric = 'monthly_listeners'
),
totals as (
    select
        cast(sum(total_streams) as bigint) as total_streams,
        cast(count(*) as bigint) as track_count,
        cast(count(*) filter (where coverage < 1) as bigint) as partial_tracks,
        cast(count(*) filter (where total_streams is null) as bigint) as tracks_without_streams
    from b
),
final as (
    select
        t.total_streams,
        t.track_count,
        t.partial_tracks,
        t.tracks_without_streams,
        tt.track_id as top_track_id,
        tt.title as top_track,
        cast(tt.total_streams as bigint) as top_track_streams,
        tt.share as top_track_share,
        l.average_listeners,
        cast(l.listener_points as bigint) as listener_points,
        t.total_streams / nullif(l.average_listeners, 0) as streams_per_listener
    from totals as t
    cross join listeners as l
    left join top_track as tt on true
)
select * from final
