-- track_movers_totals(artist_id, platform, country, start_date, end_date, previous_start, previous_end)
-- Grain: one row: the footer of track_movers, as breakdown_totals is the footer of a
-- breakdown (README, "What moved and what is noteworthy"; docs/metrics.md, "What moved").
--   streams / previous_streams   the breakdown total of each period (empty without any
--                                stream count);
--   change                       the sum of the tracks' changes: streams − previous_streams;
--   pct_change                   change ÷ previous_streams; empty on a base of zero or none;
--   tracks / previous_tracks     the tracks of each period's breakdown;
--   new_tracks … same_tracks     the tracks of each status;
--   previous_partial_tracks      tracks whose comparison-period figure is incomplete.
-- Computed once, by track_movers_totals_served over the two periods' track_breakdown rows.
create or replace macro track_movers_totals(p_artist_id, p_platform, p_country, start_date, end_date, p_previous_start, p_previous_end) as table
with
period_breakdown as (
    select * from track_breakdown(p_artist_id, p_platform, p_country, start_date, end_date)
),
previous_period_breakdown as (
    select * from track_breakdown(p_artist_id, p_platform, p_country, p_previous_start, p_previous_end)
)
select * from track_movers_totals_served('period_breakdown', 'previous_period_breakdown')
