-- period_days(start_date, end_date): calendar days in [start_date, end_date], both ends included.
-- The denominator of every coverage figure (docs/metrics.md, "Periods and the 28-day window").
create or replace macro period_days(start_date, end_date) as
    date_diff('day', cast(start_date as date), cast(end_date as date)) + 1;
