-- track_movers_ranked(ranked, previous_ranked): track_movers_grouped of two breakdowns whose
-- rows come ranked: each a track_breakdown's rows (track_id, title, credit, total_streams,
-- best_position, coverage) with the `month`, `country` and `artist_id` they belong to and
-- `period_rank`, the track's place in its month × country × artist as track_movers_grouped
-- ranks it. The tracks of the two side by side and the movers' columns (track_movers'
-- header gives every column): track_movers_grouped ranks its breakdowns and calls it;
-- artist_track_movers_rows ranks each month's rows once, for the month's movers and for the
-- next month's (docs/metrics.md, "What moved" and "The serving layer").
create or replace macro track_movers_ranked(p_ranked, p_previous_ranked) as table
with
paired as (
    select
        coalesce(c.month, p.month) as month,
        coalesce(c.country, p.country) as country,
        coalesce(c.artist_id, p.artist_id) as artist_id,
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
    from query_table(p_ranked) as c
    full outer join query_table(p_previous_ranked) as p
        on p.month = c.month and p.country = c.country and p.artist_id = c.artist_id
        and p.track_id = c.track_id
),
totals as (
    select month as total_month, country as total_country, artist_id as total_artist_id, sum(change) as total_change
    from paired
    group by month, country, artist_id
),
final as (
    select
        month,
        country,
        artist_id,
        track_id,
        title,
        credit,
        cast(streams as bigint) as streams,
        cast(previous_streams as bigint) as previous_streams,
        cast(change as bigint) as change,
        change / nullif(cast(previous_streams as double), 0) as pct_change,
        change / nullif(cast(g.total_change as double), 0) as contribution,
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
    from paired as m
    -- the group's total change, grouped and joined back (a window over the groups sorts
    -- every row by them)
    join totals as g
        on g.total_month is not distinct from m.month and g.total_country is not distinct from m.country
        and g.total_artist_id is not distinct from m.artist_id
)
select * from final
