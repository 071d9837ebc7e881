-- Multi-dimensional risk index per community and month, after the EU JRC INFORM Risk Index, and
-- its population-weighted roll-up to streets, districts and the city. docs/risk-index.md defines
-- every indicator; safetynet/analytics/risk.py holds the same indicator table for tests and docs.
--
--   indicator scores 0–10 ("higher = worse")
--     → component = combine(indicators)       combine(x) = 11 − exp(mean(ln(11 − xᵢ)))
--     → dimension = combine(components)       HA = combine(hazard, exposure); VU; CC
--     → risk = (HA · VU · CC)^(1/3), classed as safetynet.metrics.risk_class
--   and each indicator's points: its share of the risk score (section 4), whose two largest
--   name the drivers in the "why" strings.
--
-- Months: the 24 calendar months up to the as-of date's month (fewer if the hazard records start
-- later). Each month is read at its last day; the as-of month, still under way, is read at the
-- as-of date (period_end = as_of, is_partial). Open hazards, drills, participants and team
-- members have a history and are read at period_end; population, vulnerable groups, supply
-- stocks, shelter access and the readiness checklist exist only as of the as-of date and are
-- used for every month.
--
-- Everything is computed wide (one row per community and month, one column per indicator):
-- the indicator columns are always listed in dim_risk_indicator.position order, which the
-- driver lists below rely on.

-- ---------------------------------------------------------------------------------------------
-- 1. The class of a score. Mirrors safetynet.metrics.RISK_CLASSES and RISK_CLASS_BOUNDS: a score
--    on a bound belongs to the higher class. Kept in the warehouse so tests can check each bound.
-- ---------------------------------------------------------------------------------------------
CREATE MACRO risk_class_of(score) AS
    CASE
        WHEN score >= 6.5 THEN {'key': 'very_high', 'zh': '极高', 'en': 'Very high', 'colour': '#D7191C'}
        WHEN score >= 5.0 THEN {'key': 'high', 'zh': '高', 'en': 'High', 'colour': '#FD8D3C'}
        WHEN score >= 3.5 THEN {'key': 'medium', 'zh': '中', 'en': 'Medium', 'colour': '#FFD92F'}
        WHEN score >= 2.0 THEN {'key': 'low', 'zh': '低', 'en': 'Low', 'colour': '#2C7BB6'}
        WHEN score >= 0.0 THEN {'key': 'very_low', 'zh': '极低', 'en': 'Very low', 'colour': '#BDBDBD'}
    END;

-- An indicator's 0–10 score from its raw value x and its row p of dim_risk_indicator.
CREATE TEMP MACRO risk_scaled(x, p) AS
    10.0 * least(1.0, greatest(0.0, CASE p.transform
        WHEN 'log' THEN (ln(1 + x) - ln(1 + p.lower)) / (ln(1 + p.upper) - ln(1 + p.lower))
        ELSE (x - p.lower) / (p.upper - p.lower)
    END));
CREATE TEMP MACRO risk_scale(x, p) AS
    CASE WHEN p.inverted THEN 10.0 - risk_scaled(x, p) ELSE risk_scaled(x, p) END;

-- INFORM's combine, written out for two, three, five and seven scores. Clipped at 0: for all
-- zeros 11 − exp(ln 11) comes out a few 1e−15 below 0, and pow() of a negative HA is NaN.
CREATE TEMP MACRO risk_combine2(a, b) AS
    greatest(0.0, 11.0 - exp((ln(11.0 - a) + ln(11.0 - b)) / 2));
CREATE TEMP MACRO risk_combine3(a, b, c) AS
    greatest(0.0, 11.0 - exp((ln(11.0 - a) + ln(11.0 - b) + ln(11.0 - c)) / 3));
CREATE TEMP MACRO risk_combine5(a, b, c, d, e) AS
    greatest(0.0, 11.0 - exp((ln(11.0 - a) + ln(11.0 - b) + ln(11.0 - c) + ln(11.0 - d)
                             + ln(11.0 - e)) / 5));
CREATE TEMP MACRO risk_combine7(a, b, c, d, e, f, g) AS
    greatest(0.0, 11.0 - exp((ln(11.0 - a) + ln(11.0 - b) + ln(11.0 - c) + ln(11.0 - d)
                             + ln(11.0 - e) + ln(11.0 - f) + ln(11.0 - g)) / 7));

