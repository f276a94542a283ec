-- audience_summary_served(artist_ids, platforms, start_date, end_date, parts)
-- Grain: one row per artist × platform × metric with at least one point in the period,
-- exactly as audience_summary (the definition; its header gives every column), put together
-- from the parts of the period: the table named `parts` in the calling query (kit.query.
-- summary makes it), whose rows are those of audience_month_parts (the whole months, from
-- the serving layer kept by the write path) and audience_edge_parts (the days before and
-- after them, or the whole period when there are none). Points and sums add up; start is
-- the first part's first point, end the last part's last point, peak the largest of the
-- parts' peaks, the earliest on ties (docs/metrics.md, "The serving layer").
create or replace macro audience_summary_served(p_artist_ids, p_platforms, start_date, end_date, p_parts) as table
with
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
    from query_table(p_parts)
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
