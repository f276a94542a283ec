-- track_movers_grouped(breakdown, previous_breakdown)
-- Grain: one row per month × country × artist × track of either breakdown named in the
-- calling query: `breakdown` (the period's rows) and `previous_breakdown` (the comparison
-- period's), each a track_breakdown's rows (track_id, title, credit, total_streams,
-- best_position, coverage) with the `month`, `country` and `artist_id` they belong to.
-- Each month × country × artist is compared on its own, the two breakdowns' tracks side by
-- side; the columns are track_movers' (the definition; its header gives every column).
-- The one computation of the movers: track_movers_served calls it on one artist's two
-- breakdowns, artist_track_movers_rows on every artist's whole months, which the write
-- path stores (docs/metrics.md, "What moved" and "The serving layer").
create or replace macro track_movers_grouped(p_breakdown, p_previous_breakdown) as table
with
this_period as (
    select * from track_movers_rank(p_breakdown)
),
previous_period as (
    select * from track_movers_rank(p_previous_breakdown)
),
final as (
    select * from track_movers_ranked('this_period', 'previous_period')
)
select * from final