-- Points of the risk score owed to one indicator (section 4): its dimension's factor
-- risk · dim / (HA + VU + CC) / ln(11 / (11 − dim)) times its term weight · ln(11 / (11 − x)).
CREATE TEMP MACRO risk_factor(dim, risk, dim_sum) AS
    CASE WHEN dim > 0 AND dim_sum > 0 THEN risk * dim / dim_sum / ln(11.0 / (11.0 - dim)) ELSE 0.0 END;
CREATE TEMP MACRO risk_points(score, weight, factor) AS
    factor * weight * ln(11.0 / (11.0 - score));

-- Drivers: position (1-based, in indicator order) of the k-th largest of a row's points, if
-- more than 0; equal points go to the earlier indicator (list_grade_up keeps ties in order).
-- by_points = list_grade_up(points, 'DESC'), the positions from the most points down.
CREATE TEMP MACRO risk_top(points, by_points, k) AS
    CASE WHEN points[by_points[k]] > 0 THEN by_points[k] END;

-- The "why" sentence from the two strongest drivers (name, score); a second driver may be NULL.
CREATE TEMP MACRO risk_why_zh(name1, score1, name2, score2) AS
    CASE WHEN name1 IS NULL THEN '无明显推高因素'
         ELSE '推高风险最多：' || name1 || '（' || printf('%.1f', score1) || '分）'
              || coalesce('、' || name2 || '（' || printf('%.1f', score2) || '分）', '')
    END;
CREATE TEMP MACRO risk_why_en(name1, score1, name2, score2) AS
    CASE WHEN name1 IS NULL THEN 'No component stands out'
         ELSE 'Pushed up most by: ' || name1 || ' (' || printf('%.1f', score1) || '/10)'
              || coalesce(', ' || name2 || ' (' || printf('%.1f', score2) || '/10)', '')
    END;

-- The explanation of scored rows (a table of communities' or places' months): the risk class,
-- the two indicators with the most points (the drivers) and the why sentences. The indicators'
-- scores and points are taken as lists, in indicator order, from the *_score / *_points columns.
CREATE TEMP MACRO risk_explained(source) AS TABLE
WITH listed AS (
    SELECT *,
           list_value(*COLUMNS('^(hz|ex|vu|cc)_.+_score$')) AS scores,
           list_value(*COLUMNS('^(hz|ex|vu|cc)_.+_points$')) AS points
    FROM query_table(source)
),
ranked AS (
    SELECT *,
           risk_top(points, list_grade_up(points, 'DESC'), 1) AS top_1,
           risk_top(points, list_grade_up(points, 'DESC'), 2) AS top_2,
           risk_class_of(risk) AS class
    FROM listed
)
SELECT ranked.* EXCLUDE (top_1, top_2, scores, points, class),
       class.key AS risk_class, class.zh AS risk_class_zh, class.en AS risk_class_en,
       class.colour AS risk_colour,
       d1.indicator AS driver_1, points[top_1] AS driver_1_points,
       d2.indicator AS driver_2, points[top_2] AS driver_2_points,
       risk_why_zh(d1.name_zh, scores[top_1], d2.name_zh, scores[top_2]) AS why_zh,
       risk_why_en(d1.name_en, scores[top_1], d2.name_en, scores[top_2]) AS why_en
FROM ranked
LEFT JOIN dim_risk_indicator d1 ON d1.position = ranked.top_1
LEFT JOIN dim_risk_indicator d2 ON d2.position = ranked.top_2;

