-- check_thin_chart_days()
-- Grain: one row per chart day (platform × country × chart × frequency × date) with far
-- fewer entries than its series usually has: under half the median day of the series,
-- and at least 10 entries short (so a chart of three entries that shows one is not news).
create or replace macro check_thin_chart_days() as table
with
per_day as (
    select platform, country, chart, frequency, date, entries from check_chart_days
),
usual as (
    select platform, country, chart, frequency, median(entries) as usual_entries
    from per_day
    group by platform, country, chart, frequency
),
thin as (
    select per_day.*, usual.usual_entries
    from per_day
    join usual using (platform, country, chart, frequency)
    where entries < usual_entries / 2 and usual_entries - entries >= 10
),
final as (
    select
        'chart_entries' as tbl,
        platform || ' × ' || country || ' × ' || chart || ' × ' || frequency as subject,
        strftime(date, '%Y-%m-%d') || ': ' || entries || ' entries, usually '
            || cast(usual_entries as bigint) as example,
        1 as n,
        json_object('platform', platform, 'country', country, 'date', date) as scope
    from thin
)
select * from final
