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
create or replace macro track_movers(p_artist_id, p_platform, p_country, start_date, end_date, p_previous_start, p_previous_end) as table
with
this_period as (
    select
        *,
        row_number() over (order by total_streams desc nulls last, best_position asc nulls last, title asc, track_id asc) as period_rank
    from track_breakdown(p_artist_id, p_platform, p_country, start_date, end_date)
),
previous_period as (
    select
        *,
        row_number() over (order by total_streams desc nulls last, best_position asc nulls last, title asc, track_id asc) as period_rank
    from track_breakdown(p_artist_id, p_platform, p_country, p_previous_start, p_previous_end)
),
paired as (
    select
        coalesce(c.track_id, p.track_id) as track_id,
        coalesce(c.title, p.title) as title,
        coalesce(c.credit, p.credit) as credit,
        c.total_streams as streams,
        p.total_streams as previous_streams,
        case
            when c.total_streams is null and p.total_streams is null then null
            else coalesce(c.total_streams, 0) - coalesce(p.total_streams, 0)
        end as change,
        c.best_position,
        p.best_position as previous_best_position,
        c.period_rank,
        p.period_rank as previous_period_rank,
        c.coverage,
        p.coverage as previous_coverage,
        p.track_id is not null and (p.coverage < 1 or p.total_streams is null) as previous_partial
    from this_period as c
    full outer join previous_period as p on p.track_id = c.track_id
),
final as (
    select
        track_id,
        title,
        credit,
        cast(streams as bigint) as streams,
        cast(previous_streams as bigint) as previous_streams,
        cast(change as bigint) as change,
        change / nullif(cast(previous_streams as double), 0) as pct_change,
        change / nullif(cast(sum(change) over () as double), 0) as contribution,
        cast(best_position as bigint) as best_position,
        cast(previous_best_position as bigint) as previous_best_position,
        cast(period_rank as bigint) as rank,
        cast(previous_period_rank as bigint) as previous_rank,
        case
            when previous_period_rank is null then 'new'
            when period_rank is null then 'gone'
            when change > 0 then 'up'
            when change < 0 then 'down'
            when change = 0 then 'same'
            when best_position < previous_best_position then 'up'
            when best_position > previous_best_position then 'down'
            else 'same'
        end as status,
        coverage,
        previous_coverage,
        coalesce(previous_partial, false) as previous_partial
    from paired
)
select * from final
order by abs(change) desc nulls last, rank asc nulls last, previous_rank asc nulls last, track_id asc
