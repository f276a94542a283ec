-- listeners_window_start(d): the first day of the "28 days to D" window.
-- Spotify's monthly listeners of day D are the unique listeners over the rolling
-- 28 UTC days ending on D: the window is [D - 27, D], both ends included (README, "What
-- the numbers mean"; docs/metrics.md, "Periods and the 28-day window").
create or replace macro listeners_window_start(d) as cast(cast(d as date) - interval 27 day as date);