-- ---------------------------------------------------------------------------------------------
-- 2. The indicators: source, scaling bounds, direction (same as safetynet/analytics/risk.py INDICATORS).
--    linear: 10·(x − lower)/(upper − lower); log: 10·(ln(1+x) − ln(1+lower))/(ln(1+upper) −
--    ln(1+lower)); clipped to 0–10; inverted (capacities): 10 − that, i.e. "lack of".
--    weight: the indicator's share in its dimension, 1 / (indicators in its component ×
--    components in its dimension), the exponent it carries in the nested combine.
-- ---------------------------------------------------------------------------------------------
CREATE TABLE dim_risk_indicator AS
WITH t(position, indicator, dimension, component, name_zh, name_en, unit_zh, unit_en,
       transform, lower, upper, inverted) AS (VALUES
    (1, 'hz_flood', 'ha', 'hazard', '洪涝隐患', 'Flood hazards',
        '加权隐患数/千人', 'weighted hazards per 1,000 residents', 'log', 0, 2, false),
    (2, 'hz_fire', 'ha', 'hazard', '火灾隐患', 'Fire hazards',
        '加权隐患数/千人', 'weighted hazards per 1,000 residents', 'log', 0, 2, false),
    (3, 'hz_gas', 'ha', 'hazard', '燃气隐患', 'Gas hazards',
        '加权隐患数/千人', 'weighted hazards per 1,000 residents', 'log', 0, 2, false),
    (4, 'hz_geological', 'ha', 'hazard', '地质灾害隐患', 'Geological hazards',
        '加权隐患数/千人', 'weighted hazards per 1,000 residents', 'log', 0, 2, false),
    (5, 'hz_other', 'ha', 'hazard', '其他隐患', 'Other hazards',
        '加权隐患数/千人', 'weighted hazards per 1,000 residents', 'log', 0, 2, false),
    (6, 'ex_flood_prone', 'ha', 'exposure', '位于易涝区', 'In a flood-prone area',
        '是=1', 'yes = 1', 'linear', 0, 1, false),
    (7, 'ex_hilly', 'ha', 'exposure', '位于丘陵山区', 'In hilly terrain',
        '是=1', 'yes = 1', 'linear', 0, 1, false),
    (8, 'ex_density', 'ha', 'exposure', '人口密度', 'Population density',
        '人/平方公里', 'residents per km²', 'log', 100, 20000, false),
    (9, 'vu_elderly', 'vu', 'vulnerability', '65岁以上人口占比', 'Share aged 65+',
        '比例', 'share', 'linear', 0.05, 0.25, false),
    (10, 'vu_vulnerable', 'vu', 'vulnerability', '弱势群体密度', 'Vulnerable people per 1,000',
        '人/千人', 'per 1,000 residents', 'linear', 20, 120, false),
    (11, 'vu_no_helper', 'vu', 'vulnerability', '弱势群体未结对帮扶',
        'Vulnerable people without a helper', '比例', 'share', 'linear', 0, 1, false),
    (12, 'cc_stock', 'cc', 'capacity', '应急物资不足', 'Short of emergency supplies',
        '达标比例', 'share of norm', 'linear', 0, 1, true),
    (13, 'cc_flood_stock', 'cc', 'capacity', '防汛物资不足', 'Short of flood supplies',
        '达标比例', 'share of norm', 'linear', 0, 1, true),
    (14, 'cc_team', 'cc', 'capacity', '应急队伍人员少', 'Few team members',
        '人/千人', 'per 1,000 residents', 'log', 0, 50, true),
    (15, 'cc_drills', 'cc', 'capacity', '演练少', 'Few drills',
        '次/12个月', 'drills in 12 months', 'linear', 0, 4, true),
    (16, 'cc_participants', 'cc', 'capacity', '演练培训参与少', 'Few residents drilled',
        '人次/千人/12个月', 'participants per 1,000 in 12 months', 'log', 0, 200, true),
    (17, 'cc_shelter', 'cc', 'capacity', '避难场所可达不足', 'Little shelter within reach',
        '位/人', 'places per resident', 'linear', 0, 1, true),
    (18, 'cc_readiness', 'cc', 'capacity', '应急准备不完善', 'Readiness checklist incomplete',
        '项（0–4）', 'items (0–4)', 'linear', 0, 4, true)
),
typed AS (
    SELECT position::INTEGER AS position, indicator, dimension, component, name_zh, name_en,
           unit_zh, unit_en, transform, lower::DOUBLE AS lower, upper::DOUBLE AS upper, inverted
    FROM t
),
sizes AS (
    SELECT dimension, component, count(*) AS n,
           count(*) OVER (PARTITION BY dimension) AS m  -- components in the dimension
    FROM typed GROUP BY dimension, component
)
SELECT t.*, 1.0 / (s.n * s.m) AS weight
FROM typed t JOIN sizes s USING (dimension, component)
ORDER BY t.position;

