-- track_movers(artist_id, platform, country, start_date, end_date, previous_start, previous_end)
-- Grain: one row per track credited to the artist (main or featured) that has a streams
-- value or a chart entry in the period or in the comparison period: the rows of the two
-- track_breakdowns, side by side, for one platform × country (GLOBAL = worldwide).
-- Definitions (README, "What moved and what is noteworthy"; docs/metrics.md, "What moved"):
--   streams / previous_streams   total_streams of the track in each period's breakdown;
--   change                       streams − previous_streams, a track absent from one period
--                                counting 0 there; empty when neither period has a count, so
--                                the changes add up to the difference of the two totals;
--   pct_change                   change ÷ previous_streams; empty on a base of zero or none;
--   contribution                 change ÷ the artist's total change (they add up to 1);
--                                empty when the total change is zero or unknown;
--   rank / previous_rank         the track's place in each period's breakdown order (most
--                                streams, then best position, then title);
--   status                       new (not in the comparison period), gone (not in this one),
--                                else up / down / same by change; by best position where
--                                neither period has stream counts;
--   previous_partial             the comparison period's figure is incomplete: the track's
--                                coverage there is below 1, or it has positions without
--                                stream counts.
-- The columns and their order are computed once, by track_movers_served over the two
-- periods' track_breakdown rows (the serving layer's movers read the served breakdowns).
create or replace macro track_movers(p_artist_id, p_platform, p_country, start_date, end_date, p_previous_start, p_previous_end) as table
with
period_breakdown as (
    select * from track_breakdown(p_artist_id, p_platform, p_country, start_date, end_date)
),
previous_period_breakdown as (
    select * from track_breakdown(p_artist_id, p_platform, p_country, p_previous_start, p_previous_end)
)
select * from track_movers_served('period_breakdown', 'previous_period_breakdown')
