-- audience_summary_served(artist_ids, platforms, country, start_date, end_date, months_start, months_end,
--                         head_start, head_end, tail_start, tail_end)
-- Grain: one row per artist × platform × metric with at least one point in the period,
-- exactly as audience_summary (the definition; its header gives every column), put together
-- from parts: the whole months [months_start, months_end] (null: none) from the serving
-- layer (audience_month, kept by the write path), and the days before and after them,
-- [head_start, head_end] and [tail_start, tail_end] (the whole period when there are none;
-- an empty part ends before it starts, before any data; kit.period.serving_parts), from
-- artist_audience through audience_part. Points and
-- sums add up; start is the first part's first point, end the last part's last point, peak
-- the largest of the parts' peaks (the earliest on ties).
create or replace macro audience_summary_served(p_artist_ids, p_platforms, p_country, start_date, end_date, months_start, months_end, head_start, head_end, tail_start, tail_end) as table
with
parts as (
    select m.platform, m.artist_id, m.metric, m.first_date, m.first_value, m.last_date, m.last_value,
        m.value_sum, m.points, m.peak_value, m.peak_date
    from audience_month as m
    where list_contains(p_artist_ids, m.artist_id)
      and list_contains(p_platforms, m.platform)
      and m.country = upper(p_country)
      and m.month between strftime(cast(months_start as date), '%Y-%m') and strftime(cast(months_end as date), '%Y-%m')
    union all
    select e.platform, e.artist_id, e.metric, e.first_date, e.first_value, e.last_date, e.last_value,
        e.value_sum, e.points, e.peak_value, e.peak_date
    from audience_part(p_artist_ids, p_platforms, p_country, head_start, head_end) as e
    union all
    select e.platform, e.artist_id, e.metric, e.first_date, e.first_value, e.last_date, e.last_value,
        e.value_sum, e.points, e.peak_value, e.peak_date
    from audience_part(p_artist_ids, p_platforms, p_country, tail_start, tail_end) as e
),
per_series as (
    select
        artist_id,
        platform,
        metric,
        arg_min(first_value, first_date) as start_value,
        arg_max(last_value, last_date) as end_value,
        sum(value_sum) as value_sum,
        sum(points) as points,
        arg_min(peak_value, struct_pack(v := -peak_value, d := peak_date)) as peak_value,
        arg_min(peak_date, struct_pack(v := -peak_value, d := peak_date)) as peak_date
    from parts
    group by artist_id, platform, metric
),
final as (
    select
        coalesce(ar.name, s.artist_id) as artist,
        s.platform,
        s.metric,
        cast(s.start_value as bigint) as start_value,
        cast(s.end_value as bigint) as end_value,
        cast(s.end_value - s.start_value as bigint) as difference,
        (s.end_value - s.start_value) / nullif(cast(s.start_value as double), 0) as pct_change,
        -- as avg(): the exact sum of the values over their number, in double precision
        s.value_sum / cast(s.points as double) as average,
        cast(s.peak_value as bigint) as peak_value,
        s.peak_date,
        cast(s.points as bigint) as points,
        s.points / cast(period_days(start_date, end_date) as double) as coverage,
        s.artist_id
    from per_series as s
    left join artists as ar on ar.artist_id = s.artist_id
)
select * from final
order by list_position(p_artist_ids, artist_id), list_position(p_platforms, platform), metric
