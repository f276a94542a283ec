-- track_movers_served(breakdown, previous_breakdown)
-- Grain: one row per track, exactly as track_movers (the definition; its header gives every
-- column), over the two breakdowns named `breakdown` (the period's) and
-- `previous_breakdown` (the comparison period's) in the calling query: track_movers_grouped
-- (the one computation of the movers' columns) of one artist, country and period.
-- track_movers names its two periods' track_breakdown rows; kit.query.movers, from the
-- serving layer, the served breakdowns (track_breakdown_month or track_breakdown_pieces) it
-- makes in the same statement, when the movers of a calendar month against the month
-- before are not read as stored (artist_track_movers; docs/metrics.md, "What moved" and
-- "The serving layer").
create or replace macro track_movers_served(p_breakdown, p_previous_breakdown) as table
with
-- one group: the month, country and artist of both breakdowns alike
this_grouped as (
    select '' as month, '' as country, '' as artist_id, * from query_table(p_breakdown)
),
previous_grouped as (
    select '' as month, '' as country, '' as artist_id, * from query_table(p_previous_breakdown)
),
final as (
    select
        track_id, title, credit, streams, previous_streams, change, pct_change, contribution,
        best_position, previous_best_position, rank, previous_rank, status, coverage,
        previous_coverage, previous_partial
    from track_movers_grouped('this_grouped', 'previous_grouped')
)
select * from final
order by abs(change) desc nulls last, rank asc nulls last, previous_rank asc nulls last, track_id asc
