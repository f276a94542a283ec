-- artist_track_movers_rows(platform, months_start, months_end): the serving layer's movers of
-- each whole month against the month before, of one platform over the consecutive months
-- from months_start (a month's first day) to months_end (a month's last day), for every
-- artist and country.
-- Grain: one row per month × country × artist × track of the artist's breakdown of the
-- month or of the month before; its columns are track_movers' (the definition; its header
-- gives every column) with the month as the period and the month before as the comparison
-- period, plus the month, the country and the artist. They are track_movers_grouped of the
-- two months' whole-month breakdown rows as stored (artist_track_month, which a month's
-- movers are computed from when answered by a statement), in track_movers' order within
-- each country and artist: track_movers_ranked of those rows ranked by track_movers_rank,
-- each month's once. Stored as the table artist_track_movers by the write path
-- (kit/warehouse/serving.py), in the commit that stores those artist_track_month rows.
-- (docs/metrics.md, "The serving layer")
create or replace macro artist_track_movers_rows(p_platform, months_start, months_end) as table
with
-- the rows of the months and of the month before the first, each track ranked in its month ×
-- country × artist: once, for the month's movers and for the next month's (DuckDB computes
-- a CTE read twice once)
month_rows as (
    select month, country, artist_id, track_id, title, credit, total_streams, best_position, coverage
    from artist_track_month
    where platform = lower(p_platform)
      and month between strftime(cast(months_start as date) - interval 1 month, '%Y-%m')
                    and strftime(cast(months_end as date), '%Y-%m')
),
ranked as (
    select * from track_movers_rank('month_rows')
),
this_month as (
    select * from ranked
    where month between strftime(cast(months_start as date), '%Y-%m')
                    and strftime(cast(months_end as date), '%Y-%m')
),
-- the month before each month, filed under the month it is compared with
month_before as (
    select
        strftime(cast(month || '-01' as date) + interval 1 month, '%Y-%m') as month,
        country, artist_id, track_id, title, credit, total_streams, best_position, coverage, period_rank
    from ranked
    where month between strftime(cast(months_start as date) - interval 1 month, '%Y-%m')
                    and strftime(cast(months_end as date) - interval 1 month, '%Y-%m')
),
final as (
    select lower(p_platform) as platform, *
    from track_movers_ranked('this_month', 'month_before')
)
select * from final
order by month, country, artist_id, abs(change) desc nulls last, rank asc nulls last, previous_rank asc nulls last, track_id asc
