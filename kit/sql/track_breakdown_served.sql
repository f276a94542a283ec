-- track_breakdown_served(artist_id, platform, country, start_date, end_date, months_start, months_end,
--                        head_start, head_end, tail_start, tail_end)
-- Grain: one row per track, exactly as track_breakdown (the definition; its header gives
-- every column), put together from parts instead of computed over the whole period:
--   the whole months [months_start, months_end] (null: none) from the serving layer
--   (track_month: track_part over each month, kept by the write path), and the days
--   before and after them, [head_start, head_end] and [tail_start, tail_end] (the whole
--   period when there are no such months; an empty part ends before it starts, before
--   any data), from the serving layer's days through track_part. Totals, days, covered days and chart days add up over the
--   parts (they split the period's days); positions and peaks are the best over them.
-- A month counts as whole only when the weekly figures it stores need no correction:
--   it starts on start_date or at least six days after it (its weekly values' days before
--   the month are then inside the period: covered_days counts them, else the stored
--   count clipped at the month's start), and it ends on end_date or at least six days
--   before it (days covered by a weekly entry dated in the next six days then count:
--   chart_days, else chart_days_own). kit.period.serving_months chooses them.
create or replace macro track_breakdown_served(p_artist_id, p_platform, p_country, start_date, end_date, months_start, months_end, head_start, head_end, tail_start, tail_end) as table
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
months as (
    select
        m.track_id,
        m.total_streams,
        m.days_with_value,
        case when cast(m.month || '-01' as date) = b.lo then m.covered_days else m.days_with_value end as covered_days,
        m.sources,
        m.peak_days,
        m.peak_streams,
        m.peak_date,
        m.best_position,
        m.best_viral_position,
        case when last_day(cast(m.month || '-01' as date)) = b.hi then m.chart_days_own else m.chart_days end as chart_days,
        case when last_day(cast(m.month || '-01' as date)) = b.hi then m.first_chart_own else m.first_chart_date end as first_chart_date,
        case when last_day(cast(m.month || '-01' as date)) = b.hi then m.last_chart_own else m.last_chart_date end as last_chart_date
    from track_month as m
    join credits as c on c.track_id = m.track_id
    cross join bounds as b
    where m.platform = lower(p_platform)
      and m.country = upper(p_country)
      and m.month between strftime(cast(months_start as date), '%Y-%m') and strftime(cast(months_end as date), '%Y-%m')
),
edges as (
    select e.track_id, e.total_streams, e.days_with_value, e.covered_days, e.sources, e.peak_days, e.peak_streams,
        e.peak_date, e.best_position, e.best_viral_position, e.chart_days, e.first_chart_date, e.last_chart_date
    from track_part(p_artist_id, p_platform, p_country, head_start, head_end, start_date, end_date) as e
    union all
    select e.track_id, e.total_streams, e.days_with_value, e.covered_days, e.sources, e.peak_days, e.peak_streams,
        e.peak_date, e.best_position, e.best_viral_position, e.chart_days, e.first_chart_date, e.last_chart_date
    from track_part(p_artist_id, p_platform, p_country, tail_start, tail_end, start_date, end_date) as e
),
parts as (
    select * from months
    union all
    select * from edges
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
    from parts
    group by track_id
),
peaks as (
    select track_id, peak_streams, peak_date, case when peak_days = 7 then 'week' else 'day' end as peak_kind
    from (
        select *, row_number() over (partition by track_id order by peak_days asc, peak_streams desc, peak_date asc) as peak_rank
        from parts
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
