-- breakdown_totals_served(artist_id, platform, country, start_date, end_date, months_start, months_end,
--     head_start, head_end, tail_start, tail_end, listener_months_start, listener_months_end,
--     listener_head_start, listener_head_end, listener_tail_start, listener_tail_end)
-- Grain: one row, exactly as breakdown_totals (the definition; its header gives every
-- column), over track_breakdown_served, with the listeners' points put together from the
-- audience serving layer's whole months [listener_months_start, listener_months_end] and
-- the days around them (audience_summary_served's parts; kit.period.serving_parts).
create or replace macro breakdown_totals_served(p_artist_id, p_platform, p_country, start_date, end_date, months_start, months_end, head_start, head_end, tail_start, tail_end, listener_months_start, listener_months_end, listener_head_start, listener_head_end, listener_tail_start, listener_tail_end) as table
with
b as (
    select *
    from track_breakdown_served(p_artist_id, p_platform, p_country, start_date, end_date, months_start, months_end, head_start, head_end, tail_start, tail_end)
),
top_track as (
    select track_id, title, total_streams, share
    from b
    order by total_streams desc nulls last, best_position asc nulls last, title asc, track_id asc
    limit 1
),
listener_parts as (
    select m.value_sum, m.points
    from audience_month as m
    where m.artist_id = p_artist_id
      and m.platform = lower(p_platform)
      and m.country = upper(p_country)
      and m.metric = 'monthly_listeners'
      and m.month between strftime(cast(listener_months_start as date), '%Y-%m') and strftime(cast(listener_months_end as date), '%Y-%m')
    union all
    select e.value_sum, e.points
    from audience_part([p_artist_id], [lower(p_platform)], p_country, listener_head_start, listener_head_end) as e
    where e.metric = 'monthly_listeners'
    union all
    select e.value_sum, e.points
    from audience_part([p_artist_id], [lower(p_platform)], p_country, listener_tail_start, listener_tail_end) as e
    where e.metric = 'monthly_listeners'
),
listeners as (
    -- as avg(): the exact sum of the points over their number, in double precision
    select sum(value_sum) / cast(nullif(sum(points), 0) as double) as average_listeners, coalesce(sum(points), 0) as listener_points
    from listener_parts
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
