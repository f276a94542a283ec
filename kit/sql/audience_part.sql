-- audience_part(artist_ids, platforms, country, start_date, end_date)
-- Grain: one row per platform × country × artist × metric with a point dated
-- start ≤ date ≤ end, for some artists and platforms (null: every one) and one country
-- (null: every country). The figures of audience_summary that add up part by part (docs/metrics.md,
-- "Audience"): first and last point, sum and number of values, peak (the largest value,
-- the earliest date on ties). A part that ends before it starts is empty and reads nothing.
create or replace macro audience_part(p_artist_ids, p_platforms, p_country, start_date, end_date) as table
with
points as (
    select a.platform, a.country, a.artist_id, a.metric, a.date, a.value
    from artist_audience as a
    where (p_platforms is null or list_contains(p_platforms, a.platform))
      and (p_artist_ids is null or list_contains(p_artist_ids, a.artist_id))
      and (p_country is null or a.country = upper(p_country))
      and a.month between strftime(cast(start_date as date), '%Y-%m') and strftime(cast(end_date as date), '%Y-%m')
      and a.date between cast(start_date as date) and cast(end_date as date)
      and cast(start_date as date) <= cast(end_date as date)
),
final as (
    select
        platform,
        country,
        artist_id,
        metric,
        min(date) as first_date,
        arg_min(value, date) as first_value,
        max(date) as last_date,
        arg_max(value, date) as last_value,
        cast(sum(value) as bigint) as value_sum,
        cast(count(*) as bigint) as points,
        max(value) as peak_value,
        min(date) filter (where value = peak) as peak_date
    from (select *, max(value) over (partition by platform, country, artist_id, metric) as peak from points)
    group by platform, country, artist_id, metric
)
select * from final
