-- check_chart_gaps()
-- Grain: one row per day missing from a chart series (platform × country × chart ×
-- frequency) between its first and its last date. A weekly series is expected every
-- seventh day from its first date (a weekly row is dated on the last day of its week),
-- so a missing week is one row.
create or replace macro check_chart_gaps() as table
with
present as (
    select platform, country, chart, frequency, date from check_chart_days
),
series as (
    select
        platform, country, chart, frequency,
        min(date) as first_date,
        max(date) as last_date,
        count(*) as dates_present,
        case when frequency = 'weekly' then 7 else 1 end as step
    from present
    group by platform, country, chart, frequency
),
gappy as (
    select * from series
    where dates_present < date_diff('day', first_date, last_date) // step + 1
),
expected as (
    select
        platform, country, chart, frequency,
        cast(unnest(generate_series(first_date, last_date, to_days(step))) as date) as date
    from gappy
),
missing as (
    select * from expected
    anti join present using (platform, country, chart, frequency, date)
),
final as (
    select
        'chart_entries' as tbl,
        platform || ' × ' || country || ' × ' || chart || ' × ' || frequency as subject,
        strftime(date, '%Y-%m-%d') as example,
        1 as n,
        json_object('platform', platform, 'country', country, 'date', date) as scope
    from missing
)
select * from final
