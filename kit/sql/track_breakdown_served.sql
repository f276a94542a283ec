-- track_breakdown_served(artist_id, start_date, end_date, parts)
-- Grain: one row per track, exactly as track_breakdown (the definition; its header gives
-- every column), put together from the parts of the period [start_date, end_date]: the
-- table named `parts` in the calling query (kit.query.breakdown makes it), whose rows are
-- those of track_month_parts (the whole months, from the serving layer kept by the write
-- path) and track_edge_parts (the days before and after them, or the whole period when
-- there are none). Totals, days with a value, covered days and chart days add up over the
-- parts (they split the period's days); positions and peaks are the best over them; the
-- sources are all the parts' (docs/metrics.md, "The serving layer").
create or replace macro track_breakdown_served(p_artist_id, start_date, end_date, p_parts) as table
with
bounds as (
    select
        cast(start_date as date) as lo,
        cast(end_date as date) as hi,
        cast(period_days(start_date, end_date) as double) as n_days
),
credits as (
    select track_id, role as credit
    from track_credits
    where artist_id = p_artist_id
),
served_parts as (
    select *
    from query_table(p_parts)
),
value_stats as (
    select
        track_id,
        sum(total_streams) as total_streams,
        sum(days_with_value) as days_with_value,
        sum(covered_days) as covered_days,
        array_to_string(list_sort(list_distinct(flatten(list(sources) filter (where sources is not null)))), ' + ') as source,
        min(best_position) as best_position,
        min(best_viral_position) as best_viral_position,
        sum(chart_days) as days_on_chart,
        min(first_chart_date) as first_chart_date,
        max(last_chart_date) as last_chart_date
    from served_parts
    group by track_id
),
peaks as (
    select track_id, peak_streams, peak_date, case when peak_days = 7 then 'week' else 'day' end as peak_kind
    from (
        select *, row_number() over (partition by track_id order by peak_days asc, peak_streams desc, peak_date asc) as peak_rank
        from served_parts
        where peak_days is not null
    )
    where peak_rank = 1
),
final as (
    select
        v.track_id,
        coalesce(t.title, v.track_id) as title,
        cr.credit,
        cast(v.total_streams as bigint) as total_streams,
        v.total_streams / nullif(cast(v.days_with_value as double), 0) as avg_daily,
        cast(pk.peak_streams as bigint) as peak_streams,
        pk.peak_date,
        cast(v.best_position as bigint) as best_position,
        cast(coalesce(v.days_on_chart, 0) as bigint) as days_on_chart,
        v.first_chart_date,
        v.last_chart_date,
        v.total_streams / nullif(cast(sum(v.total_streams) over () as double), 0) as share,
        case
            when v.total_streams is not null then v.source
            when v.best_position is not null then 'chart positions only'
            else 'viral chart only (best position ' || cast(v.best_viral_position as varchar) || ')'
        end as source,
        coalesce(v.covered_days, 0) / b.n_days as coverage,
        pk.peak_kind,
        cast(coalesce(v.days_with_value, 0) as bigint) as days_with_value
    from value_stats as v
    join credits as cr on cr.track_id = v.track_id
    left join tracks as t on t.track_id = v.track_id
    left join peaks as pk on pk.track_id = v.track_id
    cross join bounds as b
    -- present: a value or an entry dated in the period (a part's chart days alone come
    -- from an entry dated in another part)
    where v.total_streams is not null or v.best_position is not null or v.best_viral_position is not null
)
select * from final
order by total_streams desc nulls last, best_position asc nulls last, title asc, track_id asc
