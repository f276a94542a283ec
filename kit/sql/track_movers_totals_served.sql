-- track_movers_totals_served(breakdown, previous_breakdown)
-- Grain: one row, exactly as track_movers_totals (the definition; its header gives every
-- column), over track_movers_served of the two breakdowns named `breakdown` and
-- `previous_breakdown` in the calling query: the one computation of the footer, which
-- track_movers_totals calls on its two periods' track_breakdown rows (docs/metrics.md,
-- "What moved" and "The serving layer").
create or replace macro track_movers_totals_served(p_breakdown, p_previous_breakdown) as table
with
moved as (
    select *
    from track_movers_served(p_breakdown, p_previous_breakdown)
),
final as (
    select
        cast(sum(streams) as bigint) as streams,
        cast(sum(previous_streams) as bigint) as previous_streams,
        cast(sum(change) as bigint) as change,
        sum(change) / nullif(cast(sum(previous_streams) as double), 0) as pct_change,
        count(rank) as tracks,
        count(previous_rank) as previous_tracks,
        count(*) filter (where status = 'new') as new_tracks,
        count(*) filter (where status = 'gone') as gone_tracks,
        count(*) filter (where status = 'up') as up_tracks,
        count(*) filter (where status = 'down') as down_tracks,
        count(*) filter (where status = 'same') as same_tracks,
        count(*) filter (where previous_partial) as previous_partial_tracks
    from moved
)
select * from final
