-- track_breakdown_pieces(artist_id, start_date, end_date, pieces)
-- Grain: one row per track, exactly as track_breakdown (the definition; its header gives
-- every column) over the period [start_date, end_date], put together in one grouping from
-- the table named `pieces` in the calling query (kit.query.parts.served_breakdown makes
-- it): the rows of track_month_pieces (each whole month's figures that add up) and of
-- track_edge_pieces (each value and chart entry of the days before and after them, or of
-- the whole period when it has no whole month), read from the serving layer's files of those months. The pieces split
-- the period's days (kit.period.serving_parts), so totals, days with a value and covered
-- days add up, positions and peaks are the best, the sources are all of them, and the
-- chart days are the months' plus the edges' top-chart days, each once (the parts share
-- no day). One grouping over rows read from the named files, rather than
-- the parts grouped one by one over views of every partition, is what makes a period's
-- statement cheap to bind and plan (docs/metrics.md, "The serving layer").
create or replace macro track_breakdown_pieces(p_artist_id, start_date, end_date, p_pieces) as table
with
by_track as (
    select
        track_id,
        sum(streams) as total_streams,
        sum(days) as days_with_value,
        sum(covered_days) as covered_days,
        array_to_string(list_sort(list_distinct(flatten(list(sources) filter (where sources is not null)))), ' + ') as source,
        -- the best peak as track_breakdown orders values: daily before weekly, the highest, the earliest
        min(peak) as peak,
        min(position) as best_position,
        min(viral_position) as best_viral_position,
        -- the edges' days as a list made distinct, not a distinct aggregate (which DuckDB
        -- plans as a second grouping and a join)
        coalesce(sum(chart_days), 0)
            + coalesce(array_length(list_distinct(list(edge_day) filter (where edge_day is not null))), 0) as days_on_chart,
        min(first_day) as first_chart_date,
        max(last_day) as last_chart_date
    from query_table(p_pieces)
    group by track_id
),
final as (
    select
        v.track_id,
        coalesce(t.title, v.track_id) as title,
        cr.role as credit,
        cast(v.total_streams as bigint) as total_streams,
        v.total_streams / nullif(cast(v.days_with_value as double), 0) as avg_daily,
        cast(-v.peak.minus_streams as bigint) as peak_streams,
        v.peak.date as peak_date,
        cast(v.best_position as bigint) as best_position,
        cast(v.days_on_chart as bigint) as days_on_chart,
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
    from by_track as v
    join track_credits as cr on cr.track_id = v.track_id and cr.artist_id = p_artist_id
    left join tracks as t on t.track_id = v.track_id
    -- present: a value or an entry dated in the period (a month's chart days alone come
    -- from an entry dated after it)
    where v.total_streams is not null or v.best_position is not null or v.best_viral_position is not null
)
select * from final
order by total_streams desc nulls last, best_position asc nulls last, title asc, track_id asc