-- ---------------------------------------------------------------------------------------------
-- 3. Months, and the raw value of every indicator per community and month.
-- ---------------------------------------------------------------------------------------------
CREATE TEMP TABLE risk_month AS
SELECT r.m::DATE AS month,
       least(last_day(r.m::DATE), b.as_of) AS period_end,
       last_day(r.m::DATE) > b.as_of AS is_partial
FROM meta_build b,
     range(date_trunc('month', b.as_of) - INTERVAL 23 MONTH, b.as_of + INTERVAL 1 DAY,
           INTERVAL 1 MONTH) AS r(m)
WHERE least(last_day(r.m::DATE), b.as_of) >= (SELECT min(found_date) FROM stg_hazards);

-- Hazards open at the end of each month (found by then, not rectified by then), weighted by
-- severity (general 1, major 5) and grouped into the five hazard indicators.
CREATE TEMP TABLE risk_hazard_month AS
WITH h AS (
    SELECT community_code, found_date, severity,
           coalesce(rectified_date, DATE '9999-12-31') AS closed_date,
           CASE severity WHEN 'major' THEN 5 ELSE 1 END AS weight,
           CASE WHEN category = 'flood' THEN 'flood'
                WHEN category IN ('fire', 'ebike', 'wiring', 'forest_fire') THEN 'fire'
                WHEN category = 'gas' THEN 'gas'
                WHEN category = 'geological' THEN 'geological'
                ELSE 'other'  -- building, chemical, traffic
           END AS hazard_group
    FROM mart_hazard
)
SELECT h.community_code, m.month,
       count(*) AS open_hazards,
       count(*) FILTER (WHERE h.severity = 'major') AS open_major,
       coalesce(sum(h.weight) FILTER (WHERE h.hazard_group = 'flood'), 0) AS flood_points,
       coalesce(sum(h.weight) FILTER (WHERE h.hazard_group = 'fire'), 0) AS fire_points,
       coalesce(sum(h.weight) FILTER (WHERE h.hazard_group = 'gas'), 0) AS gas_points,
       coalesce(sum(h.weight) FILTER (WHERE h.hazard_group = 'geological'), 0) AS geological_points,
       coalesce(sum(h.weight) FILTER (WHERE h.hazard_group = 'other'), 0) AS other_points
FROM h
JOIN risk_month m ON h.found_date <= m.period_end AND h.closed_date > m.period_end
GROUP BY h.community_code, m.month;

-- Drills (kind 'drill') and participants (drills and trainings) in the 365 days up to the end of
-- each month, and members of teams founded by then: as mart_capacity_community reads them on the
-- as-of date, so the as-of month equals that mart.
CREATE TEMP TABLE risk_drill_month AS
SELECT d.community_code, m.month,
       count(*) FILTER (WHERE d.kind = 'drill') AS drills_12m,
       sum(d.participants) AS participants_12m
FROM stg_drills d
JOIN risk_month m ON d.held_date > m.period_end - 365 AND d.held_date <= m.period_end
GROUP BY d.community_code, m.month;

CREATE TEMP TABLE risk_team_month AS
SELECT t.community_code, m.month, sum(t.members) AS team_members
FROM stg_teams t
JOIN risk_month m ON t.founded_date <= m.period_end
GROUP BY t.community_code, m.month;

-- Indicator values per community and month. Rates of a community without residents are 0.
CREATE TEMP MACRO risk_per_1000(count, population) AS
    CASE WHEN population > 0 THEN 1000.0 * count / population ELSE 0.0 END::DOUBLE;

