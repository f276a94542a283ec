-- audience_edge_parts(artist_ids, platforms, country, head_start, head_end, tail_start, tail_end)
-- Grain: one row per artist × platform × metric with a point in the days of a period that
-- are not in its whole months (kit.period.serving_parts): the head [head_start, head_end]
-- and the tail [tail_start, tail_end], either of them null when the period has none. The
-- figures of audience_part (its header defines them) over both edges at once, as
-- audience_summary_served puts parts together (the edges share no day: the first point is
-- the head's, the last the tail's, sums and counts add up, the peak is the larger), with
-- the columns it takes. One statement reads artist_audience once for both edges, so DuckDB
-- binds and plans it once (docs/metrics.md, "The serving layer").
create or replace macro audience_edge_parts(p_artist_ids, p_platforms, p_country, head_start, head_end, tail_start, tail_end) as table
with
points as (
    select a.platform, a.artist_id, a.metric, a.date, a.value
    from artist_audience as a
    where list_contains(p_platforms, a.platform)
      and list_contains(p_artist_ids, a.artist_id)
      and a.country = upper(p_country)
      and (a.month between strftime(cast(head_start as date), '%Y-%m') and strftime(cast(head_end as date), '%Y-%m')
           or a.month between strftime(cast(tail_start as date), '%Y-%m') and strftime(cast(tail_end as date), '%Y-%m'))
      and (a.date between cast(head_start as date) and cast(head_end as date)
           or a.date between cast(tail_start as date) and cast(tail_end as date))
),
final as (
    select
        platform,
        artist_id,
        metric,
        min(date) as first_date,
        arg_min(value, date) as first_value,
        max(date) as last_date,
        arg_max(value, date) as last_value,
        cast(sum(value) as bigint) as value_sum,
        cast(count(*) as bigint) as points,
        max(value) as peak_value,
        -- the earliest date of the largest value
        arg_min(date, struct_pack(v := -value, d := date)) filter (where value is not null) as peak_date
    from points
    group by platform, artist_id, metric
)
select * from final
