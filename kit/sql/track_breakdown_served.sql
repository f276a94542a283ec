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
credits as (
    select track_id, role as credit
    from track_credits
    where artist_id = p_artist_id
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
        max(last_chart_date) as last_chart_date,
        -- the parts' best peak as track_breakdown orders values: daily before weekly, the
        -- highest, the earliest (one aggregate: no window to plan)
        min({'days': peak_days, 'minus_streams': -peak_streams, 'date': peak_date}) filter (where peak_days is not null) as peak
    from query_table(p_parts)
    group by track_id
),
final as (
    select
        v.track_id,
        coalesce(t.title, v.track_id) as title,
        cr.credit,
        cast(v.total_streams as bigint) as total_streams,
        v.total_streams / nullif(cast(v.days_with_value as double), 0) as avg_daily,
        cast(-v.peak.minus_streams as bigint) as peak_streams,
        v.peak.date as peak_date,
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
        coalesce(v.covered_days, 0) / cast(period_days(start_date, end_date) as double) as coverage,
        case when v.peak.days = 7 then 'week' when v.peak.days is not null then 'day' end as peak_kind,
        cast(coalesce(v.days_with_value, 0) as bigint) as days_with_value
    from value_stats as v
    join credits as cr on cr.track_id = v.track_id
    left join tracks as t on t.track_id = v.track_id
    -- present: a value or an entry dated in the period (a part's chart days alone come
    -- from an entry dated in another part)
    where v.total_streams is not null or v.best_position is not null or v.best_viral_position is not null
)
select * from final
order by total_streams desc nulls last, best_position asc nulls last, title asc, track_id asc