CREATE TEMP TABLE risk_value AS
WITH vulnerable AS (
    SELECT community_code, sum(people) AS people, sum(with_helper) AS with_helper
    FROM stg_vulnerable_groups GROUP BY community_code
),
static AS (
    SELECT c.community_code, c.street_code, c.district_code, c.population, c.people_65plus,
           c.flood_prone, c.hilly,
           -- No area per community in the data: the unit's density (常住人口 / 面积) stands in.
           CASE WHEN d.area_km2 > 0 THEN d.population / d.area_km2 ELSE 0 END AS density,
           coalesce(v.people, 0) AS vulnerable, coalesce(v.with_helper, 0) AS with_helper,
           k.stock_ratio, k.flood_stock_ratio, k.shelter_access, k.readiness_score
    FROM dim_community c
    JOIN dim_district d USING (district_code)
    LEFT JOIN vulnerable v USING (community_code)
    LEFT JOIN mart_capacity_community k USING (community_code)
)
SELECT s.community_code, s.street_code, s.district_code,
       m.month, m.period_end, m.is_partial, s.population,
       coalesce(h.open_hazards, 0)::INTEGER AS open_hazards,
       coalesce(h.open_major, 0)::INTEGER AS open_major,
       -- hazard & exposure
       risk_per_1000(coalesce(h.flood_points, 0), s.population) AS hz_flood_value,
       risk_per_1000(coalesce(h.fire_points, 0), s.population) AS hz_fire_value,
       risk_per_1000(coalesce(h.gas_points, 0), s.population) AS hz_gas_value,
       risk_per_1000(coalesce(h.geological_points, 0), s.population) AS hz_geological_value,
       risk_per_1000(coalesce(h.other_points, 0), s.population) AS hz_other_value,
       s.flood_prone::DOUBLE AS ex_flood_prone_value,
       s.hilly::DOUBLE AS ex_hilly_value,
       s.density::DOUBLE AS ex_density_value,
       -- vulnerability
       CASE WHEN s.population > 0 THEN s.people_65plus / s.population ELSE 0 END::DOUBLE
           AS vu_elderly_value,
       risk_per_1000(s.vulnerable, s.population) AS vu_vulnerable_value,
       CASE WHEN s.vulnerable > 0 THEN (s.vulnerable - s.with_helper) / s.vulnerable ELSE 0
       END::DOUBLE AS vu_no_helper_value,
       -- coping capacity (scored as its lack); no stock ratio (no need for supplies) counts as 0
       coalesce(s.stock_ratio, 0)::DOUBLE AS cc_stock_value,
       coalesce(s.flood_stock_ratio, 0)::DOUBLE AS cc_flood_stock_value,
       risk_per_1000(coalesce(t.team_members, 0), s.population) AS cc_team_value,
       coalesce(d.drills_12m, 0)::DOUBLE AS cc_drills_value,
       risk_per_1000(coalesce(d.participants_12m, 0), s.population) AS cc_participants_value,
       coalesce(s.shelter_access, 0)::DOUBLE AS cc_shelter_value,
       coalesce(s.readiness_score, 0)::DOUBLE AS cc_readiness_value
FROM static s
CROSS JOIN risk_month m
LEFT JOIN risk_hazard_month h USING (community_code, month)
LEFT JOIN risk_drill_month d USING (community_code, month)
LEFT JOIN risk_team_month t USING (community_code, month);

