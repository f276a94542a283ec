-- track_breakdown_month(artist_id, platform, country, start_date, end_date)
-- Grain: one row per track, exactly as track_breakdown (the definition; its header gives
-- every column) over a period that is one whole calendar month, [start_date, end_date]: the
-- month's track_month rows of the serving layer kept by the write path, one per track,
-- read as they are. It is track_breakdown_served with the month as its only part, where
-- nothing needs adding up: the covered days are the month's own (the period starts on its
-- first day), days on chart and first/last chart dates leave out the days past its end
-- (the period ends on its last day), the peak is the row's. Kept flat, without the parts
-- and their grouping, because DuckDB plans a statement anew at every call and the month is
-- the period the Explorer and the monthly report ask most (docs/metrics.md, "The serving
-- layer").
create or replace macro track_breakdown_month(p_artist_id, p_platform, p_country, start_date, end_date) as table
with
month_rows as (
    select m.*, cr.role as credit
    from track_month as m
    join track_credits as cr on cr.track_id = m.track_id and cr.artist_id = p_artist_id
    where m.platform = lower(p_platform)
      and m.country = upper(p_country)
      and m.month = strftime(cast(start_date as date), '%Y-%m')
      -- present: a value or an entry dated in the month
      and (m.total_streams is not null or m.best_position is not null or m.best_viral_position is not null)
),
final as (
    select
        m.track_id,
        coalesce(t.title, m.track_id) as title,
        m.credit,
        cast(m.total_streams as bigint) as total_streams,
        m.total_streams / nullif(cast(m.days_with_value as double), 0) as avg_daily,
        cast(case when m.peak_days is not null then m.peak_streams end as bigint) as peak_streams,
        case when m.peak_days is not null then m.peak_date end as peak_date,
        cast(m.best_position as bigint) as best_position,
        cast(coalesce(m.chart_days_own, 0) as bigint) as days_on_chart,
        m.first_chart_own as first_chart_date,
        m.last_chart_own as last_chart_date,
        m.total_streams / nullif(cast(sum(m.total_streams) over () as double), 0) as share,
        case
            when m.total_streams is not null then array_to_string(list_sort(list_distinct(m.sources)), ' + ')
            when m.best_position is not null then 'chart positions only'
            else 'viral chart only (best position ' || cast(m.best_viral_position as varchar) || ')'
        end as source,
        coalesce(m.covered_days, 0) / cast(period_days(start_date, end_date) as double) as coverage,
        case when m.peak_days = 7 then 'week' when m.peak_days is not null then 'day' end as peak_kind,
        cast(coalesce(m.days_with_value, 0) as bigint) as days_with_value
    from month_rows as m
    left join tracks as t on t.track_id = m.track_id
)
select * from final
order by total_streams desc nulls last, best_position asc nulls last, title asc, track_id asc
