-- track_growth_served(artist_id, platform, country, start_date, end_date)
-- Grain: one row per track of the artist with a counted streams value in the period, for
-- one platform × country, exactly as track_growth (the definition; its header gives every
-- column: README "Track detail"; docs/metrics.md, "Growth"), over the serving layer's
-- track_day, whose rows dated in the period are the period's counted values
-- (docs/metrics.md, "The serving layer").
create or replace macro track_growth_served(p_artist_id, p_platform, p_country, start_date, end_date) as table
with
bounds as (
    select
        cast(start_date as date) as lo,
        cast(period_days(start_date, end_date) as integer) as n_days,
        cast(floor(period_days(start_date, end_date) / 2) as integer) as half_days
),
halves as (
    select
        v.track_id,
        max(b.half_days) as half_days,
        sum(case when date_diff('day', b.lo, v.date) < b.half_days then v.streams else 0 end) as first_half_streams,
        sum(case when date_diff('day', b.lo, v.date) >= b.n_days - b.half_days then v.streams else 0 end) as second_half_streams
    from track_day as v, bounds as b
    where v.platform = lower(p_platform)
      and v.country = upper(p_country)
      and v.month between strftime(cast(start_date as date), '%Y-%m') and strftime(cast(end_date as date), '%Y-%m')
      and v.date between cast(start_date as date) and cast(end_date as date)
      and v.track_id in (select track_id from track_credits where artist_id = p_artist_id)
    group by v.track_id
),
final as (
    select
        track_id,
        cast(half_days as bigint) as half_days,
        cast(first_half_streams as bigint) as first_half_streams,
        cast(second_half_streams as bigint) as second_half_streams,
        second_half_streams / nullif(cast(first_half_streams as double), 0) - 1 as half_change
    from halves
)
select * from final