-- ---------------------------------------------------------------------------------------------
-- 4. mart_risk_community_month: one row per community and month; for every indicator its raw
--    value, its score and its points, then the components, dimensions, risk, class and why.
--
--    Points (the "push" of an indicator): the risk score shared out over the indicators, so
--    that they add up to it. A dimension's share is its score over the sum of the three;
--    inside a dimension, combine is a weighted mean on the log-gap scale, ln(11 / (11 − dim))
--    = Σ weightᵢ · ln(11 / (11 − xᵢ)), so each indicator takes its term's share of that sum:
--      pointsᵢ = risk · dim / (HA + VU + CC) · weightᵢ · ln(11 / (11 − xᵢ)) / ln(11 / (11 − dim))
--    An indicator at 0 has no points; a high one has more than in proportion, as in combine.
-- ---------------------------------------------------------------------------------------------
CREATE TEMP TABLE risk_community_scored AS
WITH p AS (  -- every indicator's row of dim_risk_indicator, by key: p['hz_flood'].upper
    SELECT map_from_entries(list({'key': indicator, 'value': {
               'transform': transform, 'lower': lower, 'upper': upper, 'inverted': inverted,
               'weight': weight}})) AS p
    FROM dim_risk_indicator
),
scored AS MATERIALIZED (
    SELECT v.*,
           risk_scale(hz_flood_value, p['hz_flood']) AS hz_flood_score,
           risk_scale(hz_fire_value, p['hz_fire']) AS hz_fire_score,
           risk_scale(hz_gas_value, p['hz_gas']) AS hz_gas_score,
           risk_scale(hz_geological_value, p['hz_geological']) AS hz_geological_score,
           risk_scale(hz_other_value, p['hz_other']) AS hz_other_score,
           risk_scale(ex_flood_prone_value, p['ex_flood_prone']) AS ex_flood_prone_score,
           risk_scale(ex_hilly_value, p['ex_hilly']) AS ex_hilly_score,
           risk_scale(ex_density_value, p['ex_density']) AS ex_density_score,
           risk_scale(vu_elderly_value, p['vu_elderly']) AS vu_elderly_score,
           risk_scale(vu_vulnerable_value, p['vu_vulnerable']) AS vu_vulnerable_score,
           risk_scale(vu_no_helper_value, p['vu_no_helper']) AS vu_no_helper_score,
           risk_scale(cc_stock_value, p['cc_stock']) AS cc_stock_score,
           risk_scale(cc_flood_stock_value, p['cc_flood_stock']) AS cc_flood_stock_score,
           risk_scale(cc_team_value, p['cc_team']) AS cc_team_score,
           risk_scale(cc_drills_value, p['cc_drills']) AS cc_drills_score,
           risk_scale(cc_participants_value, p['cc_participants']) AS cc_participants_score,
           risk_scale(cc_shelter_value, p['cc_shelter']) AS cc_shelter_score,
           risk_scale(cc_readiness_value, p['cc_readiness']) AS cc_readiness_score
    FROM risk_value v, p
),
combined AS MATERIALIZED (
    SELECT *,
           risk_combine5(hz_flood_score, hz_fire_score, hz_gas_score, hz_geological_score,
                         hz_other_score) AS hazard,
           risk_combine3(ex_flood_prone_score, ex_hilly_score, ex_density_score) AS exposure,
           risk_combine2(hazard, exposure) AS ha,
           risk_combine3(vu_elderly_score, vu_vulnerable_score, vu_no_helper_score) AS vu,
           risk_combine7(cc_stock_score, cc_flood_stock_score, cc_team_score, cc_drills_score,
                         cc_participants_score, cc_shelter_score, cc_readiness_score) AS cc,
           pow(ha * vu * cc, 1.0 / 3.0) AS risk,
           risk_factor(ha, risk, ha + vu + cc) AS ha_factor,
           risk_factor(vu, risk, ha + vu + cc) AS vu_factor,
           risk_factor(cc, risk, ha + vu + cc) AS cc_factor
    FROM scored
),
pointed AS MATERIALIZED (
    SELECT *,
           risk_points(hz_flood_score, p['hz_flood'].weight, ha_factor) AS hz_flood_points,
           risk_points(hz_fire_score, p['hz_fire'].weight, ha_factor) AS hz_fire_points,
           risk_points(hz_gas_score, p['hz_gas'].weight, ha_factor) AS hz_gas_points,
           risk_points(hz_geological_score, p['hz_geological'].weight, ha_factor) AS hz_geological_points,
           risk_points(hz_other_score, p['hz_other'].weight, ha_factor) AS hz_other_points,
           risk_points(ex_flood_prone_score, p['ex_flood_prone'].weight, ha_factor) AS ex_flood_prone_points,
           risk_points(ex_hilly_score, p['ex_hilly'].weight, ha_factor) AS ex_hilly_points,
           risk_points(ex_density_score, p['ex_density'].weight, ha_factor) AS ex_density_points,
           risk_points(vu_elderly_score, p['vu_elderly'].weight, vu_factor) AS vu_elderly_points,
           risk_points(vu_vulnerable_score, p['vu_vulnerable'].weight, vu_factor) AS vu_vulnerable_points,
           risk_points(vu_no_helper_score, p['vu_no_helper'].weight, vu_factor) AS vu_no_helper_points,
           risk_points(cc_stock_score, p['cc_stock'].weight, cc_factor) AS cc_stock_points,
           risk_points(cc_flood_stock_score, p['cc_flood_stock'].weight, cc_factor) AS cc_flood_stock_points,
           risk_points(cc_team_score, p['cc_team'].weight, cc_factor) AS cc_team_points,
           risk_points(cc_drills_score, p['cc_drills'].weight, cc_factor) AS cc_drills_points,
           risk_points(cc_participants_score, p['cc_participants'].weight, cc_factor) AS cc_participants_points,
           risk_points(cc_shelter_score, p['cc_shelter'].weight, cc_factor) AS cc_shelter_points,
           risk_points(cc_readiness_score, p['cc_readiness'].weight, cc_factor) AS cc_readiness_points
    FROM combined, p
)
SELECT community_code, street_code, district_code, month, period_end, is_partial,
       population, open_hazards, open_major,
       -- value, score, points of each indicator, in dim_risk_indicator order
       hz_flood_value, hz_flood_score, hz_flood_points,
       hz_fire_value, hz_fire_score, hz_fire_points,
       hz_gas_value, hz_gas_score, hz_gas_points,
       hz_geological_value, hz_geological_score, hz_geological_points,
       hz_other_value, hz_other_score, hz_other_points,
       ex_flood_prone_value, ex_flood_prone_score, ex_flood_prone_points,
       ex_hilly_value, ex_hilly_score, ex_hilly_points,
       ex_density_value, ex_density_score, ex_density_points,
       vu_elderly_value, vu_elderly_score, vu_elderly_points,
       vu_vulnerable_value, vu_vulnerable_score, vu_vulnerable_points,
       vu_no_helper_value, vu_no_helper_score, vu_no_helper_points,
       cc_stock_value, cc_stock_score, cc_stock_points,
       cc_flood_stock_value, cc_flood_stock_score, cc_flood_stock_points,
       cc_team_value, cc_team_score, cc_team_points,
       cc_drills_value, cc_drills_score, cc_drills_points,
       cc_participants_value, cc_participants_score, cc_participants_points,
       cc_shelter_value, cc_shelter_score, cc_shelter_points,
       cc_readiness_value, cc_readiness_score, cc_readiness_points,
       hazard, exposure, ha, vu, cc, risk
