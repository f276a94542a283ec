-- check_chart_days
-- Grain: one row per chart day (platform × country × chart × frequency × date) with its
-- number of entries: all that the series rules (check_chart_gaps, check_thin_chart_days)
-- read, so that a report's checks can hand them its platforms and country only, every
-- day of those series, without copying the chart rows.
create or replace view check_chart_days as
with
final as (
    select platform, country, chart, frequency, date, count(*) as entries
    from chart_entries
    group by platform, country, chart, frequency, date
)
select * from final
