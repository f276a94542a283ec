-- track_growth_of(series, start_date, end_date)
-- Grain: one row per track of the table named `series` in the calling query (rows of
-- artist_track_daily_served: track_id, date, streams, a track's counted values dated in
-- the period [start_date, end_date]), with its half-on-half growth exactly as track_growth
-- defines it (the definition; its header gives every column): half_days, the streams dated
-- on the period's first and last half_days days, and the change between them (README
-- "Track detail"; docs/metrics.md, "Growth"). The serving layer's one definition of the
-- halves, over rows already read: one grouping, no window (docs/metrics.md, "The serving
-- layer").
create or replace macro track_growth_of(p_series, start_date, end_date) as table
select
    track_id,
    cast(half_days as bigint) as half_days,
    cast(first_half as bigint) as first_half_streams,
    cast(second_half as bigint) as second_half_streams,
    second_half / nullif(cast(first_half as double), 0) - 1 as half_change
from (
    select
        track_id,
        max(half_days) as half_days,
        sum(case when day_index < half_days then streams else 0 end) as first_half,
        sum(case when day_index >= n_days - half_days then streams else 0 end) as second_half
    from (
        select
            s.track_id,
            s.streams,
            date_diff('day', cast(start_date as date), s.date) as day_index,
            cast(period_days(start_date, end_date) as integer) as n_days,
            cast(floor(period_days(start_date, end_date) / 2) as integer) as half_days
        from query_table(p_series) as s
    )
    group by track_id
)