FROM pointed;

CREATE TABLE mart_risk_community_month AS
SELECT * FROM risk_explained('risk_community_scored')
ORDER BY month, community_code;

-- ---------------------------------------------------------------------------------------------
-- 5. mart_risk_place_month: streets, districts and the city (410100); every value, score,
--    points, component, dimension and the risk itself the population-weighted mean of its
--    communities' (so a place's points still add up to its risk). Class, drivers and why are
--    then worked out from these means, as for a community.
-- ---------------------------------------------------------------------------------------------
CREATE TEMP TABLE risk_place_scored AS
SELECT CASE WHEN grouping(street_code) = 0 THEN 'street'
            WHEN grouping(district_code) = 0 THEN 'district'
            ELSE 'city' END AS level,
       coalesce(street_code, district_code, '410100') AS place_code,
       district_code, street_code, month,
       any_value(period_end) AS period_end, any_value(is_partial) AS is_partial,
       count(*)::INTEGER AS communities,
       sum(population)::BIGINT AS population,
       sum(open_hazards)::INTEGER AS open_hazards,
       sum(open_major)::INTEGER AS open_major,
       sum(population * COLUMNS('^(hz|ex|vu|cc)_.+_(value|score|points)$')) / nullif(sum(population), 0),
       sum(population * COLUMNS('^(hazard|exposure|ha|vu|cc|risk)$')) / nullif(sum(population), 0)
FROM mart_risk_community_month
GROUP BY GROUPING SETS ((month, district_code, street_code), (month, district_code), (month));

CREATE TABLE mart_risk_place_month AS
SELECT * FROM risk_explained('risk_place_scored')
ORDER BY month, level, place_code;

-- The latest month (the as-of month), for pages that show the current state only.
CREATE VIEW mart_risk_community_current AS
SELECT * FROM mart_risk_community_month
WHERE month = (SELECT max(month) FROM mart_risk_community_month);

CREATE VIEW mart_risk_place_current AS
SELECT * FROM mart_risk_place_month
WHERE month = (SELECT max(month) FROM mart_risk_place_month);

DROP TABLE risk_month;
DROP TABLE risk_hazard_month;
DROP TABLE risk_drill_month;
DROP TABLE risk_team_month;
DROP TABLE risk_value;
DROP TABLE risk_community_scored;
DROP TABLE risk_place_scored;
DROP MACRO TABLE risk_explained;
DROP MACRO risk_per_1000;
DROP MACRO risk_scale;
DROP MACRO risk_scaled;
DROP MACRO risk_combine2;
DROP MACRO risk_combine3;
DROP MACRO risk_combine5;
DROP MACRO risk_combine7;
DROP MACRO risk_factor;
DROP MACRO risk_points;
DROP MACRO risk_top;
DROP MACRO risk_why_zh;
DROP MACRO risk_why_en;
