-- track_month_chart_rows(platform, month_start): track_month_rows of a month whose standing
-- weekly entries (chart_week) hold none dated in it or in the six days after it, the write
-- path's shortcut (kit/warehouse/serving.py). Then track_part over the month finds no weekly
-- entry: a chart day is a daily top-chart entry dated in the month (each its own day, every
-- one of them the month's own: chart_days_own, first_chart_own and last_chart_own are
-- chart_days, first_chart_date and last_chart_date), the best positions are those of the
-- daily entries dated in it, and the daily entries of the six days after it count for
-- nothing. So one pass over the month's daily entries gives every chart figure, beside the
-- values' figures, computed as track_part computes them. The same rows, in the same order.
-- (docs/metrics.md, "The serving layer")
create or replace macro track_month_chart_rows(p_platform, month_start) as table
with
bounds as (
    select
        cast(month_start as date) as a,
        last_day(cast(month_start as date)) as b
),
value_stats as (
    -- track_part's, over the month
    select
        v.country,
        v.track_id,
        sum(v.streams) as total_streams,
        sum(v.days) as days_with_value,
        sum(case when v.days = 1 then 1 else date_diff('day', greatest(b.a, cast(v.date - interval 6 day as date)), v.date) + 1 end) as covered_days,
        list_sort(list_distinct(list(v.kind || ' (' || v.source || ')'))) as sources,
        min({'days': v.days, 'minus_streams': -v.streams, 'date': v.date}) as peak
    from track_day as v, bounds as b
    where v.platform = lower(p_platform)
      and v.month = strftime(cast(month_start as date), '%Y-%m')
      and v.date between b.a and b.b
    group by v.country, v.track_id
),
chart_stats as (
    -- the daily entries dated in the month: positions of every chart, days of the top one
    -- (the key holds one top-chart entry per track × day)
    select
        c.country,
        c.track_id,
        min(c.position) filter (where c.chart = 'top') as best_position,
        min(c.position) filter (where c.chart = 'viral') as best_viral_position,
        count(*) filter (where c.chart = 'top') as chart_days,
        min(c.date) filter (where c.chart = 'top') as first_chart_date,
        max(c.date) filter (where c.chart = 'top') as last_chart_date
    from chart_entries as c, bounds as b
    where c.platform = lower(p_platform)
      and c.frequency = 'daily'
      and c.month = strftime(cast(month_start as date), '%Y-%m')
      and c.date between b.a and b.b
    group by c.country, c.track_id
),
final as (
    select
        coalesce(v.country, c.country) as country,
        coalesce(v.track_id, c.track_id) as track_id,
        cast(v.total_streams as bigint) as total_streams,
        cast(coalesce(v.days_with_value, 0) as bigint) as days_with_value,
        cast(coalesce(v.covered_days, 0) as bigint) as covered_days,
        v.sources,
        cast(v.peak.days as bigint) as peak_days,
        cast(-v.peak.minus_streams as bigint) as peak_streams,
        v.peak.date as peak_date,
        cast(c.best_position as bigint) as best_position,
        cast(c.best_viral_position as bigint) as best_viral_position,
        cast(coalesce(c.chart_days, 0) as bigint) as chart_days,
        c.first_chart_date,
        c.last_chart_date,
        cast(coalesce(c.chart_days, 0) as bigint) as chart_days_own,
        c.first_chart_date as first_chart_own,
        c.last_chart_date as last_chart_own
    from value_stats as v
    full outer join chart_stats as c on c.country = v.country and c.track_id = v.track_id
)
select * from final
order by country, track_id
